#!/usr/bin/env bash
# Kafka Streams' shipped WordCountDemo (Kafka 4.3.1 jars from ../shared/conformance/setup.sh)
# against a running broker: the counts in streams-wordcount-output must be exactly the ones of
# Kafka's Streams quickstart. Prints "N passed, M failed"; exits non-zero on failure.
#   tests/streams/wordcount.sh BOOTSTRAP
set -uo pipefail
bootstrap=${1:?usage: wordcount.sh BOOTSTRAP}
libs=${KAFKA_LIBS:-/opt/kafka-4.3.1/libs}
shared=${SHARED_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)/shared}
log4j="-Dlog4j2.configurationFile=$shared/conformance/conf/log4j2-warn.properties"
run_id=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
in=streams-plaintext-input
out=streams-wordcount-output
work=$(mktemp -d)
kjava() { java -XX:TieredStopAtLevel=1 -cp "$libs/*:$shared/conformance/lib/*" "$log4j" "$@"; }

app=
cleanup() {
  if [ -n "$app" ]; then kill "$app" 2>/dev/null; wait "$app" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The demo's topic names are fixed; a rerun against the same broker starts from fresh topics.
kjava org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --delete --topic "$in" --if-exists >/dev/null 2>&1
kjava org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --delete --topic "$out" --if-exists >/dev/null 2>&1
kjava org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create --topic "$in" --partitions 1 >/dev/null
kjava org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create --topic "$out" --partitions 1 \
  --config cleanup.policy=compact >/dev/null

printf 'all streams lead to kafka\nhello kafka streams\njoin kafka summit\n' |
  kjava org.apache.kafka.tools.ConsoleProducer --bootstrap-server "$bootstrap" --topic "$in"

printf 'bootstrap.servers=%s\napplication.id=wordcount-%s\nstate.dir=%s/state\n' "$bootstrap" "$run_id" "$work" > "$work/streams.properties"
# Started directly, not through kjava, so that $! is the JVM itself and the trap stops it.
java -XX:TieredStopAtLevel=1 -cp "$libs/*:$shared/conformance/lib/*" "$log4j" \
  org.apache.kafka.streams.examples.wordcount.WordCountDemo "$work/streams.properties" > "$work/streams.log" 2>&1 &
app=$!

expected=$'all\t1\nstreams\t1\nlead\t1\nto\t1\nkafka\t1\nhello\t1\nkafka\t2\nstreams\t2\njoin\t1\nkafka\t3\nsummit\t1'
got=
deadline=$((SECONDS + 90))
while [ $SECONDS -lt $deadline ]; do
  got=$(kjava org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$bootstrap" --topic "$out" \
    --from-beginning --timeout-ms 5000 --max-messages 11 --property print.key=true \
    --property value.deserializer=org.apache.kafka.common.serialization.LongDeserializer 2>/dev/null | grep $'\t')
  [ "$(grep -c . <<<"$got")" -ge 11 ] && break
done
# The demo turns record caching off, so every update is emitted, in input order: the sequence is exact.
if [ "$got" = "$expected" ]; then
  echo "PASS streams-wordcount-demo"; echo "1 passed, 0 failed"; exit 0
fi
echo "FAIL streams-wordcount-demo: expected"; echo "$expected"; echo "got"; echo "$got"
tail -20 "$work/streams.log"
echo "0 passed, 1 failed"; exit 1

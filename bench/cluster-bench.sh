#!/usr/bin/env bash
# Runs a cluster bench main (3 controllers + 3 brokers as separate processes, the "Multiple nodes"
# layout of Kafka's image docs) for Sluice, Apache Kafka 4.3.1, or both one after the other, and for
# "both" prints the Sluice/Kafka ratio of every numeric *_ms and *_per_sec figure of the RESULT lines.
#   Usage: bench/cluster-bench.sh MAIN_CLASS WORK [sluice|kafka|both] [extra args for MAIN_CLASS]
#   Env:   KAFKA_HOME (default /opt/kafka-4.3.1), SLUICE_JAR (run the packaged app,
#          target/quarkus-app/quarkus-run.jar, instead of the test-classpath node main)
# Used by metadata-propagation.sh and replication.sh. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
MAIN=$1; WORK=$2; shift 2
WHICH=${1:-both}; shift || true
KAFKA_HOME=${KAFKA_HOME:-/opt/kafka-4.3.1}

mvn -o -q -B test-compile
mvn -o -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
JAR_OPT=()
if [ -n "${SLUICE_JAR:-}" ]; then JAR_OPT=(-Dsluice.cluster.jar="$SLUICE_JAR"); fi

# Kafka's libs have slf4j-api 1.7 but no 1.x binding: the log4j2 one from the local Maven repository.
log4j_version() { basename "$(ls "$KAFKA_HOME"/libs/log4j-core-*.jar)" .jar | sed 's/^log4j-core-//'; }
slf4j_binding() {
  local v; v=$(log4j_version)
  local jar=~/.m2/repository/org/apache/logging/log4j/log4j-slf4j-impl/$v/log4j-slf4j-impl-$v.jar
  [ -f "$jar" ] || mvn -q -B dependency:get -Dartifact="org.apache.logging.log4j:log4j-slf4j-impl:$v" >&2
  echo "$jar"
}

run() { # FLAVOR ARGS...
  local flavor=$1; shift
  rm -rf "${WORK:?}/$flavor"
  java -Xmx512m "${JAR_OPT[@]}" -cp "$CP" "$MAIN" "$flavor" "$WORK/$flavor" "$@" \
    2> "$WORK/$flavor.stderr" | tee "$WORK/$flavor.out" || { tail -50 "$WORK/$flavor.stderr" >&2; return 1; }
}

mkdir -p "$WORK"
case "$WHICH" in
  sluice) run sluice "$@" ;;
  kafka) run kafka "kafka.home=$KAFKA_HOME" "slf4j.binding=$(slf4j_binding)" "$@" ;;
  both)
    run sluice "$@"
    run kafka "kafka.home=$KAFKA_HOME" "slf4j.binding=$(slf4j_binding)" "$@"
    echo "---- Sluice / Kafka"
    awk '/^RESULT/ && !/ round=/ { f=""; w=""; for (i=2;i<=NF;i++) { split($i,kv,"="); if (kv[1]=="flavor") f=kv[2]; else if (kv[1]=="what") w=kv[2]; else if (kv[2] ~ /^[0-9.]+$/) v[f, w, kv[1]]=kv[2]; keys[w, kv[1]]=1 } }
         END { for (k in keys) { split(k, p, SUBSEP); s=v["sluice", p[1], p[2]]; kf=v["kafka", p[1], p[2]];
               if (s != "" && kf != "" && kf > 0 && p[2] ~ /(ms|per_sec)$/) printf "RATIO what=%s %s sluice=%s kafka=%s sluice/kafka=%.2f\n", p[1], p[2], s, kf, s/kf } }' \
      "$WORK/sluice.out" "$WORK/kafka.out" | sort ;;
  *) echo "usage: $0 MAIN_CLASS WORK [sluice|kafka|both] [args]" >&2; exit 2 ;;
esac

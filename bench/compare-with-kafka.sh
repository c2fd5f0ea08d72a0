#!/usr/bin/env bash
# Sluice vs Apache Kafka 4.3.1 (KRaft), measured one after the other on this machine with the
# shared anchor scripts (ANCHOR, default /work/shared/anchor): same readiness probe, same perf
# matrix (perf.sh: Kafka 4.3.1 ProducerPerformance / ConsumerPerformance / AnchorE2E), same RSS and
# CPU sampling, then compare.sh ratio tables (Sluice / Kafka) and a short summary against the targets.
#
#   Usage: bench/compare-with-kafka.sh              full matrix (~15-20 min on 2 cores)
#          QUICK=1 bench/compare-with-kafka.sh      smoke run (small record counts, ~5 min)
#
# Steps: 1. Kafka 4.3.1: start-kafka-kraft.sh (fresh, -Xmx1g -Xms1g) -> STARTUP line; idle
#           IDLE_SETTLE_S -> idle RSS; perf.sh with BROKER_PID; stop-kafka.sh kraft.
#        2. Sluice: mvn -q -DskipTests package in the repo root if the jar is missing or older than
#           src/ or pom.xml (BUILD=0 never builds, BUILD=1 always builds); launch
#           target/quarkus-app/quarkus-run.jar on 19095 (controller 19096, management 19097) with a
#           fresh log dir, timed with the anchor's arm_probe/await_probe exactly like Kafka;
#           idle IDLE_SETTLE_S -> idle RSS; perf.sh with BROKER_PID; SIGTERM and wait.
#        3. compare.sh on both outputs + summary (ratios, targets, failed scenarios).
# Env (knobs passed to perf.sh unchanged, same for both brokers):
#   PRODUCE_SPECS PARTITIONS ACKS_LIST E2E_RECORDS PERF_REPEATS WARMUP_RECORDS PAUSE_S RUN_TIMEOUT_S
#   QUICK=1            defaults PARTITIONS=1 PRODUCE_SPECS="100:50000 1024:10000" ACKS_LIST="1 all"
#                      E2E_RECORDS=1000 E2E_WARMUP=200 WARMUP_RECORDS=0 PERF_REPEATS=1 PAUSE_S=1
#                      RUN_TIMEOUT_S=180 (explicit knobs still win)
#   STARTUP_REPEATS    fresh start -> ready -> settle -> RSS, N times per broker (default 1; the last
#                      start is the one perf.sh runs against); SUMMARY lines carry the medians
#   IDLE_SETTLE_S      default 15 (as bench-startup.sh)
#   JOIN_ROUNDS        consumer join -> first record, fresh groups per protocol (classic, KIP-848),
#                      after perf on each broker (default 5; 0 skips); bench/src/JoinToFirstRecord.java
#   SLUICE_HEAP_OPTS   default "-Xmx1g" (Kafka runs with -Xmx1g -Xms1g); given to bin/sluice as KAFKA_HEAP_OPTS
#   SLUICE_JVM_OPTS    default: Kafka's KAFKA_JVM_PERFORMANCE_OPTS (G1, MaxGCPauseMillis=20, ...), the same
#                      GC as Kafka for the throughput runs (bin/sluice's own default is the serial collector;
#                      startup.sh measures that one)
#   SLUICE_PORT        default 19095 (controller +1, management +2)
#   SKIP_KAFKA=1       reuse a previous Kafka result file KAFKA_RESULT=path (must contain SUMMARY)
#   OUT                results dir, default /tmp/sluice-bench/YYYYmmdd-HHMMSS
# Everything lives in /tmp; processes are stopped by PID only (trap on exit).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
ANCHOR=${ANCHOR:-/work/shared/anchor}
[ -f "$ANCHOR/lib.sh" ] || { echo "ERROR: anchor scripts not found in ANCHOR=$ANCHOR" >&2; exit 1; }
# shellcheck source=/dev/null
. "$ANCHOR/lib.sh"

if [ "${QUICK:-0}" = 1 ]; then
  : "${PARTITIONS:=1}" "${PRODUCE_SPECS:=100:50000 1024:10000}" "${ACKS_LIST:=1 all}"
  : "${E2E_RECORDS:=1000}" "${E2E_WARMUP:=200}" "${WARMUP_RECORDS:=0}" "${PERF_REPEATS:=1}"
  : "${PAUSE_S:=1}" "${RUN_TIMEOUT_S:=180}"
fi
export PARTITIONS PRODUCE_SPECS ACKS_LIST E2E_RECORDS E2E_WARMUP WARMUP_RECORDS PERF_REPEATS PAUSE_S RUN_TIMEOUT_S
# drop the unset ones again (perf.sh applies its own defaults to unset, not to empty, values)
for _v in PARTITIONS PRODUCE_SPECS ACKS_LIST E2E_RECORDS E2E_WARMUP WARMUP_RECORDS PERF_REPEATS PAUSE_S RUN_TIMEOUT_S; do
  [ -n "${!_v:-}" ] || unset "$_v"
done

STARTUP_REPEATS=${STARTUP_REPEATS:-1}
IDLE_SETTLE_S=${IDLE_SETTLE_S:-15}
READY_TIMEOUT_S=${READY_TIMEOUT_S:-120}
JOIN_ROUNDS=${JOIN_ROUNDS:-5}
SLUICE_JAR=$REPO_DIR/target/quarkus-app/quarkus-run.jar
SLUICE_LABEL=${SLUICE_LABEL:-sluice-$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo dev)}
SLUICE_HEAP_OPTS=${SLUICE_HEAP_OPTS:-"-Xmx1g"}
SLUICE_JVM_OPTS=${SLUICE_JVM_OPTS:-$KAFKA_JVM_PERFORMANCE_OPTS}
# shellcheck source=bench/sluice-launch.sh
. "$BENCH_DIR/sluice-launch.sh"    # start_sluice / stop_sluice, SLUICE_* defaults
KAFKA_LABEL=kafka-$K4_VERSION-kraft
BUILD=${BUILD:-auto}
OUT=${OUT:-/tmp/sluice-bench/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
KAFKA_TXT=$OUT/kafka.txt
SLUICE_TXT=$OUT/sluice.txt

# ---------------------------------------------------------------- process bookkeeping / cleanup
PERF_PID= KAFKA_STARTED=0
descendants() { # PID -> all descendant PIDs (deepest first)
  local c
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do descendants "$c"; echo "$c"; done
}
stop_perf() {
  if alive "$PERF_PID"; then
    local d; d=$(descendants "$PERF_PID")
    # shellcheck disable=SC2086
    [ -n "$d" ] && kill -TERM $d 2>/dev/null || true
    kill -TERM "$PERF_PID" 2>/dev/null || true
    wait "$PERF_PID" 2>/dev/null || true
  fi
  PERF_PID=
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_perf
  if alive "${PROBE_PID:-}"; then kill "$PROBE_PID" 2>/dev/null || true; fi
  [ -n "$SLUICE_PID" ] && stop_sluice >&2
  if [ "$KAFKA_STARTED" = 1 ]; then "$ANCHOR/stop-kafka.sh" kraft >&2 || true; KAFKA_STARTED=0; fi
  if [ -n "$SLUICE_DIR" ] && [ "${KEEP_DATA:-0}" != 1 ]; then rm -rf "$SLUICE_DIR/data"; fi
  if [ "${KEEP_DATA:-0}" != 1 ]; then rm -rf /tmp/anchor-kraft/data; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }
median() { sort -n | awk '{a[NR]=$1} END{if(NR==0){print "NA"} else if(NR%2){print a[(NR+1)/2]} else {printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}}'; }

# Consumer join -> first record (classic and KIP-848), JOIN_ROUNDS fresh groups each; JOIN_ROUNDS=0 skips.
run_join() { # BOOTSTRAP LABEL OUTFILE
  [ "$JOIN_ROUNDS" -gt 0 ] || return 0
  timeout 600 "$JAVA" -Xmx256m -cp "$K4_LIBS/*" "$BENCH_DIR/src/JoinToFirstRecord.java" "$1" "$2" "$JOIN_ROUNDS" \
    2> >(grep -v '^SLF4J' >&2) | tee -a "$3" >&2 || log "join-to-first-record against $2 failed"
}

run_perf() { # BOOTSTRAP LABEL BROKER_PID OUTFILE
  local rc=0
  BROKER_PID=$3 "$ANCHOR/perf.sh" "$1" "$2" > "$4" &
  PERF_PID=$!
  wait "$PERF_PID" || rc=$?
  PERF_PID=
  if [ "$rc" != 0 ]; then
    log "perf.sh against $2 exited with $rc (results so far kept in $4)"
    echo "# perf.sh exit_code=$rc (aborted: later scenarios missing)" >> "$4"
  fi
  grep '^RESULT' "$4" >&2 || true
}

ensure_kafka "$K4_VERSION"
ensure_extra_libs
ensure_admin

{
  echo "# compare-with-kafka.sh date=$(date -Is) host_cpus=$(nproc) loadavg=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,) quick=${QUICK:-0}"
  echo "# knobs PARTITIONS='${PARTITIONS:-1 6}' PRODUCE_SPECS='${PRODUCE_SPECS:-100:1000000 1024:200000}' ACKS_LIST='${ACKS_LIST:-1 all}' E2E_RECORDS=${E2E_RECORDS:-10000} PERF_REPEATS=${PERF_REPEATS:-1} WARMUP_RECORDS=${WARMUP_RECORDS:-500000} STARTUP_REPEATS=$STARTUP_REPEATS IDLE_SETTLE_S=$IDLE_SETTLE_S"
} | tee "$OUT/run-info.txt" >&2

# ---------------------------------------------------------------- 1. Kafka 4.3.1 (KRaft)
if [ "${SKIP_KAFKA:-0}" = 1 ]; then
  [ -f "${KAFKA_RESULT:-}" ] || die "SKIP_KAFKA=1 needs KAFKA_RESULT=<previous kafka.txt>"
  cp "$KAFKA_RESULT" "$KAFKA_TXT"
  log "reusing Kafka results from $KAFKA_RESULT"
else
  for p in 19092 19093; do port_busy "$p" && die "port $p is in use (another anchor Kafka running?)"; done
  log "=== Kafka $K4_VERSION KRaft: start-up x$STARTUP_REPEATS, idle ${IDLE_SETTLE_S}s, perf"
  : > "$KAFKA_TXT"
  startups=() idles=()
  for i in $(seq "$STARTUP_REPEATS"); do
    KAFKA_STARTED=1
    line=$(FRESH=1 READY_TIMEOUT_S=$READY_TIMEOUT_S "$ANCHOR/start-kafka-kraft.sh" | grep '^STARTUP')
    echo "$line" | sed "s/^STARTUP /STARTUP repeat=$i /" | tee -a "$KAFKA_TXT" >&2
    startups+=("$(echo "$line" | sed -n 's/.* startup_ms=\([0-9]*\).*/\1/p')")
    sleep "$IDLE_SETTLE_S"
    idle=$(kb_to_mb "$(rss_kb "$(resolve_pid /tmp/anchor-kraft/kafka.pid)")"); idles+=("$idle")
    echo "IDLE label=$KAFKA_LABEL repeat=$i idle_rss_mb=$idle settle_s=$IDLE_SETTLE_S" | tee -a "$KAFKA_TXT" >&2
    if [ "$i" -lt "$STARTUP_REPEATS" ]; then "$ANCHOR/stop-kafka.sh" kraft >&2; KAFKA_STARTED=0; sleep 2; fi
  done
  echo "SUMMARY label=$KAFKA_LABEL repeats=$STARTUP_REPEATS startup_ms_median=$(printf '%s\n' "${startups[@]}" | median) startup_ms_all=$(IFS=,; echo "${startups[*]}") idle_rss_mb_median=$(printf '%s\n' "${idles[@]}" | median) heap='$BROKER_HEAP_OPTS'" | tee -a "$KAFKA_TXT" >&2
  run_perf 127.0.0.1:19092 "$KAFKA_LABEL" /tmp/anchor-kraft/kafka.pid "$OUT/kafka-perf.txt"
  cat "$OUT/kafka-perf.txt" >> "$KAFKA_TXT"
  run_join 127.0.0.1:19092 "$KAFKA_LABEL" "$KAFKA_TXT"
  "$ANCHOR/stop-kafka.sh" kraft | tee -a "$KAFKA_TXT" >&2
  KAFKA_STARTED=0
  rm -rf /tmp/anchor-kraft/data
fi

# ---------------------------------------------------------------- 2. Sluice
need_build=0
case $BUILD in
  1) need_build=1 ;;
  0) need_build=0 ;;
  *) if [ ! -f "$SLUICE_JAR" ] || [ -n "$(find "$REPO_DIR/src" "$REPO_DIR/pom.xml" -newer "$SLUICE_JAR" -print -quit)" ]; then need_build=1; fi ;;
esac
if [ "$need_build" = 1 ]; then
  log "=== building Sluice (mvn -q -DskipTests package in $REPO_DIR)"
  t=$(now_ms)
  (cd "$REPO_DIR" && timeout 900 mvn -q -DskipTests package) > "$OUT/mvn-build.log" 2>&1 \
    || { tail -40 "$OUT/mvn-build.log" >&2; die "Sluice build failed (see $OUT/mvn-build.log)"; }
  log "built in $(( ($(now_ms) - t) / 1000 )) s"
fi
[ -f "$SLUICE_JAR" ] || die "no $SLUICE_JAR"
for p in "$SLUICE_PORT" "$SLUICE_CPORT" "$SLUICE_MPORT"; do port_busy "$p" && die "port $p is in use"; done

SLUICE_DIR=$(mktemp -d /tmp/sluice-bench-broker.XXXXXX)

log "=== Sluice ($SLUICE_JAR): start-up x$STARTUP_REPEATS, idle ${IDLE_SETTLE_S}s, perf"
{
  echo "# sluice jvm: $(sluice_jvm)"
  echo "# sluice env: $(sluice_env)"
  echo "# kafka jvm: $BROKER_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS (+GC log, JMX local; start-kafka-kraft.sh)"
} | tee -a "$OUT/run-info.txt" > "$SLUICE_TXT"
startups=() idles=()
for i in $(seq "$STARTUP_REPEATS"); do
  start_sluice "$i"
  line=$STARTUP_LINE
  echo "$line" | tee -a "$SLUICE_TXT" >&2
  startups+=("$(echo "$line" | sed -n 's/.* startup_ms=\([0-9]*\).*/\1/p')")
  sleep "$IDLE_SETTLE_S"
  alive "$SLUICE_PID" || { tail -30 "$SLUICE_DIR/sluice-$i.out" >&2; die "Sluice died while idle"; }
  idle=$(kb_to_mb "$(rss_kb "$SLUICE_PID")"); idles+=("$idle")
  echo "IDLE label=$SLUICE_LABEL repeat=$i idle_rss_mb=$idle settle_s=$IDLE_SETTLE_S" | tee -a "$SLUICE_TXT" >&2
  if [ "$i" -lt "$STARTUP_REPEATS" ]; then stop_sluice | tee -a "$SLUICE_TXT" >&2; sleep 2; fi
done
echo "SUMMARY label=$SLUICE_LABEL repeats=$STARTUP_REPEATS startup_ms_median=$(printf '%s\n' "${startups[@]}" | median) startup_ms_all=$(IFS=,; echo "${startups[*]}") idle_rss_mb_median=$(printf '%s\n' "${idles[@]}" | median) heap='$SLUICE_HEAP_OPTS'" | tee -a "$SLUICE_TXT" >&2

# Which group APIs does Sluice offer? (ConsumerPerformance needs FindCoordinator/JoinGroup/SyncGroup/...)
tools_java 60 org.apache.kafka.tools.BrokerApiVersionsCommand --bootstrap-server "127.0.0.1:$SLUICE_PORT" \
  > "$OUT/sluice-apiversions.txt" 2>&1 || true
group_apis=$(grep -E '^[[:space:]]*(FindCoordinator|JoinGroup|SyncGroup|Heartbeat|LeaveGroup|OffsetCommit|OffsetFetch|ConsumerGroupHeartbeat)\([0-9]+\): ' "$OUT/sluice-apiversions.txt" | sed -E 's/^[[:space:]]*//; s/,$//' | tr '\n' ';' | sed 's/;$//')
echo "# sluice group APIs: ${group_apis:-none listed (see $OUT/sluice-apiversions.txt)}" | tee -a "$SLUICE_TXT" >&2

run_perf "127.0.0.1:$SLUICE_PORT" "$SLUICE_LABEL" "$SLUICE_PID" "$OUT/sluice-perf.txt"
cat "$OUT/sluice-perf.txt" >> "$SLUICE_TXT"
run_join "127.0.0.1:$SLUICE_PORT" "$SLUICE_LABEL" "$SLUICE_TXT"
if ! alive "$SLUICE_PID"; then
  echo "# sluice died during perf (log: $SLUICE_DIR/sluice-$STARTUP_REPEATS.out)" | tee -a "$SLUICE_TXT" >&2
  SLUICE_PID=
fi
stop_sluice | tee -a "$SLUICE_TXT" >&2
cp "$SLUICE_DIR"/sluice-*.out "$OUT/" 2>/dev/null || true

# ---------------------------------------------------------------- 3. compare
"$ANCHOR/compare.sh" "$KAFKA_TXT" "$SLUICE_TXT" > "$OUT/compare.md"
"$BENCH_DIR/summarize.sh" "$KAFKA_TXT" "$SLUICE_TXT" > "$OUT/summary.txt"
echo
cat "$OUT/compare.md"
echo
cat "$OUT/summary.txt"
echo
echo "Results: $OUT  (kafka.txt, sluice.txt, compare.md, summary.txt; raw tool output under /tmp/anchor-perf/)"

#!/usr/bin/env bash
# Start to ready and idle RSS: Sluice on JDK 17 (without and with its CDS archive), on JDK 25 (without and
# with the AOT cache), and Apache Kafka 4.3.1 (KRaft, single combined node), in the same run, one broker at
# a time (issue 7, "Benchmark").
#
#   Usage: bench/startup.sh [REPEATS]          (default 3; round-robin: kafka, jdk17, jdk17-cds, jdk25, jdk25-aot, ...)
#
# Per start (fresh data dir each time):
#   start to ready = broker process launch -> BOTH a first produce is acknowledged (one 100-byte record,
#                    producer defaults acks=all + idempotence, topic auto-created; bench/src/FirstProduceProbe.java)
#                    AND, for Sluice, /q/health/ready answers UP on the management port. Kafka has no HTTP
#                    health; its readiness is the anchor's (Metadata lists the broker), which a produce implies.
#                    The probe JVMs are started and armed before the launch, so their start-up is not counted.
#   idle RSS       = VmRSS IDLE_SETTLE_S (15 s, as the anchor's bench-startup.sh) after ready.
# Kafka is started by the anchor's start-kafka-kraft.sh (its STARTUP line, its probe); Sluice by
# bench/sluice-launch.sh (the anchor's arm_probe/await_probe, as compare-with-kafka.sh).
# JVM flags: each broker as its own launcher runs it. Kafka: -Xmx1g -Xms1g (kafka-server-start.sh) and
# KAFKA_JVM_PERFORMANCE_OPTS (G1, ...); Sluice: bin/sluice's defaults (serial GC, -Xms32m -Xmx1g;
# SLUICE_HEAP_OPTS / SLUICE_JVM_OPTS override them as KAFKA_HEAP_OPTS / KAFKA_JVM_PERFORMANCE_OPTS).
#
# Env: IDLE_SETTLE_S (15)  READY_TIMEOUT_S (120)  SLUICE_PORT (19195; controller +1, management +2)
#      JDK17 (/usr/bin/java)  JDK25 (/usr/lib/jvm/temurin-25-jdk-amd64/bin/java)
#      BUILD  auto (default: build with -Daot on JDK 25 if the jar or app.aot is missing or older than
#             src/, pom.xml), 1 always, 0 never
#      CONFIGS  which to run (default "kafka jdk17 jdk17-cds jdk25 jdk25-aot")   OUT  results dir   ANCHOR
#      (jdk17-cds: the CDS archive app.jsa is trained with JDK17 by bin/sluice-aot-train when it is
#      missing or older than the jar)
# Processes are stopped by PID only (trap on exit); data dirs are removed (KEEP_DATA=1 keeps them).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
ANCHOR=${ANCHOR:-/work/shared/anchor}
[ -f "$ANCHOR/lib.sh" ] || { echo "ERROR: anchor scripts not found in ANCHOR=$ANCHOR" >&2; exit 1; }
# shellcheck source=/dev/null
. "$ANCHOR/lib.sh"

REPEATS=${1:-3}
IDLE_SETTLE_S=${IDLE_SETTLE_S:-15}
READY_TIMEOUT_S=${READY_TIMEOUT_S:-120}
SLUICE_PORT=${SLUICE_PORT:-19195}
JDK17=${JDK17:-/usr/bin/java}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
CONFIGS=${CONFIGS:-"kafka jdk17 jdk17-cds jdk25 jdk25-aot"}
BUILD=${BUILD:-auto}
SLUICE_JAR=$REPO_DIR/target/quarkus-app/quarkus-run.jar
AOT_CACHE=$REPO_DIR/target/quarkus-app/app.aot
CDS_ARCHIVE=$REPO_DIR/target/quarkus-app/app.jsa
SLUICE_LABEL=sluice-$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo dev)
# shellcheck source=bench/sluice-launch.sh
. "$BENCH_DIR/sluice-launch.sh"
OUT=${OUT:-/tmp/sluice-bench/startup-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
RESULTS=$OUT/results.txt
PROBE_CLASSES=$OUT/probe-classes
KAFKA_STARTED=0 FP_PID= FP_OUT=

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if alive "$FP_PID"; then kill "$FP_PID" 2>/dev/null || true; fi
  if alive "${PROBE_PID:-}"; then kill "$PROBE_PID" 2>/dev/null || true; fi
  [ -n "$SLUICE_PID" ] && stop_sluice >&2
  if [ "$KAFKA_STARTED" = 1 ]; then "$ANCHOR/stop-kafka.sh" kraft >&2 || true; fi
  if [ "${KEEP_DATA:-0}" != 1 ]; then
    [ -n "$SLUICE_DIR" ] && rm -rf "$SLUICE_DIR/data"
    [ "$KAFKA_STARTED" = 1 ] && rm -rf /tmp/anchor-kraft/data
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }
median() { sort -n | awk '{a[NR]=$1} END{if(NR==0){print "NA"} else if(NR%2){print a[(NR+1)/2]} else {printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}}'; }
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; } # KEY < line

# ---------------------------------------------------------------- build (one -Daot build on JDK 25 serves all three)
need_build=0
case $BUILD in
  1) need_build=1 ;;
  0) ;;
  *) if [ ! -f "$SLUICE_JAR" ] || [ ! -f "$AOT_CACHE" ] \
        || [ -n "$(find "$REPO_DIR/src" "$REPO_DIR/pom.xml" -newer "$AOT_CACHE" -print -quit)" ]; then need_build=1; fi ;;
esac
if [ "$need_build" = 1 ]; then
  log "=== building Sluice with the AOT cache (JAVA_HOME=$(dirname "$(dirname "$JDK25")") mvn -q -Daot -DskipTests package)"
  (cd "$REPO_DIR" && JAVA_HOME=$(dirname "$(dirname "$JDK25")") timeout 900 mvn -q -B -Daot -DskipTests package) \
    > "$OUT/mvn-build.log" 2>&1 || { tail -40 "$OUT/mvn-build.log" >&2; die "Sluice build failed (see $OUT/mvn-build.log)"; }
fi
[ -f "$SLUICE_JAR" ] || die "no $SLUICE_JAR"
case " $CONFIGS " in *" jdk25-aot "*)
  [ -f "$AOT_CACHE" ] || die "no $AOT_CACHE (build with JAVA_HOME on JDK 25: mvn -Daot -DskipTests package)" ;;
esac
case " $CONFIGS " in *" jdk17-cds "*)
  if [ ! -f "$CDS_ARCHIVE" ] || [ "$SLUICE_JAR" -nt "$CDS_ARCHIVE" ]; then
    log "=== training the JDK 17 CDS archive (JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$JDK17")")") bin/sluice-aot-train)"
    JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$JDK17")")") "$REPO_DIR/bin/sluice-aot-train" > "$OUT/cds-train.log" 2>&1 \
      || { tail -20 "$OUT/cds-train.log" >&2; die "training the CDS archive failed (see $OUT/cds-train.log)"; }
  fi ;;
esac

# ---------------------------------------------------------------- probes
ensure_kafka "$K4_VERSION"
ensure_extra_libs
ensure_admin
mkdir -p "$PROBE_CLASSES"
"$JAVAC" -d "$PROBE_CLASSES" -cp "$(admin_cp)" "$BENCH_DIR/src/FirstProduceProbe.java"

# Start FirstProduceProbe and wait until it is armed (its JVM up, producer created). Sets FP_PID.
arm_first_produce() { # BOOTSTRAP OUTFILE [HEALTH_URL]
  FP_OUT=$2
  : > "$FP_OUT"
  timeout "$(( READY_TIMEOUT_S + 30 ))" "$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -cp "$PROBE_CLASSES:$(admin_cp)" FirstProduceProbe "$1" "startup-probe" "$(( READY_TIMEOUT_S * 1000 ))" ${3:+"$3"} \
    > "$FP_OUT" 2> >(grep -v '^SLF4J' > "$FP_OUT.err") &
  FP_PID=$!
  wait_for_line "$FP_OUT" '^ARMED' 60 || die "first-produce probe did not start ($FP_OUT.err)"
}
# The anchor's await_probe/probe_ms on the first-produce probe (same READY line convention).
await_first_produce() { PROBE_PID=$FP_PID PROBE_OUT=$FP_OUT await_probe "$1"; }
first_produce_ms() { PROBE_OUT=$FP_OUT probe_ms "$1"; }

# ---------------------------------------------------------------- one start of each kind: prints a RUN line
run_kafka() { # REPEAT
  local line t0 ready pid
  arm_first_produce 127.0.0.1:19092 "$OUT/kafka-probe-$1.out"
  KAFKA_STARTED=1
  line=$(FRESH=1 READY_TIMEOUT_S=$READY_TIMEOUT_S "$ANCHOR/start-kafka-kraft.sh" | grep '^STARTUP')
  # start-kafka-kraft.sh times launch -> its probe's READY; recover the launch instant from that.
  t0=$(( $(PROBE_OUT=/tmp/anchor-kraft/probe.out probe_ms READY) - $(echo "$line" | field startup_ms) ))
  pid=$(resolve_pid /tmp/anchor-kraft/kafka.pid)
  await_first_produce "$pid" || die "Kafka: no first produce within ${READY_TIMEOUT_S}s ($FP_OUT)"
  ready=$(( $(first_produce_ms READY) - t0 ))
  sleep "$IDLE_SETTLE_S"
  echo "RUN config=kafka repeat=$1 startup_ms=$ready metadata_ready_ms=$(echo "$line" | field startup_ms) produce_ms=$(( $(first_produce_ms PRODUCED) - t0 )) health_ms=NA idle_rss_mb=$(kb_to_mb "$(rss_kb "$pid")") pid=$pid"
  "$ANCHOR/stop-kafka.sh" kraft >&2; KAFKA_STARTED=0
  rm -rf /tmp/anchor-kraft/data
}
run_sluice() { # CONFIG REPEAT
  case $1 in
    jdk17) SLUICE_JAVA=$JDK17 SLUICE_AOT=off ;;
    jdk17-cds) SLUICE_JAVA=$JDK17 SLUICE_AOT=on ;;
    jdk25) SLUICE_JAVA=$JDK25 SLUICE_AOT=off ;;
    # on: the JVM refuses to start rather than silently run without the cache.
    jdk25-aot) SLUICE_JAVA=$JDK25 SLUICE_AOT=on ;;
  esac
  arm_first_produce "127.0.0.1:$SLUICE_PORT" "$OUT/$1-probe-$2.out" "http://127.0.0.1:$SLUICE_MPORT/q/health/ready"
  start_sluice "$1-$2"
  await_first_produce "$SLUICE_PID" || { tail -20 "$SLUICE_DIR/sluice-$1-$2.out" >&2; die "Sluice $1: no first produce / health UP within ${READY_TIMEOUT_S}s ($FP_OUT)"; }
  local metadata_ready; metadata_ready=$(echo "$STARTUP_LINE" | field startup_ms)
  sleep "$IDLE_SETTLE_S"
  alive "$SLUICE_PID" || die "Sluice $1 died while idle (log: $SLUICE_DIR/sluice-$1-$2.out)"
  echo "RUN config=$1 repeat=$2 startup_ms=$(( $(first_produce_ms READY) - SLUICE_T0 )) metadata_ready_ms=$metadata_ready produce_ms=$(( $(first_produce_ms PRODUCED) - SLUICE_T0 )) health_ms=$(( $(first_produce_ms HEALTH_UP) - SLUICE_T0 )) idle_rss_mb=$(kb_to_mb "$(rss_kb "$SLUICE_PID")") pid=$SLUICE_PID"
  stop_sluice >&2
  cp "$SLUICE_DIR/sluice-$1-$2.out" "$OUT/" 2>/dev/null || true
}

# ---------------------------------------------------------------- run
for p in 19092 19093; do port_busy "$p" && die "port $p is in use (an anchor Kafka running? stop it with stop-kafka.sh)"; done
for p in "$SLUICE_PORT" "$SLUICE_CPORT" "$SLUICE_MPORT"; do port_busy "$p" && die "port $p is in use"; done
SLUICE_DIR=$(mktemp -d /tmp/sluice-startbench.XXXXXX)
# bin/sluice-aot-train records the jars by absolute path, so the cache serves from any directory.
cd "$OUT"
{
  echo "# startup.sh date=$(date -Is) host_cpus=$(nproc) loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,) repeats=$REPEATS idle_settle_s=$IDLE_SETTLE_S sluice=$SLUICE_LABEL"
  echo "# kafka: anchor start-kafka-kraft.sh, $JAVA $BROKER_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS (+GC log, JMX local)"
  echo "# sluice: $(SLUICE_AOT='<off|on>' SLUICE_JAVA=$JDK25 sluice_jvm)  (jdk17=$JDK17 SLUICE_AOT=off, jdk17-cds=$JDK17 SLUICE_AOT=on: -XX:SharedArchiveFile=$CDS_ARCHIVE -Xshare:on, jdk25=$JDK25 SLUICE_AOT=off, jdk25-aot=$JDK25 SLUICE_AOT=on: -XX:AOTCache=$AOT_CACHE -XX:AOTMode=on)"
  echo "# sluice env: $(sluice_env)"
  echo "# jdk17: $("$JDK17" -version 2>&1 | head -1)   jdk25: $("$JDK25" -version 2>&1 | head -1)"
} | tee "$RESULTS" >&2
for i in $(seq "$REPEATS"); do
  for c in $CONFIGS; do
    log "=== $c, repeat $i/$REPEATS"
    if [ "$c" = kafka ]; then run_kafka "$i"; else run_sluice "$c" "$i"; fi | tee -a "$RESULTS" >&2
    sleep 2
  done
done
echo "# loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,)" | tee -a "$RESULTS" >&2

# ---------------------------------------------------------------- summary
"$BENCH_DIR/startup-summary.sh" "$RESULTS" | tee "$OUT/summary.txt"
echo "Results: $OUT (results.txt, summary.txt, probe outputs, Sluice console logs)"

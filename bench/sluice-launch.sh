# shellcheck shell=bash
# Start / stop one Sluice broker for the bench scripts (sourced after the anchor's lib.sh, which
# provides arm_probe/await_probe/probe_ms, launch_daemon, resolve_pid, owned, rss_kb, kb_to_mb).
# Used by compare-with-kafka.sh and startup.sh so both launch and time Sluice the same way: through
# bin/sluice, the launcher a deployment uses, so its JVM defaults and its AOT cache choice are measured.
#
# The caller sets (defaults below):
#   SLUICE_PORT (controller +1, management +2), SLUICE_JAVA (the java binary, default $JAVA),
#   SLUICE_HEAP_OPTS / SLUICE_JVM_OPTS (passed as KAFKA_HEAP_OPTS / KAFKA_JVM_PERFORMANCE_OPTS; empty:
#   bin/sluice's defaults), SLUICE_EXTRA_OPTS (more JVM options, as SLUICE_OPTS), SLUICE_AOT (auto, on,
#   off: bin/sluice's switch for target/quarkus-app/app.aot), SLUICE_LABEL, READY_TIMEOUT_S, and
#   SLUICE_DIR (a mktemp -d; data/, pidfile and console logs go there).
# start_sluice REPEAT sets SLUICE_PID, SLUICE_T0 (launch, epoch ms) and STARTUP_LINE; it runs in the
# caller's shell so the caller's exit trap knows the PID and can call stop_sluice.

SLUICE_HEAP_OPTS=${SLUICE_HEAP_OPTS:-}
SLUICE_JVM_OPTS=${SLUICE_JVM_OPTS:-}
SLUICE_JAVA=${SLUICE_JAVA:-$JAVA}
SLUICE_EXTRA_OPTS=${SLUICE_EXTRA_OPTS:-}
SLUICE_AOT=${SLUICE_AOT:-auto}
SLUICE_LAUNCHER=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/bin/sluice
SLUICE_PORT=${SLUICE_PORT:-19095}
SLUICE_CPORT=$(( SLUICE_PORT + 1 ))
SLUICE_MPORT=$(( SLUICE_PORT + 2 ))
SLUICE_PID= SLUICE_DIR= SLUICE_T0=

# Inherited KAFKA_* variables would become broker config: drop them, set only ours.
SLUICE_UNSET_ENV=()
while read -r v; do SLUICE_UNSET_ENV+=(-u "$v"); done < <(compgen -e | grep '^KAFKA_' || true)

# The broker environment (single combined node on SLUICE_PORT), one NAME=value per word.
sluice_env() {
  echo "KAFKA_NODE_ID=1 KAFKA_PROCESS_ROLES=broker,controller" \
    "KAFKA_LISTENERS=PLAINTEXT://:$SLUICE_PORT,CONTROLLER://:$SLUICE_CPORT" \
    "KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://127.0.0.1:$SLUICE_PORT" \
    "KAFKA_CONTROLLER_LISTENER_NAMES=CONTROLLER KAFKA_CONTROLLER_QUORUM_VOTERS=1@127.0.0.1:$SLUICE_CPORT" \
    "KAFKA_LOG_DIRS=$SLUICE_DIR/data KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS=0" \
    "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=1 QUARKUS_MANAGEMENT_PORT=$SLUICE_MPORT"
}
# The launcher's environment (the JDK, the AOT switch, the JVM options the caller overrides) into the
# array SLUICE_LAUNCH_ENV: KAFKA_HEAP_OPTS and KAFKA_JVM_PERFORMANCE_OPTS hold spaces, one element each.
sluice_launcher_env() {
  SLUICE_LAUNCH_ENV=("JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v "$SLUICE_JAVA")")")")" "SLUICE_AOT=$SLUICE_AOT")
  if [ -n "$SLUICE_HEAP_OPTS" ]; then SLUICE_LAUNCH_ENV+=("KAFKA_HEAP_OPTS=$SLUICE_HEAP_OPTS"); fi
  if [ -n "$SLUICE_JVM_OPTS" ]; then SLUICE_LAUNCH_ENV+=("KAFKA_JVM_PERFORMANCE_OPTS=$SLUICE_JVM_OPTS"); fi
}
sluice_jvm() {
  sluice_launcher_env
  echo "${SLUICE_LAUNCH_ENV[*]} SLUICE_OPTS='$SLUICE_EXTRA_OPTS' $SLUICE_LAUNCHER" \
    "(heap: ${SLUICE_HEAP_OPTS:-bin/sluice default}, GC/JIT: ${SLUICE_JVM_OPTS:-bin/sluice default})"
}

start_sluice() { # REPEAT
  rm -rf "$SLUICE_DIR/data"; mkdir -p "$SLUICE_DIR/data"
  # The previous start's pidfile would be read before the new one is written: await_probe would then
  # watch a dead PID and give up at once.
  rm -f "$SLUICE_DIR/sluice.pid"
  arm_probe 127.0.0.1 "$SLUICE_PORT" "$SLUICE_DIR/probe.out" "$READY_TIMEOUT_S"
  local envs; read -r -a envs <<< "$(sluice_env)"
  sluice_launcher_env
  SLUICE_T0=$(now_ms)
  launch_daemon "$SLUICE_DIR/sluice.pid" "$SLUICE_DIR/sluice-$1.out" \
    env "${SLUICE_UNSET_ENV[@]}" "${envs[@]}" "${SLUICE_LAUNCH_ENV[@]}" \
    "SLUICE_OPTS=$SLUICE_EXTRA_OPTS -Dsluice.bench.dir=$SLUICE_DIR" "$SLUICE_LAUNCHER"
  for _ in $(seq 100); do [ -s "$SLUICE_DIR/sluice.pid" ] && break; sleep 0.01; done
  SLUICE_PID=$(resolve_pid "$SLUICE_DIR/sluice.pid")
  if ! await_probe "$SLUICE_PID"; then
    tail -30 "$SLUICE_DIR/sluice-$1.out" >&2 || true
    die "Sluice did not become ready within ${READY_TIMEOUT_S}s (log: $SLUICE_DIR/sluice-$1.out)"
  fi
  local ready api
  ready=$(probe_ms READY); api=$(probe_ms API)
  STARTUP_LINE="STARTUP repeat=$1 label=$SLUICE_LABEL startup_ms=$(( ready - SLUICE_T0 )) api_ms=$(( api - SLUICE_T0 )) format_ms=0 log_started_ms=NA rss_mb=$(kb_to_mb "$(rss_kb "$SLUICE_PID")") pid=$SLUICE_PID bootstrap=127.0.0.1:$SLUICE_PORT"
}

stop_sluice() { # prints stop_ms
  local pid=$SLUICE_PID t0
  SLUICE_PID=
  if owned "$pid" "sluice.bench.dir=$SLUICE_DIR"; then
    t0=$(now_ms)
    kill -TERM "$pid"
    local deadline=$(( $(date +%s) + 60 ))
    while alive "$pid" && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
    if alive "$pid"; then log "sluice (pid $pid) still alive after 60s, SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; sleep 0.5; fi
    echo "STOPPED name=sluice pid=$pid stop_ms=$(( $(now_ms) - t0 ))"
  fi
}

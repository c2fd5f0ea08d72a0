#!/usr/bin/env bash
# Chaos run: 3 controllers + 3 brokers (separate JVMs on loopback), topic RF=3 min.insync.replicas=2,
# an idempotent acks=all producer and a verifying consumer, a random broker SIGKILLed and restarted
# again and again (src/test/java/io/sluice/chaos/ChaosRun.java). Exits non-zero unless records lost,
# duplicates and order violations are all 0.
#   Usage: tests/chaos/chaos.sh [--short|--long] [extra ChaosRun args, e.g. kills=20 seed=42]
#   --short (default): 4 kills 5-8 s apart, for CI (about a minute).
#   --long: 100 kills 10-20 s apart (about 40 min).
#   Env: WORK (default: a fresh temp dir, removed on success), SKIP_BUILD=1 (classes already compiled).
set -euo pipefail
cd "$(dirname "$0")/../.."
MODE=short
case "${1:-}" in
  --short) shift ;;
  --long) MODE=long; shift ;;
esac
if [ "$MODE" = long ]; then
  ARGS=(kills=100 gap.min.s=10 gap.max.s=20 down.min.s=1 down.max.s=5)
else
  ARGS=(kills=4 gap.min.s=5 gap.max.s=8 down.min.s=1 down.max.s=3)
fi
WORK=${WORK:-$(mktemp -d /tmp/sluice-chaos.XXXXXX)}
if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -o -q -B test-compile
fi
mvn -o -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/chaos-classpath.txt >/dev/null
mkdir -p "$WORK"
# A copy of the compiled classes: a rebuild during a long run must not change the nodes it restarts.
cp -r target/classes "$WORK/classes"
cp -r target/test-classes "$WORK/test-classes"
CP="$WORK/test-classes:$WORK/classes:$(cat target/chaos-classpath.txt)"
echo "chaos ($MODE) in $WORK"
status=0
java -Xmx1g -cp "$CP" io.sluice.chaos.ChaosRun "$WORK" "${ARGS[@]}" "$@" 2> "$WORK/chaos.stderr" || status=$?
if [ $status -ne 0 ]; then
  echo "chaos run failed (status $status); node logs in $WORK; stderr tail:"
  tail -100 "$WORK/chaos.stderr"
  exit $status
fi
rm -rf "$WORK"

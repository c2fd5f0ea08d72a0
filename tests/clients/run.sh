#!/usr/bin/env bash
# Non-Java Kafka clients against a running broker:
#   librdkafka through Debian's python3-confluent-kafka (python/librdkafka_test.py)
#   kafkajs 2.x from npm                                (node/kafkajs_test.js)
# Usage: tests/clients/run.sh BOOTSTRAP        e.g. tests/clients/run.sh 127.0.0.1:9092
# Installs what is missing (apt: python3-confluent-kafka, nodejs/npm; npm ci in node/), runs both,
# prints each check as `PASS name`, `FAIL name: reason` or `SKIP name: reason` (SKIP = the broker
# lacks a capability the check needs, e.g. consumer groups for kafkajs reads), and ends with the
# line `N passed, M failed`. Exit status 0 only if nothing failed.
# Knobs: CLIENT_TIMEOUT (seconds per client script, default 300), PYTHON (default /usr/bin/python3:
# apt's python packages are not visible to a pyenv python3).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BOOTSTRAP=${1:?usage: $0 BOOTSTRAP (host:port)}
PYTHON=${PYTHON:-/usr/bin/python3}
CLIENT_TIMEOUT=${CLIENT_TIMEOUT:-300}
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo

apt_updated=
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -q >&2 && apt_updated=1; fi
  $SUDO apt-get install -y -q "$@" >&2
}

passed=0; failed=0; skipped=0
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

# 0. preflight: something listens on BOOTSTRAP
host=${BOOTSTRAP%:*}; port=${BOOTSTRAP##*:}
if ! (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
  fail "preflight: nothing listens on $BOOTSTRAP"
  echo "$passed passed, $failed failed"
  exit 1
fi

# 1. install what is missing
echo "# setup" >&2
if ! "$PYTHON" -c 'import confluent_kafka' 2>/dev/null; then
  apt_install python3-confluent-kafka || true
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt_install nodejs npm || true
fi
if command -v npm >/dev/null && [ ! -f "$here/node/node_modules/kafkajs/package.json" ]; then
  # the committed lockfile pins kafkajs; npm ci never rewrites it
  (cd "$here/node" && npm ci --no-audit --no-fund >&2) || true
fi

# Runs one client script; counts its PASS/FAIL/SKIP lines. A script that dies without a FAIL line,
# or exits non-zero, is a failure of its own.
run_client() {
  local name=$1; shift
  local out rc
  out=$(mktemp)
  echo "# $name: $*" >&2
  timeout --kill-after=10 "$CLIENT_TIMEOUT" "$@" >"$out" 2>"$out.err"
  rc=$?
  grep -E '^(PASS|FAIL|SKIP) ' "$out"
  local p f s
  p=$(grep -c '^PASS ' "$out"); f=$(grep -c '^FAIL ' "$out"); s=$(grep -c '^SKIP ' "$out")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
      fail "$name: timed out after $CLIENT_TIMEOUT s"
    else
      fail "$name: exited with status $rc and no FAIL line"
    fi
  elif [ "$rc" -eq 0 ] && [ "$p" -eq 0 ]; then
    fail "$name: ran no check"
  fi
  if [ "$rc" -ne 0 ]; then
    echo "# $name stderr (last 40 lines):" >&2; tail -40 "$out.err" >&2
  fi
  rm -f "$out" "$out.err"
}

# 2. librdkafka
if "$PYTHON" -c 'import confluent_kafka' 2>/dev/null; then
  echo "# librdkafka $("$PYTHON" -c 'import confluent_kafka as c; print(c.libversion()[0], "via confluent-kafka", c.version()[0])')" >&2
  run_client librdkafka "$PYTHON" "$here/python/librdkafka_test.py" "$BOOTSTRAP"
else
  fail "librdkafka: python3-confluent-kafka is not importable by $PYTHON and could not be installed"
fi

# 3. kafkajs
if command -v node >/dev/null && [ -f "$here/node/node_modules/kafkajs/package.json" ]; then
  echo "# kafkajs $(node -p "require('$here/node/node_modules/kafkajs/package.json').version"), node $(node --version)" >&2
  run_client kafkajs node "$here/node/kafkajs_test.js" "$BOOTSTRAP"
else
  fail "kafkajs: node or kafkajs is missing and could not be installed"
fi

[ "$skipped" -eq 0 ] || echo "# $skipped skipped (capability checks; see the SKIP lines)" >&2
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

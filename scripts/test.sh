#!/usr/bin/env bash
# Runs every test of the project: Java (unit + end-to-end over real Netty servers), the training
# smoke, the Python/Go/Node clients against a real server, and a benchmark smoke (figures printed,
# not asserted). Installs what is missing first (scripts/setup.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh

echo "== Java: build and test (mvn install)"
mvn -B -ntp install

echo "== training smoke"
/usr/bin/python3 -m pytest training/tests -q

echo "== a real server for the clients and the compatibility tests"
PORT=50151
LOG=$(mktemp /tmp/fer-test-server.XXXXXX.log)
bin/fer serve --host 127.0.0.1 --port $PORT --set admin-port=-1 --set metrics-port=-1 > "$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do
  grep -q "serving on port" "$LOG" && break
  kill -0 $SERVER 2>/dev/null || { cat "$LOG"; exit 1; }
  sleep 1
done
grep -q "serving on port" "$LOG" || { echo "server did not start"; cat "$LOG"; exit 1; }

echo "== Python, Go and Node.js clients against the server"
FER_TARGET=127.0.0.1:$PORT bash clients/run-tests.sh

echo "== compatibility: tritonclient, perf_analyzer, grpcurl against the server"
FER_TARGET=127.0.0.1:$PORT bash tests/compat/run.sh

kill $SERVER 2>/dev/null || true
wait $SERVER 2>/dev/null || true

echo "== benchmark smoke (figures only)"
bin/fer bench --smoke

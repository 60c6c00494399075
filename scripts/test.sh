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

if [ -x clients/run-tests.sh ] || [ -f clients/run-tests.sh ]; then
  echo "== clients against a real server"
  PORT=50151
  bin/fer serve --host 127.0.0.1 --port $PORT > /tmp/fer-test-server.log 2>&1 &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do
    grep -q "serving on port" /tmp/fer-test-server.log && break
    kill -0 $SERVER 2>/dev/null || { cat /tmp/fer-test-server.log; exit 1; }
    sleep 1
  done
  FER_TARGET=127.0.0.1:$PORT bash clients/run-tests.sh
  kill $SERVER 2>/dev/null || true
fi

echo "== benchmark smoke (figures only)"
bin/fer bench --smoke

#!/usr/bin/env bash
# Installs each client's dependencies and runs the Python, Go and Node clients' tests against a
# fer server, then prints one summary line: "N passed, M failed, K skipped".
#
#   FER_TARGET=127.0.0.1:50151 clients/run-tests.sh        # a server that is already running
#   FER_START_SERVER=1 clients/run-tests.sh                # start `bin/fer serve` for the run
#   clients/run-tests.sh python go                         # some clients only
#
# FER_TARGET set: tests fail if the server does not answer. Unset: they try 127.0.0.1:50151
# and skip, saying why, if nothing listens. Needs python3 (3.10+, with venv or pip), go and
# node 20+/npm on PATH. Exit status: non-zero when any test or any install step failed.
# FER_WAIT_S: how long to wait for the server to be SERVING (60 s; 900 s for a server this
# script starts, whose first start may build it with Maven).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
CLIENTS=("$@")
[ ${#CLIENTS[@]} -eq 0 ] && CLIENTS=(python go node)
LOGS="$(mktemp -d)"
PASSED=0 FAILED=0 SKIPPED=0
SERVER_PID=""

say() { printf '\n=== %s\n' "$*"; }
count() { # count PASS FAIL SKIP
  PASSED=$((PASSED + ${1:-0})); FAILED=$((FAILED + ${2:-0})); SKIPPED=$((SKIPPED + ${3:-0}))
}
num() { grep -oE "$1" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}'; }
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  rm -rf "$LOGS"
}
trap cleanup EXIT

# --- Python environment (also used for the server health check) --------------------------------
VENV="${FER_CLIENTS_VENV:-$HERE/python/.venv}"
PY=""
setup_python() {
  # pip builds the package in-tree; a stale build/ could carry removed files into the install.
  rm -rf "$HERE/python/build"
  local extras="test,video"
  [ "${FER_SKIP_VIDEO:-0}" = 1 ] && extras="test"
  if ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    rm -rf "$VENV"
    python3 -m venv "$VENV" >/dev/null 2>&1 || rm -rf "$VENV"  # half-made without ensurepip
  fi
  if "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    PY="$VENV/bin/python"
    "$PY" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
    "$PY" -m pip install -q "$HERE/python[$extras]" || return 1
    rm -rf "$HERE/python/build"
  else
    # No venv module (Debian without python3-venv): a user install next to the system packages.
    echo "python3 -m venv is unavailable; installing with pip --user" >&2
    PY="$(command -v python3)"
    "$PY" -m pip install -q --user --break-system-packages "$HERE/python[$extras]" 2>/dev/null ||
      "$PY" -m pip install -q --user "$HERE/python[$extras]"
  fi
}

need_python_env() {
  if [ -z "$PY" ]; then
    say "python: installing dependencies"
    if ! setup_python; then
      echo "python: pip install failed" >&2
      PY=""
      return 1
    fi
  fi
}

# --- optional server --------------------------------------------------------------------------
if [ "${FER_START_SERVER:-0}" = 1 ]; then
  need_python_env || { count 0 1 0; echo "0 passed, 1 failed"; exit 1; }
  PORT="${FER_PORT:-$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
  export FER_TARGET="127.0.0.1:$PORT"
  say "starting bin/fer serve --port $PORT (log: $LOGS/server.log)"
  "$ROOT/bin/fer" serve --port "$PORT" >"$LOGS/server.log" 2>&1 &
  SERVER_PID=$!
fi

if [ -n "${FER_TARGET:-}" ] && need_python_env; then
  say "waiting for $FER_TARGET to be SERVING"
  if ! "$PY" - "$FER_TARGET" "${FER_WAIT_S:-$([ -n "$SERVER_PID" ] && echo 900 || echo 60)}" <<'EOF'
import sys, time, grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
target, limit = sys.argv[1], float(sys.argv[2])
end = time.time() + limit
while True:
    try:
        with grpc.insecure_channel(target) as ch:
            r = health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(), timeout=5)
            if r.status == health_pb2.HealthCheckResponse.SERVING:
                print(f"{target} is SERVING"); break
    except grpc.RpcError:
        pass
    if time.time() > end:
        sys.exit(f"{target} not SERVING after {limit:.0f}s")
    time.sleep(2)
EOF
  then
    [ -n "$SERVER_PID" ] && tail -30 "$LOGS/server.log"
    echo "the tests will fail: the server at $FER_TARGET does not answer" >&2
  fi
fi

# --- the clients -------------------------------------------------------------------------------
run_python() {
  need_python_env || { count 0 1 0; return; }
  say "python: pytest"
  local out="$LOGS/python.log"
  (cd "$HERE/python" && "$PY" -m pytest -q -rs tests) 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]}
  local last; last="$(grep -E '^=*.*[0-9]+ (passed|failed|skipped|errors?)' "$out" | tail -1)"
  local p f e s
  p=$(echo "$last" | num '[0-9]+ passed'); f=$(echo "$last" | num '[0-9]+ failed')
  e=$(echo "$last" | num '[0-9]+ errors?'); s=$(echo "$last" | num '[0-9]+ skipped')
  f=$((f + e))
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  count "$p" "$f" "$s"
}

run_go() {
  if ! command -v go >/dev/null; then echo "go: not found" >&2; count 0 1 0; return; fi
  say "go: go mod download && go test"
  local out="$LOGS/go.log"
  if ! (cd "$HERE/go" && go mod download); then count 0 1 0; return; fi
  (cd "$HERE/go" && go vet ./... && go test -count=1 -v ./...) 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]}
  local p f s
  p=$(grep -cE '^\s*--- PASS' "$out"); f=$(grep -cE '^\s*--- FAIL' "$out"); s=$(grep -cE '^\s*--- SKIP' "$out")
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  count "$p" "$f" "$s"
}

run_node() {
  if ! command -v npm >/dev/null; then echo "npm: not found" >&2; count 0 1 0; return; fi
  say "node: npm ci && npm test"
  local out="$LOGS/node.log"
  if ! (cd "$HERE/node" && { npm ci --no-audit --no-fund || npm install --no-audit --no-fund; }); then
    count 0 1 0; return
  fi
  (cd "$HERE/node" && npm test) 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]}
  local p f c s
  p=$(num '^(#|ℹ) pass [0-9]+' <"$out"); f=$(num '^(#|ℹ) fail [0-9]+' <"$out")
  c=$(num '^(#|ℹ) cancelled [0-9]+' <"$out"); s=$(num '^(#|ℹ) skipped [0-9]+' <"$out")
  f=$((f + c))
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  count "$p" "$f" "$s"
}

for c in "${CLIENTS[@]}"; do
  case "$c" in
    python) run_python ;;
    go) run_go ;;
    node) run_node ;;
    *) echo "unknown client $c (python, go, node)" >&2; count 0 1 0 ;;
  esac
done

echo
echo "clients (${CLIENTS[*]}) against ${FER_TARGET:-127.0.0.1:50151 (FER_TARGET unset)}:"
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]

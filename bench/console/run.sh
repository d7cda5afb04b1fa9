#!/usr/bin/env bash
# Workbench benchmark (not a test). Usage, from the workspace root:
#   bench/console/run.sh            # 16 operators, 20 s per figure
#   OPERATORS=32 DURATION=10s bench/console/run.sh
# Builds `hotline` in release, starts `hotline run` on a fresh data folder (reference data,
# demo accounts), signs in OPERATORS operator sessions through the console's sign-in form,
# then measures with wrk, OPERATORS connections, each request with one of the sessions:
#   1. the search-as-you-type fragment over the prefixes an operator types of 1,000 real
#      queries (the console asks the knowledge service and renders the result cards);
#   2. the operator's full page `/` (the desk, with regions and scripts from the services);
#   3. the console's /healthz, for the machine's baseline.
# The issue's bars: fragment p99 <= 20 ms, page p99 <= 50 ms (server side; wrk's latency on
# loopback includes the console, the knowledge service and both HTTP hops).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/console"
OPERATORS=${OPERATORS:-16}
DURATION=${DURATION:-20s}
BASE_PORT=${BASE_PORT:-18580}
SEARCH_PATH=${SEARCH_PATH:-/operator/search}
WORK=$(mktemp -d /tmp/console-bench.XXXXXX)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT

command -v wrk > /dev/null || { apt-get update -qq && apt-get install -y -qq wrk > /dev/null; }
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
(cd "$ROOT" && cargo build --release -p hotline 2>&1 | tail -1)

export HOTLINE_DATA_DIR="$WORK/data"
export HOTLINE_KNOWLEDGE_PORT=$((BASE_PORT + 1)) HOTLINE_TICKETS_PORT=$((BASE_PORT + 2))
export HOTLINE_NOTIFY_PORT=$((BASE_PORT + 3)) HOTLINE_CONSOLE_PORT=$BASE_PORT
export RUST_LOG=${RUST_LOG:-warn}
"$CARGO_TARGET_DIR/release/hotline" run > "$WORK/server.log" 2>&1 &
SERVER=$!
C="http://127.0.0.1:$BASE_PORT"
until curl -sf "$C/readyz" > /dev/null && curl -sf "http://127.0.0.1:$HOTLINE_KNOWLEDGE_PORT/readyz" > /dev/null; do
  sleep 0.3
  kill -0 $SERVER 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
done

# One session per operator, through the real sign-in form.
: > "$WORK/cookies.txt"
for _ in $(seq 1 "$OPERATORS"); do
  curl -s -o /dev/null -D - -X POST "$C/login" \
    --data-urlencode username=operator --data-urlencode password=hotline-demo \
    | tr -d '\r' | sed -n 's/^set-cookie: \(hotline_session=[0-9a-f]*\).*/\1/Ip' >> "$WORK/cookies.txt"
done
[ "$(wc -l < "$WORK/cookies.txt")" -eq "$OPERATORS" ] || { echo "sign-in failed"; cat "$WORK/server.log"; exit 1; }

# What operators type: every prefix of 2 characters or more of 1,000 public-style queries.
python3 "$HERE/prefixes.py" "$ROOT/data/kb" "$SEARCH_PATH" 1000 > "$WORK/paths.txt"
echo "$(wc -l < "$WORK/paths.txt") distinct fragment requests, $OPERATORS sessions"

export COOKIES="$WORK/cookies.txt"
run() { # name, paths file
  PATHS="$2" wrk -t2 -c"$OPERATORS" -d"$DURATION" --latency -s "$HERE/sessions.lua" "$C" > "$WORK/$1.txt"
  local p50 p99 rps
  p50=$(awk '/^ +50%/ {print $2}' "$WORK/$1.txt")
  p99=$(awk '/^ +99%/ {print $2}' "$WORK/$1.txt")
  rps=$(awk '/^Requests\/sec/ {print $2}' "$WORK/$1.txt")
  local errors
  errors=$(grep -E "Non-2xx|Socket errors" "$WORK/$1.txt" || true)
  printf '%-10s p50 %-9s p99 %-9s %s req/s %s\n' "$1" "$p50" "$p99" "$rps" "$errors"
}
echo "/" > "$WORK/page.txt"
echo "/healthz" > "$WORK/health.txt"
# Warm-up (search index caches, connection pools).
PATHS="$WORK/paths.txt" wrk -t2 -c"$OPERATORS" -d3s -s "$HERE/sessions.lua" "$C" > /dev/null
run healthz "$WORK/health.txt"
run fragment "$WORK/paths.txt"
run page "$WORK/page.txt"
grep -E 'VmHWM' /proc/$SERVER/status | tr -s ' '

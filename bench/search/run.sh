#!/usr/bin/env bash
# Search benchmark (not a test). Usage, from the workspace root:
#   bench/search/run.sh            # reference data (data/kb)
#   SCALE=20 GEN_KB=…/gen_kb.py bench/search/run.sh
#                                  # the customer's generator (not part of this repository)
#                                  # with --scale 20, its output generated into /tmp
# Builds the knowledge binary in release, starts it on a fresh SQLite database with the
# first-start import, then measures with wrk at 64 connections: GET /healthz and
# GET /api/v1/search over thousands of distinct queries, in the same run on the same server.
# Reports the index build time (from the service log), p50/p99, throughput and peak RSS.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/search"
SCALE=${SCALE:-1}
DURATION=${DURATION:-20s}
CONNS=${CONNS:-64}
PORT=${PORT:-18081}
WORK=$(mktemp -d /tmp/search-bench.XXXXXX)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT

if [ "$SCALE" = 1 ]; then
  KB="$ROOT/data/kb"
else
  KB="$WORK/kb"
  [ -f "${GEN_KB:-}" ] || { echo "SCALE=$SCALE needs GEN_KB=<path of the customer's gen_kb.py>" >&2; exit 2; }
  python3 "$GEN_KB" --out "$KB" --scale "$SCALE"
fi
command -v wrk > /dev/null || { apt-get update -qq && apt-get install -y -qq wrk > /dev/null; }
# CARGO_TARGET_DIR, when set, is where the build goes and the binary is taken from.
(cd "$ROOT" && cargo build --release -p hotline 2>&1 | tail -1)
python3 "$HERE/make_queries.py" "$KB" "$WORK/queries.txt" 5000

export HOTLINE_JWT_SECRET=bench-secret-bench-secret-bench-secret-0123
export HOTLINE_DATA_DIR="$WORK/data"
export HOTLINE_KNOWLEDGE_DATABASE_URL="sqlite://$WORK/data/knowledge.db"
export HOTLINE_KNOWLEDGE_IMPORT_DIR="$KB"
export HOTLINE_KNOWLEDGE_PORT=$PORT
export HOTLINE_TICKETS_URL=http://127.0.0.1:9 # not running: calendar falls back to weekdays
export RUST_LOG=${RUST_LOG:-warn,knowledge::search=info,knowledge::startup=info}
START=$(date +%s.%N)
"${CARGO_TARGET_DIR:-$ROOT/target}/release/hotline" knowledge 2> "$WORK/server.log" &
SERVER=$!
until curl -sf "http://127.0.0.1:$PORT/readyz" > /dev/null; do
  sleep 0.2
  kill -0 $SERVER 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
done
READY=$(date +%s.%N)
echo "ready after $(python3 -c "print(round($READY-$START,2))") s (import + index)"
grep -E "index built|first-start import" "$WORK/server.log" | sed 's/\x1b\[[0-9;]*m//g' || true
rss() { grep -E 'VmHWM|VmRSS' /proc/$SERVER/status | tr -s ' ' | tr '\n' ' '; echo; }
echo "memory after start: $(rss)"

export TOKEN=$(python3 "$HERE/mint_token.py")
export QUERIES="$WORK/queries.txt"
curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$(head -1 "$QUERIES")" > /dev/null
# Warm up both paths once.
wrk -t2 -c$CONNS -d3s "http://127.0.0.1:$PORT/healthz" > /dev/null
wrk -t2 -c$CONNS -d3s -s "$HERE/search.lua" "http://127.0.0.1:$PORT" > /dev/null
# CPU time (user + system, in clock ticks) the server has used so far.
server_ticks() { awk '{print $14 + $15}' /proc/$SERVER/stat; }
# Runs wrk (after the scheduling prefix in $CLIENT) with the given arguments; prints its
# summary and the CPU each request cost the server and wrk itself (both share this machine's
# cores, so both bound the throughput); leaves the rate in $WORK/rate.
measure() {
  local before after
  before=$(server_ticks)
  "${CLIENT[@]}" /usr/bin/time -f "%U %S" -o "$WORK/wrk.time" wrk -t2 -c$CONNS -d$DURATION --latency "$@" > "$WORK/wrk.out"
  after=$(server_ticks)
  grep -E "Latency|50%|99%|Requests/sec|Non-2xx" "$WORK/wrk.out"
  python3 - "$WORK/wrk.out" "$WORK/wrk.time" "$before" "$after" "$(getconf CLK_TCK)" "$WORK/rate" << 'PY'
import re, sys
out, tm = open(sys.argv[1]).read(), open(sys.argv[2]).read().split()
before, after, tck = map(int, sys.argv[3:6])
n = int(re.search(r"(\d+) requests in", out).group(1))
server = (after - before) / tck * 1e6 / n
client = (float(tm[-2]) + float(tm[-1])) * 1e6 / n
print(f"  CPU per request: server {server:.1f} us, wrk {client:.1f} us")
open(sys.argv[6], "w").write(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
PY
}
# The client shares the machine's cores with the server. As a normal process wrk is woken
# by every answer and preempts a server worker in the middle of a search: a context switch on
# each side per request, which costs more than a short request. As SCHED_BATCH (`chrt -b 0`,
# no privileges needed) it does not preempt on waking and reads answers in batches, closer
# to clients on other machines. Both ways are measured, for /healthz and search alike.
for sched in batch normal; do
  if [ "$sched" = batch ]; then CLIENT=(chrt -b 0); else CLIENT=(env); fi
  echo "== client wrk as a $sched process"
  echo "-- GET /healthz ($CONNS connections, $DURATION)"
  measure "http://127.0.0.1:$PORT/healthz"
  HEALTHZ=$(cat "$WORK/rate")
  echo "-- GET /api/v1/search ($(wc -l < "$QUERIES") distinct queries, $CONNS connections, $DURATION)"
  measure -s "$HERE/search.lua" "http://127.0.0.1:$PORT"
  SEARCH=$(cat "$WORK/rate")
  echo "-- search / healthz ($sched client): $(python3 -c "print(f'{100*$SEARCH/$HEALTHZ:.1f} %')")"
done
echo "memory after load: $(rss)"

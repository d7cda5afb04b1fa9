#!/usr/bin/env bash
# The department and operators reports at scale: N generated tickets (three events each) and
# 2N calls on a scratch PostgreSQL database, then each report's time for a month and for the
# year, for the province and for one region and department, and as downloads. Kept out of CI.
#
#   bench/reports/run.sh [tickets, default 1000000]
#
# PROFILE=release (default debug) builds an optimised binary first. PG_URL (default
# postgres://postgres@127.0.0.1:5432/postgres) names the server; the database is dropped after.
set -euo pipefail

cd "$(dirname "$0")/../.."
n="${1:-1000000}"
profile="${PROFILE:-debug}"
pg_url="${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
flag=""
[ "$profile" = release ] && flag="--release"
cargo build -q -p hotline $flag
bin="${CARGO_TARGET_DIR:-target}/$profile/hotline"

export HOTLINE_JWT_SECRET="bench-secret-bench-secret-bench-secret-0"
work="$(mktemp -d)"
db="bench_reports_$$"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
psql -q "$pg_url" -c "CREATE DATABASE $db"
cleanup() {
    [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true
    psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
    rm -rf "$work"
}
trap cleanup EXIT

# The service migrates the database at start; the data is generated beside it.
HOTLINE_DATA_DIR="$work" HOTLINE_TICKETS_DATABASE_URL="${pg_url%/*}/$db" HOTLINE_TICKETS_PORT="$port" \
HOTLINE_KNOWLEDGE_URL="http://127.0.0.1:9" HOTLINE_NOTIFY_URL="http://127.0.0.1:9" RUST_LOG=warn \
    "$bin" tickets >"$work/tickets.log" 2>&1 &
pid=$!
for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.2
done

echo "== generating $n tickets"
start=$(date +%s)
psql -q "${pg_url%/*}/$db" -v n="$n" -f bench/reports/generate.sql
echo "   generated in $(( $(date +%s) - start )) s; database $(psql -tA "${pg_url%/*}/$db" -c "SELECT pg_size_pretty(pg_database_size('$db'))")"

token=$(HOTLINE_DATA_DIR="$work" "$bin" token --role supervisor --subject bench)
# report LABEL QUERY [REPORT (departments) [ROWS (departments)]]
report() {
    local label="$1" query="$2" which="${3:-departments}" rows="${4:-departments}" best="" t
    for _ in 1 2 3; do
        t=$(curl -s -o "$work/out" -w '%{time_total}' -H "authorization: Bearer $token" \
            "http://127.0.0.1:$port/api/v1/reports/$which?$query")
        if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best="$t"; fi
    done
    printf '%-40s best of 3: %6.3f s  (%s bytes, %s %s)\n' "$label" "$best" \
        "$(wc -c <"$work/out")" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))[sys.argv[2]]))' "$work/out" "$rows" 2>/dev/null || echo '?')" "$rows"
}
echo "== the report ($profile build)"
report "month, province" "from=2026-11-01&to=2026-11-30"
report "year, province" "from=2026-01-01&to=2026-12-31"
report "month, 昆明 (530100 and under)" "from=2026-11-01&to=2026-11-30&region=530100"
dep=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["departments"][0]["code"])' "$work/out")
report "year, one department ($dep)" "from=2026-01-01&to=2026-12-31&department=$dep"
report "year, province, xlsx" "from=2026-01-01&to=2026-12-31&format=xlsx"
report "year, province, pdf" "from=2026-01-01&to=2026-12-31&format=pdf"
report "month, province, pdf" "from=2026-11-01&to=2026-11-30&format=pdf"
echo "== the operators report ($profile build)"
report "operators: month" "from=2026-11-01&to=2026-11-30" operators operators
report "operators: year" "from=2026-01-01&to=2026-12-31" operators operators
report "operators: month, 昆明 complaints" "from=2026-11-01&to=2026-11-30&region=530100" operators operators
report "operators: year, xlsx" "from=2026-01-01&to=2026-12-31&format=xlsx" operators operators
echo "== the knowledge base health report ($profile build)"
report "kb-health: month" "from=2026-11-01&to=2026-11-30" kb-health regions
report "kb-health: year" "from=2026-01-01&to=2026-12-31" kb-health regions
report "kb-health: month, 昆明" "from=2026-11-01&to=2026-11-30&region=530100" kb-health regions
report "kb-health: year, xlsx" "from=2026-01-01&to=2026-12-31&format=xlsx" kb-health regions
echo "== the 社情民意 digest ($profile build)"
report "topics: month" "from=2026-11-01&to=2026-11-30" topics topics
report "topics: year" "from=2026-01-01&to=2026-12-31" topics topics
report "topics: month, 昆明" "from=2026-11-01&to=2026-11-30&region=530100" topics topics
report "topics: year, xlsx" "from=2026-01-01&to=2026-12-31&format=xlsx" topics topics
report "topics: month, pdf" "from=2026-11-01&to=2026-11-30&format=pdf" topics topics

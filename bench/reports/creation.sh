#!/usr/bin/env bash
# Ticket creation with and without the reports' roll-ups: the same load generator as
# bench/tickets (a quarter no-info tickets, all to one department: the worst case for the
# roll-up rows they share) against this tree built twice, once with the tickets crate's
# `without-rollups` feature (creation skips the roll-ups), on scratch PostgreSQL databases.
#
#   bench/reports/creation.sh [seconds] [connections] [rounds]
#
# Release builds (PROFILE=dev for debug ones). The two builds alternate, `rounds` times each.
set -euo pipefail

cd "$(dirname "$0")/../.."
seconds="${1:-20}"
connections="${2:-32}"
rounds="${3:-3}"
pg_url="${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
profile="${PROFILE:-release}"
target="${CARGO_TARGET_DIR:-target}"
dir="$target/$([ "$profile" = dev ] && echo debug || echo "$profile")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build -q --profile "$profile" -p tickets --example bench_create
cargo build -q --profile "$profile" -p hotline --features tickets/without-rollups
cp "$dir/hotline" "$work/hotline-without-rollups"
cargo build -q --profile "$profile" -p hotline
cp "$dir/hotline" "$work/hotline-with-rollups"
export HOTLINE_JWT_SECRET="bench-secret-bench-secret-bench-secret-0"

run_one() {
    local name="$1" bin="$2" db="bench_creation_$$" port pid
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    psql -q "$pg_url" -c "CREATE DATABASE $db"
    HOTLINE_DATA_DIR="$work" HOTLINE_TICKETS_DATABASE_URL="${pg_url%/*}/$db" HOTLINE_TICKETS_PORT="$port" \
    HOTLINE_KNOWLEDGE_URL="http://127.0.0.1:9" HOTLINE_NOTIFY_URL="http://127.0.0.1:9" \
    HOTLINE_TICKETS_DB_POOL_SIZE="${POOL:-16}" RUST_LOG=warn \
        "$bin" tickets >"$work/$name.log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
        sleep 0.1
    done
    echo "== $name ($connections connections, ${seconds}s)"
    "$dir/examples/bench_create" "http://127.0.0.1:$port" "$connections" "$seconds" \
        || echo "!! $name: check failed"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    psql -q "$pg_url" -c "DROP DATABASE $db WITH (FORCE)"
}

for round in $(seq "$rounds"); do
    run_one "without roll-ups, round $round" "$work/hotline-without-rollups"
    run_one "with roll-ups, round $round" "$work/hotline-with-rollups"
done

#!/usr/bin/env bash
# Ticket creation with and without the department report's roll-ups: the same load generator
# as bench/tickets (a quarter no-info tickets, which add to a roll-up row as they are taken, all
# to one department: the worst case for that row) against two builds of `hotline` on scratch
# PostgreSQL databases.
#
#   bench/reports/creation.sh BASELINE_HOTLINE [seconds] [connections]
#
# BASELINE_HOTLINE is a `hotline` binary built without the roll-ups (e.g. from main); the
# other is this tree's (`cargo build -p hotline`).
set -euo pipefail

cd "$(dirname "$0")/../.."
baseline="$1"
seconds="${2:-20}"
connections="${3:-32}"
pg_url="${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
target="${CARGO_TARGET_DIR:-target}"
cargo build -q -p hotline && cargo build -q -p tickets --example bench_create
export HOTLINE_JWT_SECRET="bench-secret-bench-secret-bench-secret-0"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

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
    "$target/debug/examples/bench_create" "http://127.0.0.1:$port" "$connections" "$seconds" \
        || echo "!! $name: check failed"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    psql -q "$pg_url" -c "DROP DATABASE $db WITH (FORCE)"
}

run_one "without roll-ups" "$baseline"
run_one "with roll-ups" "$target/debug/hotline"
run_one "without roll-ups, again" "$baseline"
run_one "with roll-ups, again" "$target/debug/hotline"

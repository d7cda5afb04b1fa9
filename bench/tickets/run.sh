#!/usr/bin/env bash
# Ticket-creation benchmark: throughput and p99 at 32 connections on SQLite and PostgreSQL,
# then the tickets are counted (none lost or duplicated).
#
#   bench/tickets/run.sh [sqlite|postgres|both] [seconds] [connections]
#
# PROFILE=release (default debug) builds optimised binaries first.
# PG_URL (default postgres://postgres@127.0.0.1:5432/postgres) names a server on which a
# scratch database is created and dropped.
set -euo pipefail

cd "$(dirname "$0")/../.."
which_db="${1:-both}"
seconds="${2:-20}"
connections="${3:-32}"
profile="${PROFILE:-debug}"
pg_url="${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

flag=""
[ "$profile" = release ] && flag="--release"
cargo build -q -p hotline $flag && cargo build -q -p tickets --example bench_create $flag
bin="target/$profile/hotline"
gen="target/$profile/examples/bench_create"

export HOTLINE_JWT_SECRET="bench-secret-bench-secret-bench-secret-0"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

run_one() {
    local name="$1" url="$2" port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    # Peers point at a closed port: creation never calls them, and the relay just retries.
    HOTLINE_DATA_DIR="$work" HOTLINE_TICKETS_DATABASE_URL="$url" HOTLINE_TICKETS_PORT="$port" \
    HOTLINE_KNOWLEDGE_URL="http://127.0.0.1:9" HOTLINE_NOTIFY_URL="http://127.0.0.1:9" \
    HOTLINE_TICKETS_DB_POOL_SIZE="${POOL:-16}" RUST_LOG=warn \
        "$bin" tickets >"$work/$name.log" 2>&1 &
    local pid=$!
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
        sleep 0.1
    done
    echo "== $name ($profile build, $connections connections, ${seconds}s)"
    "$gen" "http://127.0.0.1:$port" "$connections" "$seconds" || echo "!! $name: check failed"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

if [ "$which_db" = sqlite ] || [ "$which_db" = both ]; then
    run_one sqlite "sqlite://$work/tickets.db"
fi
if [ "$which_db" = postgres ] || [ "$which_db" = both ]; then
    db="bench_tickets_$$"
    psql -q "$pg_url" -c "CREATE DATABASE $db"
    run_one postgres "${pg_url%/*}/$db"
    psql -q "$pg_url" -c "DROP DATABASE $db WITH (FORCE)"
fi

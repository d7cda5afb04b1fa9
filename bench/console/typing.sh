#!/usr/bin/env bash
# Browser benchmark of search-as-you-type (not a test): a release `hotline run` and a real
# headless Chromium; see tests/examples/console_typing.rs. Usage, from the workspace root:
#   bench/console/typing.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
scripts/browser-setup
cargo build --release -p hotline 2>&1 | tail -1
cargo run --release -p e2e --example console_typing 2>&1 | grep -v "^\s*\(Compiling\|Finished\|Running\)" | tail -5

#!/usr/bin/env bash
# The web app under load: `riskfirst serve --demo` (release build, a new SQLite file),
# signed in, then wrk with C connections for D seconds on the dashboard, a team page and
# a system page. Prints wrk's latency distribution (p50, p90, p99) per page.
#
#   bench/server.sh [CONNECTIONS] [SECONDS]      (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
C="${1:-100}"
D="${2:-10}"
PORT="${RISKFIRST_BENCH_PORT:-8097}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/riskfirst/target}"
cargo build --release --locked -q -p riskfirst
BIN="$CARGO_TARGET_DIR/release/riskfirst"
DIR="$(mktemp -d)"
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$DIR"' EXIT
RISKFIRST_DEMO_PASSWORD=bench-password "$BIN" serve --demo --database "sqlite://$DIR/bench.db" \
  --listen "127.0.0.1:$PORT" > "$DIR/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/login" && break
  sleep 0.5
done
COOKIE="$(curl -s -D - -o /dev/null -d 'username=admin&password=bench-password' "http://127.0.0.1:$PORT/login" \
  | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p')"
[ -n "$COOKIE" ] || { echo "cannot sign in" >&2; cat "$DIR/serve.log" >&2; exit 1; }
echo "riskfirst serve --demo, $C connections, $D s per page, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for page in / /teams/payments /systems/checkout /triage; do
  # Warm the instance's cache of the revision first.
  curl -s -o /dev/null -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$page"
  echo "== $page"
  wrk -t2 -c"$C" -d"${D}s" --latency -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$page" \
    | grep -E 'Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors'
done

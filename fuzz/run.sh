#!/usr/bin/env bash
# Runs one fuzz target for a given time, with one job (the machine is shared).
#
#   fuzz/run.sh TARGET SECONDS
#
# TARGET: loader, differential, expr or date (`cargo +nightly fuzz list`).
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# The corpus grows in fuzz/corpus/TARGET (not committed); a crash is saved in
# fuzz/artifacts/TARGET and reproduced with
#   cargo +nightly fuzz run TARGET fuzz/artifacts/TARGET/crash-...
# The last lines of the output give the executions and the corpus size.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: fuzz/run.sh TARGET SECONDS" >&2
  exit 2
fi
target="$1"
seconds="$2"
cd "$(dirname "$0")"
mkdir -p "corpus/$target"
# Seeds: the demo estate and the test fixtures, for the file readers (the
# billion-laughs fixture included: aliases now stop at 100,000 values).
if [ "$target" = loader ] || [ "$target" = differential ]; then
  find ../examples ../crates/riskfirst-model/tests/fixtures -name '*.yaml' -size -64k 2>/dev/null |
    while read -r f; do cp -n "$f" "corpus/$target/seed-$(basename "$(dirname "$f")")-$(basename "$f")" 2>/dev/null || true; done
fi
exec cargo +nightly fuzz run "$target" "corpus/$target" -- \
  -max_total_time="$seconds" -jobs=1 -workers=1 -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
  -print_final_stats=1

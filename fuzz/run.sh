#!/usr/bin/env bash
# Runs one fuzz target for a given time, with one job (the machine is shared).
#
#   fuzz/run.sh TARGET SECONDS
#
# TARGET: loader, differential, expr, date or an importer, import_otm ...
# (`cargo +nightly fuzz list`).
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
# Seeds of the importers: the format's files of the reference corpora (not committed;
# read from ../shared like the tests).
corpora=../../shared/corpora
seed() { for f in "$@"; do [ -f "$f" ] && cp -n "$f" "corpus/$target/" 2>/dev/null; done; true; }
case "$target" in
  import_otm) seed "$corpora"/interop/otm-* "$corpora"/interop/otm-0.1.0/EXAMPLE.* ;;
  import_threat_dragon) seed "$corpora"/interop/threat-dragon-* ;;
  import_threagile) seed "$corpora"/threagile/*.yaml ;;
  import_threat_composer) seed "$corpora"/interop/threat-composer-example.tc.json ;;
  import_tmbom) seed "$corpora"/interop/tmbom-* ;;
  import_threatcl) seed "$corpora"/interop/threatcl-* ;;
esac
exec cargo +nightly fuzz run "$target" "corpus/$target" -- \
  -max_total_time="$seconds" -jobs=1 -workers=1 -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
  -print_final_stats=1

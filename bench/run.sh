#!/usr/bin/env sh
# riskfirst against pytm on the same generated architectures, in one run.
#
#   bench/run.sh [SIZES]        SIZES defaults to 1000,5000 (10000 adds about 4 minutes of pytm)
#
# Also times riskfirst's whole analysis (`analyze --format json`: threats, the Monte Carlo of
# every roll-up at 100,000 years, values, plans, JSON) against pytm's whole run.
#
# Sets up the Python venv with pytm on first use, builds the bench_estate example
# in release mode, then runs bench/pytm_compare.py. Needs ../shared/bench/pytm_synthetic.py
# (the pytm driver that reads the neutral model) next to the repository.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
sizes=${1:-1000,5000}
venv=${VENV:-/work/.venv-bench}
target=${CARGO_TARGET_DIR:-$repo/target}
script=${PYTM_SCRIPT:-$repo/../shared/bench/pytm_synthetic.py}

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet pytm pyyaml
fi
if [ ! -f "$script" ]; then
    echo "run.sh: $script is absent; set PYTM_SCRIPT" >&2
    exit 2
fi
(cd "$repo" && CARGO_TARGET_DIR=$target cargo build --quiet --release -p riskfirst-rules --example bench_estate && CARGO_TARGET_DIR=$target cargo build --quiet --release -p riskfirst)
echo "riskfirst $(git -C "$repo" rev-parse --short HEAD), pytm $("$venv/bin/pip" show pytm 2>/dev/null | sed -n 's/^Version: //p')"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$venv/bin/python" "$repo/bench/pytm_compare.py" --sizes "$sizes" \
    --bench-bin "$target/release/examples/bench_estate" \
    --pytm-python "$venv/bin/python" --pytm-script "$script" --markdown \
    --riskfirst-bin "$target/release/riskfirst"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

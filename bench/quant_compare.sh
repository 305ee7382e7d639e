#!/usr/bin/env bash
# The risk engine against the Python FAIR libraries on the same scenarios, in one run.
#
#   bench/quant_compare.sh [--trials N] [--runs R] [--no-peers]
#
# Builds riskfirst in release mode, sets up a Python venv with the peers on first use
# (numpy, scipy, pandas, matplotlib, pyfair, pycrq), then times:
#   1. `riskfirst simulate` on ../shared/corpora/quant/portfolio-100.json (100 scenarios)
#      and on its first scenario alone, best of R runs (default 3), wall time and peak
#      memory from /usr/bin/time -v;
#   2. the peers through ../shared/bench/quant_peers.py bench (each case once: pyfair on
#      100 scenarios at 1,000,000 trials takes about 45 s and 13 GB);
#   3. `riskfirst analyze examples/northwind --format json --trials 100000`, best of R.
# and prints a Markdown table with the ratio of each peer to riskfirst.
#
# Environment: CARGO_TARGET_DIR (default <repo>/target), VENV (default /work/.venv-quant),
# RISKQUANT_SRC (an unpacked riskquant source tree; riskquant is not on PyPI and is skipped
# without it).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
trials=1000000
runs=3
peers=1
while [ $# -gt 0 ]; do
    case "$1" in
        --trials) trials=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --no-peers) peers=0; shift ;;
        *) echo "quant_compare.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
venv=${VENV:-/work/.venv-quant}
target=${CARGO_TARGET_DIR:-$repo/target}
shared=$repo/../shared
portfolio=$shared/corpora/quant/portfolio-100.json
peers_script=$shared/bench/quant_peers.py
bin=$target/release/riskfirst
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -f "$portfolio" ]; then
    echo "quant_compare.sh: $portfolio is absent (the shared corpora sit next to the repository)" >&2
    exit 2
fi
if [ ! -x /usr/bin/time ]; then
    echo "quant_compare.sh: /usr/bin/time is needed for peak memory (apt-get install time)" >&2
    exit 2
fi

(cd "$repo" && CARGO_TARGET_DIR=$target cargo build --quiet --release -p riskfirst)

if [ "$peers" = 1 ] && [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet numpy scipy pandas matplotlib \
        || echo "quant_compare.sh: numpy/scipy/pandas/matplotlib failed to install" >&2
    for pkg in pyfair pycrq; do
        "$venv/bin/pip" install --quiet --pre "$pkg" \
            || echo "quant_compare.sh: $pkg failed to install; its rows will be missing" >&2
    done
fi

echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/^Mem:/ {print $2}') GB"
echo "riskfirst $(git -C "$repo" rev-parse --short HEAD), $trials trials, best of $runs"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# The first scenario alone, to compare with the peers' one-scenario case.
python3 - "$portfolio" "$work/one.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
json.dump({"scenarios": d["scenarios"][:1]}, open(sys.argv[2], "w"))
EOF

# timed NAME COMMAND...: best-of-$runs wall time, its CPU time and the largest peak RSS,
# one JSON line in $work/rows.jsonl; the command's stdout goes to $work/NAME.out.
timed() {
    local name=$1; shift
    for _ in $(seq "$runs"); do
        /usr/bin/time -v -o "$work/time.txt" "$@" > "$work/$name.out"
        python3 - "$work/time.txt" "$name" >> "$work/$name.runs" <<'EOF'
import json, sys
t = {}
for line in open(sys.argv[1]):
    k, _, v = line.strip().rpartition(": ")
    t[k] = v
wall = t["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")
secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
print(json.dumps({"case": sys.argv[2], "seconds": secs,
                  "cpu": float(t["User time (seconds)"]) + float(t["System time (seconds)"]),
                  "peak_rss_mib": int(t["Maximum resident set size (kbytes)"]) / 1024}))
EOF
    done
    python3 - "$work/$name.runs" >> "$work/rows.jsonl" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
best = min(rows, key=lambda r: r["seconds"])
best["peak_rss_mib"] = max(r["peak_rss_mib"] for r in rows)
best["runs"] = [r["seconds"] for r in rows]
print(json.dumps(best))
EOF
}

timed riskfirst-100 "$bin" simulate --scenarios "$portfolio" --trials "$trials" --format json
timed riskfirst-1 "$bin" simulate --scenarios "$work/one.json" --trials "$trials" --format json
timed riskfirst-demo "$bin" analyze "$repo/examples/northwind" --format json --trials 100000
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("riskfirst 100 scenarios: mean", d["mean"], "p99", d["p99"])' "$work/riskfirst-100.out"
echo "load average after riskfirst: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "$peers" = 1 ]; then
    # quant_peers.py prints one JSON line per case; failures (riskquant without its
    # source) go to stderr and the run goes on.
    (cd "$work" && "$venv/bin/python" "$peers_script" bench --trials "$trials") \
        | grep '^{' > "$work/peers.jsonl" || true
    echo "load average after the peers: $(cut -d' ' -f1-3 /proc/loadavg)"
else
    : > "$work/peers.jsonl"
fi

python3 - "$work/rows.jsonl" "$work/peers.jsonl" <<'EOF'
import json, sys
ours = {r["case"]: r for r in map(json.loads, open(sys.argv[1]))}
peers = [json.loads(l) for l in open(sys.argv[2])]
print()
print("| engine | scenarios | wall s | CPU s | peak MiB | wall / riskfirst | memory / riskfirst | mean annual loss |")
print("|---|---|---|---|---|---|---|---|")
for k in (1, 100):
    r = ours["riskfirst-%d" % k]
    print("| riskfirst (whole process, best of %d) | %d | %.3f | %.3f | %.1f | 1 | 1 | |"
          % (len(r["runs"]), k, r["seconds"], r["cpu"], r["peak_rss_mib"]))
    for p in peers:
        if p.get("scenarios") != k or p["case"] == "import_only":
            continue
        print("| %s (in-process) | %d | %.3f | | %.1f | %.1fx | %.1fx | %.0f |"
              % (p["case"], k, p["seconds"], p["peak_rss_mib"],
                 p["seconds"] / r["seconds"], p["peak_rss_mib"] / r["peak_rss_mib"], p["mean"]))
base = [p for p in peers if p["case"] == "import_only"]
if base:
    print("\nPython with numpy, scipy, pandas and matplotlib imported and nothing run: %.1f MiB" % base[0]["peak_rss_mib"])
d = ours["riskfirst-demo"]
print("\nriskfirst analyze examples/northwind --format json --trials 100000: wall %.3f s (runs %s), CPU %.3f s, peak %.1f MiB"
      % (d["seconds"], ", ".join("%.2f" % s for s in d["runs"]), d["cpu"], d["peak_rss_mib"]))
EOF

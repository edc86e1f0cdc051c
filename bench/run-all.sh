#!/usr/bin/env bash
# Distributed Erlang and Partisan for .NET, measured in the same session, then compared side by side.
#
#   bench/run-all.sh                 one run of each (about 1 + 2.5 minutes), then the table
#   RUNS=3 bench/run-all.sh          three alternating runs of each; the table shows medians [min-max]
#   SCALE=0.1 bench/run-all.sh       quick smoke run (10% of the counts)
#   MARKDOWN=1 bench/run-all.sh      print the table as Markdown (for the README)
#
# Knobs: RUNS (1), SCALE (1), OUT_DIR (a new temporary directory; the JSON lines stay there),
# DISTERL_DIR (../shared/bench/disterl next to the repository, else /work/shared/bench/disterl),
# COUNTERS=1 (ours also reports GC/allocation/thread-pool/CPU figures per message).
# The reference is copied to a temporary directory first, because its run.sh compiles into ebin/.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
RUNS="${RUNS:-1}"
SCALE="${SCALE:-1}"
OUT_DIR="${OUT_DIR:-$(mktemp -d /tmp/partisan-bench.XXXXXX)}"
if [ -z "${DISTERL_DIR:-}" ]; then
    if [ -d "$ROOT/../shared/bench/disterl" ]; then DISTERL_DIR="$ROOT/../shared/bench/disterl"; else DISTERL_DIR=/work/shared/bench/disterl; fi
fi
mkdir -p "$OUT_DIR"

command -v erl >/dev/null || { echo "erl not found: apt-get install erlang-nox" >&2; exit 2; }
WORK="$(mktemp -d /tmp/disterl-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$DISTERL_DIR" "$WORK/disterl"
rm -rf "$WORK/disterl/ebin" "$WORK/disterl/results"

dotnet build -c Release "$HERE/Partisan.Bench" -v quiet -nologo >/dev/null
OURS=("$HERE/Partisan.Bench/bin/Release/net10.0/Partisan.Bench")
EXTRA=()
if [ "${COUNTERS:-0}" = 1 ]; then EXTRA+=(--counters); fi

echo "# results in $OUT_DIR" >&2
for i in $(seq 1 "$RUNS"); do
    echo "## run $i/$RUNS: disterl" >&2
    (cd "$WORK/disterl" && BENCH_SCALE="$SCALE" BENCH_JSON="$OUT_DIR/disterl-run$i.jsonl" ./run.sh)
    echo "## run $i/$RUNS: partisan-dotnet" >&2
    "${OURS[@]}" all --scale "$SCALE" --json "$OUT_DIR/ours-run$i.jsonl" "${EXTRA[@]}"
done

echo
python3 "$HERE/compare.py" ${MARKDOWN:+--markdown} "$OUT_DIR"/disterl-run*.jsonl "$OUT_DIR"/ours-run*.jsonl

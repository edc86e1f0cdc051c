#!/usr/bin/env bash
# Partisan for .NET, Distributed Erlang and the .NET peers (Akka.NET, Proto.Actor, Orleans), measured in one
# session, alternating, then one table: every runtime side by side, and issue 15's goals with met / not met.
#
#   bench/run-all.sh                 one run of each (about 1 + 3 + 3 minutes), then the tables
#   RUNS=3 bench/run-all.sh          three alternating runs of each; the tables show medians [min-max]
#   SCALE=0.1 bench/run-all.sh       quick smoke run (10% of the counts)
#   PEERS= bench/run-all.sh          without the .NET peers (ours and Distributed Erlang only)
#
# Knobs: RUNS (1), SCALE (1), OUT_DIR (a new temporary directory; the JSON lines stay there),
# DISTERL_DIR and PEERS_DIR (../shared/bench/{disterl,peers} next to the repository, else /work/shared/bench/...),
# PEERS (akka,protoactor,orleans), COUNTERS=1 (ours also reports GC/allocation/thread-pool/CPU figures per message).
# Needs erl (apt-get install erlang-nox). Both references are copied to a temporary directory first: they build
# into their own folders, which are read-only.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
RUNS="${RUNS:-1}"
SCALE="${SCALE:-1}"
OUT_DIR="${OUT_DIR:-$(mktemp -d /tmp/partisan-bench.XXXXXX)}"
SHARED="$ROOT/../shared/bench"
[ -d "$SHARED" ] || SHARED=/work/shared/bench
DISTERL_DIR="${DISTERL_DIR:-$SHARED/disterl}"
PEERS_DIR="${PEERS_DIR:-$SHARED/peers}"
PEERS="${PEERS-akka,protoactor,orleans}"
mkdir -p "$OUT_DIR"

command -v erl >/dev/null || { echo "erl not found: apt-get install erlang-nox" >&2; exit 2; }
WORK="$(mktemp -d /tmp/disterl-bench.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$DISTERL_DIR" "$WORK/disterl"
rm -rf "$WORK/disterl/ebin" "$WORK/disterl/results"
if [ -n "$PEERS" ]; then
    cp -r "$PEERS_DIR" "$WORK/peers"
    rm -rf "$WORK"/peers/*/bin "$WORK"/peers/*/obj
fi

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
    "${OURS[@]}" idle --scale "$SCALE" --json "$OUT_DIR/ours-run$i.jsonl"
    if [ -n "$PEERS" ]; then
        echo "## run $i/$RUNS: $PEERS" >&2
        "$WORK/peers/run.sh" --peers "$PEERS" --scale "$SCALE" --json "$OUT_DIR/peers-run$i.jsonl"
    fi
done

echo
python3 "$HERE/table.py" "$OUT_DIR"/*-run*.jsonl
echo
python3 "$HERE/compare.py" ${MARKDOWN:+--markdown} "$OUT_DIR"/disterl-run*.jsonl "$OUT_DIR"/ours-run*.jsonl

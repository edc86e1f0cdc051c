#!/usr/bin/env python3
"""Side-by-side table of Distributed Erlang (shared/bench/disterl) and Partisan for .NET (bench/Partisan.Bench).

    bench/compare.py RESULTS.jsonl [MORE.jsonl ...] [--markdown] [--baseline disterl] [--ours partisan-dotnet]

Reads JSON lines from both tools (any mix of files; records are told apart by their "transport"
field), takes the median over all runs of each case, and prints one row per case and figure:
scenario, parameters, the reference's figure, ours, and the ratio. The ratio is always "how many
times better ours is": ours/reference for rates, reference/ours for latencies (so > 1 means ours
is better either way). Standard library only.
"""

import argparse
import json
import statistics
import sys
from collections import defaultdict

# figure -> True when higher is better
FIGURES = {
    "pingpong": [("p50_us", False), ("p99_us", False), ("round_trips_per_s", True)],
    "throughput": [("msgs_per_s", True), ("mib_per_s", True)],  # MiB/s shown for 64 KiB and up only
    "hol": [("p50_us", False), ("p99_us", False), ("bg_mib_per_s", True)],
    "call": [("calls_per_s", True), ("p50_us", False), ("p99_us", False)],
    "latency": [("ops_per_s", True), ("p50_us", False)],
}
ORDER = ["pingpong", "throughput", "hol", "call", "latency"]
UNITS = {"p50_us": "p50 µs", "p99_us": "p99 µs", "round_trips_per_s": "rt/s", "msgs_per_s": "msg/s",
         "mib_per_s": "MiB/s", "bg_mib_per_s": "bg MiB/s", "calls_per_s": "calls/s", "ops_per_s": "ops/s"}


def size(b):
    b = int(b)
    if b >= 1 << 20 and b % (1 << 20) == 0:
        return f"{b >> 20} MiB"
    if b >= 1 << 10 and b % (1 << 10) == 0:
        return f"{b >> 10} KiB"
    return f"{b} B"


def case_key(r):
    """(order, label) identifying a case across both tools."""
    bench = r["bench"]
    if bench == "pingpong":
        return (0, int(r["payload_bytes"])), f"{size(r['payload_bytes'])}"
    if bench == "throughput":
        pooled = r.get("payload_kind") == "pooled"
        return (int(r["payload_bytes"]), int(pooled), int(r["senders"])), \
            f"{size(r['payload_bytes'])}{' pooled' if pooled else ''} x {r['senders']} senders"
    if bench == "hol":
        bg = int(r.get("background_bytes", 0))
        # the reference has one connection, so its background always shares the pings' connection
        channel = r.get("background_channel", "same" if bg else "none")
        rank = {"none": 0, "same": 1, "separate": 2}.get(channel, 3)
        label = "no background" if bg == 0 else f"bg {size(bg)}, {channel} channel"
        return (bg, rank), label
    if bench == "call":
        return (int(r["callers"]),), f"{r['callers']} caller(s)"
    if bench == "latency":
        return (-int(r["payload_bytes"]), int(r["parallelism"])), \
            f"{size(r['payload_bytes'])} x {r['senders']} snd, parallelism {r['parallelism']}"
    return (0,), bench


def load(paths):
    runs = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))  # transport -> (bench,key) -> figure -> values
    labels = {}
    meta = defaultdict(list)
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                r = json.loads(line)
                bench = r.get("bench")
                transport = r.get("transport", "?")
                if bench == "meta":
                    meta[transport].append(r)
                    continue
                if bench not in FIGURES:
                    continue
                key, label = case_key(r)
                labels[(bench, key)] = label
                for fig, _ in FIGURES[bench]:
                    if fig in r and r[fig] is not None:
                        runs[transport][(bench, key)][fig].append(float(r[fig]))
    return runs, labels, meta


def fmt(v):
    if v is None:
        return "-"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def cell(values):
    if not values:
        return None, "-"
    m = statistics.median(values)
    text = fmt(m)
    if len(values) > 1:
        text += f" [{fmt(min(values))}–{fmt(max(values))}]"
    return m, text


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--baseline", default="disterl", help="transport of the reference (default disterl)")
    ap.add_argument("--ours", default="partisan-dotnet", help="transport of ours (default partisan-dotnet)")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args()

    runs, labels, meta = load(args.files)
    base, ours = runs.get(args.baseline, {}), runs.get(args.ours, {})
    if not base and not ours:
        sys.exit(f"no records for transports {args.baseline!r} or {args.ours!r} in {args.files}")

    n_base, n_ours = len(meta.get(args.baseline, [])), len(meta.get(args.ours, []))
    header = ["scenario", "parameters", "figure", f"{args.baseline} ({n_base} run{'s' if n_base != 1 else ''})",
              f"{args.ours} ({n_ours} run{'s' if n_ours != 1 else ''})", "ours better by"]
    rows = []
    cases = sorted(set(base) | set(ours), key=lambda c: (ORDER.index(c[0]), c[1]))
    for bench, key in cases:
        for fig, higher in FIGURES[bench]:
            if bench == "throughput" and fig == "mib_per_s" and key[0] < 65536:
                continue
            bkey = key
            if bench == "hol" and key[1] == 2:
                bkey = (key[0], 1)  # the reference has only its one connection: compare with that
            b, btext = cell(base.get((bench, bkey), {}).get(fig, []))
            o, otext = cell(ours.get((bench, key), {}).get(fig, []))
            if b is None and o is None:
                continue
            ratio = "-"
            if b and o:
                ratio = f"{(o / b) if higher else (b / o):.2f}×"
            rows.append([bench, labels[(bench, key)], UNITS.get(fig, fig), btext, otext, ratio])

    # the latency experiment's own headline: parallelism 16 over 1 connection
    for b in sorted({k[0] for (bench, k) in ours if bench == "latency"}):
        one = ours.get(("latency", (b, 1)), {}).get("ops_per_s")
        par = [(k, v) for (bench, k), v in ours.items() if bench == "latency" and k[0] == b and k[1] > 1]
        for k, v in par:
            if one and v.get("ops_per_s"):
                ratio = statistics.median(v["ops_per_s"]) / statistics.median(one)
                rows.append(["latency", f"{size(-b)}: parallelism {k[1]} vs 1", "ops/s ratio", "-", f"{ratio:.2f}×", "-"])

    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" for _ in header) + "|")
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
        print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
        for r in rows:
            print("  ".join(str(c).ljust(w) if i < 3 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths))))

    for transport, ms in meta.items():
        m = ms[0]
        desc = m.get("otp_version") and f"OTP {m.get('otp_version')}" or m.get("runtime", "")
        print(f"# {transport}: {len(ms)} run(s), first {m.get('date_utc', '?')}, {desc}, "
              f"{m.get('logical_processors', m.get('cpus', '?'))} cpus, {m.get('cpu_model', '?')}, scale {m.get('scale', '?')}")


if __name__ == "__main__":
    main()

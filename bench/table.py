#!/usr/bin/env python3
"""Every runtime side by side, then issue 15's goals with met / not met.

    bench/table.py RESULTS.jsonl [MORE.jsonl ...]

Reads the JSON lines of Partisan.Bench (transport "partisan-dotnet"), the Distributed Erlang reference
("disterl") and the .NET peers ("akka", "protoactor", "orleans"), in any mix of files, and prints two
Markdown tables: one row per case with the median over runs of each runtime (min-max when there are
several runs) and ours against the best other runtime; then one row per goal of issue 15 with its target,
our median and whether it is met. Standard library only.
"""

import json
import statistics
import sys
from collections import defaultdict

OURS = "partisan-dotnet"
KNOWN = [OURS, "disterl", "akka", "protoactor", "orleans"]

# (label, bench, fields to match, figure, higher is better)
CASES = [
    ("ping-pong 64 B, p50 µs", "pingpong", {"payload_bytes": 64}, "p50_us", False),
    ("ping-pong 64 B, p99 µs", "pingpong", {"payload_bytes": 64}, "p99_us", False),
    ("64 B one-way, 1 sender, msg/s", "throughput", {"payload_bytes": 64, "senders": 1}, "msgs_per_s", True),
    ("64 B one-way, 16 senders, msg/s", "throughput", {"payload_bytes": 64, "senders": 16}, "msgs_per_s", True),
    ("1 KiB one-way, 16 senders, msg/s", "throughput", {"payload_bytes": 1024, "senders": 16}, "msgs_per_s", True),
    ("64 KiB one-way, 1 sender, MiB/s", "throughput", {"payload_bytes": 65536, "senders": 1}, "mib_per_s", True),
    ("64 KiB one-way, 16 senders, MiB/s", "throughput", {"payload_bytes": 65536, "senders": 16}, "mib_per_s", True),
    ("64 KiB one-way as PooledBytes, 1 sender, MiB/s", "throughput", {"payload_bytes": 65536, "senders": 1, "payload_kind": "pooled"}, "mib_per_s", True),
    ("64 KiB one-way as PooledBytes, 16 senders, MiB/s", "throughput", {"payload_bytes": 65536, "senders": 16, "payload_kind": "pooled"}, "mib_per_s", True),
    ("64 B p50 µs, 8 MiB streaming on the same channel", "hol", {"background_bytes": 8 << 20, "background_channel": "same"}, "p50_us", False),
    ("64 B p99 µs, 8 MiB streaming on the same channel", "hol", {"background_bytes": 8 << 20, "background_channel": "same"}, "p99_us", False),
    ("64 B p50 µs, 8 MiB streaming on a separate channel", "hol", {"background_bytes": 8 << 20, "background_channel": "separate"}, "p50_us", False),
    ("64 B p99 µs, 8 MiB streaming on a separate channel", "hol", {"background_bytes": 8 << 20, "background_channel": "separate"}, "p99_us", False),
    ("call, 1 caller, p50 µs", "call", {"callers": 1}, "p50_us", False),
    ("call, 1 caller, calls/s", "call", {"callers": 1}, "calls_per_s", True),
    ("call, 16 callers, calls/s", "call", {"callers": 16}, "calls_per_s", True),
    ("call, 16 callers, p99 µs", "call", {"callers": 16}, "p99_us", False),
    ("bytes per idle process", "idle", {"case": "process"}, "bytes_per_process", False),
    ("bytes per idle generated gen_server", "idle", {"case": "gen_server"}, "bytes_per_process", False),
    ("bytes per idle gen_statem", "idle", {"case": "gen_statem"}, "bytes_per_process", False),
]

# (goal, case label, target kind, target value): kinds "max" (ours <= value), "min" (ours >= value),
# "peer" (ours at least value times the best other runtime, direction from the case).
GOALS = [
    ("64 B one-way, 1 sender: ≥ 1.5× the best peer", "64 B one-way, 1 sender, msg/s", "peer", 1.5),
    ("64 B one-way, 16 senders: ≥ 1.5× the best peer", "64 B one-way, 16 senders, msg/s", "peer", 1.5),
    ("64 B one-way, 16 senders: ≥ 3M msg/s", "64 B one-way, 16 senders, msg/s", "min", 3_000_000),
    ("64 KiB one-way: ≥ Distributed Erlang", "64 KiB one-way, 1 sender, MiB/s", "disterl", 1.0),
    ("64 KiB one-way: ≥ 2.5 GiB/s", "64 KiB one-way, 1 sender, MiB/s", "min", 2560),
    ("64 KiB one-way as PooledBytes: ≥ Distributed Erlang", "64 KiB one-way as PooledBytes, 1 sender, MiB/s", "disterl-of", "64 KiB one-way, 1 sender, MiB/s"),
    ("small-message p99 while 8 MiB stream on the same channel: ≤ 2 ms", "64 B p99 µs, 8 MiB streaming on the same channel", "max", 2000),
    ("the same on a separate channel: ≤ 0.5 ms", "64 B p99 µs, 8 MiB streaming on a separate channel", "max", 500),
    ("ping-pong 64 B p50: ≤ 25 µs", "ping-pong 64 B, p50 µs", "max", 25),
    ("call, 1 caller, p50: ≤ 30 µs", "call, 1 caller, p50 µs", "max", 30),
    ("call, 16 callers: ≥ 200k calls/s", "call, 16 callers, calls/s", "min", 200_000),
    ("bytes per idle process: ≤ 1 KiB", "bytes per idle process", "max", 1024),
    ("bytes per idle generated gen_server: ≤ 1 KiB", "bytes per idle generated gen_server", "max", 1024),
]


def read(paths):
    values = defaultdict(list)
    transports = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line.startswith("{"):
                    continue
                try:
                    r = json.loads(line)
                except ValueError:
                    continue
                t = r.get("transport")
                if not t or r.get("bench") in (None, "meta"):
                    continue
                if t not in transports:
                    transports.append(t)
                for label, bench, match, figure, _ in CASES:
                    if r.get("bench") != bench or figure not in r:
                        continue
                    if bench == "hol" and "background_channel" not in r:
                        r = dict(r, background_channel="same")  # the reference has one connection per node pair
                    if bench == "throughput" and "payload_kind" not in r:
                        r = dict(r, payload_kind="byte[]")
                    if bench == "throughput" and "payload_kind" not in match and r["payload_kind"] != "byte[]":
                        continue
                    if all(r.get(k) == v for k, v in match.items()):
                        values[(label, t)].append(float(r[figure]))
    order = [t for t in KNOWN if t in transports] + [t for t in transports if t not in KNOWN]
    return values, order


def fmt(v):
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.1f}"


def cell(vs):
    if not vs:
        return "-"
    m = statistics.median(vs)
    return fmt(m) if len(vs) == 1 else f"{fmt(m)} [{fmt(min(vs))}–{fmt(max(vs))}]"


def main(paths):
    values, order = read(paths)
    higher_of = {label: higher for label, _, _, _, higher in CASES}
    print("| case | " + " | ".join(order) + " | ours against the best other |")
    print("|---|" + "---|" * (len(order) + 1))
    for label, _, _, _, higher in CASES:
        if not any(values.get((label, t)) for t in order):
            continue
        medians = {t: statistics.median(values[(label, t)]) for t in order if values.get((label, t))}
        others = {t: m for t, m in medians.items() if t != OURS}
        ratio = "-"
        if OURS in medians and others and medians[OURS] > 0:
            best = max(others.values()) if higher else min(others.values())
            ratio = f"{(medians[OURS] / best) if higher else (best / medians[OURS]):.2f}×"
        print(f"| {label} | " + " | ".join(cell(values.get((label, t), [])) for t in order) + f" | {ratio} |")

    print()
    print("| goal (issue 15) | ours | target | met |")
    print("|---|---|---|---|")
    for goal, label, kind, target in GOALS:
        ours = values.get((label, OURS))
        if not ours:
            print(f"| {goal} | not measured | | - |")
            continue
        o = statistics.median(ours)
        higher = higher_of[label]
        if kind == "disterl-of":
            ref = values.get((target, "disterl"))
            if not ref:
                print(f"| {goal} | {fmt(o)} | Distributed Erlang not measured | - |")
                continue
            r = statistics.median(ref)
            print(f"| {goal} | {fmt(o)} ({o / r:.2f}× disterl) | disterl's {fmt(r)} (byte-array payload) | {'yes' if o >= r else 'no'} |")
            continue
        if kind in ("peer", "disterl"):
            pool = {t: statistics.median(values[(label, t)]) for t in order
                    if t != OURS and values.get((label, t)) and (kind == "peer" or t == "disterl")}
            if not pool:
                print(f"| {goal} | {fmt(o)} | no peer measured | - |")
                continue
            name, best = (max if higher else min)(pool.items(), key=lambda kv: kv[1])
            times = (o / best) if higher else (best / o)
            met = times >= target
            print(f"| {goal} | {fmt(o)} ({times:.2f}× {name}) | {target}× {name} ({fmt(best)}) | {'yes' if met else 'no'} |")
        else:
            met = o <= target if kind == "max" else o >= target
            print(f"| {goal} | {fmt(o)} | {'≤' if kind == 'max' else '≥'} {fmt(target)} | {'yes' if met else 'no'} |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1:])

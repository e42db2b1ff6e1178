"""Benchmark: read + validate, referral edges and referral graph of a national dataset.

Usage::

    .venv/bin/instnet generate -o /tmp/gen1m --enterprises 1000000 --institutions 10000 --seed 1
    .venv/bin/python bench/bench_read.py /tmp/gen1m --runs 3 --out bench/results/read.md

Each run is a fresh subprocess (so peak RSS is that run's own); the report gives the
median of the runs for every stage: wall time, CPU time (user + sys: less sensitive
than wall time to other work on a shared machine) and the peak RSS after the stage.
Not a timed test: run it by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

STAGES = ("read_validate", "referral_edges", "referral_graph")


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def one_run(dataset: str) -> dict:
    """Measure every stage once in this process; return the figures."""
    base_rss = _peak_mb()  # after imports
    from instnet.graph import referral_edges, referral_graph
    from instnet.io.read import read_dataset

    out: dict = {"import_peak_mb": round(base_rss, 1)}

    def stage(name, fn):
        w, c = time.perf_counter(), _cpu()
        value = fn()
        out[name] = {"wall_s": time.perf_counter() - w, "cpu_s": _cpu() - c, "peak_mb": _peak_mb()}
        return value

    eco = stage("read_validate", lambda: read_dataset(dataset))
    edges = stage("referral_edges", lambda: referral_edges(eco))
    G = stage("referral_graph", lambda: referral_graph(eco, edges=edges))
    out["counts"] = {"actors": len(eco.actors), "offers": len(eco.offers), "needs": len(eco.needs),
                     "links": len(eco.links), "edges": G.number_of_edges(), "nodes": G.number_of_nodes()}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dataset", nargs="?", default="/tmp/gen1m")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=None, help="write a Markdown report here")
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_run(args.dataset)))
        return
    runs = []
    for i in range(args.runs):
        proc = subprocess.run([sys.executable, __file__, args.dataset, "--one"], capture_output=True, text=True)
        if proc.returncode:
            sys.exit(proc.stderr)
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        r = runs[-1]
        print(f"run {i + 1}: " + ", ".join(f"{s} {r[s]['wall_s']:.1f}s" for s in STAGES)
              + f", peak {r['referral_graph']['peak_mb']:.0f} MB", file=sys.stderr)
    med = {s: {k: statistics.median(r[s][k] for r in runs) for k in ("wall_s", "cpu_s", "peak_mb")}
           for s in STAGES}
    total_wall = statistics.median(sum(r[s]["wall_s"] for s in STAGES) for r in runs)
    total_cpu = statistics.median(sum(r[s]["cpu_s"] for s in STAGES) for r in runs)
    peak = max(r["referral_graph"]["peak_mb"] for r in runs)
    load = os.getloadavg()
    lines = [
        "# Benchmark: read + validate + referral graph",
        "",
        f"Dataset `{args.dataset}`: {json.dumps(runs[0]['counts'])}.",
        f"Command: `.venv/bin/python bench/bench_read.py {args.dataset} --runs {args.runs}`",
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC.",
        "",
        f"Median of {args.runs} runs, each a fresh process; peak RSS is the process's high-water mark "
        "after the stage (imports included).",
        "",
        "| stage | wall s | CPU s | peak RSS MB |",
        "|---|---:|---:|---:|",
    ]
    for s in STAGES:
        lines.append(f"| {s} | {med[s]['wall_s']:.1f} | {med[s]['cpu_s']:.1f} | {med[s]['peak_mb']:.0f} |")
    lines.append(f"| **total** | **{total_wall:.1f}** | **{total_cpu:.1f}** | **{peak:.0f}** (max) |")
    lines.append("")
    lines.append("Runs (wall s): " + "; ".join(
        ", ".join(f"{r[s]['wall_s']:.1f}" for s in STAGES) for r in runs))
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if "\n## Notes" in old:  # keep the hand-written notes
            text += old[old.index("\n## Notes"):]
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

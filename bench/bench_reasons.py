"""Benchmark: what the reasons of unmet needs add to ``instnet gaps --unmet``, at national scale.

Usage::

    flock /tmp/national.lock python bench/bench_reasons.py [--dataset /tmp/gen1m] [--repeat 3]

Measures, in one run and on one ecosystem in memory (as of its data year):

1. *without*: what ``gaps --unmet`` computed before reasons existed — best paths,
   coverage by service, the table of unmet needs (``coverage(..., reasons=False)``);
2. *with*: the same plus the reason of every unmet need (``reasons=True``);

alternating the two ``--repeat`` times so that both see the same machine load, and
reports medians of wall and CPU time and their ratio. Then ``instnet gaps DATASET
--unmet --format csv`` end to end in a subprocess (reading included), once.
Figures are printed and written to ``bench/results/reasons.md``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from instnet import read_dataset
from instnet.analysis.gaps import coverage


def timed(fn):
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w0, time.process_time() - c0


def run_gaps(eco, *, reasons: bool):
    """What ``gaps --unmet`` computes (best paths inside ``coverage``, as the command does)."""
    return coverage(eco, by=("service",), max_hops=4, reasons=reasons)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", default="/tmp/gen1m")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "reasons.md"))
    args = ap.parse_args()
    load = os.getloadavg()[0]
    lines = [f"# reasons of unmet needs, benchmark ({args.dataset})", "",
             f"`python bench/bench_reasons.py --dataset {args.dataset} --repeat {args.repeat}` (under "
             f"`flock /tmp/national.lock` for the national dataset); {os.cpu_count()} CPUs, load average {load:.1f} at the start.", ""]

    raw, rw, rc = timed(lambda: read_dataset(args.dataset))
    eco = raw.as_of(raw.data_year)
    lines.append(f"* read_dataset: {rw:.1f} s wall, {rc:.1f} s CPU; analysed as of {eco.year}: "
                 f"{len(eco.actors)} actors, {len(eco.needs)} needs")
    walls: dict[bool, list[float]] = {False: [], True: []}
    cpus: dict[bool, list[float]] = {False: [], True: []}
    report = None
    for i in range(args.repeat):
        for with_reasons in (False, True):
            report, w, c = timed(lambda: run_gaps(eco, reasons=with_reasons))
            walls[with_reasons].append(w)
            cpus[with_reasons].append(c)
            print(f"run {i + 1} {'with' if with_reasons else 'without'} reasons: {w:.1f} s wall, {c:.1f} s CPU",
                  flush=True)
    counts = report.unmet["reason"].value_counts().to_dict()
    mw = {k: statistics.median(v) for k, v in walls.items()}
    mc = {k: statistics.median(v) for k, v in cpus.items()}
    lines += [
        f"* gaps --unmet without reasons (best paths, coverage, unmet table): median {mw[False]:.1f} s wall, "
        f"{mc[False]:.1f} s CPU over {args.repeat} runs ({', '.join(f'{x:.1f}' for x in walls[False])} s wall)",
        f"* gaps --unmet with reasons: median {mw[True]:.1f} s wall, {mc[True]:.1f} s CPU "
        f"({', '.join(f'{x:.1f}' for x in walls[True])} s wall)",
        f"* reasons add {100 * (mw[True] / mw[False] - 1):.1f} % wall, {100 * (mc[True] / mc[False] - 1):.1f} % CPU "
        f"to the analysis (medians of the same run); {report.needs - report.served} unmet needs: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "unmet.csv"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        w0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "instnet", "gaps", args.dataset, "--unmet", "--format", "csv",
                        "-o", str(out)], check=True)
        wall = time.perf_counter() - w0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        rows = sum(1 for _ in out.open(encoding="utf-8")) - 1
    extra = mw[True] - mw[False]
    lines.append(f"* `instnet gaps {args.dataset} --unmet --format csv` end to end: {wall:.1f} s wall, {cpu:.1f} s "
                 f"CPU, peak RSS {after.ru_maxrss / 1e6:.2f} GB, {rows} unmet needs written; the reasons' "
                 f"{extra:.1f} s are {100 * extra / (wall - extra):.1f} % of the command without them")
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

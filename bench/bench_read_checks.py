"""Benchmark: read + validate of a national dataset, this code against another checkout.

Usage::

    flock /tmp/national.lock .venv/bin/python bench/bench_read_checks.py /tmp/gen1m \\
        --before /path/to/other/checkout --runs 3 --out bench/results/read_checks.md

Runs ``bench/bench_read.py --one`` (a fresh process each time) alternately with the
other checkout's ``instnet`` first on ``PYTHONPATH`` and with this one, so both see
the same machine load; reports the median read + validate wall and CPU time of each
and their ratio. Not a timed test: run it by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def one(dataset: str, code: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code)}
    proc = subprocess.run([sys.executable, str(HERE / "bench_read.py"), dataset, "--one"],
                          capture_output=True, text=True, env=env, cwd=code)
    if proc.returncode:
        sys.exit(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])["read_validate"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dataset")
    ap.add_argument("--before", type=Path, required=True, help="checkout of the code to compare with")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    codes = {"before": args.before.resolve(), "after": ROOT}
    runs: dict[str, list[dict]] = {k: [] for k in codes}
    for i in range(args.runs):
        for label, code in codes.items():
            runs[label].append(one(args.dataset, code))
            print(f"run {i + 1} {label}: {runs[label][-1]['wall_s']:.1f} s", file=sys.stderr)
    med = {k: {m: statistics.median(r[m] for r in v) for m in ("wall_s", "cpu_s", "peak_mb")}
           for k, v in runs.items()}
    load = os.getloadavg()
    lines = [
        "# Benchmark: read + validate, with the input checks against without",
        "",
        f"Dataset `{args.dataset}`. Command: `.venv/bin/python bench/bench_read_checks.py "
        f"{args.dataset} --before OTHER_CHECKOUT --runs {args.runs}` (under `/tmp/national.lock`).",
        f"{os.cpu_count()} CPUs, load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. Runs alternate before/after, each a fresh process.",
        "",
        "| code | median wall s | median CPU s | peak RSS MB |",
        "|---|---:|---:|---:|",
    ]
    for k in codes:
        lines.append(f"| {k} | {med[k]['wall_s']:.1f} | {med[k]['cpu_s']:.1f} | {med[k]['peak_mb']:.0f} |")
    lines += ["", f"Ratio after / before: wall {med['after']['wall_s'] / med['before']['wall_s']:.2f}, "
              f"CPU {med['after']['cpu_s'] / med['before']['cpu_s']:.2f}.", "",
              "Runs (wall s): " + "; ".join(f"{k} " + ", ".join(f"{r['wall_s']:.1f}" for r in v)
                                            for k, v in runs.items())]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

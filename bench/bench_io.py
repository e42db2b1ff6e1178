"""Benchmark: data in and out at scale (HSDS export/import, template, gaps to Excel).

Usage::

    .venv/bin/instnet generate -o /tmp/gen100k --enterprises 100000 --institutions 1000 --seed 0
    .venv/bin/python bench/bench_io.py workbooks /tmp/gen100k --runs 3 --out bench/results/io_workbooks.md
    flock /tmp/national.lock .venv/bin/python bench/bench_io.py hsds /tmp/gen1m --runs 1 \
        --out bench/results/io_hsds.md

``hsds`` times ``instnet export hsds DATASET`` (read + validate + write the package) and
``instnet import hsds PACKAGE`` (read + check + validate + write the dataset folder);
``workbooks`` times ``instnet template --from DATASET`` and ``instnet gaps DATASET
--unmet --format xlsx``. Each run is a fresh ``instnet`` process; the report gives the
median wall time, CPU time (user + sys of the process) and peak RSS per step. Aims:
HSDS steps under 120 s and 4 GB each at national scale (1,000,000 enterprises), the
workbook steps under 60 s at 100,000 enterprises. Not a timed test: run it by hand.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

INSTNET = str(Path(sys.executable).with_name("instnet"))


def timed(args: list[str]) -> dict:
    """Run one ``instnet`` command in a child process: wall, CPU and peak RSS of that child."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([INSTNET, *args], capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"instnet {' '.join(args)} failed:\n{done.stderr}")
    return {"wall_s": wall, "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            # The largest child so far: each step runs in a fresh process (see main), so its own.
            "peak_mb": after.ru_maxrss / 1024}


def steps(kind: str, dataset: str, work: Path) -> list[tuple[str, list[str]]]:
    if kind == "hsds":
        return [("export hsds", ["export", "hsds", dataset, "-o", str(work / "pkg"), "--include-private"]),
                ("import hsds", ["import", "hsds", str(work / "pkg"), "-o", str(work / "back")])]
    return [("template --from", ["template", "-o", str(work / "t.xlsx"), "--from", dataset, "--include-private"]),
            ("gaps --unmet --format xlsx", ["gaps", dataset, "--unmet", "--format", "xlsx",
                                            "-o", str(work / "gaps.xlsx")])]


def one_step(kind: str, dataset: str, index: int, work: str) -> None:
    """Child mode: run step ``index`` once and print its figures (a fresh process per step,
    so that ru_maxrss of children is this step's own peak)."""
    name, args = steps(kind, dataset, Path(work))[index]
    figures = timed(args)
    print(f"{figures['wall_s']} {figures['cpu_s']} {figures['peak_mb']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["hsds", "workbooks"])
    parser.add_argument("dataset")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--step", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--work", default=None, help=argparse.SUPPRESS)
    ns = parser.parse_args()
    if ns.step is not None:
        one_step(ns.kind, ns.dataset, ns.step, ns.work)
        return
    work = Path(tempfile.mkdtemp(prefix="instnet-bench-io-"))
    results: dict[str, list[tuple[float, float, float]]] = {}
    sizes: dict[str, str] = {}
    try:
        for _run in range(ns.runs):
            for i, (name, _args) in enumerate(steps(ns.kind, ns.dataset, work)):
                out = subprocess.run([sys.executable, __file__, ns.kind, ns.dataset, "--step", str(i),
                                      "--work", str(work)], capture_output=True, text=True, check=True)
                wall, cpu, peak = map(float, out.stdout.split())
                results.setdefault(name, []).append((wall, cpu, peak))
                print(f"{name}: {wall:.1f} s wall, {cpu:.1f} s CPU, {peak:.0f} MB peak", flush=True)
        for p in sorted(work.rglob("*")):
            if p.is_file() and p.stat().st_size > 1 << 20:
                sizes[str(p.relative_to(work))] = f"{p.stat().st_size / 1e6:.1f} MB"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = [f"# bench_io {ns.kind}: {ns.dataset}", "",
             f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.python_implementation()} "
             f"{platform.python_version()}, {os.cpu_count()} CPUs (shared), {ns.runs} run(s), medians.", "",
             "| step | wall s | CPU s | peak RSS MB |", "|---|---:|---:|---:|"]
    for name, rows in results.items():
        lines.append(f"| {name} | {statistics.median(r[0] for r in rows):.1f} | "
                     f"{statistics.median(r[1] for r in rows):.1f} | {statistics.median(r[2] for r in rows):.0f} |")
    if sizes:
        lines += ["", "Files over 1 MB: " + ", ".join(f"{k} {v}" for k, v in sizes.items()) + "."]
    text = "\n".join(lines) + "\n"
    print(text)
    if ns.out:
        ns.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

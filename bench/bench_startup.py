"""Benchmark: how fast the command line starts, against a bare interpreter in the same run.

Usage::

    python bench/bench_startup.py [--repeat 15] [--before DIR] [--out bench/results/startup.md]

Runs, interleaved (so that all four see the same machine load), ``python -c pass``,
``instnet --help``, ``instnet info jamaica`` and ``instnet gaps jamaica``, each in
a fresh process, ``--repeat`` times; reports the median wall time of each and its
difference from the bare interpreter, and which heavy libraries each command
imported (``python -X importtime``). With ``--before DIR`` the same commands run
from that source tree too (e.g. a checkout of the previous version), in the same
rounds. Goals: ``--help`` within 0.3 s of a bare
interpreter; ``gaps jamaica`` under 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HEAVY = ("pandas", "pyarrow", "numpy", "scipy", "networkx", "neo4j", "rich", "jinja2")

COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "instnet --help": ["-m", "instnet", "--help"],
    "instnet info jamaica": ["-m", "instnet", "info", "jamaica"],
    "instnet gaps jamaica": ["-m", "instnet", "gaps", "jamaica"],
}


def once(args: list[str], code: Path | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of ``python ARGS`` in a fresh process (CPU: user + system, of that child).

    ``code``: a source tree to run instead of the installed instnet.
    """
    env = None if code is None else dict(os.environ, PYTHONPATH=str(code))
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=code, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"python {' '.join(args)} failed")
    return wall, usage.ru_utime + usage.ru_stime


def heavy_imports(args: list[str], code: Path | None = None) -> list[str]:
    """The heavy top-level packages ``python ARGS`` imports."""
    env = None if code is None else dict(os.environ, PYTHONPATH=str(code))
    got = subprocess.run([sys.executable, "-X", "importtime", *args], check=True, capture_output=True, text=True,
                         cwd=code, env=env)
    seen = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in got.stderr.splitlines() if "|" in line}
    return [m for m in HEAVY if m in seen]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--before", type=Path, default=None, help="also run this source tree (the previous version)")
    ap.add_argument("--out", type=Path, default=Path("bench/results/startup.md"))
    opts = ap.parse_args()
    runs = {name: (args, None) for name, args in COMMANDS.items()}
    if opts.before is not None:
        runs.update({f"{name} (before)": (args, opts.before.resolve()) for name, args in COMMANDS.items()
                     if name != "python -c pass"})
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for name, (args, code) in runs.items():  # warm the file cache once
        once(args, code)
    for _ in range(opts.repeat):
        for name, (args, code) in runs.items():
            times[name].append(once(args, code))
    def med(name: str, k: int) -> float:
        return statistics.median(t[k] for t in times[name])

    base_wall, base_cpu = med("python -c pass", 0), med("python -c pass", 1)
    load = os.getloadavg()[0]
    lines = ["# Start-up time of the command line", "",
             f"`python bench/bench_startup.py --repeat {opts.repeat}`: each command {opts.repeat} times in fresh "
             f"processes, interleaved; medians of wall time and of CPU time (user + system of the child; on a "
             f"shared machine the wall time waits for the other jobs). 2 shared cores, load average {load:.1f} "
             "at the end.", "",
             "| command | wall (s) | wall minus bare python | CPU (s) | CPU minus bare python | heavy libraries imported |",
             "|---|---:|---:|---:|---:|---|"]
    for name, (args, code) in runs.items():
        wall, cpu = med(name, 0), med(name, 1)
        lines.append(f"| `{name}` | {wall:.3f} | {wall - base_wall:+.3f} | {cpu:.3f} | {cpu - base_cpu:+.3f} | "
                     f"{', '.join(heavy_imports(args, code)) or '—'} |")
    text = "\n".join(lines) + "\n"
    print(text)
    opts.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

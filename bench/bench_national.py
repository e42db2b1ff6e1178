"""Benchmark: the national commands end to end, for one or more source trees, in one run.

Usage::

    flock /tmp/national.lock python bench/bench_national.py --dataset /tmp/gen1m \
        [--code before=/path/to/old/checkout] [--code after=.] [--repeat 1] [--out bench/results/national.md]

Runs ``instnet gaps``, ``instnet bottlenecks``, ``instnet recommend --budget 5``
and ``instnet export html`` on DATASET, each in a fresh subprocess whose
``PYTHONPATH`` puts the given source tree first, trees interleaved per command
(before, after, before, after, ...) so that both see the same machine load.
Wall time, CPU time (user + system) and peak RSS come from ``os.wait4`` for that
child alone. With two trees, the outputs (JSON, the map) are compared byte for byte. Medians over ``--repeat`` runs are written as a Markdown table with
the after/before ratio of each figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = {
    "gaps": ["gaps", "{dataset}", "--format", "json", "-o", "{tmp}/gaps.json"],
    "bottlenecks": ["bottlenecks", "{dataset}", "--format", "json", "-o", "{tmp}/bottlenecks.json"],
    "recommend": ["recommend", "{dataset}", "--budget", "5", "--format", "json", "-o", "{tmp}/recommend.json"],
    "export html": ["export", "html", "{dataset}", "-o", "{tmp}/map.html"],
}


def run(code: Path, args: list[str]) -> dict[str, float]:
    """Run ``python -m instnet ARGS`` with ``code`` first on the path; wall, CPU, peak RSS."""
    env = dict(os.environ, PYTHONPATH=str(code), COLUMNS="160")
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "instnet", *args], env=env, cwd=code,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - began
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{code}: instnet {' '.join(args)} failed ({proc.returncode}):\n{err[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024 / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="/tmp/gen1m")
    ap.add_argument("--code", action="append", default=[], metavar="LABEL=DIR",
                    help="a source tree to measure (repeatable); default: after=. (this checkout)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--only", action="append", default=[], choices=sorted(COMMANDS))
    ap.add_argument("--out", type=Path, default=Path("bench/results/national.md"))
    opts = ap.parse_args()
    trees = [tuple(c.split("=", 1)) for c in (opts.code or ["after=."])]
    trees = [(label, Path(path).resolve()) for label, path in trees]
    commands = {k: v for k, v in COMMANDS.items() if not opts.only or k in opts.only}
    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    same: dict[str, bool] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, _ in trees:
            Path(tmp, label).mkdir()
        for name, template in commands.items():
            for _ in range(opts.repeat):
                for label, code in trees:
                    args = [a.format(dataset=opts.dataset, tmp=Path(tmp, label)) for a in template]
                    got = run(code, args)
                    results.setdefault((name, label), []).append(got)
                    print(f"{name:12s} {label:8s} wall {got['wall']:7.1f} s  cpu {got['cpu']:7.1f} s  "
                          f"rss {got['rss']:5.2f} GB", flush=True)
            if len(trees) == 2:
                out = Path(template[template.index("-o") + 1]).name
                same[name] = Path(tmp, trees[0][0], out).read_bytes() == Path(tmp, trees[1][0], out).read_bytes()
    load = os.getloadavg()[0]
    lines = ["# National commands, before and after, in one run", "",
             f"`python bench/bench_national.py --dataset {opts.dataset} "
             + " ".join(f"--code {label}=…" for label, _ in trees) + f" --repeat {opts.repeat}`, "
             f"under `flock /tmp/national.lock`; 2 shared cores, load average {load:.1f} at the end. "
             "Medians; wall and CPU in seconds, peak RSS in GB.", ""]
    head = "| command | " + " | ".join(f"{label} wall | {label} CPU | {label} RSS" for label, _ in trees)
    if len(trees) == 2:
        head += " | ratio wall | ratio CPU | ratio RSS"
    lines += [head + " |", "|---" * (1 + 3 * len(trees) + (3 if len(trees) == 2 else 0)) + "|"]
    for name in commands:
        med = [{k: statistics.median(r[k] for r in results[(name, label)]) for k in ("wall", "cpu", "rss")}
               for label, _ in trees]
        row = f"| {name} | " + " | ".join(f"{m['wall']:.1f} | {m['cpu']:.1f} | {m['rss']:.2f}" for m in med)
        if len(trees) == 2:
            row += " | " + " | ".join(f"{med[1][k] / med[0][k]:.2f}" for k in ("wall", "cpu", "rss"))
        lines.append(row + " |")
    if same:
        lines += ["", "Outputs byte for byte identical between the two trees: "
                  + ", ".join(f"{name} {'yes' if ok else 'NO'}" for name, ok in same.items()) + "."]
    text = "\n".join(lines) + "\n"
    print(text)
    opts.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

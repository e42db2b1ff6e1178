"""Benchmark: ``recommend`` on the national synthetic dataset, with costs, against a plain greedy.

Usage::

    instnet generate -o /tmp/gen1m --enterprises 1000000 --institutions 10000 --seed 0
    flock /tmp/national.lock .venv/bin/python bench/bench_recommend.py /tmp/gen1m \\
        [--budget 5] [--baseline-src DIR] [--repeat 1]

Each variant runs in its own process (so that its peak memory is its own), one after
the other, in the same invocation:

* ``costed``: this checkout's ``recommend(eco, budget=...)`` with the default costs,
  capacity and priorities (what ``instnet recommend DATASET --budget 5`` does);
* ``plain`` (with ``--baseline-src DIR``): the ``recommend(eco, budget=...)`` of the
  instnet package found in ``DIR`` (e.g. an export of an older commit: every action
  costs one unit, no capacity, no priorities).

Prints, per variant and run: read time, recommend time, whole process wall time and
CPU time, peak RSS, and the plan; then medians and the ratio costed / plain.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path


def child(dataset: str, budget: int) -> dict:
    t0 = time.perf_counter()
    from instnet.io.read import read_dataset
    from instnet.analysis.recommend import recommend

    eco = read_dataset(dataset)
    t1 = time.perf_counter()
    plan = recommend(eco, budget=budget)
    t2 = time.perf_counter()
    steps = []
    for r in plan.recommendations:
        steps.append({"action": r.action.describe(), "gain": r.gain, "absorbed": getattr(r, "absorbed", r.gain),
                      "weighted_gain": getattr(r, "weighted_gain", None), "cost": getattr(r, "cost", 1)})
    return {"read_s": t1 - t0, "recommend_s": t2 - t1, "wall_s": t2 - t0, "cpu_s": time.process_time(),
            "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
            "served_before": plan.served_before, "served_after": plan.served_after, "needs": plan.needs,
            "evaluated": plan.evaluated, "steps": steps}


def run(variant: str, dataset: str, budget: int, src: str | None) -> dict:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), dataset, "--budget", str(budget), "--child"],
                         env=env, capture_output=True, text=True, cwd=src or None)
    if out.returncode:
        raise SystemExit(f"{variant} failed:\n{out.stderr}")
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["variant"] = variant
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset", nargs="?", default="/tmp/gen1m")
    ap.add_argument("--budget", type=int, default=5)
    ap.add_argument("--baseline-src", default=None, help="folder holding the instnet package of the plain greedy")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.dataset, args.budget)))
        return 0
    variants = [("costed", str(Path(__file__).resolve().parents[1]))]
    if args.baseline_src:
        variants.insert(0, ("plain", str(Path(args.baseline_src).resolve())))
    results: dict[str, list[dict]] = {v: [] for v, _ in variants}
    for i in range(args.repeat):
        for variant, src in variants:
            r = run(variant, args.dataset, args.budget, src)
            results[variant].append(r)
            print(f"{variant} run {i + 1}: read {r['read_s']:.1f} s, recommend {r['recommend_s']:.1f} s, "
                  f"wall {r['wall_s']:.1f} s, CPU {r['cpu_s']:.1f} s, peak RSS {r['peak_rss_gb']:.2f} GB; "
                  f"served {r['served_before']:,} -> {r['served_after']:,} of {r['needs']:,}; "
                  f"{r['evaluated']:,} candidates evaluated", flush=True)
            for k, s in enumerate(r["steps"], 1):
                print(f"    {k}. cost {s['cost']}  +{s['gain']:,} (absorbed {s['absorbed']:,}, "
                      f"weighted {s['weighted_gain']})  {s['action']}", flush=True)
    med = {v: {k: statistics.median(r[k] for r in rs) for k in ("wall_s", "cpu_s", "peak_rss_gb")}
           for v, rs in results.items()}
    for v, m in med.items():
        print(f"median {v}: wall {m['wall_s']:.1f} s, CPU {m['cpu_s']:.1f} s, peak RSS {m['peak_rss_gb']:.2f} GB")
    if "plain" in med:
        c, p = med["costed"], med["plain"]
        print(f"costed / plain: wall {c['wall_s'] / p['wall_s']:.2f}, CPU {c['cpu_s'] / p['cpu_s']:.2f}, "
              f"peak RSS {c['peak_rss_gb'] / p['peak_rss_gb']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of ``instnet bottlenecks`` (issue 5). Not a test: run it by hand.

    .venv/bin/python bench/bench_bottlenecks.py [--national /tmp/gen1m] [--medium-enterprises 20000]
        [--medium-institutions 300] [--skip-national] [--out bench/results/bottlenecks.md]

1. National: the whole command ``instnet bottlenecks DIR --format json -o FILE``
   (reading included) in a child process; wall time and peak memory (the
   child's maximum resident set), plus a per-stage breakdown from a second
   child. Goal: under 120 s and 6 GB. The national dataset is
   ``instnet generate -o /tmp/gen1m --enterprises 1000000 --institutions 10000 --seed 0``
   (generated here when missing).
2. Medium (generated, both finish): exact impact by the dominator engine vs
   naive remove-and-recount (each institution removed, served needs recounted
   with the engine's fast served count; the recount with ``best_paths`` is
   estimated from one call), impact identical; subset betweenness vs networkx's
   ``betweenness_centrality_subset`` and igraph's ``Graph.betweenness(sources=,
   targets=)``, largest difference reported.

Writes the figures to ``--out`` (markdown) and prints them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


CPU: dict[str, float] = {}


def child(args: list[str]) -> tuple[float, float, str]:
    """Run a child process; return (wall seconds, peak RSS in GB, stdout); CPU["last"] = its CPU seconds."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    out, err = proc.communicate()
    wall = time.perf_counter() - t
    # the child is reaped; RUSAGE_CHILDREN holds the largest child so far
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU["last"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    rss = after.ru_maxrss / 1024 / 1024
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{err[-3000:]}")
    return wall, rss, out


BREAKDOWN = r"""
import json, resource, sys, time
t0, c0 = time.perf_counter(), time.process_time()
from instnet import read_dataset
import instnet.analysis.bottlenecks as bn
eco = read_dataset(sys.argv[1])
t1 = time.perf_counter()
cpu = {"read": time.process_time() - c0}
last = [time.process_time()]
tick = bn.Bottlenecks._tick
def timed_tick(self, stage, start):  # CPU seconds per stage beside the wall seconds
    tick(self, stage, start)
    now = time.process_time()
    cpu[stage] = now - last[0]
    last[0] = now
bn.Bottlenecks._tick = timed_tick
b = bn.analyse(eco)
e = b.engine
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
print(json.dumps({"read": t1 - t0, **b.timings, "cpu": cpu, "rss": rss, "enterprises": int((eco.actors["kind"] == "enterprise").sum()),
                  "institutions": len(eco.institution_ids), "needs": len(eco.needs),
                  "served": int(e.served.sum()), "groups": int(len(e.group_count)),
                  "provider_sets": len(e.target_classes), "offer_classes": len(e.class_members),
                  "top": b.records(5)}))
"""


def national(folder: Path, lines: list[str]) -> None:
    py = sys.executable
    if not (folder / "actors.csv").exists():
        print(f"generating {folder} ...", flush=True)
        subprocess.run([py, "-m", "instnet", "generate", "-o", str(folder), "--enterprises", "1000000",
                        "--institutions", "10000", "--seed", "0"], check=True, cwd=ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "b.json"
        wall, rss, _ = child([py, "-m", "instnet", "bottlenecks", str(folder), "--format", "json", "-o", str(out)])
        top = json.loads(out.read_text())["institutions"][:3]
    lines += [f"## National: `instnet bottlenecks {folder} --format json -o FILE`", "",
              f"* whole command, reading included: **{wall:.1f} s** wall, {CPU['last']:.1f} s CPU "
              f"(user + system), peak memory **{rss:.2f} GB** (goal: under 120 s and 6 GB)",
              "* top 3 by impact: " + ", ".join(f"{r['id']} (impact {r['impact']}, load {r['load']})" for r in top)]
    print("\n".join(lines[-3:]), flush=True)
    _, _, text = child([py, "-c", BREAKDOWN, str(folder)])
    info = json.loads(text.strip().splitlines()[-1])
    stages = ("read", "graph", "impact", "load", "betweenness", "articulation", "brokerage")
    lines += ["", f"Stage breakdown (second run, in one process; load average {os.getloadavg()[0]:.1f} after it, "
              f"peak memory {info['rss']:.2f} GB):", "",
              "| stage | wall s | CPU s |", "|---|---|---|"]
    lines += [f"| {s} | {info[s]:.1f} | {info['cpu'].get(s, float('nan')):.1f} |" for s in stages if s in info]
    lines += [f"| total | {sum(info[s] for s in stages if s in info):.1f} | "
              f"{sum(info['cpu'].get(s, 0.0) for s in stages):.1f} |", "",
              f"({info['enterprises']:,} enterprises, {info['institutions']:,} institutions, {info['needs']:,} needs, "
              f"{info['served']:,} served; {info['groups']:,} need groups, {info['provider_sets']:,} provider sets, "
              f"{info['offer_classes']:,} offer classes)", ""]
    print("\n".join(lines[-3:]), flush=True)


def medium(n_ent: int, n_inst: int, lines: list[str]) -> None:
    import networkx as nx
    import numpy as np

    from instnet import read_dataset
    from instnet.analysis.cuts import subset_betweenness
    from instnet.generate import generate
    from instnet.graph import referral_graph
    from instnet.analysis.impact import ImpactEngine
    from instnet.analysis.paths import best_paths

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "medium"
        generate(folder, enterprises=n_ent, institutions=n_inst, seed=2)
        eco = read_dataset(folder)
    inst = list(eco.institution_ids)
    t, c = time.perf_counter(), time.process_time()
    engine = ImpactEngine(eco)
    t_engine, c_engine = time.perf_counter() - t, time.process_time() - c
    base = int(engine.served.sum())
    t, c = time.perf_counter(), time.process_time()
    naive = {x: base - int(ImpactEngine(eco.without([x])).served.sum()) for x in inst}
    t_naive, c_naive = time.perf_counter() - t, time.process_time() - c
    same = naive == engine.impact.to_dict()
    t = time.perf_counter()
    best_paths(eco)
    t_bp = time.perf_counter() - t
    lines += [f"## Medium: generated, {n_ent:,} enterprises, {n_inst:,} institutions (seed 2), "
              f"{len(eco.needs):,} needs", "",
              "| impact of every institution | wall s | CPU s |", "|---|---|---|",
              f"| dominator engine (instnet) | {t_engine:.2f} | {c_engine:.2f} |",
              f"| naive: remove each institution, recount served needs with the fast served count | {t_naive:.1f} "
              f"| {c_naive:.1f} |",
              f"| naive with `best_paths` as the recount (estimate: {len(inst)} x {t_bp:.2f} s) | "
              f"{len(inst) * t_bp:.0f} | |",
              "", f"Impact identical to the naive recount: **{same}**.", ""]
    print("\n".join(lines[-9:]), flush=True)

    G = referral_graph(eco)
    sources = sorted(set(eco.needs["actor"]))
    targets = sorted({a for a in eco.offers["actor"] if eco.is_institution(a)})
    t, c = time.perf_counter(), time.process_time()
    mine = subset_betweenness(eco, institutions_only=False)
    t_mine, c_mine = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    ref = nx.betweenness_centrality_subset(G, sources, targets, normalized=False, weight=None)
    t_nx, c_nx = time.perf_counter() - t, time.process_time() - c
    diff_nx = max(abs(mine[k] - v) for k, v in ref.items())
    row_ig = "| igraph `Graph.betweenness(sources=, targets=)` | not installed | | |"
    try:
        import igraph as ig

        names = list(G.nodes)
        index = {n: i for i, n in enumerate(names)}
        t, c = time.perf_counter(), time.process_time()
        H = ig.Graph(n=len(names), edges=[(index[u], index[v]) for u, v in G.edges], directed=True)
        vals = H.betweenness(directed=True, sources=[index[s] for s in sources],
                             targets=[index[x] for x in targets])
        t_ig, c_ig = time.perf_counter() - t, time.process_time() - c
        diff_ig = max(abs(mine[names[i]] - v) for i, v in enumerate(vals))
        row_ig = (f"| igraph {ig.__version__} `Graph.betweenness(sources=, targets=)` (graph build included) "
                  f"| {t_ig:.2f} | {c_ig:.2f} | {diff_ig:.2e} |")
    except ImportError:
        pass
    top = float(np.max(list(ref.values())))
    lines += ["| subset betweenness (sources = actors with needs, targets = offering institutions) "
              "| wall s | CPU s | largest difference to instnet |", "|---|---|---|---|",
              f"| instnet (batched target-rooted, sources keyed by entries) | {t_mine:.2f} | {c_mine:.2f} | |",
              f"| networkx `betweenness_centrality_subset` | {t_nx:.1f} | {c_nx:.1f} | {diff_nx:.2e} |", row_ig,
              "", f"(largest betweenness {top:,.1f}; {len(sources):,} sources, {len(targets):,} targets)", ""]
    print("\n".join(lines[-8:]), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--national", type=Path, default=Path("/tmp/gen1m"))
    ap.add_argument("--skip-national", action="store_true")
    ap.add_argument("--skip-medium", action="store_true")
    ap.add_argument("--medium-enterprises", type=int, default=20000)
    ap.add_argument("--medium-institutions", type=int, default=300)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "bottlenecks.md")
    args = ap.parse_args()
    load = os.getloadavg()
    lines = ["# Benchmark: instnet bottlenecks", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
             f"load average at start {load[0]:.1f} (other jobs share the machine: times are upper bounds).",
             f"Command: `{' '.join([Path(sys.executable).name, 'bench/bench_bottlenecks.py', *sys.argv[1:]])}`", ""]
    if not args.skip_national:
        national(args.national, lines)
    if not args.skip_medium:
        medium(args.medium_enterprises, args.medium_institutions, lines)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

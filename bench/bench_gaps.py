"""Benchmark: ``instnet gaps`` at national scale, against a straightforward networkx approach.

Usage::

    python bench/bench_gaps.py [--dataset /tmp/gen1m] [--sample 200] [--queries 200] [--repeat 1]

If DATASET does not exist it is generated (1,000,000 enterprises, 10,000
institutions, seed 1). Measures, in one run:

1. ``instnet gaps DATASET --format json`` end to end in a subprocess (wall time,
   CPU time and peak RSS from ``resource.getrusage(RUSAGE_CHILDREN)``);
2. in process: reading, then ``best_paths`` (the fast engine), median of repeats;
3. the straightforward networkx approach (one bounded search per need, on the
   referral graph without other enterprises, then the best of the hop-shortest
   paths) on a random sample of needs, extrapolated to all needs;
4. ``refer`` latency for random needs once the ecosystem is in memory (p50/p95).

Wall and CPU (user + system) times are both given: the machine may be shared.
Figures are printed and written to ``bench/results/gaps.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np

from instnet import read_dataset
from instnet.graph import referral_graph
from instnet.analysis.paths import best_paths, path_strength, refer


def naive_best_path(G: nx.DiGraph, kinds: dict, offers: dict, region: dict, sector: dict,
                    actor: str, service: str, max_hops: int):
    """What a networkx user would write: BFS from the actor, then best hop-shortest path."""
    view = nx.subgraph_view(G, filter_node=lambda x: x == actor or kinds[x] != "enterprise")
    lengths = nx.single_source_shortest_path_length(view, actor, cutoff=max_hops)
    valid = [p for p, scopes in offers.get(service, {}).items()
             if p in lengths and p != actor
             and any((not r or region[actor] in r) and (not s or sector[actor] in s) for r, s in scopes)]
    if not valid:
        return None
    d = min(lengths[p] for p in valid)
    best = None
    for p in valid:
        if lengths[p] != d:
            continue
        for path in nx.all_shortest_paths(view, actor, p):
            key = (d, -path_strength(G.edges[u, v]["weight"] for u, v in zip(path, path[1:])), tuple(path))
            best = key if best is None or key < best else best
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", default="/tmp/gen1m")
    ap.add_argument("--sample", type=int, default=200)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--max-hops", type=int, default=4)
    ap.add_argument("--skip-cli", action="store_true")
    args = ap.parse_args()
    ds = Path(args.dataset)
    if not ds.exists():
        subprocess.run([sys.executable, "-m", "instnet", "generate", "-o", str(ds), "--enterprises", "1000000",
                        "--institutions", "10000", "--seed", "1"], check=True)
    lines = [f"# gaps benchmark ({ds})", "",
             f"`python bench/bench_gaps.py --dataset {ds} --sample {args.sample} --queries {args.queries}`; "
             f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start.", ""]

    def say(msg: str) -> None:
        print(msg, flush=True)
        lines.append(f"* {msg}")

    if not args.skip_cli:
        walls, cpus = [], []
        for _ in range(args.repeat):
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "instnet", "gaps", str(ds), "--format", "json", "-o",
                            "/tmp/bench_gaps.json"], check=True)
            walls.append(time.perf_counter() - t)
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e6
        data = json.loads(Path("/tmp/bench_gaps.json").read_text())
        say(f"instnet gaps end to end: median {statistics.median(walls):.1f} s wall, "
            f"{statistics.median(cpus):.1f} s CPU over {len(walls)} run(s), "
            f"peak RSS {peak:.2f} GB; {data['served']}/{data['needs']} served ({data['coverage']:.4f})")

    t, c = time.perf_counter(), time.process_time()
    eco = read_dataset(ds)
    say(f"read_dataset: {time.perf_counter() - t:.1f} s wall, {time.process_time() - c:.1f} s CPU "
        f"({len(eco.actors)} actors, {len(eco.needs)} needs)")
    fast, fast_cpu = [], []
    for _ in range(args.repeat):
        t, c = time.perf_counter(), time.process_time()
        bp = best_paths(eco, max_hops=args.max_hops)
        fast.append(time.perf_counter() - t)
        fast_cpu.append(time.process_time() - c)
    t_fast, c_fast = statistics.median(fast), statistics.median(fast_cpu)
    say(f"best_paths (fast engine): median {t_fast:.1f} s wall, {c_fast:.1f} s CPU for {len(bp)} needs")

    t, c = time.perf_counter(), time.process_time()
    G = referral_graph(eco)
    t_graph, c_graph = time.perf_counter() - t, time.process_time() - c
    a = eco.actors
    kinds = dict(zip(a.index, a["kind"]))
    region = dict(zip(a.index, a["region"]))
    sector = dict(zip(a.index, a["sector"]))
    offers: dict = {}
    for p, s, r, sc in zip(eco.offers["actor"], eco.offers["service"], eco.offers["regions"], eco.offers["sectors"]):
        offers.setdefault(s, {}).setdefault(p, []).append((eco.scope(r), eco.scope(sc)))
    rng = random.Random(1)
    sample = rng.sample(range(len(eco.needs)), min(args.sample, len(eco.needs)))
    t, c = time.perf_counter(), time.process_time()
    mismatch = 0
    for i in sample:
        got = naive_best_path(G, kinds, offers, region, sector, eco.needs.at[i, "actor"], eco.needs.at[i, "service"],
                              args.max_hops)
        mine = bp.iloc[i]
        if (got is None) != (not mine.served) or (got is not None and got[2] != mine.path):
            mismatch += 1
    per_need = (time.perf_counter() - t) / len(sample)
    per_need_cpu = (time.process_time() - c) / len(sample)
    t_naive = t_graph + per_need * len(eco.needs)
    c_naive = c_graph + per_need_cpu * len(eco.needs)
    say(f"networkx straightforward: {per_need * 1e3:.2f} ms wall ({per_need_cpu * 1e3:.2f} ms CPU) per need on "
        f"{len(sample)} sampled needs, graph build {t_graph:.1f} s wall ({c_graph:.1f} s CPU), extrapolated "
        f"{t_naive:.0f} s wall ({c_naive:.0f} s CPU) for all needs ({mismatch} disagreements with the fast engine)")
    say(f"speed-up of best_paths over networkx: {t_naive / t_fast:.1f}x wall, {c_naive / c_fast:.1f}x CPU")

    refer(eco, eco.needs.at[0, "actor"], eco.needs.at[0, "service"])  # builds the cached index
    lat, lat_cpu = [], []
    for i in rng.sample(range(len(eco.needs)), min(args.queries, len(eco.needs))):
        t, c = time.perf_counter(), time.process_time()
        refer(eco, eco.needs.at[i, "actor"], eco.needs.at[i, "service"], k=3, max_hops=args.max_hops)
        lat.append(time.perf_counter() - t)
        lat_cpu.append(time.process_time() - c)
    lat_ms, cpu_ms = np.array(lat) * 1e3, np.array(lat_cpu) * 1e3
    say(f"refer (k=3) after load: p50 {np.percentile(lat_ms, 50):.2f} ms, p95 {np.percentile(lat_ms, 95):.2f} ms "
        f"wall (CPU p50 {np.percentile(cpu_ms, 50):.2f} ms, p95 {np.percentile(cpu_ms, 95):.2f} ms) "
        f"over {len(lat)} random needs")
    out = Path(__file__).parent / "results" / "gaps.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

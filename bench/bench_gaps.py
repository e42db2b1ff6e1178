"""Benchmark: ``instnet gaps`` at national scale, against a straightforward networkx approach.

Usage::

    python bench/bench_gaps.py [--dataset /tmp/gen1m] [--sample 200] [--queries 200] [--repeat 1]

If DATASET does not exist it is generated (1,000,000 enterprises, 10,000
institutions, seed 1). Measures, in one run:

1. ``instnet gaps DATASET --format json`` end to end in a subprocess (wall time
   and peak RSS from ``resource.getrusage(RUSAGE_CHILDREN)``);
2. in process: reading, then ``best_paths`` (the fast engine), median of repeats;
3. the straightforward networkx approach (one bounded search per need, on the
   referral graph without other enterprises, then the best of the hop-shortest
   paths) on a random sample of needs, extrapolated to all needs;
4. ``refer`` latency for random needs once the ecosystem is in memory (p50/p95).

Figures are printed and written to ``bench/results/gaps.md``.
"""

from __future__ import annotations

import argparse
import json
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
from instnet.referrals import best_paths, path_strength, refer


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
    lines = [f"# gaps benchmark ({ds})", ""]

    def say(msg: str) -> None:
        print(msg, flush=True)
        lines.append(f"* {msg}")

    if not args.skip_cli:
        walls = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "instnet", "gaps", str(ds), "--format", "json", "-o",
                            "/tmp/bench_gaps.json"], check=True)
            walls.append(time.perf_counter() - t)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e6
        data = json.loads(Path("/tmp/bench_gaps.json").read_text())
        say(f"instnet gaps end to end: median {statistics.median(walls):.1f} s over {len(walls)} run(s), "
            f"peak RSS {peak:.2f} GB; {data['served']}/{data['needs']} served ({data['coverage']:.4f})")

    t = time.perf_counter()
    eco = read_dataset(ds)
    say(f"read_dataset: {time.perf_counter() - t:.1f} s ({len(eco.actors)} actors, {len(eco.needs)} needs)")
    fast = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        bp = best_paths(eco, max_hops=args.max_hops)
        fast.append(time.perf_counter() - t)
    t_fast = statistics.median(fast)
    say(f"best_paths (fast engine): median {t_fast:.1f} s for {len(bp)} needs")

    t = time.perf_counter()
    G = referral_graph(eco)
    t_graph = time.perf_counter() - t
    a = eco.actors
    kinds = dict(zip(a.index, a["kind"]))
    region = dict(zip(a.index, a["region"]))
    sector = dict(zip(a.index, a["sector"]))
    offers: dict = {}
    for p, s, r, sc in zip(eco.offers["actor"], eco.offers["service"], eco.offers["regions"], eco.offers["sectors"]):
        offers.setdefault(s, {}).setdefault(p, []).append((eco.scope(r), eco.scope(sc)))
    rng = random.Random(1)
    sample = rng.sample(range(len(eco.needs)), min(args.sample, len(eco.needs)))
    t = time.perf_counter()
    mismatch = 0
    for i in sample:
        got = naive_best_path(G, kinds, offers, region, sector, eco.needs.at[i, "actor"], eco.needs.at[i, "service"],
                              args.max_hops)
        mine = bp.iloc[i]
        if (got is None) != (not mine.served) or (got is not None and got[2] != mine.path):
            mismatch += 1
    per_need = (time.perf_counter() - t) / len(sample)
    t_naive = t_graph + per_need * len(eco.needs)
    say(f"networkx straightforward: {per_need * 1e3:.2f} ms per need on {len(sample)} sampled needs, "
        f"graph build {t_graph:.1f} s, extrapolated {t_naive:.0f} s for all needs "
        f"({mismatch} disagreements with the fast engine)")
    say(f"speed-up of best_paths over networkx: {t_naive / t_fast:.1f}x")

    refer(eco, eco.needs.at[0, "actor"], eco.needs.at[0, "service"])  # builds the cached index
    lat = []
    for i in rng.sample(range(len(eco.needs)), min(args.queries, len(eco.needs))):
        t = time.perf_counter()
        refer(eco, eco.needs.at[i, "actor"], eco.needs.at[i, "service"], k=3, max_hops=args.max_hops)
        lat.append(time.perf_counter() - t)
    lat_ms = np.array(lat) * 1e3
    say(f"refer (k=3) after load: p50 {np.percentile(lat_ms, 50):.2f} ms, p95 {np.percentile(lat_ms, 95):.2f} ms "
        f"over {len(lat)} random needs")
    out = Path(__file__).parent / "results" / "gaps.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

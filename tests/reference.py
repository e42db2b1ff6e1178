"""Brute-force reference implementations of DESIGN.md section 3 (for tests only).

Plain enumeration of simple paths with networkx, literally following the
definition. Slow; use on small ecosystems. Stable public names (other tests
import them):

* :func:`ref_candidates(eco, actor, service, *, max_hops=4, G=None)` -> every
  valid simple path as ``(hops, -strength, path)`` keys, sorted best first.
* :func:`ref_best_path(eco, actor, service, *, max_hops=4, G=None)` -> the best
  ``(provider, hops, strength, path)`` or ``None`` when the need is unmet.
* :func:`ref_best_paths(eco, *, max_hops=4)` -> DataFrame shaped like
  ``instnet.analysis.paths.best_paths`` (one row per need).
* :func:`ref_refer(eco, actor, service, *, k=3, max_hops=4)` -> list of
  ``(provider, hops, strength, path)``: each provider's best path, ranked.
* :func:`ref_coverage(eco, *, by=("service",), max_hops=4)` -> dict
  ``{group key tuple: (needs, served)}`` plus the total under key ``()``.
* :func:`ref_strength(G, path)` -> product of the edge weights, left to right.
* :func:`ref_covers(eco, provider, service, actor)` -> scope rule.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np
import pandas as pd

from instnet.graph import referral_graph
from instnet.model import Ecosystem
from instnet.schema import INSTITUTION_KINDS

PASSABLE = INSTITUTION_KINDS | {"network"}


def ref_strength(G: nx.DiGraph, path: Sequence[str]) -> float:
    """Product of the path's edge weights, multiplied left to right from 1.0."""
    s = 1.0
    for u, v in zip(path[:-1], path[1:]):
        s = s * G.edges[u, v]["weight"]
    return s


def _scope(text: str) -> set[str]:
    return {p.strip() for p in str(text).split(";") if p.strip()}


def ref_covers(eco: Ecosystem, provider: str, service: str, actor: str) -> bool:
    """True when ``provider`` offers ``service`` with a scope covering ``actor``."""
    region = eco.actors.at[actor, "region"]
    sector = eco.actors.at[actor, "sector"]
    o = eco.offers
    for _, row in o[(o["actor"] == provider) & (o["service"] == service)].iterrows():
        regions, sectors = _scope(row["regions"]), _scope(row["sectors"])
        if (not regions or region in regions) and (not sectors or sector in sectors):
            return True
    return False


def ref_candidates(eco: Ecosystem, actor: str, service: str, *, max_hops: int = 4,
                   G: nx.DiGraph | None = None) -> list[tuple[int, float, tuple[str, ...]]]:
    """Every valid referral path for the need, as sorted ``(hops, -strength, path)`` keys."""
    if G is None:
        G = referral_graph(eco)
    kinds = eco.actors["kind"]
    providers = sorted(set(eco.offers.loc[eco.offers["service"] == service, "actor"]))
    out = []
    for p in providers:
        if p == actor or kinds.at[p] not in INSTITUTION_KINDS or not ref_covers(eco, p, service, actor):
            continue
        for path in nx.all_simple_paths(G, actor, p, cutoff=max_hops):
            if all(kinds.at[n] in PASSABLE for n in path[1:-1]):
                out.append((len(path) - 1, -ref_strength(G, path), tuple(path)))
    out.sort()
    return out


def ref_best_path(eco: Ecosystem, actor: str, service: str, *, max_hops: int = 4,
                  G: nx.DiGraph | None = None) -> tuple[str, int, float, tuple[str, ...]] | None:
    """The best path of the need as ``(provider, hops, strength, path)``, or None if unmet."""
    cands = ref_candidates(eco, actor, service, max_hops=max_hops, G=G)
    if not cands:
        return None
    hops, negs, path = cands[0]
    return (path[-1], hops, -negs, path)


def ref_best_paths(eco: Ecosystem, *, max_hops: int = 4) -> pd.DataFrame:
    """DataFrame like ``best_paths``: actor, service, served, provider, hops, strength, path."""
    G = referral_graph(eco)
    rows = []
    for a, s in zip(eco.needs["actor"], eco.needs["service"]):
        best = ref_best_path(eco, a, s, max_hops=max_hops, G=G)
        if best is None:
            rows.append({"actor": a, "service": s, "served": False, "provider": "", "hops": pd.NA,
                         "strength": np.nan, "path": ()})
        else:
            p, h, st, path = best
            rows.append({"actor": a, "service": s, "served": True, "provider": p, "hops": h,
                         "strength": st, "path": path})
    cols = ["actor", "service", "served", "provider", "hops", "strength", "path"]
    out = pd.DataFrame(rows, columns=cols, index=eco.needs.index)
    out["hops"] = out["hops"].astype("Int64")
    out["served"] = out["served"].astype(bool)
    out["strength"] = out["strength"].astype(float)
    return out


def ref_refer(eco: Ecosystem, actor: str, service: str, *, k: int = 3, max_hops: int = 4,
              ) -> list[tuple[str, int, float, tuple[str, ...]]]:
    """The ``k`` best providers, each with its own best path, ranked by that path."""
    best: dict[str, tuple[int, float, tuple[str, ...]]] = {}
    for key in ref_candidates(eco, actor, service, max_hops=max_hops):
        best.setdefault(key[2][-1], key)  # candidates are sorted: first is the best
    ranked = sorted(best.values())[:k]
    return [(path[-1], hops, -negs, path) for hops, negs, path in ranked]


def ref_coverage(eco: Ecosystem, *, by: Sequence[str] = ("service",), max_hops: int = 4,
                 ) -> dict[tuple, tuple[int, int]]:
    """``{group: (needs, served)}`` with groups keyed by the ``by`` values; ``()`` = total.

    ``service`` groups by the need's service; ``region``/``sector`` by the needing
    actor's region/sector.
    """
    bp = ref_best_paths(eco, max_hops=max_hops)
    out: dict[tuple, list[int]] = {(): [0, 0]}
    for a, s, ok in zip(bp["actor"], bp["service"], bp["served"]):
        vals = {"service": s, "region": eco.actors.at[a, "region"], "sector": eco.actors.at[a, "sector"]}
        key = tuple(vals[b] for b in by)
        for kk in {key, ()}:
            c = out.setdefault(kk, [0, 0])
            c[0] += 1
            c[1] += int(bool(ok))
    return {k: (v[0], v[1]) for k, v in out.items()}

"""Exact layered best-path search of :mod:`instnet.analysis.paths` (docs/semantics.md).

One breadth-first search from an actor that keeps, at every node, the prefixes
whose strength could still tie or win (:func:`_layered_search`), over a dict
index of the ecosystem built once (:func:`_prepared`). Used by ``refer``,
``unreachable_providers`` and the straightforward engine :func:`_simple_best_paths`;
the vectorised engine for whole ecosystems is :mod:`instnet.analysis._paths_engine`.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import check_max_hops
from ..i18n import _, current_language
from ..graph import CodedGraph, coded_graph
from ..model import Ecosystem

#: Two strengths rank as equal when they differ by at most this fraction of the
#: greater (docs/semantics.md): floating products differ in their last bits with
#: the order of the factors, and that noise must never decide a ranking.
TIE_TOL = 1e-9

#: Searches keep the prefixes within this fraction of the best one. It is far wider
#: than :data:`TIE_TOL`, so a prefix that is dropped ends, whatever the rounding of
#: later multiplications, far below a path that is tied for first.
_KEEP_TOL = 1e-6


# --------------------------------------------------------------------------- index


class _Index:
    """Adjacency and offers of an ecosystem, prepared once for many searches."""

    def __init__(self, eco: Ecosystem):
        g = self.graph = coded_graph(eco)
        a = eco.actors
        ids = a.index.to_numpy(dtype=object)  # iterating an Arrow-backed Index itself is slow
        self.kind: dict[str, str] = dict(zip(ids, a["kind"].to_numpy(dtype=object)))
        self.region: dict[str, str] = dict(zip(ids, a["region"].to_numpy(dtype=object)))
        self.sector: dict[str, str] = dict(zip(ids, a["sector"].to_numpy(dtype=object)))
        self.adj: dict[str, list[tuple[str, float]]] = {}
        ids = g.ids.to_numpy(dtype=object)
        e = g.by_ids[~g.is_enterprise[g.dst[g.by_ids]]]  # an enterprise is never an intermediate nor a provider
        for u, v, w in zip(ids[g.src[e]].tolist(), ids[g.dst[e]].tolist(), g.weight[e].tolist()):
            self.adj.setdefault(u, []).append((v, w))
        self._valid: dict[tuple[str, str, str], frozenset[str]] = {}
        self._actors = a
        # computed on first use; a dict so that shallow copies (walk-ins) share it
        self._lazy: dict[str, Any] = {}
        # offers: service -> provider -> list of (regions, sectors) scopes
        self.offers: dict[str, dict[str, list[tuple[frozenset[str], frozenset[str]]]]] = {}
        o = eco.offers
        for p, s, r, sc in zip(o["actor"].to_numpy(), o["service"].to_numpy(),
                               o["regions"].to_numpy(), o["sectors"].to_numpy()):
            self.offers.setdefault(s, {}).setdefault(p, []).append((Ecosystem.scope(r), Ecosystem.scope(sc)))
        # service -> (regions, sectors) scope -> providers with an offer of that scope
        self.scoped: dict[str, dict[tuple[frozenset[str], frozenset[str]], list[str]]] = {}
        for s, provs in self.offers.items():
            for p, scopes in provs.items():
                for scope in scopes:
                    self.scoped.setdefault(s, {}).setdefault(scope, []).append(p)

    def edge_info(self, nodes: set[str]) -> dict[tuple[str, str], tuple[tuple[str, ...], float]]:
        """``(types, weight)`` of every referral edge between ``nodes``."""
        g = self.graph
        codes = g.ids.get_indexer(list(nodes))
        codes = np.unique(codes[codes >= 0])
        # edges are sorted by source node: each node's out-edges are one slice (a path has a
        # handful of nodes; a scan of every edge would cost milliseconds at national scale)
        lo, hi = np.searchsorted(g.src, codes, "left"), np.searchsorted(g.src, codes, "right")
        slices = [np.arange(a, b) for a, b in zip(lo.tolist(), hi.tolist())]
        edges = np.concatenate(slices) if slices else np.empty(0, dtype=np.int64)
        edges = edges[np.isin(g.dst[edges], codes)]
        ids = g.ids
        return {(ids[u], ids[v]): (t, w) for u, v, t, w in
                zip(g.src[edges].tolist(), g.dst[edges].tolist(), g.types(edges).tolist(),
                    g.weight[edges].tolist())}

    def reachable_rows(self) -> dict[str, dict[str, Any]]:
        """Every column of the actors that can appear after the source of a path (not enterprises).

        Built once, on first use: a path's steps, names and contact details are
        then dict look-ups instead of pandas ones.
        """
        got = self._lazy.get("rows")
        if got is None:
            a = self._actors
            keep = a[(a["kind"] != "enterprise").to_numpy()]
            got = self._lazy["rows"] = {str(i): r for i, r in zip(keep.index, keep.to_dict("records"))}
        return got

    def hops_to(self, source: str, targets: Iterable[str]) -> dict[str, int]:
        """Fewest referral links from ``source`` to each of ``targets`` it reaches at all (any length).

        A breadth-first search in C (:func:`scipy.sparse.csgraph.dijkstra`,
        unweighted) over the graph of institutions and networks, started from
        ``source``'s first links: a national dataset answers in milliseconds.
        Intermediates are institutions or networks, as in every referral path.
        """
        from scipy.sparse.csgraph import dijkstra

        pos, csr = self._passable_graph()  # built on the first call, even one without targets
        first = sorted({pos[v] for v, _ in self.adj.get(source, ()) if v in pos})
        if not first:
            return {}
        dist = dijkstra(csr, directed=True, indices=first, unweighted=True, min_only=True)
        wanted = [t for t in targets if t in pos and t != source]
        if not wanted:
            return {}
        hops = dist[np.fromiter((pos[t] for t in wanted), dtype=np.int64, count=len(wanted))]
        reached = np.isfinite(hops)
        return dict(zip([t for t, r in zip(wanted, reached.tolist()) if r], (hops[reached] + 1).astype(int).tolist()))

    def _passable_graph(self) -> tuple[dict[str, int], Any]:
        """Positions and CSR adjacency of the institutions and networks (built once)."""
        got = self._lazy.get("passable")
        if got is None:
            from scipy.sparse import csr_matrix

            nodes = [i for i, k in self.kind.items() if k != "enterprise"]
            pos = {n: i for i, n in enumerate(nodes)}
            src = [pos[u] for u in nodes for _v in self.adj.get(u, ())]
            dst = [pos[v] for u in nodes for v, _w in self.adj.get(u, ())]
            csr = csr_matrix((np.ones(len(src), dtype=np.float64), (np.asarray(src, dtype=np.int64),
                              np.asarray(dst, dtype=np.int64))), shape=(len(nodes), len(nodes)))
            got = self._lazy["passable"] = (pos, csr)
        return got

    def covers(self, provider: str, service: str, actor: str) -> bool:
        """True when one of ``provider``'s offers of ``service`` covers ``actor``."""
        reg, sec = self.region[actor], self.sector[actor]
        for regions, sectors in self.offers.get(service, {}).get(provider, ()):
            if (not regions or reg in regions) and (not sectors or sec in sectors):
                return True
        return False

    def scope_text(self, service: str, provider: str) -> str:
        """The scopes of ``provider``'s offers of ``service`` in words ("regions A, B and sectors C").

        Written once per language: a national service has about a thousand providers,
        and every answer that lists them out of reach says each one's scope.
        """
        texts = self._lazy.setdefault("scope_text", {})
        key = (current_language(), service, provider)
        got = texts.get(key)
        if got is None:
            parts = []
            for regions, sectors in self.offers[service][provider]:
                bits = []
                if regions:
                    bits.append(_("regions {list}").format(list=", ".join(sorted(regions))))
                if sectors:
                    bits.append(_("sectors {list}").format(list=", ".join(sorted(sectors))))
                parts.append(_(" and ").join(bits))
            got = texts[key] = "; ".join(parts)
        return got

    def valid(self, service: str, actor: str) -> frozenset[str]:
        """Providers of ``service`` with an offer whose scope covers ``actor`` (memoised by cell)."""
        key = (service, self.region[actor], self.sector[actor])
        got = self._valid.get(key)
        if got is None:
            reg, sec = key[1], key[2]
            got = self._valid[key] = frozenset(
                p for (regions, sectors), provs in self.scoped.get(service, {}).items()
                if (not regions or reg in regions) and (not sectors or sec in sectors) for p in provs)
        return got


_CACHE: "weakref.WeakKeyDictionary[Ecosystem, tuple[CodedGraph, _Index]]" = weakref.WeakKeyDictionary()


def _prepared(eco: Ecosystem) -> tuple[CodedGraph, _Index]:
    """Coded graph and search index of ``eco``, built once per ecosystem object."""
    got = _CACHE.get(eco)
    if got is None:
        got = _CACHE[eco] = (coded_graph(eco), _Index(eco))
    return got


# (strength, path) prefixes per node, pruned to those that could still win.
_Prefixes = list[tuple[float, tuple[str, ...]]]


def _prune(entries: _Prefixes) -> _Prefixes:
    """Keep, per distinct strength within :data:`_KEEP_TOL` of the best, the smallest path."""
    best = max(s for s, _ in entries)
    floor = best * (1.0 - _KEEP_TOL)
    byval: dict[float, tuple[str, ...]] = {}
    for s, p in entries:
        if s >= floor and (s not in byval or p < byval[s]):
            byval[s] = p
    return [(s, p) for s, p in byval.items()]


def _layered_search(idx: _Index, source: str, max_hops: int,
                    stop: Callable[[int, dict[str, _Prefixes]], bool] | None = None,
                    ) -> list[dict[str, _Prefixes]]:
    """Breadth-first layers from ``source`` with the candidate prefixes of each node.

    Layer ``k`` maps each node at distance ``k`` to its prefixes (strength, path)
    of length ``k`` that could still be the best: monotone floating products mean
    a prefix more than :data:`_KEEP_TOL` below the best can never tie, and two
    prefixes with the same strength continue identically, so only the smallest
    path of each strength is kept. Institutions and networks are expanded;
    enterprises never appear after the source.
    """
    layers: list[dict[str, _Prefixes]] = [{source: [(1.0, (source,))]}]
    seen = {source}
    for k in range(1, max_hops + 1):
        nxt: dict[str, _Prefixes] = {}
        for u, entries in layers[-1].items():
            for v, w in idx.adj.get(u, ()):
                if v in seen:
                    continue
                bucket = nxt.setdefault(v, [])
                for s, p in entries:
                    bucket.append((s * w, p + (v,)))
        if not nxt:
            break
        for v in nxt:
            nxt[v] = _prune(nxt[v])
        seen.update(nxt)
        layers.append(nxt)
        if stop is not None and stop(k, nxt):
            break
    return layers


def _refer_search(idx: _Index, source: str, valid: frozenset[str], k: int, max_hops: int,
                  ) -> list[tuple[float, tuple[str, ...], int]]:
    """The best path of each of the nearest ``k`` (or more) valid providers, as (strength, path, hops).

    The layered search of :func:`_layered_search`; the layer that completes the
    ``k`` candidates (or the last allowed one) is built only for the valid providers
    in it, as only their prefixes can be used.
    """
    layer: dict[str, _Prefixes] = {source: [(1.0, (source,))]}
    seen = {source}
    cands: list[tuple[float, tuple[str, ...], int]] = []
    for hop in range(1, max_hops + 1):
        new = {v for u in layer for v, _ in idx.adj.get(u, ()) if v not in seen}
        if not new:
            break
        hits = new & valid
        final = hop == max_hops or len(cands) + len(hits) >= k
        keep = hits if final else new
        nxt: dict[str, _Prefixes] = {}
        for u, entries in layer.items():
            for v, w in idx.adj.get(u, ()):
                if v in keep:
                    bucket = nxt.setdefault(v, [])
                    for st, p in entries:
                        bucket.append((st * w, p + (v,)))
        for p in hits:
            st, path = _best_of(_prune(nxt[p]))
            cands.append((st, path, hop))
        if final:
            break
        for v in nxt:
            nxt[v] = _prune(nxt[v])
        seen |= new
        layer = nxt
    return cands


def _best_of(entries: Sequence[tuple[float, tuple[str, ...]]]) -> tuple[float, tuple[str, ...]]:
    """The first of equally short ``(strength, path)`` candidates (docs/semantics.md).

    The candidates within :data:`TIE_TOL` of the greatest strength are tied; the
    smallest path among them wins.
    """
    floor = max(e[0] for e in entries) * (1.0 - TIE_TOL)
    return min((e for e in entries if e[0] >= floor), key=lambda e: e[1])


def _ranked(cands: Sequence[tuple[float, tuple[str, ...], int]]) -> list[tuple[float, tuple[str, ...], int]]:
    """``(strength, path, hops)`` candidates in ranking order: fewest hops, then :func:`_best_of`, repeatedly."""
    rest, out = list(cands), []
    while rest:
        h = min(c[2] for c in rest)
        first = _best_of([(c[0], c[1]) for c in rest if c[2] == h])
        i = next(i for i, c in enumerate(rest) if c[2] == h and c[1] == first[1])
        out.append(rest.pop(i))
    return out


def _solve_source(idx: _Index, source: str, services: Sequence[str], max_hops: int,
                  ) -> dict[str, tuple[str, int, float, tuple[str, ...]] | None]:
    """Best path for each service needed by ``source`` (None when unmet)."""
    valid = {s: idx.valid(s, source) for s in set(services)}
    todo = {s for s, v in valid.items() if v}
    result: dict[str, Any] = {s: None for s in valid}
    if not todo:
        return result

    def stop(k: int, layer: dict[str, _Prefixes]) -> bool:
        for s in list(todo):
            cands = [e for p in valid[s] if p in layer for e in layer[p]]
            if cands:
                st, path = _best_of(cands)
                result[s] = (path[-1], k, st, path)
                todo.discard(s)
        return not todo

    _layered_search(idx, source, max_hops, stop)
    return result



def _simple_best_paths(eco: Ecosystem, *, max_hops: int = 4) -> pd.DataFrame:
    """Straightforward exact version of :func:`best_paths` (one search per actor)."""
    check_max_hops(max_hops)
    idx = _Index(eco)
    needs = eco.needs
    by_actor: dict[str, list[str]] = {}
    for a, s in zip(needs["actor"].to_numpy(), needs["service"].to_numpy()):
        by_actor.setdefault(a, []).append(s)
    solved = {a: _solve_source(idx, a, ss, max_hops) for a, ss in by_actor.items()}
    rows = [solved[a][s] for a, s in zip(needs["actor"].to_numpy(), needs["service"].to_numpy())]
    return _frame(needs, rows)


def _frame(needs: pd.DataFrame, rows: Sequence[tuple[str, int, float, tuple[str, ...]] | None]) -> pd.DataFrame:
    served = np.array([r is not None for r in rows], dtype=bool)
    hops = pd.array([r[1] if r is not None else None for r in rows], dtype="Int64")
    out = pd.DataFrame({
        "actor": needs["actor"].to_numpy(dtype=object),
        "service": needs["service"].to_numpy(dtype=object),
        "served": served,
        "provider": np.array([r[0] if r is not None else "" for r in rows], dtype=object),
        "hops": hops,
        "strength": np.array([r[2] if r is not None else np.nan for r in rows], dtype=np.float64),
        "path": pd.Series([r[3] if r is not None else () for r in rows], dtype=object,
                          index=needs.index).to_numpy(),
    }, index=needs.index)
    return out

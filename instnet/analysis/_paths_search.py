"""Exact layered best-path search of :mod:`instnet.analysis.paths` (docs/semantics.md).

One breadth-first search from an actor that keeps, at every node, the prefixes
whose strength could still tie or win (:func:`_layered_search`), over a dict
index of the ecosystem built once (:func:`_prepared`). Used by ``refer``,
``unreachable_providers`` and the straightforward engine :func:`_simple_best_paths`;
the vectorised engine for whole ecosystems is :mod:`instnet.analysis._paths_engine`.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

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


class _Passable(NamedTuple):
    """The referral edges between institutions and networks, as CSR arrays (``int32``)."""

    pos: dict[str, int]
    indptr: np.ndarray
    indices: np.ndarray
    #: each node's number in the coded graph
    code: np.ndarray
    #: the nodes' ids, by position
    nodes: list[str]
    #: the edges reversed, as a scipy sparse matrix (searches towards a set of nodes)
    reverse: Any


#: Most cells (service, region, sector) whose covering providers :meth:`_Index.valid` keeps.
_VALID_MEMO = 4096


def _cover_table(scopes: Sequence[frozenset[str]]) -> tuple[dict[str, int], np.ndarray]:
    """Which of ``scopes`` (empty: everything) contain each value they name, and any other value.

    Returns the values' rows and a boolean table (rows: the values, then one for
    any other value; columns: the scopes).
    """
    values = {v: i for i, v in enumerate(sorted(set().union(*scopes)))}
    table = np.zeros((len(values) + 1, len(scopes)), dtype=bool)
    for j, scope in enumerate(scopes):
        if scope:
            table[[values[v] for v in scope], j] = True
        else:
            table[:, j] = True
    return values, table


class _Providers(NamedTuple):
    """The providers of one service in id order."""

    ids: tuple[str, ...]
    #: positions in the graph of institutions and networks (``-1``: not in it)
    pos: np.ndarray
    #: which of the service's distinct sets of offer scopes each provider has
    scope: np.ndarray
    #: a provider with each set of scopes (for its :meth:`_Index.scope_text`)
    scope_of: tuple[str, ...]
    #: the provider (a position in ``ids``) of each offer of the service
    offer_of: np.ndarray
    #: region -> row of ``by_region`` (any other region: the last row)
    regions: dict[str, int]
    #: whether each offer covers each region (rows: regions, columns: offers)
    by_region: np.ndarray
    #: the same for sectors
    sectors: dict[str, int]
    by_sector: np.ndarray


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

    def edge_info(self, nodes: set[str]) -> dict[tuple[str, str], tuple[tuple[str, ...], float]]:
        """``(types, weight)`` of every referral edge between ``nodes``."""
        g = self.graph
        named = {c: n for n in nodes if (c := self._code(n)) is not None}
        codes = np.array(sorted(named), dtype=np.int64)
        # edges are sorted by source node: each node's out-edges are one slice (a path has a
        # handful of nodes; a scan of every edge would cost milliseconds at national scale)
        lo, hi = np.searchsorted(g.src, codes, "left"), np.searchsorted(g.src, codes, "right")
        slices = [np.arange(a, b) for a, b in zip(lo.tolist(), hi.tolist())]
        edges = np.concatenate(slices) if slices else np.empty(0, dtype=np.int64)
        edges = edges[np.isin(g.dst[edges], codes)]
        return {(named[u], named[v]): (t, w) for u, v, t, w in
                zip(g.src[edges].tolist(), g.dst[edges].tolist(), g.types(edges).tolist(), g.weight[edges].tolist())}

    def _code(self, node: str) -> int | None:
        """The node number of ``node`` in the coded graph (None: not an actor)."""
        passable = self._passable_graph()
        i = passable.pos.get(node)
        if i is not None:
            return int(passable.code[i])
        try:  # an enterprise: a hash look-up (a list look-up, get_indexer, costs a millisecond)
            return int(self.graph.ids.get_loc(node))
        except KeyError:
            return None

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

    def prepare(self) -> None:
        """Build now what the first questions would otherwise build.

        The rows of institutions and networks, the graph of hop counts, each
        service's providers and their scopes in words (in the language in force),
        and the hash tables of the ids (a first look-up in a million ids takes a
        third of a second).
        """
        import scipy.sparse.csgraph  # noqa: F401  (loaded now: a fifth of a second at the first question)

        self.reachable_rows()
        self._passable_graph()
        for service in self.offers:
            self.scope_texts(service)
        for ids in (self._actors.index, self.graph.ids):
            if len(ids):
                ids.get_loc(ids[0])

    def hop_counts(self, source: str, targets: np.ndarray) -> np.ndarray:
        """Fewest referral links from ``source`` to each node of ``targets`` (``-1``: no route at all).

        ``targets`` are positions in the graph of institutions and networks
        (:meth:`service_providers`). One breadth-first search in C
        (:func:`scipy.sparse.csgraph.breadth_first_order`) from a virtual node
        linked to ``source``'s first links, whose tree gives every hop count: a
        national dataset answers in well under a millisecond. Intermediates are
        institutions or networks, as in every referral path; ``source`` itself is
        never a target.
        """
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import breadth_first_order

        g = self._passable_graph()
        out = np.full(len(targets), -1, dtype=np.int64)
        first = np.unique(np.fromiter((g.pos[v] for v, _w in self.adj.get(source, ()) if v in g.pos), dtype=np.int32))
        if len(first) == 0 or len(targets) == 0:
            return out
        n = len(g.pos)
        indices = np.concatenate([g.indices, first])
        indptr = np.append(g.indptr, np.int32(len(indices)))
        graph = csr_matrix((np.ones(len(indices)), indices, indptr), shape=(n + 1, n + 1))
        _order, pred = breadth_first_order(graph, n, directed=True, return_predecessors=True)
        # a node's hop count is its depth in the search tree: climb to the virtual node
        t = np.asarray(targets, dtype=np.int64)
        ok = (t >= 0) & (t != g.pos.get(source, -1))
        ok[ok] = pred[t[ok]] >= 0  # reached (the virtual root's own predecessor is negative)
        cur = np.where(ok, t, n)
        depth = np.zeros(len(t), dtype=np.int64)
        climbing = cur != n
        while climbing.any():
            depth += climbing
            cur[climbing] = pred[cur[climbing]]
            climbing = cur != n
        out[ok] = depth[ok]
        return out

    def near(self, targets: Iterable[str], limit: int) -> dict[str, int]:
        """Fewest referral links from institutions and networks to the nearest of ``targets``.

        Only nodes at most ``limit`` links away are listed. One search in C
        (:func:`scipy.sparse.csgraph.dijkstra`, unweighted, bounded by ``limit``)
        over the reversed graph of institutions and networks.
        """
        from scipy.sparse.csgraph import dijkstra

        g = self._passable_graph()
        start = sorted({g.pos[t] for t in targets if t in g.pos})
        if not start:
            return {}
        dist = dijkstra(g.reverse, directed=True, indices=start, unweighted=True, min_only=True, limit=limit)
        within = np.flatnonzero(np.isfinite(dist))
        return dict(zip([g.nodes[i] for i in within.tolist()], dist[within].astype(np.int64).tolist()))

    def _passable_graph(self) -> _Passable:
        """Positions and CSR arrays of the referral edges between institutions and networks (built once)."""
        got = self._lazy.get("passable")
        if got is None:
            nodes = [i for i, k in self.kind.items() if k != "enterprise"]
            pos = {n: i for i, n in enumerate(nodes)}
            src = np.fromiter((pos[u] for u in nodes for _v in self.adj.get(u, ())), dtype=np.int64)
            dst = np.fromiter((pos[v] for u in nodes for v, _w in self.adj.get(u, ())), dtype=np.int32)
            order = np.argsort(src, kind="stable")
            indptr = np.zeros(len(nodes) + 1, dtype=np.int32)
            np.cumsum(np.bincount(src, minlength=len(nodes)), out=indptr[1:])
            from scipy.sparse import csr_matrix

            reverse = csr_matrix((np.ones(len(src)), (dst, src)), shape=(len(nodes), len(nodes)))
            got = self._lazy["passable"] = _Passable(pos, indptr, dst[order],
                                                      self.graph.ids.get_indexer(nodes).astype(np.int64), nodes,
                                                      reverse)
        return got

    def service_providers(self, service: str) -> _Providers:
        """The providers of ``service`` in id order, with what answers about them need (built once)."""
        got = self._lazy.setdefault("providers", {}).get(service)
        if got is None:
            offers = self.offers.get(service, {})
            ids = tuple(sorted(offers))
            pos = self._passable_graph().pos
            groups: dict[tuple[Any, ...], int] = {}
            scope = np.array([groups.setdefault(tuple(offers[p]), len(groups)) for p in ids], dtype=np.int64)
            first = {g: p for p, g in zip(reversed(ids), reversed(scope.tolist()))}
            each = [(j, scope) for j, p in enumerate(ids) for scope in offers[p]]
            offer_of = np.array([j for j, _scope in each], dtype=np.int64)
            regions, by_region = _cover_table([r for _j, (r, _s) in each])
            sectors, by_sector = _cover_table([sc for _j, (_r, sc) in each])
            got = self._lazy["providers"][service] = _Providers(
                ids, np.array([pos.get(p, -1) for p in ids], dtype=np.int64), scope,
                tuple(first[g] for g in range(len(groups))), offer_of, regions, by_region, sectors, by_sector)
        return got

    def covering(self, service: str, actor: str) -> np.ndarray:
        """Which of :meth:`service_providers` have an offer covering ``actor``'s region and sector."""
        p = self.service_providers(service)
        hit = p.by_region[p.regions.get(self.region[actor], -1)] & p.by_sector[p.sectors.get(self.sector[actor], -1)]
        return np.bincount(p.offer_of[hit], minlength=len(p.ids)) > 0

    def memo(self, name: str) -> dict[Any, Any]:
        """A dict kept as long as the index (walk-in copies share it), for what other modules cache."""
        return self._lazy.setdefault(("memo", name), {})

    def scope_text(self, service: str, provider: str) -> str:
        """The scopes of ``provider``'s offers of ``service`` in words ("regions A, B and sectors C")."""
        parts = []
        for regions, sectors in self.offers[service][provider]:
            bits = []
            if regions:
                bits.append(_("regions {list}").format(list=", ".join(sorted(regions))))
            if sectors:
                bits.append(_("sectors {list}").format(list=", ".join(sorted(sectors))))
            parts.append(_(" and ").join(bits))
        return "; ".join(parts)

    def scope_texts(self, service: str) -> np.ndarray:
        """:meth:`scope_text` of each distinct set of offer scopes of ``service`` (see :class:`_Providers`).

        In the language in force, written once per language: a national service has
        about a thousand providers, and every answer that lists them out of reach
        says each one's scope.
        """
        texts = self._lazy.setdefault("scope_texts", {})
        key = (current_language(), service)
        got = texts.get(key)
        if got is None:
            got = texts[key] = np.array([self.scope_text(service, p) for p in self.service_providers(service).scope_of],
                                        dtype=object)
        return got

    def valid(self, service: str, actor: str) -> frozenset[str]:
        """Providers of ``service`` with an offer whose scope covers ``actor`` (memoised by cell).

        At most :data:`_VALID_MEMO` cells are kept: a national dataset has tens of
        thousands (services × regions × sectors), each with up to a thousand providers.
        """
        key = (service, self.region[actor], self.sector[actor])
        got = self._valid.get(key)
        if got is None:
            if len(self._valid) >= _VALID_MEMO:
                self._valid.clear()
            got = self._valid[key] = frozenset(itertools.compress(self.service_providers(service).ids,
                                                                  self.covering(service, actor).tolist()))
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
    in it, as only their prefixes can be used. A layer of more than
    :data:`_PRUNE_FROM` nodes keeps only those that can still reach a valid
    provider not found yet within the hop limit (:meth:`_Index.near`): every node
    on a later candidate's path can, and so can every node before it on that
    path, so the candidates and their prefixes are the same, and a service with
    few providers no longer costs a search of the whole neighbourhood.
    """
    layer: dict[str, _Prefixes] = {source: [(1.0, (source,))]}
    seen = {source}
    cands: list[tuple[float, tuple[str, ...], int]] = []
    near: dict[str, int] | None = None
    for hop in range(1, max_hops + 1):
        new = {v for u in layer for v, _ in idx.adj.get(u, ()) if v not in seen}
        if not new:
            break
        hits = new & valid
        final = hop == max_hops or len(cands) + len(hits) >= k
        keep = hits if final else new
        if not final and len(new) > _PRUNE_FROM:
            if near is None:  # towards the valid providers not found yet (those found are candidates already)
                near = idx.near(valid - seen - new, max_hops - hop)
            budget = max_hops - hop
            keep = hits | {v for v in new if near.get(v, budget + 1) <= budget}
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


#: Layers of :func:`_refer_search` larger than this are pruned to the nodes that can still
#: reach a valid provider (below it, the search costs less than finding those nodes).
_PRUNE_FROM = 256


def _best_of(entries: Sequence[tuple[float, tuple[str, ...]]]) -> tuple[float, tuple[str, ...]]:
    """The first of equally short ``(strength, path)`` candidates (docs/semantics.md).

    The candidates within :data:`TIE_TOL` of the greatest strength are tied; the
    smallest path among them wins.
    """
    floor = max(e[0] for e in entries) * (1.0 - TIE_TOL)
    return min((e for e in entries if e[0] >= floor), key=lambda e: e[1])


def _ranked(cands: Sequence[tuple[float, tuple[str, ...], int]], k: int | None = None,
            ) -> list[tuple[float, tuple[str, ...], int]]:
    """The first ``k`` (None: all) ``(strength, path, hops)`` candidates in ranking order.

    Fewest hops, then :func:`_best_of`, repeatedly: each pick scans the candidates,
    so only the ``k`` wanted are picked (the last layer of a search can hold
    hundreds of providers at national scale).
    """
    rest, out = list(cands), []
    while rest and (k is None or len(out) < k):
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

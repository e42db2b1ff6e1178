"""The referral engine: best paths from a need to a provider (DESIGN.md section 3).

A need (actor ``A``, service ``S``) is *served* when a simple path of at most
``max_hops`` referral channels leads from ``A`` to an institution ``P`` that
offers ``S`` with a scope covering ``A`` (region and sector; empty scope = all),
and every node strictly between ``A`` and ``P`` is an institution or a network.
Candidates are ranked by fewest hops, then greatest strength (the product of the
link weights, multiplied left to right along the path), then the path's sequence
of ids (tuples of strings compared element by element). The first candidate is
the need's *best path*.

The engine is exact: a layered search from the actor that keeps, at every node,
the prefixes whose strength could still tie or win (see :func:`_layered_search`).
Every hop-shortest walk to the set of valid providers is a simple path whose
``i``-th node lies at distance ``i``, so a breadth-first layering finds exactly
the candidates of the definition.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import UnknownIdError, UsageError
from .graph import referral_edges
from .model import Ecosystem
from .schema import INSTITUTION_KINDS

__all__ = [
    "Referral",
    "Step",
    "Unreachable",
    "best_paths",
    "path_strength",
    "refer",
    "unreachable_providers",
]

#: Relative tolerance within which two strengths may still tie after more
#: multiplications (floating rounding); prefixes further below the best are pruned.
_TOL = 1e-9


def path_strength(weights: Iterable[float]) -> float:
    """Multiply link weights left to right, exactly as the ranking does.

    Parameters
    ----------
    weights : iterable of float
        The weights of the path's links, from the actor to the provider.

    Returns
    -------
    float
        ``((1.0 * w1) * w2) * ...`` in floating point (1.0 for no links).

    Examples
    --------
    >>> path_strength([0.5, 0.8])
    0.4
    >>> path_strength([])
    1.0
    """
    s = 1.0
    for w in weights:
        s = s * float(w)
    return s


@dataclass(frozen=True)
class Step:
    """One hop of a referral path: the actor reached and the channel used.

    ``types`` are the link types joining the previous actor to this one (the
    both-way types included in the reverse direction); ``weight`` is the edge's
    weight (the largest of those channels).
    """

    id: str
    name: str
    kind: str
    types: tuple[str, ...]
    weight: float

    def describe(self) -> str:
        """A phrase a broker can read aloud, e.g. ``"via coordinates to X (broker)"``."""
        return f"via {' / '.join(self.types)} to {self.name} ({self.kind.replace('_', ' ')})"


@dataclass(frozen=True)
class Referral:
    """A ranked referral candidate: a provider with its best path from the actor."""

    provider: str
    hops: int
    strength: float
    path: tuple[str, ...]
    steps: tuple[Step, ...] = field(default=())

    def key(self) -> tuple[int, float, tuple[str, ...]]:
        """The ranking key of DESIGN.md section 3 (smaller is better)."""
        return (self.hops, -self.strength, self.path)

    def describe(self, names: dict[str, str] | None = None) -> str:
        """The path in words, every hop named with its name, kind and link type."""
        return "; ".join(s.describe() for s in self.steps)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (``provider``, ``hops``, ``strength``, ``path``, ``steps``)."""
        return {
            "provider": self.provider,
            "hops": self.hops,
            "strength": self.strength,
            "path": list(self.path),
            "steps": [
                {"id": s.id, "name": s.name, "kind": s.kind, "types": list(s.types), "weight": s.weight}
                for s in self.steps
            ],
        }


@dataclass(frozen=True)
class Unreachable:
    """A provider of the service that cannot serve the need, and why.

    ``reason`` is ``"scope"`` (the offer's regions/sectors do not cover the actor)
    or ``"hops"`` (in scope but more than ``max_hops`` links away, or no route at
    all, ``hops`` then ``None``). ``hops`` is the shortest referral route in links.
    """

    provider: str
    name: str
    reason: str
    hops: int | None
    detail: str


# --------------------------------------------------------------------------- index


class _Index:
    """Adjacency and offers of an ecosystem, prepared once for many searches."""

    def __init__(self, eco: Ecosystem, edges: pd.DataFrame | None = None):
        if edges is None:
            edges = referral_edges(eco)
        a = eco.actors
        self.kind: dict[str, str] = dict(zip(a.index, a["kind"].to_numpy()))
        self.region: dict[str, str] = dict(zip(a.index, a["region"].to_numpy()))
        self.sector: dict[str, str] = dict(zip(a.index, a["sector"].to_numpy()))
        self.adj: dict[str, list[tuple[str, float]]] = {}
        passable = {i for i, k in self.kind.items() if k != "enterprise"}
        for u, v, w in zip(edges["source"].to_numpy(), edges["target"].to_numpy(),
                           edges["weight"].to_numpy(dtype=np.float64)):
            if v in passable:  # an enterprise is never an intermediate nor a provider
                self.adj.setdefault(u, []).append((v, float(w)))
        self._valid: dict[tuple[str, str, str], frozenset[str]] = {}
        # offers: service -> provider -> list of (regions, sectors) scopes
        self.offers: dict[str, dict[str, list[tuple[frozenset[str], frozenset[str]]]]] = {}
        o = eco.offers
        for p, s, r, sc in zip(o["actor"].to_numpy(), o["service"].to_numpy(),
                               o["regions"].to_numpy(), o["sectors"].to_numpy()):
            self.offers.setdefault(s, {}).setdefault(p, []).append((Ecosystem.scope(r), Ecosystem.scope(sc)))

    def covers(self, provider: str, service: str, actor: str) -> bool:
        """True when one of ``provider``'s offers of ``service`` covers ``actor``."""
        reg, sec = self.region[actor], self.sector[actor]
        for regions, sectors in self.offers.get(service, {}).get(provider, ()):
            if (not regions or reg in regions) and (not sectors or sec in sectors):
                return True
        return False

    def valid(self, service: str, actor: str) -> set[str]:
        key = (service, self.region[actor], self.sector[actor])
        got = self._valid.get(key)
        if got is None:
            got = self._valid[key] = frozenset(
                p for p in self.offers.get(service, {}) if self.covers(p, service, actor))
        return got


_CACHE: "weakref.WeakKeyDictionary[Ecosystem, tuple[pd.DataFrame, _Index]]" = weakref.WeakKeyDictionary()


def _prepared(eco: Ecosystem) -> tuple[pd.DataFrame, _Index]:
    """Referral edges and search index of ``eco``, built once per ecosystem object."""
    got = _CACHE.get(eco)
    if got is None:
        edges = referral_edges(eco)
        got = _CACHE[eco] = (edges, _Index(eco, edges))
    return got


# (strength, path) prefixes per node, pruned to those that could still win.
_Prefixes = list[tuple[float, tuple[str, ...]]]


def _prune(entries: _Prefixes) -> _Prefixes:
    """Keep, per distinct strength within tolerance of the best, the smallest path."""
    best = max(s for s, _ in entries)
    floor = best * (1.0 - _TOL)
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
    a prefix more than :data:`_TOL` below the best can never tie, and two
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


def _best_of(entries: _Prefixes) -> tuple[float, tuple[str, ...]]:
    return min(entries, key=lambda e: (-e[0], e[1]))


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
            cands = [(_best_of(layer[p]), p) for p in valid[s] if p in layer]
            if cands:
                (st, path), prov = min(cands, key=lambda c: (-c[0][0], c[0][1]))
                result[s] = (prov, k, st, path)
                todo.discard(s)
        return not todo

    _layered_search(idx, source, max_hops, stop)
    return result


# --------------------------------------------------------------------------- public


def best_paths(eco: Ecosystem, *, max_hops: int = 4) -> pd.DataFrame:
    """Return the best referral path of every need (DESIGN.md section 3).

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem (apply :meth:`Ecosystem.as_of` first for a given year).
    max_hops : int, default 4
        Longest path, in links (at least 1).

    Returns
    -------
    pandas.DataFrame
        One row per row of ``eco.needs`` (same index and order), columns
        ``actor``, ``service``, ``served`` (bool), ``provider`` (str, ``""``
        when unmet), ``hops`` (``Int64``, ``<NA>`` when unmet), ``strength``
        (float, NaN when unmet) and ``path`` (tuple of ids from the actor to the
        provider, ``()`` when unmet).

    Raises
    ------
    UsageError
        If ``max_hops`` is below 1.

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "e", "name": "Shop", "kind": "enterprise"},
    ...             {"id": "b", "name": "Broker", "kind": "broker"},
    ...             {"id": "p", "name": "Lab", "kind": "bds_provider"}],
    ...     services=[{"id": "s", "name": "Testing", "category": "technology"}],
    ...     offers=[{"actor": "p", "service": "s"}],
    ...     needs=[{"actor": "e", "service": "s"}],
    ...     links=[{"source": "e", "target": "b", "type": "client_of", "weight": 0.5},
    ...            {"source": "b", "target": "p", "type": "refers_to", "weight": 0.8}])
    >>> row = best_paths(eco).iloc[0]
    >>> bool(row.served), row.provider, int(row.hops), float(row.strength), row.path
    (True, 'p', 2, 0.4, ('e', 'b', 'p'))
    >>> bool(best_paths(eco, max_hops=1).iloc[0].served)
    False
    """
    _check_hops(max_hops)
    return _best_paths_fast(eco, max_hops=max_hops)


def _simple_best_paths(eco: Ecosystem, *, max_hops: int = 4) -> pd.DataFrame:
    """Straightforward exact version of :func:`best_paths` (one search per actor)."""
    _check_hops(max_hops)
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


def _check_hops(max_hops: int) -> None:
    if int(max_hops) < 1:
        raise UsageError(f"max_hops must be at least 1, not {max_hops}")


def _suggest(value: str, choices: Iterable[Hashable], n: int = 3) -> list[str]:
    import difflib

    pool = [str(c) for c in choices]
    close = difflib.get_close_matches(value, pool, n=n, cutoff=0.5)
    if not close:
        low = value.lower()
        close = [c for c in pool if low in c.lower() or c.lower() in low][:n]
    return close


def _check_ids(eco: Ecosystem, actor: str, service: str) -> None:
    if actor not in eco.actors.index:
        raise UnknownIdError("actor", actor, _suggest(actor, eco.actors.index))
    if service not in eco.services.index:
        raise UnknownIdError("service", service, _suggest(service, eco.services.index))


def _steps(eco: Ecosystem, path: Sequence[str], edge_info: dict[tuple[str, str], tuple[tuple[str, ...], float]],
           ) -> tuple[Step, ...]:
    names = eco.actors["name"]
    kinds = eco.actors["kind"]
    out = []
    for u, v in zip(path[:-1], path[1:]):
        types, w = edge_info[(u, v)]
        out.append(Step(id=v, name=str(names.at[v]), kind=str(kinds.at[v]), types=types, weight=w))
    return tuple(out)


def _edge_info(edges: pd.DataFrame, path_nodes: set[str]) -> dict[tuple[str, str], tuple[tuple[str, ...], float]]:
    sel = edges[edges["source"].isin(path_nodes).to_numpy() & edges["target"].isin(path_nodes).to_numpy()]
    return {(u, v): (tuple(t), float(w)) for u, v, t, w in
            zip(sel["source"].to_numpy(), sel["target"].to_numpy(), sel["types"].to_numpy(),
                sel["weight"].to_numpy(dtype=np.float64))}


def refer(eco: Ecosystem, actor: str, service: str, *, k: int = 3, max_hops: int = 4) -> list[Referral]:
    """Return the ``k`` best providers of ``service`` for ``actor``, each with its best path.

    Every provider that offers ``service`` with a scope covering ``actor`` and
    can be reached within ``max_hops`` links is a candidate, represented by its
    own best path; candidates are ranked by (hops, -strength, path) and the first
    ``k`` are returned. ``refer(...)[0]`` is the need's best path of
    :func:`best_paths`.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem.
    actor, service : str
        The actor (an enterprise or network) and the service it needs. The pair
        need not be listed in ``eco.needs``.
    k : int, default 3
        Number of providers to return (at least 1).
    max_hops : int, default 4
        Longest path, in links.

    Returns
    -------
    list of Referral
        At most ``k`` referrals, best first; empty when no provider is reachable
        (see :func:`unreachable_providers` for why).

    Raises
    ------
    UnknownIdError
        If ``actor`` or ``service`` does not exist (with the closest ids).
    UsageError
        If ``k`` or ``max_hops`` is below 1.

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "e", "name": "Shop", "kind": "enterprise"},
    ...             {"id": "b", "name": "Broker", "kind": "broker"},
    ...             {"id": "p", "name": "Lab", "kind": "bds_provider"},
    ...             {"id": "q", "name": "Uni", "kind": "bds_provider"}],
    ...     services=[{"id": "s", "name": "Testing", "category": "technology"}],
    ...     offers=[{"actor": "p", "service": "s"}, {"actor": "q", "service": "s"}],
    ...     links=[{"source": "e", "target": "b", "type": "client_of"},
    ...            {"source": "b", "target": "p", "type": "refers_to", "weight": 0.5},
    ...            {"source": "e", "target": "q", "type": "client_of", "weight": 0.9}])
    >>> [(r.provider, r.hops, r.path) for r in refer(eco, "e", "s")]
    [('q', 1, ('e', 'q')), ('p', 2, ('e', 'b', 'p'))]
    >>> refer(eco, "e", "s")[1].describe()
    'via client_of to Broker (broker); via refers_to to Lab (bds provider)'
    """
    _check_ids(eco, actor, service)
    _check_hops(max_hops)
    if int(k) < 1:
        raise UsageError(f"k must be at least 1, not {k}")
    edges, idx = _prepared(eco)
    valid = idx.valid(service, actor)
    if not valid:
        return []
    cands: list[tuple[float, tuple[str, ...], int]] = []

    def stop(hop: int, layer: dict[str, _Prefixes]) -> bool:
        for p in valid:
            if p in layer:
                s, path = _best_of(layer[p])
                cands.append((s, path, hop))
        return len(cands) >= k  # later layers only add longer paths

    _layered_search(idx, actor, max_hops, stop)
    cands.sort(key=lambda c: (c[2], -c[0], c[1]))
    cands = cands[: int(k)]
    info = _edge_info(edges, {n for c in cands for n in c[1]})
    return [Referral(provider=path[-1], hops=hop, strength=s, path=path, steps=_steps(eco, path, info))
            for s, path, hop in cands]


def unreachable_providers(eco: Ecosystem, actor: str, service: str, *, max_hops: int = 4,
                          limit: int = 5) -> list[Unreachable]:
    """Providers of ``service`` that cannot serve ``actor``, nearest first, and why.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem.
    actor, service : str
        The actor and the service it needs.
    max_hops : int, default 4
        The hop limit of the analysis.
    limit : int, default 5
        At most this many providers are returned.

    Returns
    -------
    list of Unreachable
        Providers ordered by shortest referral route (no route last), then id.
        ``reason`` is ``"scope"`` when no offer of the provider covers the actor's
        region and sector, else ``"hops"``.

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "e", "name": "Shop", "kind": "enterprise", "region": "north"},
    ...             {"id": "p", "name": "Lab", "kind": "bds_provider"}],
    ...     services=[{"id": "s", "name": "Testing", "category": "technology"}],
    ...     offers=[{"actor": "p", "service": "s", "regions": "south"}],
    ...     links=[{"source": "e", "target": "p", "type": "client_of"}])
    >>> [(u.provider, u.reason, u.hops) for u in unreachable_providers(eco, "e", "s")]
    [('p', 'scope', 1)]
    """
    _check_ids(eco, actor, service)
    idx = _prepared(eco)[1]
    providers = sorted(idx.offers.get(service, {}))
    dist: dict[str, int] = {}
    frontier, seen, d = [actor], {actor}, 0
    while frontier and len(dist) < len(providers):
        d += 1
        nxt = []
        for u in frontier:
            for v, _ in idx.adj.get(u, ()):
                if v not in seen:
                    seen.add(v)
                    nxt.append(v)
                    if v in idx.offers.get(service, {}):
                        dist[v] = d
        frontier = nxt
    names = eco.actors["name"]
    out = []
    for p in providers:
        h = dist.get(p)
        if not idx.covers(p, service, actor):
            scopes = idx.offers[service][p]
            parts = []
            for regions, sectors in scopes:
                bits = []
                if regions:
                    bits.append("regions " + ", ".join(sorted(regions)))
                if sectors:
                    bits.append("sectors " + ", ".join(sorted(sectors)))
                parts.append(" and ".join(bits))
            detail = (f"offers it only to {'; '.join(parts)}, not to region "
                      f"{idx.region[actor] or '(none)'} / sector {idx.sector[actor] or '(none)'}")
            reason = "scope"
        elif h is None:
            reason, detail = "hops", "no referral route at all"
        elif h > max_hops:
            reason, detail = "hops", f"{h} links away, more than the limit of {max_hops}"
        else:
            continue
        out.append(Unreachable(provider=p, name=str(names.at[p]), reason=reason, hops=h, detail=detail))
    out.sort(key=lambda u: (u.hops is None, u.hops if u.hops is not None else 0, u.provider))
    return out[: int(limit)]


# --------------------------------------------------------------------------- fast engine
#
# At national scale (a million enterprises) one search per need is far too slow.
# The fast engine exploits the shape of the referral graph: enterprises are path
# sources only, networks are entered only from enterprises, so after the first
# hop every path runs over the small graph of networks and institutions (N).
#
# 1. Needs are grouped into *target classes*: (service, set of providers whose
#    scope covers the actor). Classes depend only on the service and the actor's
#    (region, sector) cell.
# 2. For a batch of classes, a multi-source backward BFS over N (sparse matrix
#    products) gives ``dist[v, class]``, the hops from v to the class within
#    ``max_hops - 1``.
# 3. A need's hops = 1 + min over its first hops v of dist[v]; the candidate
#    first hops are those achieving it.
# 4. For each (v, class) the best suffix (max strength from v, then smallest
#    ids) is found by a forward DP down the distance layers, memoised.
# 5. The best path is (actor,) + best suffix of the best candidate; its strength
#    is recomputed exactly left to right. Whenever two candidates (or two
#    prefixes inside a suffix DP) are within the rounding tolerance of each
#    other, the floating left-to-right product from the actor might order them
#    differently, so that need falls back to the exact per-actor search.

_BATCH = 512



def _code_edges(eco: Ecosystem, codes: pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Referral edges as (source code, target code, weight), max weight per pair."""
    from .schema import LINK_RULES

    links = eco.links
    ltype = links["type"].to_numpy(dtype=object)
    fwd = np.isin(ltype, [t for t, r in LINK_RULES.items() if r[2]])
    both = np.isin(ltype, [t for t, r in LINK_RULES.items() if r[2] == "both"])
    s = codes.get_indexer(links["source"].to_numpy(dtype=object))
    t = codes.get_indexer(links["target"].to_numpy(dtype=object))
    w = links["weight"].to_numpy(dtype=np.float64)
    src = np.concatenate([s[fwd], t[both]])
    dst = np.concatenate([t[fwd], s[both]])
    wt = np.concatenate([w[fwd], w[both]])
    if len(src) == 0:
        return src.astype(np.int64), dst.astype(np.int64), wt
    n = len(codes)
    key = src.astype(np.int64) * n + dst
    order = np.lexsort((-wt, key))
    key, wt = key[order], wt[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    key, wt = key[first], wt[first]
    return key // n, key % n, wt


def _best_paths_fast(eco: Ecosystem, *, max_hops: int = 4) -> pd.DataFrame:
    import scipy.sparse as sp

    needs = eco.needs
    H = int(max_hops)
    # codes in id string order, so comparing code tuples compares the id sequences
    actors = eco.actors.iloc[np.argsort(eco.actors.index.to_numpy(dtype=object), kind="stable")]
    ids = actors.index
    kinds = actors["kind"].to_numpy(dtype=object)
    is_ent = kinds == "enterprise"
    src, dst, wt = _code_edges(eco, ids)
    keep = ~is_ent[dst]  # never into an enterprise
    src, dst, wt = src[keep], dst[keep], wt[keep]
    n = len(ids)
    # forward adjacency of all actors (CSR, sorted by target id string for determinism)
    order = np.lexsort((dst, src))
    src, dst, wt = src[order], dst[order], wt[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(indptr, src + 1, 1)
    indptr = np.cumsum(indptr)
    # N-graph (sources not enterprises) as a sparse matrix for the BFS
    nodes = np.flatnonzero(~is_ent)
    ncode = np.full(n, -1, dtype=np.int64)
    ncode[nodes] = np.arange(len(nodes))
    nN = len(nodes)
    nmask = ~is_ent[src]
    A = sp.csr_matrix((np.ones(int(nmask.sum()), dtype=np.float32), (ncode[src[nmask]], ncode[dst[nmask]])),
                      shape=(nN, nN))

    # ---- target classes
    need_actor = ids.get_indexer(needs["actor"].to_numpy(dtype=object))
    need_service = needs["service"].to_numpy(dtype=object)
    region = actors["region"].to_numpy(dtype=object)
    sector = actors["sector"].to_numpy(dtype=object)
    need_class = np.full(len(needs), -1, dtype=np.int64)
    class_members: list[np.ndarray] = []
    o = eco.offers
    if len(needs):
        cell_codes = pd.factorize(pd.Series(list(zip(region[need_actor], sector[need_actor]))))
        cell_of_need, cell_vals = cell_codes[0], cell_codes[1]
        cell_reg = np.array([c[0] for c in cell_vals], dtype=object)
        cell_sec = np.array([c[1] for c in cell_vals], dtype=object)
        o_actor = ids.get_indexer(o["actor"].to_numpy(dtype=object))
        o_service = o["service"].to_numpy(dtype=object)
        o_reg = o["regions"].to_numpy(dtype=object)
        o_sec = o["sectors"].to_numpy(dtype=object)
        class_of: dict[tuple[str, bytes], int] = {}
        svc_series = pd.Series(need_service)
        for s, rows in svc_series.groupby(svc_series, sort=False).indices.items():
            rows = np.asarray(rows)
            ucells, inv = np.unique(cell_of_need[rows], return_inverse=True)
            orows = np.flatnonzero(o_service == s)
            if len(orows) == 0:
                continue
            cover = np.ones((len(orows), len(ucells)), dtype=bool)
            for i, r in enumerate(orows):
                rs, ss = Ecosystem.scope(o_reg[r]), Ecosystem.scope(o_sec[r])
                if rs:
                    cover[i] &= np.isin(cell_reg[ucells], list(rs))
                if ss:
                    cover[i] &= np.isin(cell_sec[ucells], list(ss))
            provs = o_actor[orows]
            uprov, pinv = np.unique(provs, return_inverse=True)
            pc = np.zeros((len(uprov), len(ucells)), dtype=bool)
            np.logical_or.at(pc, pinv, cover)
            col_class = np.empty(len(ucells), dtype=np.int64)
            for j in range(len(ucells)):
                col = pc[:, j]
                if not col.any():
                    col_class[j] = -1
                    continue
                key = (s, np.packbits(col).tobytes())
                c = class_of.get(key)
                if c is None:
                    c = class_of[key] = len(class_members)
                    class_members.append(uprov[col])
                col_class[j] = c
            need_class[rows] = col_class[inv]

    provider = np.full(len(needs), "", dtype=object)
    hops = np.zeros(len(needs), dtype=np.int64)
    strength = np.full(len(needs), np.nan)
    paths = np.empty(len(needs), dtype=object)
    paths[:] = [()] * len(needs)
    served = np.zeros(len(needs), dtype=bool)
    fallback: list[int] = []

    ids_arr = ids.to_numpy(dtype=object)
    # needs sorted by class, processed in class batches
    by_class = np.argsort(need_class, kind="stable")
    cls_sorted = need_class[by_class]
    n_classes = len(class_members)
    starts = np.searchsorted(cls_sorted, np.arange(0, n_classes + _BATCH, _BATCH))
    for bi, c0 in enumerate(range(0, n_classes, _BATCH)):
        c1 = min(c0 + _BATCH, n_classes)
        B = c1 - c0
        dist = np.full((nN, B), 127, dtype=np.int8)
        for j in range(B):
            dist[ncode[class_members[c0 + j]], j] = 0
        frontier = (dist == 0).astype(np.float32)
        for r in range(1, H):
            reach = np.asarray(A @ frontier) > 0
            new = reach & (dist == 127)
            if not new.any():
                break
            dist[new] = r
            frontier = new.astype(np.float32)
        memo: dict[tuple[int, int], tuple[float, tuple[int, ...], tuple[float, ...], bool]] = {}
        lo, hi = starts[bi], starts[bi + 1]
        for qi in by_class[lo:hi]:
            j = int(need_class[qi]) - c0
            a = int(need_actor[qi])
            e0, e1 = indptr[a], indptr[a + 1]
            if e0 == e1:
                continue
            vs = dst[e0:e1]
            dv = dist[ncode[vs], j]
            dmin = int(dv.min())
            if dmin > H - 1:
                continue
            served[qi] = True
            hops[qi] = dmin + 1
            cands = np.flatnonzero(dv == dmin)
            best = None
            ambiguous = False
            for ci in cands:
                v = int(vs[ci])
                w1 = float(wt[e0 + ci])
                suf = memo.get((v, j))
                if suf is None:
                    suf = memo[(v, j)] = _suffix(v, dmin, dist[:, j], ncode, indptr, dst, wt)
                approx = w1 * suf[0]
                if suf[3]:
                    ambiguous = True

                    break
                if best is None or approx > best[0] * (1 + _TOL):
                    best = (approx, w1, suf)
                elif approx >= best[0] * (1 - _TOL) and (w1,) + suf[2] == (best[1],) + best[2][2]:
                    if suf[1] < best[2][1]:  # same weights, same product: smaller ids win
                        best = (approx, w1, suf)
                elif approx >= best[0] * (1 - _TOL):
                    ambiguous = True

                    break
            if ambiguous:
                fallback.append(int(qi))
                continue
            _, w1, suf = best
            s = 1.0 * w1
            for w in suf[2]:
                s = s * w
            p = (ids_arr[a],) + tuple(ids_arr[x] for x in suf[1])
            paths[qi] = p
            provider[qi] = p[-1]
            strength[qi] = s
    rows: list[Any] = [None] * len(needs)
    for qi in np.flatnonzero(served):
        rows[qi] = (provider[qi], int(hops[qi]), float(strength[qi]), paths[qi])
    if fallback:
        idx = _prepared(eco)[1]
        by_actor: dict[str, list[int]] = {}
        for qi in fallback:
            by_actor.setdefault(ids_arr[need_actor[qi]], []).append(qi)
        for a, qs in by_actor.items():
            sol = _solve_source(idx, a, [need_service[q] for q in qs], H)
            for q in qs:
                rows[q] = sol[need_service[q]]
    return _frame(needs, rows)


def _suffix(v: int, r: int, dist: np.ndarray, ncode: np.ndarray, indptr: np.ndarray, dst: np.ndarray,
            wt: np.ndarray) -> tuple[float, tuple[int, ...], tuple[float, ...], bool]:
    """Best suffix from ``v`` to the class ``r`` hops away: (strength from v, nodes, weights, ambiguous).

    Walks down the distance layers (each step to a node one hop nearer to the
    class); keeps per node the best prefix and flags ambiguity when a second
    prefix comes within the rounding tolerance of the best.
    """
    # entries: (strength from v, nodes, weights, ambiguous)
    layer: dict[int, tuple[float, tuple[int, ...], tuple[float, ...], bool]] = {v: (1.0, (v,), (), False)}
    for rem in range(r - 1, -1, -1):
        nxt: dict[int, list[tuple[float, tuple[int, ...], tuple[float, ...], bool]]] = {}
        for u, (s, p, ws, amb) in layer.items():
            for e in range(indptr[u], indptr[u + 1]):
                x = int(dst[e])
                if dist[ncode[x]] != rem:
                    continue
                w = float(wt[e])
                nxt.setdefault(x, []).append((s * w, p + (x,), ws + (w,), amb))
        layer = {}
        for x, entries in nxt.items():
            if len(entries) > 1:
                entries.sort(key=lambda t: (-t[0], t[1]))
                top = entries[0]
                floor = top[0] * (1 - _TOL)
                # a near tie between different weight sequences: only the exact search can
                # tell how the products from the actor compare; equal sequences give equal
                # products from anywhere, so the smaller path wins.
                if any(e[0] >= floor and e[2] != top[2] for e in entries[1:]):
                    top = (top[0], top[1], top[2], True)
                layer[x] = top
            else:
                layer[x] = entries[0]
    ends = sorted(layer.values(), key=lambda t: (-t[0], t[1]))
    s, p, ws, amb = ends[0]
    if amb or any(e[0] >= s * (1 - _TOL) and e[2] != ws for e in ends[1:]):
        return (0.0, (), (), True)
    return (s, p, ws, False)

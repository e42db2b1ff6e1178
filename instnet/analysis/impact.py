"""Impact, lost needs, load, utilisation and what-if removals (docs/semantics.md).

* **impact** of institution ``X``: served needs with ``X`` present minus served
  needs once ``X`` and its links are removed (``X`` as provider counts too);
* **lost needs**: which needs (and so which enterprises) those are;
* **load**: served needs whose best path passes through or ends at ``X``;
  **utilisation** = load / capacity;
* **what-if**: coverage before and after removing several institutions together.

Impact is exact without removing anything: a need is lost by removing ``X``
exactly when ``X`` lies on *every* valid referral path of the need, i.e. ``X``
is a hop-bounded dominator of the need. The engine (:class:`ImpactEngine`)

1. codes the referral graph as integers and keeps the institution subgraph
   ``H`` (enterprises are sources only and networks sit only at hop 1, because
   the referral channels of docs/format.md never enter them from an
   institution);
2. groups needs by *(entry map, provider set)*: the entry map of an actor lists
   the institutions where its paths enter ``H`` and the hops left there
   (``max_hops - 1`` for a direct channel, ``max_hops - 2`` through a network),
   the provider set lists the offers covering the actor's region and sector for
   the service. A million enterprises give some ten thousand groups;
3. computes hop distances from every institution to every offer *class*
   (offers of one service with one scope) with ``max_hops - 1`` sparse matrix
   products, so the distance to a provider set is a minimum over its classes;
4. computes ``dom(u, b)``, the institutions on every walk of at most ``b`` links
   from ``u`` to the provider set, by the recursion
   ``dom(u, b) = {u} | intersection of dom(v, b - 1) over out-neighbours v that
   can still reach a provider in b - 1 links`` (``{u}`` when ``u`` is a
   provider), memoised per provider set and cut short as soon as the
   intersection is empty;
5. a group's lost-by set is the intersection of ``dom(u, b)`` over its usable
   entries; each institution in it loses all the group's needs.

A need is served exactly when some walk (hence some simple path: the shortest
walk is simple) of at most ``max_hops`` links reaches a covering provider, so
the result equals brute force (removing each institution and recounting); the
tests check that on random ecosystems.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..graph import CodedGraph, coded_graph
from .codedgraph import group_by_outset, unique_rows
from ..errors import check_max_hops, unknown_id
from ..model import Ecosystem
from ..schema import KINDS

__all__ = ["ImpactEngine", "impact", "lost_needs", "served_needs"]

# load, utilisation and what-if live in instnet/analysis/load.py

_INF = np.int8(127)
_NETWORK = KINDS.index("network")
_ENTERPRISE = KINDS.index("enterprise")


class ImpactEngine:
    """Served needs and the exact impact of every institution, computed once.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem (apply :meth:`Ecosystem.as_of` first for a given year).
    max_hops : int, default 4
        Longest referral path, in links.
    graph : CodedGraph, optional
        Precomputed :func:`instnet.graph.coded_graph` ``(eco)`` (the default).

    Attributes
    ----------
    served : numpy.ndarray
        Bool per row of ``eco.needs``.
    impact : pandas.Series
        Int per institution id: needs lost if it is removed.

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "e", "name": "Shop", "kind": "enterprise"},
    ...             {"id": "b", "name": "Broker", "kind": "broker"},
    ...             {"id": "p", "name": "Lab", "kind": "bds_provider"},
    ...             {"id": "q", "name": "Bank", "kind": "bds_provider"}],
    ...     services=[{"id": "s", "name": "Testing", "category": "technology"},
    ...               {"id": "f", "name": "Credit", "category": "finance"}],
    ...     offers=[{"actor": "p", "service": "s"}, {"actor": "q", "service": "f"},
    ...             {"actor": "b", "service": "f"}],
    ...     needs=[{"actor": "e", "service": "s"}, {"actor": "e", "service": "f"}],
    ...     links=[{"source": "e", "target": "b", "type": "client_of"},
    ...            {"source": "b", "target": "p", "type": "refers_to"},
    ...            {"source": "b", "target": "q", "type": "refers_to"}])
    >>> engine = ImpactEngine(eco)
    >>> engine.served.tolist()
    [True, True]
    >>> engine.impact.to_dict()
    {'b': 2, 'p': 1, 'q': 0}
    >>> engine.lost("p")[["actor", "service"]].values.tolist()
    [['e', 's']]
    """

    def __init__(self, eco: Ecosystem, *, max_hops: int = 4, graph: CodedGraph | None = None):
        check_max_hops(max_hops)
        self.eco = eco
        self.max_hops = int(max_hops)
        self.graph = graph if graph is not None else coded_graph(eco)
        self._prepare()
        self._run()

    # ------------------------------------------------------------------ preparation

    def _prepare(self) -> None:
        eco, g, k = self.eco, self.graph, self.max_hops
        inst_nodes = np.flatnonzero(g.is_institution)
        self.inst_nodes = inst_nodes
        self.inst_pos = np.full(g.n, -1, dtype=np.int64)
        self.inst_pos[inst_nodes] = np.arange(len(inst_nodes))
        ni = len(inst_nodes)
        both = g.is_institution[g.src] & g.is_institution[g.dst]
        h = sp.csr_matrix((np.ones(int(both.sum()), dtype=np.float32),
                           (self.inst_pos[g.src[both]], self.inst_pos[g.dst[both]])), shape=(ni, ni))
        h.sum_duplicates()
        h.sort_indices()
        self.h = h

        # Offer classes: (service, regions, sectors) -> institutions.
        o = eco.offers
        prov = self.inst_pos[g.offer_actor]
        ok = prov >= 0
        svc = o["service"].to_numpy()[ok]
        regs = [frozenset(Ecosystem.scope(r)) for r in o["regions"].to_numpy()[ok]]
        secs = [frozenset(Ecosystem.scope(s)) for s in o["sectors"].to_numpy()[ok]]
        classes: dict[tuple[str, frozenset[str], frozenset[str]], set[int]] = {}
        for s, r, c, p in zip(svc, regs, secs, prov[ok].tolist()):
            classes.setdefault((s, r, c), set()).add(p)
        self.class_keys = list(classes)
        self.class_members = [np.array(sorted(m), dtype=np.int64) for m in classes.values()]
        self.dist = self._class_distances()

        # Needs: actor code, service, region and sector codes.
        needs = eco.needs
        actor = g.need_actor
        self.need_actor = actor
        region_codes, self.regions = pd.factorize(eco.actors["region"].to_numpy())
        sector_codes, self.sectors = pd.factorize(eco.actors["sector"].to_numpy())
        self.actor_region = region_codes
        self.actor_sector = sector_codes

        # Signatures of the actors with needs: (region, sector, out-neighbours).
        needers, need_pos = np.unique(actor, return_inverse=True)
        sig_of_needer = self._signatures(needers)
        # Entry maps per signature.
        entry_id: dict[tuple[tuple[int, int], ...], int] = {}
        self.entries: list[tuple[tuple[int, int], ...]] = []
        sig_entry = np.empty(len(self._sig_reps), dtype=np.int64)
        for j, rep in enumerate(self._sig_reps):
            e = self._entry_map(int(rep))
            eid = entry_id.get(e)
            if eid is None:
                eid = entry_id[e] = len(self.entries)
                self.entries.append(e)
            sig_entry[j] = eid
        need_sig = sig_of_needer[need_pos]
        need_entry = sig_entry[need_sig]

        # Provider sets per (service, region, sector).
        svc_codes, self.services = pd.factorize(needs["service"].to_numpy())
        need_reg = region_codes[actor]
        need_sec = sector_codes[actor]
        need_target = self._targets(svc_codes, need_reg, need_sec)

        # Groups: (entry map, provider set).
        key = need_entry.astype(np.int64) * (len(self.target_classes) + 1) + need_target
        uniq, self.need_group = np.unique(key, return_inverse=True)
        self.group_entry = uniq // (len(self.target_classes) + 1)
        self.group_target = uniq % (len(self.target_classes) + 1)
        self.group_count = np.bincount(self.need_group, minlength=len(uniq))

    def _class_distances(self) -> np.ndarray:
        """Hop distance (0..max_hops-1, else 127) from each institution to each offer class."""
        ni, nc, reach = self.h.shape[0], len(self.class_members), self.max_hops - 1
        dist = np.full((ni, nc), _INF, dtype=np.int8, order="F")
        chunk = max(1, min(nc, 2_000_000 // max(ni, 1)))
        for c0 in range(0, nc, chunk):
            cols = range(c0, min(nc, c0 + chunk))
            r = np.zeros((ni, len(cols)), dtype=np.float32)
            for j, c in enumerate(cols):
                r[self.class_members[c], j] = 1.0
            seen = r > 0
            block = np.where(seen, np.int8(0), _INF).astype(np.int8)
            for step in range(1, reach + 1):
                r = self.h @ r
                new = (r > 0) & ~seen
                if not new.any():
                    break
                block[new] = step
                seen |= new
                r = new.astype(np.float32)
            dist[:, c0:c0 + len(cols)] = block
        return dist

    def _signatures(self, needers: np.ndarray) -> np.ndarray:
        """Signature id of each needer: (region, sector, out-neighbours); sets ``_sig_reps``."""
        extra = np.stack([self.actor_region[needers], self.actor_sector[needers]], axis=1)
        sig, self._sig_reps = group_by_outset(self.graph, needers, extra)
        return sig

    def _entry_map(self, a: int) -> tuple[tuple[int, int], ...]:
        """Where paths from actor ``a`` enter the institution graph, with hops left."""
        g, k = self.graph, self.max_hops
        best: dict[int, int] = {}
        for v in g.out(a).tolist():
            p = self.inst_pos[v]
            if p >= 0:
                best[p] = max(best.get(p, -1), k - 1)
            elif g.kind[v] == _NETWORK and g.kind[a] == _ENTERPRISE and k >= 2:
                for w in g.out(v).tolist():
                    q = self.inst_pos[w]
                    if q >= 0:
                        best[q] = max(best.get(q, -1), k - 2)
        return tuple(sorted(best.items()))

    def _targets(self, svc: np.ndarray, reg: np.ndarray, sec: np.ndarray) -> np.ndarray:
        """Provider-set id of each need; sets ``target_classes`` and ``target_single``."""
        combo = np.stack([svc, reg, sec], axis=1).astype(np.int64)
        first, inv = unique_rows(combo)
        combos = combo[first]
        by_service: dict[str, list[int]] = defaultdict(list)
        for c, (s, _r, _c) in enumerate(self.class_keys):
            by_service[s].append(c)
        tid: dict[tuple[int, ...], int] = {}
        self.target_classes: list[np.ndarray] = []
        combo_target = np.empty(len(combos), dtype=np.int64)
        regions = list(self.regions)
        sectors = list(self.sectors)
        for s_code in np.unique(combos[:, 0]).tolist():
            rows = np.flatnonzero(combos[:, 0] == s_code)
            cls = by_service.get(self.services[s_code], [])
            if cls:
                rr = combos[rows, 1]
                ss = combos[rows, 2]
                reg_names = [regions[r] if r >= 0 else "" for r in range(len(regions))]
                sec_names = [sectors[c] if c >= 0 else "" for c in range(len(sectors))]
                cover = np.ones((len(cls), len(rows)), dtype=bool)
                for j, c in enumerate(cls):
                    _, creg, csec = self.class_keys[c]
                    if creg:
                        cover[j] &= np.array([reg_names[r] in creg for r in range(len(regions))])[rr]
                    if csec:
                        cover[j] &= np.array([sec_names[x] in csec for x in range(len(sectors))])[ss]
            else:
                cover = np.zeros((0, len(rows)), dtype=bool)
            cls_arr = np.array(cls, dtype=np.int64)
            for j, row in enumerate(rows.tolist()):
                key = tuple(cls_arr[cover[:, j]].tolist())
                t = tid.get(key)
                if t is None:
                    t = tid[key] = len(self.target_classes)
                    self.target_classes.append(np.array(key, dtype=np.int64))
                combo_target[row] = t
        self.target_single = []
        for t in self.target_classes:
            members = np.concatenate([self.class_members[c] for c in t]) if len(t) else np.zeros(0, np.int64)
            one = len(members) and bool((members == members[0]).all())
            self.target_single.append(int(members[0]) if one else -1)
        return combo_target[inv]

    # ------------------------------------------------------------------ the analysis

    def _run(self) -> None:
        ni = len(self.inst_nodes)
        n_groups = len(self.group_count)
        group_served = np.zeros(n_groups, dtype=bool)
        lost_by: dict[int, list[int]] = defaultdict(list)
        impact = np.zeros(ni, dtype=np.int64)
        ptr, idx = self.h.indptr, self.h.indices
        order = np.argsort(self.group_target, kind="stable")
        bounds = np.flatnonzero(np.diff(self.group_target[order])) + 1
        for grp in np.split(order, bounds):
            if not len(grp):
                continue
            t = int(self.group_target[grp[0]])
            cls = self.target_classes[t]
            if not len(cls):
                continue
            d = self.dist[:, cls].min(axis=1) if len(cls) > 1 else self.dist[:, cls[0]]
            single = self.target_single[t]
            memo: dict[int, frozenset[int]] = {}

            def dom(u: int, b: int) -> frozenset[int]:
                if d[u] == 0:
                    return frozenset((u,))
                key = u * 64 + b
                r = memo.get(key)
                if r is not None:
                    return r
                nb = idx[ptr[u]:ptr[u + 1]]
                dn = d[nb]
                inter: frozenset[int] | None = None
                # nearest neighbours first: two providers next door settle it at once
                for lvl in range(b):
                    cand = nb[dn == lvl]
                    if lvl == 0 and len(cand) >= 2:
                        inter = frozenset()
                        break
                    for v in cand.tolist():
                        dv = dom(v, b - 1)
                        inter = dv if inter is None else inter & dv
                        if not inter or (single >= 0 and inter == {single}):
                            break
                    if inter is not None and (not inter or (single >= 0 and inter == {single})):
                        break
                r = frozenset((u,)) | (inter or frozenset())
                memo[key] = r
                return r

            for gi in grp.tolist():
                lost: frozenset[int] | None = None
                for u, b in self.entries[self.group_entry[gi]]:
                    if d[u] > b:
                        continue
                    du = dom(u, b)
                    lost = du if lost is None else lost & du
                    if not lost:
                        break
                if lost is None:
                    continue
                group_served[gi] = True
                cnt = int(self.group_count[gi])
                for x in lost:
                    impact[x] += cnt
                    lost_by[x].append(gi)
        self.group_served = group_served
        self.served = group_served[self.need_group] if len(self.need_group) else np.zeros(0, dtype=bool)
        ids = self.graph.ids[self.inst_nodes]
        self.impact = pd.Series(impact, index=pd.Index(ids, name="id"), name="impact")
        self._lost_by = {int(x): np.array(v, dtype=np.int64) for x, v in lost_by.items()}

    # ------------------------------------------------------------------ queries

    @cached_property
    def _need_order(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.need_group, kind="stable")
        starts = np.searchsorted(self.need_group[order], np.arange(len(self.group_count) + 1))
        return order, starts

    def lost_rows(self, institution: str) -> np.ndarray:
        """Positions in ``eco.needs`` of the needs lost without ``institution``."""
        pos = self.graph.ids.get_indexer([institution])[0]
        x = self.inst_pos[pos] if pos >= 0 else -1
        if x < 0:
            raise unknown_id("institution", institution, self.graph.ids[self.inst_nodes])
        groups = self._lost_by.get(int(x))
        if groups is None or not len(groups):
            return np.zeros(0, dtype=np.int64)
        order, starts = self._need_order
        parts = [order[starts[gi]:starts[gi + 1]] for gi in groups.tolist()]
        return np.sort(np.concatenate(parts))

    def lost(self, institution: str) -> pd.DataFrame:
        """The needs lost without ``institution``: ``actor``, ``service``, ``region``, ``sector``.

        Indexed like ``eco.needs`` (the rows lost, in their order).
        """
        return need_rows(self.eco, self.lost_rows(institution))

    @cached_property
    def actors_cut(self) -> pd.Series:
        """Per institution: actors that lose at least one need without it."""
        out = np.zeros(len(self.inst_nodes), dtype=np.int64)
        for x in self._lost_by:
            out[x] = len(np.unique(self.need_actor[self.lost_rows(str(self.graph.ids[self.inst_nodes[x]]))]))
        return pd.Series(out, index=self.impact.index, name="actors_cut")


# --------------------------------------------------------------------------- functions


def need_rows(eco: Ecosystem, rows: np.ndarray) -> pd.DataFrame:
    """The needs at positions ``rows``: ``actor``, ``service``, ``region``, ``sector``, indexed like ``eco.needs``."""
    needs = eco.needs.iloc[rows]
    actors = eco.actors
    return pd.DataFrame({
        "actor": needs["actor"].to_numpy(dtype=object),
        "service": needs["service"].to_numpy(dtype=object),
        "region": actors["region"].reindex(needs["actor"]).to_numpy(dtype=object),
        "sector": actors["sector"].reindex(needs["actor"]).to_numpy(dtype=object),
    }, index=needs.index)


def served_needs(eco: Ecosystem, *, max_hops: int = 4) -> pd.Series:
    """Whether each need is served (docs/semantics.md), without building paths.

    Returns
    -------
    pandas.Series
        Bool, indexed like ``eco.needs``.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> served_needs(read_dataset("jamaica")).dtype
    dtype('bool')
    """
    engine = ImpactEngine(eco, max_hops=max_hops)
    return pd.Series(engine.served, index=eco.needs.index, name="served")


def impact(eco: Ecosystem, *, max_hops: int = 4) -> pd.DataFrame:
    """Impact of every institution: served needs lost if it and its links go.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem (apply :meth:`Ecosystem.as_of` first for a given year).
    max_hops : int, default 4
        Longest referral path, in links.

    Returns
    -------
    pandas.DataFrame
        Indexed by institution id: ``impact`` (needs lost; the institution as a
        provider counts) and ``actors_cut`` (enterprises and networks that lose
        at least one need).

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "e", "name": "Shop", "kind": "enterprise"},
    ...             {"id": "b", "name": "Broker", "kind": "broker"},
    ...             {"id": "p", "name": "Lab", "kind": "bds_provider"}],
    ...     services=[{"id": "s", "name": "Testing", "category": "technology"}],
    ...     offers=[{"actor": "p", "service": "s"}],
    ...     needs=[{"actor": "e", "service": "s"}],
    ...     links=[{"source": "e", "target": "b", "type": "client_of"},
    ...            {"source": "b", "target": "p", "type": "refers_to"}])
    >>> impact(eco)["impact"].to_dict()
    {'b': 1, 'p': 1}
    """
    engine = ImpactEngine(eco, max_hops=max_hops)
    return pd.concat([engine.impact, engine.actors_cut], axis=1)


def lost_needs(eco: Ecosystem, institution: str, *, max_hops: int = 4) -> pd.DataFrame:
    """The needs that lose all service if ``institution`` and its links are removed.

    Raises
    ------
    UnknownIdError
        If ``institution`` is not an institution of ``eco`` (with suggestions).

    Examples
    --------
    >>> from instnet import read_dataset
    >>> lost = lost_needs(read_dataset("jamaica"), "jampro_pc")
    >>> list(lost.columns)
    ['actor', 'service', 'region', 'sector']
    """
    return ImpactEngine(eco, max_hops=max_hops).lost(institution)


"""The reachability engine: exact marginal gains of actions on the needs still unmet."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from ...graph import coded_graph
from ...model import Ecosystem
from ...schema import INSTITUTION_KINDS
from ..gaps import need_weights


INF = np.inf
#: Stands in ``sig_nodes`` for the empty signature of a network without referral
#: channels; it reads the ``INF`` appended to every distance array (see :meth:`Engine.at`).
NO_NODE = -1


class Engine:
    """Reachability state of an ecosystem, for exact marginal gains of actions."""

    def __init__(self, eco: Ecosystem, max_hops: int):
        self.eco = eco
        self.h = max_hops
        a = eco.actors
        kind = a["kind"].to_numpy()
        hub = a.index[kind != "enterprise"]
        self.nodes: list[str] = list(hub)
        self.idx: dict[str, int] = {n: i for i, n in enumerate(self.nodes)}
        self.is_inst = np.array([k in INSTITUTION_KINDS for k in a.loc[hub, "kind"].to_numpy()], dtype=bool)
        g = coded_graph(eco)
        hub_pos = np.full(g.n, -1, dtype=np.int64)
        hub_pos[~g.is_enterprise] = np.arange(len(self.nodes))
        src, dst = g.src[g.by_ids], g.dst[g.by_ids]  # in id order, as the candidate pool reads them
        hs, ht = hub_pos[src], hub_pos[dst]
        m = (hs >= 0) & (ht >= 0)
        self.esrc = hs[m].tolist()
        self.etgt = ht[m].tolist()
        idx = self.idx
        self.edge_set = set(zip(self.esrc, self.etgt))
        self._rebuild()

        # needing actors: first-hop signatures. An enterprise's signature is the set of
        # its hub contacts (enterprises with the same contacts share it). A network is a
        # hub node itself and a new centre gives it an out-edge (brokered_by), so its
        # signature is its own (``sig_of_hub``), empty when it has no channel yet.
        needs = eco.needs
        self.n_needs = len(needs)
        n_actor = needs["actor"].to_numpy()
        needer = np.zeros(g.n + 1, dtype=bool)
        needer[g.need_actor] = True  # (-1, an unknown actor, marks the spare last entry)
        fm = (ht >= 0) & needer[src]
        order = np.lexsort((ht[fm], g.rank[src[fm]]))  # by actor id, then contact
        s_arr = src[fm][order]
        t_arr = ht[fm][order]
        cut = np.flatnonzero(np.r_[True, s_arr[1:] != s_arr[:-1]]) if len(s_arr) else np.zeros(0, np.int64)
        contacts: dict[str, tuple[int, ...]] = {
            actor: tuple(nb.tolist()) for actor, nb in zip(g.ids[s_arr[cut]], np.split(t_arr, cut[1:]))}
        for actor in pd.unique(n_actor):
            if actor in idx and actor not in contacts:
                contacts[actor] = ()
        sig_of_actor = {}
        sig_id: dict[tuple[int, tuple[int, ...]], int] = {}
        for actor, nb in contacts.items():
            sig_of_actor[actor] = sig_id.setdefault((idx.get(actor, -1), nb), len(sig_id))
        self.n_sigs = len(sig_id)
        self.sig_of_hub: dict[int, int] = {own: k for k, (own, _) in enumerate(sig_id) if own >= 0}
        lens = np.array([len(nb) for _, nb in sig_id], dtype=np.int64)
        self._set_sigs(np.repeat(np.arange(self.n_sigs, dtype=np.int64), lens),
                       np.fromiter(itertools.chain.from_iterable(nb for _, nb in sig_id), np.int64, int(lens.sum())))

        # classes (service, region, sector) of needs
        reg = a["region"].reindex(n_actor).to_numpy()
        sec = a["sector"].reindex(n_actor).to_numpy()
        svc = needs["service"].to_numpy()
        need_sig = np.array([sig_of_actor.get(x, -1) for x in n_actor], dtype=np.int64)
        cls_frame = pd.DataFrame({"service": svc, "region": reg, "sector": sec})
        codes, uniq = pd.factorize(pd.MultiIndex.from_frame(cls_frame)) if len(needs) else (np.zeros(0, int), [])
        self.cls = pd.DataFrame(list(uniq), columns=["service", "region", "sector"]) if len(needs) else \
            pd.DataFrame(columns=["service", "region", "sector"])
        self.need_cls = np.asarray(codes, dtype=np.int64)
        self.c_service = self.cls["service"].to_numpy(dtype=object)
        self.c_region = self.cls["region"].to_numpy(dtype=object)
        self.c_sector = self.cls["sector"].to_numpy(dtype=object)
        self.need_sig = need_sig
        self.need_w = need_weights(needs["priority"]) if len(needs) else np.zeros(0, np.int64)
        self.use_offers(eco)
        # groups (sig, cls) of needs; needs of enterprises without hub contacts are never
        # reachable (no action gives an enterprise a link) and are left out
        self.groups_all()

    @classmethod
    def of_unmet(cls, eco: Ecosystem, max_hops: int, served: np.ndarray | None = None) -> tuple[Engine, int]:
        """An engine over the needs of ``eco`` that are unmet, and the number of needs served.

        ``served`` is the served flag of every need (``best_paths(eco)["served"]``),
        computed here when not given. The needs of one group share it: they have the
        same first contacts and the same class.
        """
        if served is None:
            from ..paths import best_paths

            served = best_paths(eco, max_hops=max_hops)["served"].to_numpy(dtype=bool)
        eng = cls(eco, max_hops)
        g_served = np.asarray(served, dtype=bool)[eng.g_first]
        eng.keep_groups(~g_served)
        return eng, int(np.count_nonzero(served))

    # ---- signatures
    def _set_sigs(self, sig: np.ndarray, node: np.ndarray) -> None:
        """CSR ``sig_ptr``/``sig_nodes`` from (signature, node) pairs; ``NO_NODE`` fills empty ones."""
        empty = np.setdiff1d(np.arange(self.n_sigs, dtype=np.int64), sig)
        sig = np.concatenate([sig, empty])
        node = np.concatenate([node, np.full(len(empty), NO_NODE, np.int64)])
        order = np.lexsort((node, sig))
        self.sig_nodes = node[order]
        self.sig_ptr = np.zeros(self.n_sigs + 1, dtype=np.int64)
        self.sig_ptr[1:] = np.cumsum(np.bincount(sig, minlength=self.n_sigs))

    def _extend_sigs(self, pairs: Sequence[tuple[int, int]]) -> None:
        """New out-edges ``(u, v)`` of needing networks ``u``: ``v`` joins ``u``'s signature."""
        add = [(self.sig_of_hub[u], v) for u, v in pairs if u in self.sig_of_hub]
        if not add:
            return
        lens = np.diff(self.sig_ptr)
        old_sig = np.repeat(np.arange(self.n_sigs, dtype=np.int64), lens)
        keep = self.sig_nodes != NO_NODE
        self._set_sigs(np.concatenate([old_sig[keep], np.array([s for s, _ in add], np.int64)]),
                       np.concatenate([self.sig_nodes[keep], np.array([v for _, v in add], np.int64)]))

    @staticmethod
    def at(dist: np.ndarray, nodes: np.ndarray) -> np.ndarray:
        """``dist[nodes]``, with ``INF`` for ``NO_NODE``."""
        return np.append(dist, INF)[nodes]

    # ---- graph
    def _rebuild(self) -> None:
        n = len(self.nodes)
        data = np.ones(len(self.esrc), dtype=np.float64)
        self.fwd = csr_matrix((data, (np.asarray(self.esrc, dtype=np.int64), np.asarray(self.etgt, dtype=np.int64))),
                              shape=(n, n))
        self.rev = self.fwd.T.tocsr()
        self._rev_cache: dict[int, np.ndarray] = {}
        self._fwd_cache: dict[int, np.ndarray] = {}
        self._up_cache: dict[int, np.ndarray] = {}
        self._down_cache: dict[int, np.ndarray] = {}

    def _bfs(self, mat: csr_matrix, seeds: Sequence[int], limit: int) -> np.ndarray:
        if limit < 0 or not len(seeds):
            return np.full(len(self.nodes), INF)
        d = dijkstra(mat, directed=True, indices=list(seeds), unweighted=True, limit=limit + 0.5, min_only=True)
        return np.asarray(d, dtype=np.float64)

    def rev_dist(self, x: int) -> np.ndarray:
        """Distance from every hub node to ``x`` (only up to max_hops - 1)."""
        d = self._rev_cache.get(x)
        if d is None:
            d = self._rev_cache[x] = self._bfs(self.rev, [x], self.h - 1)
        return d

    def fwd_dist(self, x: int) -> np.ndarray:
        d = self._fwd_cache.get(x)
        if d is None:
            d = self._fwd_cache[x] = self._bfs(self.fwd, [x], self.h - 2)
        return d

    def up_from(self, dist_to: np.ndarray) -> np.ndarray:
        """Distance from each signature's actor, given every hub node's distance to a target."""
        if self.n_sigs == 0:
            return np.zeros(0)
        vals = self.at(dist_to, self.sig_nodes)
        return 1.0 + np.minimum.reduceat(vals, self.sig_ptr[:-1])

    def up(self, x: int) -> np.ndarray:
        u = self._up_cache.get(x)
        if u is None:
            u = self._up_cache[x] = self.up_from(self.rev_dist(x))
        return u

    def down(self, v: int) -> np.ndarray:
        """Per class: distance from ``v`` to the nearest valid provider (inf if none)."""
        d = self._down_cache.get(v)
        if d is None:
            dist = np.append(self.fwd_dist(v), INF)
            d = self._down_cache[v] = np.minimum.reduceat(dist[self.cls_prov], self.cls_ptr[:-1])
        return d

    # ---- offers
    def use_offers(self, eco: Ecosystem) -> None:
        """Take the offers of ``eco`` (this ecosystem after an action) and re-index the valid providers."""
        self.eco = eco
        o = eco.offers
        self.offer_rows = [(str(p), str(s), str(r), str(x))
                           for p, s, r, x in zip(o["actor"].to_numpy(), o["service"].to_numpy(),
                                                 o["regions"].to_numpy(), o["sectors"].to_numpy())]
        self._cls_providers()

    def _cls_providers(self) -> None:
        """Valid providers (hub indices) of every class, as a CSR with a sentinel for empty classes."""
        sentinel = len(self.nodes)
        n_cls = len(self.cls)
        lists: list[np.ndarray] = [np.zeros(0, np.int64)] * n_cls
        if n_cls:
            c_svc = self.cls["service"].to_numpy()
            r_codes, r_uniq = pd.factorize(self.cls["region"])
            x_codes, x_uniq = pd.factorize(self.cls["sector"])
            r_pos = {r: i for i, r in enumerate(r_uniq)}
            x_pos = {x: i for i, x in enumerate(x_uniq)}
            by_service: dict[str, list[tuple[int, str, str]]] = {}
            for p, sv, r, x in self.offer_rows:
                if p in self.idx:
                    by_service.setdefault(sv, []).append((self.idx[p], r, x))
            cls_by_service = pd.Series(np.arange(n_cls)).groupby(c_svc).indices
            for sv, cidx in cls_by_service.items():
                offs = by_service.get(sv)
                if not offs:
                    continue
                # one offer per provider and service (the validator forbids a second), so
                # providers sorted here stay sorted and unique in every class's list
                offs = sorted(offs)
                R = np.zeros((len(offs), len(r_uniq)), bool)
                X = np.zeros((len(offs), len(x_uniq)), bool)
                for k, (_, r, x) in enumerate(offs):
                    rs, xs = Ecosystem.scope(r), Ecosystem.scope(x)
                    if rs:
                        R[k, [r_pos[v] for v in rs if v in r_pos]] = True
                    else:
                        R[k] = True
                    if xs:
                        X[k, [x_pos[v] for v in xs if v in x_pos]] = True
                    else:
                        X[k] = True
                prov = np.array([o[0] for o in offs], dtype=np.int64)
                ok = R[:, r_codes[cidx]] & X[:, x_codes[cidx]]  # offers x classes
                for j, c in enumerate(cidx):
                    lists[c] = prov[ok[:, j]]
        lens = np.array([max(len(x), 1) for x in lists], dtype=np.int64)
        self.cls_ptr = np.zeros(n_cls + 1, dtype=np.int64)
        self.cls_ptr[1:] = np.cumsum(lens)
        self.cls_prov = np.concatenate([x if len(x) else np.array([sentinel]) for x in lists]) \
            if n_cls else np.zeros(0, np.int64)
        self.cls_has_prov = np.array([len(x) > 0 for x in lists], dtype=bool)
        self._down_cache = {}

    # ---- groups and baseline
    def groups_all(self) -> None:
        """Group needs by (signature, class); ``g_byw`` counts each group's needs of weight 3, 2, 1."""
        ok = self.need_sig >= 0
        key = self.need_sig * max(len(self.cls), 1) + self.need_cls
        key = np.where(ok, key, -1)
        order = np.argsort(key, kind="stable")
        k_sorted = key[order]
        new_group = np.r_[True, k_sorted[1:] != k_sorted[:-1]] if len(key) else np.zeros(0, bool)
        starts = np.flatnonzero(new_group)
        ends = np.r_[starts[1:], len(key)]
        keep = k_sorted[starts] >= 0 if len(key) else np.zeros(0, bool)
        self.g_sig = (k_sorted[starts] // max(len(self.cls), 1))[keep]
        self.g_cls = (k_sorted[starts] % max(len(self.cls), 1))[keep]
        self.g_needs = [order[s:e] for s, e, k in zip(starts, ends, keep) if k]
        self.g_first = order[starts[keep]] if len(key) else np.zeros(0, np.int64)
        self.g_count = np.array([len(x) for x in self.g_needs], dtype=np.int64)
        label = np.cumsum(new_group) - 1
        byw = np.bincount(label * 3 + (3 - self.need_w[order]), minlength=3 * len(starts)).reshape(-1, 3)
        self.g_byw = byw[keep].astype(np.int64)
        self._service_groups: dict[str, np.ndarray] | None = None

    @property
    def g_weight(self) -> np.ndarray:
        """Total priority weight of each group's needs."""
        return self.g_byw @ np.array([3, 2, 1], dtype=np.int64)

    def keep_groups(self, mask: np.ndarray) -> None:
        self.g_sig = self.g_sig[mask]
        self.g_cls = self.g_cls[mask]
        self.g_count = self.g_count[mask]
        self.g_byw = self.g_byw[mask]
        self.g_first = self.g_first[mask]
        self._service_groups = None
        self.g_needs = [n for n, k in zip(self.g_needs, mask) if k]

    # ---- exact gains (mask over current unmet groups)
    def link_mask(self, u: int, v: int) -> np.ndarray:
        if (u, v) in self.edge_set or u == v:
            return np.zeros(len(self.g_sig), bool)
        return self.up(u)[self.g_sig] + 1.0 + self.down(v)[self.g_cls] <= self.h

    def covered(self, regions: str, sectors: str) -> np.ndarray:
        rs, xs = Ecosystem.scope(regions), Ecosystem.scope(sectors)
        r_ok = np.ones(len(self.cls), bool) if not rs else np.isin(self.c_region, list(rs))
        x_ok = np.ones(len(self.cls), bool) if not xs else np.isin(self.c_sector, list(xs))
        return r_ok & x_ok

    def offer_mask(self, p: int, service: str, cls_ok: np.ndarray) -> np.ndarray:
        """Unmet groups of ``service`` in the classes ``cls_ok`` that reach provider ``p`` in time."""
        out = np.zeros(len(self.g_sig), bool)
        g = self.service_groups().get(service)
        if g is None:
            return out
        sel = g[cls_ok[self.g_cls[g]]]
        if len(sel):
            out[sel] = self.up_of(self.rev_dist(p), self.g_sig[sel]) <= self.h
        return out

    def service_groups(self) -> dict[str, np.ndarray]:
        """The unmet groups of each service (computed once per set of groups)."""
        if self._service_groups is None:
            svc = self.c_service[self.g_cls]
            self._service_groups = pd.Series(np.arange(len(svc))).groupby(svc).indices if len(svc) else {}
        return self._service_groups

    def up_of(self, dist_to: np.ndarray, sigs: np.ndarray) -> np.ndarray:
        """:meth:`up_from` for the signatures ``sigs`` only."""
        starts = self.sig_ptr[sigs]
        lens = self.sig_ptr[sigs + 1] - starts
        vals = self.at(dist_to, self.sig_nodes[ranges(starts, lens)])
        return 1.0 + np.minimum.reduceat(vals, np.r_[0, np.cumsum(lens)[:-1]])

    def centre_eval(self, region: str, sector: str, coord: int | None, networks: list[int], n_services: int,
                    ) -> tuple[np.ndarray, tuple[str, ...]]:
        """Groups a new centre for ``sector`` in ``region`` would serve, and the services it offers.

        The centre offers the (at most ``n_services``) services whose unmet needs of that
        sector and region, reachable through it, weigh most; it also opens the paths
        network -> centre -> coordinating body -> provider to every need.
        """
        dist_c = np.full(len(self.nodes), INF)
        if coord is not None:
            dist_c = np.minimum(dist_c, self.rev_dist(coord) + 1.0)
        if networks:
            dist_c[np.asarray(networks)] = np.minimum(dist_c[np.asarray(networks)], 1.0)
        up_all = self.up_from(dist_c)
        if networks:
            # a linked network's own needs are one hop away (network -> centre); its
            # signature is its own, so no enterprise's distance changes with it
            own = np.array([self.sig_of_hub[n] for n in networks if n in self.sig_of_hub], dtype=np.int64)
            up_all[own] = np.minimum(up_all[own], 1.0)
        up_c = up_all[self.g_sig]
        side = np.zeros(len(self.g_sig), bool)
        if coord is not None:
            side = up_c + 1.0 + self.down(coord)[self.g_cls] <= self.h
        direct = ((up_c <= self.h) & (self.c_region[self.g_cls] == region) & (self.c_sector[self.g_cls] == sector)
                  & ~side)
        if not direct.any() or n_services <= 0:
            return side, ()
        svc = self.c_service[self.g_cls]
        gain = pd.Series(self.g_weight[direct]).groupby(svc[direct]).sum()
        ranked = sorted(gain.items(), key=lambda kv: (-kv[1], kv[0]))[:n_services]
        chosen = tuple(sorted(s for s, _ in ranked))
        return side | (direct & np.isin(svc, chosen)), chosen

    # ---- applying to the state
    def add_edges(self, pairs: Iterable[tuple[int, int]]) -> None:
        new = []
        for u, v in pairs:
            if (u, v) not in self.edge_set:
                self.edge_set.add((u, v))
                self.esrc.append(u)
                self.etgt.append(v)
                new.append((u, v))
        self._extend_sigs(new)
        self._rebuild()

    def add_node(self, name: str) -> int:
        self.nodes.append(name)
        self.idx[name] = len(self.nodes) - 1
        self.is_inst = np.append(self.is_inst, True)
        return self.idx[name]


def ranges(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + n)`` for every (s, n)."""
    lens = np.asarray(lens, dtype=np.int64)
    total = int(lens.sum())
    if not total:
        return np.zeros(0, np.int64)
    offs = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens)
    return np.repeat(np.asarray(starts, dtype=np.int64), lens) + offs

"""Recommended interventions: the actions that serve the most unmet needs (issue 7).

:func:`recommend` picks up to ``budget`` actions greedily by marginal gain (the
number of currently unmet needs, DESIGN.md section 3, that the action makes
served), from three families of candidate actions:

``link``
    a new ``refers_to`` link between two existing institutions;
``scope``
    an existing offer's scope extended to one more region or sector, or an
    existing provider offering a service of a category it already offers
    (kind ``offer``; the new offer copies the widest scope of the provider's
    offers in that category);
``centre``
    a new ``specialized_centre`` in a region, offering the (at most
    ``centre_services``) services that serve most unmet needs there, scoped to
    the region, ``coordinates``-linked from the coordinating body (the
    ``policy_body`` with most ``coordinates`` links, ties by id) and linked from
    every network of the region by ``brokered_by``.

Gains are computed exactly on the ecosystem left by the previous actions with a
vectorised reachability engine (breadth-first distances on the graph of
networks and institutions, needs grouped by first-hop contacts and by
(service, region, sector)); ``tests/test_recommend.py`` checks every gain
against :func:`instnet.referrals.best_paths` on the applied ecosystem.
Large ecosystems prune the candidates (docs/recommend.md): links are scored by
the unmet needs they would connect at two or three hops and only the best
``max_link_candidates`` are evaluated exactly; offer and scope candidates are
evaluated in order of an upper bound on their gain until the bound falls below
the best gain found.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from .errors import UsageError
from .graph import referral_edges
from .model import Ecosystem
from .schema import INSTITUTION_KINDS, SCOPE_SEP

log = logging.getLogger(__name__)

__all__ = ["Action", "Recommendation", "Plan", "recommend", "candidates", "apply_action", "apply_actions",
           "coordinating_body", "FAMILIES"]

#: ``--actions`` families and the action kinds each stands for.
FAMILIES = {"link": ("link",), "scope": ("scope", "offer"), "centre": ("centre",)}
_KIND_ORDER = {"link": 0, "scope": 1, "offer": 2, "centre": 3}
_INF = np.inf


@dataclass(frozen=True)
class Action:
    """One intervention. Fields not used by a kind keep their defaults.

    * ``link``: ``source`` -> ``target`` (``refers_to``).
    * ``scope``: offer row ``offer`` of (``source``, ``service``) gains ``value`` on ``axis``
      (``region`` or ``sector``).
    * ``offer``: ``source`` offers ``service`` with scope ``regions``/``sectors``.
    * ``centre``: new centre ``target`` in region ``value`` offering ``services``,
      coordinated by ``source`` (may be ``""``), brokered by ``networks``.
    """

    kind: str
    source: str = ""
    target: str = ""
    service: str = ""
    offer: int = -1
    axis: str = ""
    value: str = ""
    regions: str = ""
    sectors: str = ""
    services: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.kind == "link":
            return f"link {self.source} -> {self.target} (refers_to)"
        if self.kind == "scope":
            return f"extend offer {self.source}/{self.service} to {self.axis} {self.value}"
        if self.kind == "offer":
            where = ", ".join(x for x in (self.regions and f"regions {self.regions}",
                                          self.sectors and f"sectors {self.sectors}") if x)
            return f"{self.source} offers {self.service}" + (f" ({where})" if where else "")
        coord = f", coordinated by {self.source}" if self.source else ""
        return (f"new centre {self.target} in {self.value} offering {';'.join(self.services) or 'nothing'}"
                f"{coord}, brokering {len(self.networks)} network(s)")

    def key(self) -> tuple:
        return (_KIND_ORDER[self.kind], self.source, self.target, self.service, self.offer, self.axis,
                self.value, self.services)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "description": self.describe()}
        if self.kind == "link":
            d.update(source=self.source, target=self.target, type="refers_to")
        elif self.kind == "scope":
            d.update(provider=self.source, service=self.service, offer_row=self.offer, axis=self.axis,
                     value=self.value)
        elif self.kind == "offer":
            d.update(provider=self.source, service=self.service, regions=self.regions, sectors=self.sectors)
        else:
            d.update(centre=self.target, region=self.value, services=list(self.services),
                     coordinator=self.source, networks=list(self.networks))
        return d


@dataclass
class Recommendation:
    """A chosen action, its marginal gain and the needs it newly serves."""

    rank: int
    action: Action
    gain: int
    needs: np.ndarray  # row positions in eco.needs of the needs it newly serves
    groups: list[dict[str, Any]] = field(default_factory=list)  # by (service, region, sector)

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "gain": self.gain, **self.action.to_dict(), "groups": self.groups}


@dataclass
class Plan:
    """The result of :func:`recommend`."""

    needs: int
    served_before: int
    recommendations: list[Recommendation]
    ecosystem: Ecosystem  # the ecosystem after every recommended action
    max_hops: int
    evaluated: int = 0

    @property
    def served_after(self) -> int:
        return self.served_before + sum(r.gain for r in self.recommendations)

    def to_dict(self) -> dict[str, Any]:
        n = self.needs
        return {"needs": n, "served_before": self.served_before, "served_after": self.served_after,
                "coverage_before": (self.served_before / n) if n else 1.0,
                "coverage_after": (self.served_after / n) if n else 1.0,
                "max_hops": self.max_hops,
                "recommendations": [r.to_dict() for r in self.recommendations]}

    def table(self) -> pd.DataFrame:
        rows = []
        for r in self.recommendations:
            top = ", ".join(f"{g['service']}@{g['region'] or '*'}/{g['sector'] or '*'}:{g['needs']}"
                            for g in r.groups[:3])
            more = f" (+{len(r.groups) - 3} groups)" if len(r.groups) > 3 else ""
            rows.append((r.rank, r.action.kind, r.action.describe(), r.gain, top + more))
        return pd.DataFrame(rows, columns=["rank", "kind", "action", "gain", "newly served (service@region/sector)"])


# --------------------------------------------------------------------------- applying actions


def _append(frame: pd.DataFrame, rows: list[dict[str, Any]], *, index: str | None = None) -> pd.DataFrame:
    if not rows:
        return frame
    cols = list(frame.columns)
    filled = []
    for r in rows:
        row = {}
        for c in cols:
            dt = frame[c].dtype
            if c in r:
                row[c] = r[c]
            elif dt == bool:
                row[c] = False
            elif str(dt) == "Int64":
                row[c] = pd.NA
            elif dt.kind == "f":
                row[c] = np.nan
            else:
                row[c] = ""
        filled.append(row)
    new = pd.DataFrame(filled, columns=cols)
    for c in cols:
        new[c] = new[c].astype(frame[c].dtype)
    if index is not None:
        new.index = pd.Index([r[index] for r in rows], name=frame.index.name)
        return pd.concat([frame, new])
    return pd.concat([frame, new], ignore_index=True)


def _add_to_scope(text: str, value: str) -> str:
    parts = [p.strip() for p in text.split(SCOPE_SEP) if p.strip()]
    return SCOPE_SEP.join(parts + [value])


def apply_action(eco: Ecosystem, action: Action) -> Ecosystem:
    """Return ``eco`` with ``action`` carried out (a new, valid ecosystem)."""
    if action.kind == "link":
        links = _append(eco.links, [{"source": action.source, "target": action.target, "type": "refers_to",
                                     "weight": 1.0}])
        return eco.replace_tables(links=links)
    if action.kind == "scope":
        offers = eco.offers.copy()
        col = "regions" if action.axis == "region" else "sectors"
        offers.loc[action.offer, col] = _add_to_scope(str(offers.loc[action.offer, col]), action.value)
        return eco.replace_tables(offers=offers)
    if action.kind == "offer":
        offers = _append(eco.offers, [{"actor": action.source, "service": action.service,
                                       "regions": action.regions, "sectors": action.sectors}])
        return eco.replace_tables(offers=offers)
    if action.kind == "centre":
        c = action.target
        actors = _append(eco.actors, [{"id": c, "name": f"Specialised centre ({action.value})",
                                       "kind": "specialized_centre", "region": action.value,
                                       "description": "recommended by instnet recommend"}], index="id")
        offers = _append(eco.offers, [{"actor": c, "service": s, "regions": action.value}
                                      for s in action.services])
        rows = [{"source": action.source, "target": c, "type": "coordinates", "weight": 1.0}] if action.source else []
        rows += [{"source": n, "target": c, "type": "brokered_by", "weight": 1.0} for n in action.networks]
        return eco.replace_tables(actors=actors, offers=offers, links=_append(eco.links, rows))
    raise UsageError(f"unknown action kind {action.kind!r}")


def apply_actions(eco: Ecosystem, actions: Iterable[Action]) -> Ecosystem:
    """Apply ``actions`` in order."""
    for a in actions:
        eco = apply_action(eco, a)
    return eco


def coordinating_body(eco: Ecosystem) -> str:
    """The ecosystem's coordinating body: the ``policy_body`` with most ``coordinates`` links.

    Counts links in either direction; ties by id. Without a policy body, the actor
    allowed to coordinate (broker or specialised centre) with most such links; ``""``
    when nobody coordinates anything and there is no policy body.
    """
    a = eco.actors
    co = eco.links[eco.links["type"].to_numpy() == "coordinates"]
    counts = pd.concat([co["source"], co["target"]]).value_counts()
    for kinds in (("policy_body",), ("policy_body", "broker", "specialized_centre")):
        ids = a.index[a["kind"].isin(kinds).to_numpy()]
        if len(ids):
            scored = sorted(ids, key=lambda i: (-int(counts.get(i, 0)), i))
            if kinds == ("policy_body",) or counts.get(scored[0], 0) > 0:
                return str(scored[0])
    return ""


# --------------------------------------------------------------------------- the engine


def _scope_list(text: str) -> list[str]:
    return sorted(Ecosystem.scope(text))


class _Engine:
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
        self.node_region = a.loc[hub, "region"].to_numpy().astype(object)
        edges = referral_edges(eco)
        src = edges["source"].to_numpy()
        tgt = edges["target"].to_numpy()
        idx = self.idx
        hub_set = set(self.nodes)
        is_hub_src = np.fromiter((s in hub_set for s in src), bool, len(src))
        is_hub_tgt = np.fromiter((t in hub_set for t in tgt), bool, len(tgt))
        m = is_hub_src & is_hub_tgt
        self.esrc = [idx[s] for s in src[m]]
        self.etgt = [idx[t] for t in tgt[m]]
        self.edge_set = set(zip(self.esrc, self.etgt))
        self._rebuild()

        # needing actors: first-hop signatures
        needs = eco.needs
        self.n_needs = len(needs)
        n_actor = needs["actor"].to_numpy()
        first = pd.DataFrame({"s": src[is_hub_tgt], "t": tgt[is_hub_tgt]})
        first = first[first["s"].isin(pd.unique(n_actor)).to_numpy()]
        first = first.assign(t=first["t"].map(idx).to_numpy(dtype=np.int64)).sort_values(["s", "t"], kind="stable")
        s_arr = first["s"].to_numpy()
        t_arr = first["t"].to_numpy()
        cut = np.flatnonzero(np.r_[True, s_arr[1:] != s_arr[:-1]]) if len(s_arr) else np.zeros(0, np.int64)
        sig_of_actor = {}
        sig_id: dict[tuple[int, ...], int] = {}
        for actor, nb in zip(s_arr[cut], np.split(t_arr, cut[1:])):
            sig_of_actor[actor] = sig_id.setdefault(tuple(nb.tolist()), len(sig_id))
        sigs = list(sig_id)
        self.sig_ptr = np.zeros(len(sigs) + 1, dtype=np.int64)
        self.sig_ptr[1:] = np.cumsum([len(s) for s in sigs])
        self.sig_nodes = np.fromiter(itertools.chain.from_iterable(sigs), np.int64, int(self.sig_ptr[-1]))
        self.n_sigs = len(sigs)

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
        self._offers_index()
        self._cls_providers()
        # groups (sig, cls) of needs; needs of actors without contacts are never reachable
        self.groups_all()

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
            return np.full(len(self.nodes), _INF)
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
        vals = dist_to[self.sig_nodes]
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
            dist = np.append(self.fwd_dist(v), _INF)
            d = self._down_cache[v] = np.minimum.reduceat(dist[self.cls_prov], self.cls_ptr[:-1])
        return d

    # ---- offers
    def _offers_index(self) -> None:
        o = self.eco.offers
        self.offer_rows = [(str(p), str(s), str(r), str(x))
                           for p, s, r, x in zip(o["actor"].to_numpy(), o["service"].to_numpy(),
                                                 o["regions"].to_numpy(), o["sectors"].to_numpy())]

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
                    lists[c] = np.unique(prov[ok[:, j]])
        lens = np.array([max(len(x), 1) for x in lists], dtype=np.int64)
        self.cls_ptr = np.zeros(n_cls + 1, dtype=np.int64)
        self.cls_ptr[1:] = np.cumsum(lens)
        self.cls_prov = np.concatenate([x if len(x) else np.array([sentinel]) for x in lists]) \
            if n_cls else np.zeros(0, np.int64)
        self.cls_has_prov = np.array([len(x) > 0 for x in lists], dtype=bool)
        self._down_cache = {}

    # ---- groups and baseline
    def groups_all(self) -> None:
        ok = self.need_sig >= 0
        key = self.need_sig * max(len(self.cls), 1) + self.need_cls
        key = np.where(ok, key, -1)
        order = np.argsort(key, kind="stable")
        k_sorted = key[order]
        starts = np.flatnonzero(np.r_[True, k_sorted[1:] != k_sorted[:-1]]) if len(key) else np.zeros(0, int)
        ends = np.r_[starts[1:], len(key)]
        keep = k_sorted[starts] >= 0 if len(key) else np.zeros(0, bool)
        self.g_sig = (k_sorted[starts] // max(len(self.cls), 1))[keep]
        self.g_cls = (k_sorted[starts] % max(len(self.cls), 1))[keep]
        self.g_needs = [order[s:e] for s, e, k in zip(starts, ends, keep) if k]
        self.g_count = np.array([len(x) for x in self.g_needs], dtype=np.int64)
        self.unreachable = int((~ok).sum())

    def baseline_served(self, progress: Callable[[str], None] | None = None) -> np.ndarray:
        """Served flag of every group, by multi-source reverse search from each class's providers."""
        served = np.zeros(len(self.g_sig), dtype=bool)
        if not len(self.g_sig):
            return served
        # classes with the same valid providers share one search
        keys = [self.cls_prov[self.cls_ptr[c]:self.cls_ptr[c + 1]].tobytes() if self.cls_has_prov[c] else b""
                for c in range(len(self.cls))]
        key_codes, _ = pd.factorize(pd.Series(keys, dtype=object))
        g_key = np.asarray(key_codes, dtype=np.int64)[self.g_cls]
        order = np.argsort(g_key, kind="stable")
        key_sorted = g_key[order]
        bounds = np.flatnonzero(np.r_[True, key_sorted[1:] != key_sorted[:-1], True])
        if progress is not None:
            progress(f"baseline: {len(bounds) - 1:,} distinct provider sets, {len(self.g_sig):,} need groups")
        for b0, b1 in zip(bounds[:-1], bounds[1:]):
            c = int(self.g_cls[order[b0]])
            if not self.cls_has_prov[c]:
                continue
            provs = self.cls_prov[self.cls_ptr[c]:self.cls_ptr[c + 1]]
            dist = self._bfs(self.rev, provs, self.h - 1)
            gs = order[b0:b1]
            sigs = self.g_sig[gs]
            starts = self.sig_ptr[sigs]
            lens = self.sig_ptr[sigs + 1] - starts
            flat = np.repeat(starts, lens) + (np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens))
            vals = dist[self.sig_nodes[flat]]
            seg = np.r_[0, np.cumsum(lens)[:-1]]
            served[gs] = 1.0 + np.minimum.reduceat(vals, seg) <= self.h
        return served

    def keep_groups(self, mask: np.ndarray) -> None:
        self.g_sig = self.g_sig[mask]
        self.g_cls = self.g_cls[mask]
        self.g_count = self.g_count[mask]
        self.g_needs = [n for n, k in zip(self.g_needs, mask) if k]

    # ---- exact gains (mask over current unmet groups)
    def link_mask(self, u: int, v: int) -> np.ndarray:
        if (u, v) in self.edge_set or u == v:
            return np.zeros(len(self.g_sig), bool)
        return self.up(u)[self.g_sig] + 1.0 + self.down(v)[self.g_cls] <= self.h

    def _covered(self, regions: str, sectors: str) -> np.ndarray:
        rs, xs = Ecosystem.scope(regions), Ecosystem.scope(sectors)
        r_ok = np.ones(len(self.cls), bool) if not rs else np.isin(self.c_region, list(rs))
        x_ok = np.ones(len(self.cls), bool) if not xs else np.isin(self.c_sector, list(xs))
        return r_ok & x_ok

    def offer_mask(self, p: int, service: str, cls_ok: np.ndarray) -> np.ndarray:
        ok = cls_ok & (self.c_service == service)
        g = ok[self.g_cls]
        if not g.any():
            return g
        return g & (self.up(p)[self.g_sig] <= self.h)

    def centre_eval(self, region: str, coord: int | None, networks: list[int], n_services: int,
                    ) -> tuple[np.ndarray, tuple[str, ...]]:
        dist_c = np.full(len(self.nodes), _INF)
        if coord is not None:
            dist_c = np.minimum(dist_c, self.rev_dist(coord) + 1.0)
        if networks:
            dist_c[np.asarray(networks)] = np.minimum(dist_c[np.asarray(networks)], 1.0)
        up_c = self.up_from(dist_c)[self.g_sig]
        side = np.zeros(len(self.g_sig), bool)
        if coord is not None:
            side = up_c + 1.0 + self.down(coord)[self.g_cls] <= self.h
        direct = (up_c <= self.h) & (self.c_region[self.g_cls] == region) & ~side
        if not direct.any() or n_services <= 0:
            return side, ()
        svc = self.c_service[self.g_cls]
        gain = pd.Series(self.g_count[direct]).groupby(svc[direct]).sum()
        ranked = sorted(gain.items(), key=lambda kv: (-kv[1], kv[0]))[:n_services]
        chosen = tuple(sorted(s for s, _ in ranked))
        return side | (direct & np.isin(svc, chosen)), chosen

    # ---- applying to the state
    def add_edges(self, pairs: Iterable[tuple[int, int]]) -> None:
        for u, v in pairs:
            if (u, v) not in self.edge_set:
                self.edge_set.add((u, v))
                self.esrc.append(u)
                self.etgt.append(v)
        self._rebuild()

    def add_node(self, name: str, region: str) -> int:
        self.nodes.append(name)
        self.idx[name] = len(self.nodes) - 1
        self.is_inst = np.append(self.is_inst, True)
        self.node_region = np.append(self.node_region, region)
        return self.idx[name]


# --------------------------------------------------------------------------- candidates


@dataclass
class _Cand:
    action: Action
    bound: float  # upper bound on the gain (inf when unknown); also the ordering score


def _link_candidates(eng: _Engine, max_pairs: int | None) -> list[_Cand]:
    inst = np.flatnonzero(eng.is_inst)
    n_inst = len(inst)
    if max_pairs is None or n_inst * (n_inst - 1) <= max_pairs:
        return [_Cand(Action("link", eng.nodes[u], eng.nodes[v]), _INF)
                for u in inst for v in inst if u != v and (u, v) not in eng.edge_set]
    # score (entry u, provider v): unmet needs whose actor reaches u in one or two hops
    # and for which v is a valid provider
    if not len(eng.g_sig):
        return []
    succ: dict[int, list[int]] = {}
    for s, t in zip(eng.esrc, eng.etgt):
        if eng.is_inst[t]:
            succ.setdefault(s, []).append(t)
    ent_lists = []
    for i in range(eng.n_sigs):
        ent: set[int] = set()
        for n in eng.sig_nodes[eng.sig_ptr[i]:eng.sig_ptr[i + 1]].tolist():
            if eng.is_inst[n]:
                ent.add(n)
            else:
                ent.update(succ.get(n, ()))
        ent_lists.append(sorted(ent))
    e_len = np.array([len(e) for e in ent_lists], dtype=np.int64)
    e_ptr = np.r_[0, np.cumsum(e_len)]
    e_nodes = np.fromiter(itertools.chain.from_iterable(ent_lists), np.int64, int(e_ptr[-1]))
    g = np.flatnonzero(eng.cls_has_prov[eng.g_cls])
    lens = e_len[eng.g_sig[g]]
    if not lens.sum():
        return []
    u = e_nodes[_ranges(e_ptr[eng.g_sig[g]], lens)]
    c = np.repeat(eng.g_cls[g], lens)
    w = np.repeat(eng.g_count[g], lens)
    n_cls = max(len(eng.cls), 1)
    uk, inv = np.unique(u * n_cls + c, return_inverse=True)
    uw = np.bincount(inv, weights=w)
    if len(uk) > 200_000:
        top = np.argsort(-uw, kind="stable")[:200_000]
        uk, uw = uk[top], uw[top]
    uu, uc = uk // n_cls, uk % n_cls
    cap = 10
    plen = np.minimum(eng.cls_ptr[uc + 1] - eng.cls_ptr[uc], cap)
    v = eng.cls_prov[_ranges(eng.cls_ptr[uc], plen)]
    u2 = np.repeat(uu, plen)
    w2 = np.repeat(uw, plen)
    keep = u2 != v
    n_nodes = len(eng.nodes) + 1
    key = u2[keep] * n_nodes + v[keep]
    uniq, inv = np.unique(key, return_inverse=True)
    score = np.bincount(inv, weights=w2[keep])
    order = np.lexsort((uniq, -score))
    out = []
    for k in order:
        a, b = divmod(int(uniq[k]), n_nodes)
        if (a, b) in eng.edge_set or not eng.is_inst[a] or not eng.is_inst[b]:
            continue
        out.append(_Cand(Action("link", eng.nodes[a], eng.nodes[b]), float(score[k])))
        if len(out) >= max_pairs:
            break
    return out


def _ranges(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + n)`` for every (s, n)."""
    lens = np.asarray(lens, dtype=np.int64)
    total = int(lens.sum())
    if not total:
        return np.zeros(0, np.int64)
    offs = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens)
    return np.repeat(np.asarray(starts, dtype=np.int64), lens) + offs


def _scope_candidates(eng: _Engine, services: pd.DataFrame) -> list[_Cand]:
    if not len(eng.g_sig):
        return []
    unmet = np.bincount(eng.g_cls, weights=eng.g_count, minlength=len(eng.cls))
    live = np.flatnonzero(unmet > 0)
    c_svc = eng.cls["service"].to_numpy()[live]
    c_reg = eng.cls["region"].to_numpy()[live].astype(str)
    c_sec = eng.cls["sector"].to_numpy()[live].astype(str)
    c_n = unmet[live]
    by_service = pd.Series(np.arange(len(live))).groupby(c_svc).indices
    out: list[_Cand] = []
    category = services["category"].to_dict()
    offered: dict[str, set[str]] = {}
    cat_scopes: dict[tuple[str, str], list[tuple[str, str]]] = {}

    def sums(keys: np.ndarray, n: np.ndarray) -> list[tuple[str, float]]:
        if not len(keys):
            return []
        uk, inv = np.unique(keys, return_inverse=True)
        return list(zip(uk.tolist(), np.bincount(inv, weights=n).tolist()))

    for row, (p, s, r, x) in enumerate(eng.offer_rows):
        if p not in eng.idx:
            continue
        offered.setdefault(p, set()).add(s)
        cat_scopes.setdefault((p, category.get(s, "")), []).append((r, x))
        ix = by_service.get(s)
        if ix is None:
            continue
        rs, xs = Ecosystem.scope(r), Ecosystem.scope(x)
        if not rs and not xs:
            continue
        reg, sec, n = c_reg[ix], c_sec[ix], c_n[ix]
        sec_ok = np.ones(len(ix), bool) if not xs else np.isin(sec, list(xs))
        reg_ok = np.ones(len(ix), bool) if not rs else np.isin(reg, list(rs))
        if rs:
            m = sec_ok & ~reg_ok & (reg != "")
            for reg_v, k in sums(reg[m], n[m]):
                out.append(_Cand(Action("scope", p, service=s, offer=row, axis="region", value=reg_v), k))
        if xs:
            m = reg_ok & ~sec_ok & (sec != "")
            for sec_v, k in sums(sec[m], n[m]):
                out.append(_Cand(Action("scope", p, service=s, offer=row, axis="sector", value=sec_v), k))
    svc_by_cat: dict[str, list[str]] = {}
    for s in sorted(by_service):
        svc_by_cat.setdefault(category.get(s, ""), []).append(s)
    bound_cache: dict[tuple[str, str, str], float] = {}
    for (p, cat), scopes in cat_scopes.items():
        regions = "" if any(not Ecosystem.scope(r) for r, _ in scopes) else \
            SCOPE_SEP.join(sorted(set().union(*(Ecosystem.scope(r) for r, _ in scopes))))
        sectors = "" if any(not Ecosystem.scope(x) for _, x in scopes) else \
            SCOPE_SEP.join(sorted(set().union(*(Ecosystem.scope(x) for _, x in scopes))))
        for s in svc_by_cat.get(cat, ()):
            if s in offered[p]:
                continue
            k = (s, regions, sectors)
            n = bound_cache.get(k)
            if n is None:
                ix = by_service[s]
                rs, xs = Ecosystem.scope(regions), Ecosystem.scope(sectors)
                ok = np.ones(len(ix), bool)
                if rs:
                    ok &= np.isin(c_reg[ix], list(rs))
                if xs:
                    ok &= np.isin(c_sec[ix], list(xs))
                n = bound_cache[k] = float(c_n[ix][ok].sum())
            if n > 0:
                out.append(_Cand(Action("offer", p, service=s, regions=regions, sectors=sectors), n))
    return out


# --------------------------------------------------------------------------- greedy


def _evaluate(eng: _Engine, action: Action, *, coord: str, n_services: int) -> tuple[np.ndarray, Action]:
    if action.kind == "link":
        return eng.link_mask(eng.idx[action.source], eng.idx[action.target]), action
    if action.kind == "scope":
        p, s, r, x = eng.offer_rows[action.offer]
        if action.axis == "region":
            ok = eng._covered(action.value, x) & ~eng._covered(r, x)
        else:
            ok = eng._covered(r, action.value) & ~eng._covered(r, x)
        return eng.offer_mask(eng.idx[p], s, ok), action
    if action.kind == "offer":
        return eng.offer_mask(eng.idx[action.source], action.service,
                              eng._covered(action.regions, action.sectors)), action
    # centre
    region = action.value
    nets = [eng.idx[n] for n in action.networks]
    mask, chosen = eng.centre_eval(region, eng.idx.get(coord) if coord else None, nets, n_services)
    return mask, Action("centre", coord, action.target, value=region, services=chosen,
                        networks=action.networks)


def _centre_candidates(eco: Ecosystem, eng: _Engine) -> list[_Cand]:
    if not len(eng.g_sig):
        return []
    regions = sorted({r for r in eng.cls["region"].to_numpy()[np.unique(eng.g_cls)] if r})
    a = eco.actors
    nets = a.index[(a["kind"] == "network").to_numpy()]
    net_region = a.loc[nets, "region"]
    taken = set(eng.idx) | set(a.index)
    out = []
    for r in regions:
        base = "centre_" + "".join(ch if ch.isalnum() else "_" for ch in r)
        cid, k = base, 2
        while cid in taken:
            cid, k = f"{base}_{k}", k + 1
        members = tuple(sorted(net_region.index[net_region.to_numpy() == r]))
        out.append(_Cand(Action("centre", "", cid, value=r, networks=members), _INF))
    return out


def _update(eng: _Engine, action: Action, eco_after: Ecosystem) -> None:
    if action.kind == "link":
        eng.add_edges([(eng.idx[action.source], eng.idx[action.target])])
    elif action.kind in ("scope", "offer"):
        eng.eco = eco_after
        eng._offers_index()
        eng._cls_providers()
    else:
        c = eng.add_node(action.target, action.value)
        pairs = [(eng.idx[n], c) for n in action.networks]
        if action.source:
            s = eng.idx[action.source]
            pairs += [(s, c), (c, s)]
        eng.eco = eco_after
        eng._offers_index()
        eng._cls_providers()
        eng.add_edges(pairs)


def recommend(eco: Ecosystem, *, budget: int = 3, actions: Sequence[str] = ("link", "scope", "centre"),
              max_hops: int = 4, centre_services: int = 3, max_link_candidates: int | None = 300,
              max_evaluations: int = 3000, candidate_pool: Sequence[Action] | None = None,
              progress: Callable[[str], None] | None = None) -> Plan:
    """Choose up to ``budget`` actions greedily by marginal gain.

    Parameters
    ----------
    eco : Ecosystem
    budget : int
        Number of actions (fewer are returned when no action serves anything more).
    actions : sequence of str
        Families of :data:`FAMILIES` to draw from.
    max_hops : int
    centre_services : int
        Most services a new centre offers.
    max_link_candidates : int or None
        Link candidates evaluated exactly per step; ``None`` evaluates every ordered
        pair of institutions (also done whenever there are at most that many pairs).
    max_evaluations : int
        Most scope/offer candidates evaluated exactly per step (in order of their
        upper bound; the search stops earlier once the bound falls below the best gain).
    candidate_pool : sequence of Action, optional
        A fixed set of candidates instead of generating them (each used at most once),
        for tests and for comparing against exhaustive search.

    Returns
    -------
    Plan
    """
    if budget < 0:
        raise UsageError("--budget must be at least 0")
    if max_hops < 1:
        raise UsageError("--max-hops must be at least 1")
    bad = [f for f in actions if f not in FAMILIES]
    if bad:
        raise UsageError(f"unknown action family {bad[0]!r}; choose from {', '.join(FAMILIES)}")
    kinds = {k for f in actions for k in FAMILIES[f]}
    say = progress or (lambda msg: None)
    say("indexing the referral graph")
    eng = _Engine(eco, max_hops)
    served = eng.baseline_served(say)
    served_before = int(eng.g_count[served].sum())
    eng.keep_groups(~served)
    coord = coordinating_body(eco)
    current = eco
    recs: list[Recommendation] = []
    evaluated = 0
    pool = list(candidate_pool) if candidate_pool is not None else None
    for step in range(budget):
        if not len(eng.g_sig):
            break
        say(f"step {step + 1}/{budget}: generating candidates")
        if pool is not None:
            cands = [_Cand(a, _INF) for a in pool]
        else:
            cands = []
            if "link" in kinds:
                cands += _link_candidates(eng, max_link_candidates)
            if kinds & {"scope", "offer"}:
                cands += sorted((c for c in _scope_candidates(eng, current.services) if c.action.kind in kinds),
                                key=lambda c: (-c.bound, c.action.key()))[:max_evaluations]
            if "centre" in kinds:
                cands += _centre_candidates(current, eng)
        say(f"step {step + 1}/{budget}: evaluating {len(cands)} candidates")
        best: tuple[int, tuple, np.ndarray, Action] | None = None
        for c in cands:
            if best is not None and c.bound < best[0]:
                continue  # its upper bound cannot beat the best found
            if c.action.kind == "centre" and c.action.source != coord:
                c = _Cand(Action("centre", coord, c.action.target, value=c.action.value,
                                 networks=c.action.networks), c.bound)
            mask, concrete = _evaluate(eng, c.action, coord=coord, n_services=centre_services)
            evaluated += 1
            gain = int(eng.g_count[mask].sum())
            if gain > 0 and (best is None or (gain, _neg(concrete.key())) > (best[0], _neg(best[3].key()))):
                best = (gain, concrete.key(), mask, concrete)
        if best is None:
            break
        gain, _, mask, action = best
        if pool is not None:
            pool = [a for a in pool if a.key() != action.key()
                    and not (a.kind == "centre" and action.kind == "centre" and a.target == action.target)]
        newly = np.concatenate([eng.g_needs[i] for i in np.flatnonzero(mask)])
        groups = _groups(eco, newly)
        recs.append(Recommendation(step + 1, action, gain, np.sort(newly), groups))
        current = apply_action(current, action)
        _update(eng, action, current)
        eng.keep_groups(~mask)
        say(f"step {step + 1}/{budget}: {action.describe()} (+{gain})")
    return Plan(needs=len(eco.needs), served_before=served_before, recommendations=recs, ecosystem=current,
                max_hops=max_hops, evaluated=evaluated)


class _neg:
    """Reverse ordering wrapper so that the smallest key wins ties."""

    __slots__ = ("k",)

    def __init__(self, k: tuple):
        self.k = k

    def __lt__(self, other: _neg) -> bool:
        return self.k > other.k

    def __gt__(self, other: _neg) -> bool:
        return self.k < other.k

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _neg) and self.k == other.k


def _groups(eco: Ecosystem, rows: np.ndarray) -> list[dict[str, Any]]:
    n = eco.needs.iloc[rows]
    a = eco.actors
    f = pd.DataFrame({"service": n["service"].to_numpy(),
                      "region": a["region"].reindex(n["actor"]).to_numpy(),
                      "sector": a["sector"].reindex(n["actor"]).to_numpy()})
    g = f.groupby(["service", "region", "sector"]).size().reset_index(name="needs")
    g = g.sort_values(["needs", "service", "region", "sector"], ascending=[False, True, True, True])
    return [{"service": str(s), "region": str(r), "sector": str(x), "needs": int(k)}
            for s, r, x, k in g.itertuples(index=False)]


def candidates(eco: Ecosystem, *, actions: Sequence[str] = ("link", "scope", "centre"), max_hops: int = 4,
               max_link_candidates: int | None = None) -> list[Action]:
    """Every candidate action for ``eco`` (for small ecosystems and tests).

    Centre candidates carry no services yet: :func:`recommend` chooses them when it
    evaluates the centre.
    """
    kinds = {k for f in actions for k in FAMILIES[f]}
    eng = _Engine(eco, max_hops)
    served = eng.baseline_served()
    eng.keep_groups(~served)
    out: list[Action] = []
    if "link" in kinds:
        out += [c.action for c in _link_candidates(eng, max_link_candidates)]
    if kinds & {"scope", "offer"}:
        out += [c.action for c in _scope_candidates(eng, eco.services) if c.action.kind in kinds]
    if "centre" in kinds:
        coord = coordinating_body(eco)
        out += [Action("centre", coord, c.action.target, value=c.action.value, networks=c.action.networks)
                for c in _centre_candidates(eco, eng)]
    return out

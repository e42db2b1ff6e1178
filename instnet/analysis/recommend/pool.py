"""Candidate actions: generated per family, pruned by an upper bound on their gain."""

from __future__ import annotations

import functools
import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...model import Ecosystem
from ...schema import SCOPE_SEP
from .actions import FAMILIES, Action
from .apply import coordinating_body
from .engine import INF, Engine, ranges
from .costs import DEFAULT_COSTS, Costs
from .feasible import DEFAULT_CENTRE_MIN_NEEDS, Feasibility


@dataclass
class Candidate:
    """An action to evaluate and an upper bound on its gain."""

    action: Action
    bound: float  # upper bound on the weighted gain (inf when unknown); also the ordering score
    unmet: int = 0  # a centre's unmet needs of its sector and region


def link_candidates(eng: Engine, max_pairs: int | None, rules: Feasibility) -> list[Candidate]:
    """New ``refers_to`` links: every missing pair, or the ``max_pairs`` best scored ones."""
    inst = np.array([i for i in np.flatnonzero(eng.is_inst) if eng.nodes[i] not in rules.locked], dtype=np.int64)
    n_inst = len(inst)
    if max_pairs is None or n_inst * (n_inst - 1) <= max_pairs:
        return [Candidate(Action("link", eng.nodes[u], eng.nodes[v]), INF)
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
            if n < 0:  # NO_NODE: a network without referral channels
                continue
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
    u = e_nodes[ranges(e_ptr[eng.g_sig[g]], lens)]
    c = np.repeat(eng.g_cls[g], lens)
    w = np.repeat(eng.g_weight[g], lens)
    n_cls = max(len(eng.cls), 1)
    uk, inv = np.unique(u * n_cls + c, return_inverse=True)
    uw = np.bincount(inv, weights=w)
    if len(uk) > 200_000:
        top = np.argsort(-uw, kind="stable")[:200_000]
        uk, uw = uk[top], uw[top]
    uu, uc = uk // n_cls, uk % n_cls
    cap = 10
    plen = np.minimum(eng.cls_ptr[uc + 1] - eng.cls_ptr[uc], cap)
    v = eng.cls_prov[ranges(eng.cls_ptr[uc], plen)]
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
        if (a, b) in eng.edge_set or not eng.is_inst[a] or not eng.is_inst[b] \
                or not rules.link(eng.nodes[a], eng.nodes[b]):
            continue
        out.append(Candidate(Action("link", eng.nodes[a], eng.nodes[b]), float(score[k])))
        if len(out) >= max_pairs:
            break
    return out


class _Best:
    """The ``limit`` candidates of largest bound per cost offered so far (every one when ``limit`` is None).

    Candidates are kept as plain argument tuples and made into :class:`Action` objects only
    at the end: a national ecosystem proposes millions of scope extensions per step.
    """

    def __init__(self, limit: int | None, costs: Costs):
        self.limit = limit
        self.costs = costs
        self.heap: list[tuple[float, int, float, tuple]] = []
        self.seq = 0

    def floor(self, kind: str) -> float:
        """Bounds of ``kind`` at or below this cannot enter any more."""
        if self.limit is None or len(self.heap) < self.limit:
            return -INF
        return self.heap[0][0] * self.costs.of(kind)

    def add(self, bound: float, args: tuple) -> None:
        self.seq += 1
        item = (bound / self.costs.of(args[0]), -self.seq, bound, args)
        if self.limit is None or len(self.heap) < self.limit:
            heapq.heappush(self.heap, item)
        elif item > self.heap[0]:
            heapq.heapreplace(self.heap, item)

    def candidates(self) -> list[Candidate]:
        out = []
        for _, _, bound, (kind, p, s, row, axis, value, regions, sectors) in self.heap:
            out.append(Candidate(Action(kind, p, service=s, offer=row, axis=axis, value=value, regions=regions,
                                        sectors=sectors), bound))
        out.sort(key=lambda c: (-c.bound / self.costs.of(c.action.kind), c.action.key()))
        return out


def scope_candidates(eng: Engine, services: pd.DataFrame, rules: Feasibility, *, limit: int | None = None,
                     costs: Costs = DEFAULT_COSTS, kinds: frozenset[str] | set[str] = frozenset(("scope", "offer")),
                     ) -> list[Candidate]:
    """Offer scopes widened by one region or sector, and new offers in a category already offered.

    Bounds are the priority weights of the unmet needs of the classes each would newly
    cover. With ``limit``, only the ``limit`` candidates of largest bound per cost (ties
    by generation order), sorted by bound per cost and then :meth:`Action.key`.
    """
    if not len(eng.g_sig):
        return []
    unmet = np.bincount(eng.g_cls, weights=eng.g_weight, minlength=len(eng.cls))
    live = np.flatnonzero(unmet > 0)
    c_svc = eng.cls["service"].to_numpy()[live]
    r_code, r_names = pd.factorize(eng.cls["region"].to_numpy()[live].astype(str))
    x_code, x_names = pd.factorize(eng.cls["sector"].to_numpy()[live].astype(str))
    r_pos = {v: i for i, v in enumerate(r_names)}
    x_pos = {v: i for i, v in enumerate(x_names)}
    r_blank = r_pos.get("", -1)
    x_blank = x_pos.get("", -1)
    c_n = unmet[live]
    by_service = pd.Series(np.arange(len(live))).groupby(c_svc).indices
    best = _Best(limit, costs)
    category = services["category"].to_dict()
    offered: dict[str, set[str]] = {}
    cat_scopes: dict[tuple[str, str], list[tuple[str, str]]] = {}
    scope = functools.lru_cache(maxsize=None)(Ecosystem.scope)

    def within(codes: np.ndarray, values: frozenset[str], pos: dict[str, int], n_names: int) -> np.ndarray:
        """Which ``codes`` name one of ``values`` (all of them when ``values`` is empty)."""
        if not values:
            return np.ones(len(codes), bool)
        table = np.zeros(n_names, bool)
        table[[pos[v] for v in values if v in pos]] = True
        return table[codes]

    def extend(p: str, s: str, row: int, axis: str, codes: np.ndarray, names: Any, n: np.ndarray) -> None:
        sums = np.bincount(codes, weights=n, minlength=len(names))
        for code in np.flatnonzero(sums > max(best.floor("scope"), 0)).tolist():
            best.add(float(sums[code]), ("scope", p, s, row, axis, str(names[code]), "", ""))

    for row, (p, s, r, x) in enumerate(eng.offer_rows):
        if p not in eng.idx:
            continue
        offered.setdefault(p, set()).add(s)
        cat_scopes.setdefault((p, category.get(s, "")), []).append((r, x))
        ix = by_service.get(s)
        if ix is None or p in rules.locked or "scope" not in kinds:
            continue
        rs, xs = scope(r), scope(x)
        if not rs and not xs:
            continue
        rc, xc, n = r_code[ix], x_code[ix], c_n[ix]
        sec_ok = within(xc, xs, x_pos, len(x_names))
        reg_ok = within(rc, rs, r_pos, len(r_names))
        if rs and rules.scope(p, "region", "", xs):
            m = sec_ok & ~reg_ok & (rc != r_blank)
            extend(p, s, row, "region", rc[m], r_names, n[m])
        if xs:
            m = reg_ok & ~sec_ok & (xc != x_blank)
            own = rules.sector_of.get(p, "")
            if own:  # a sector institution may only be extended to its own sector
                m &= xc == x_pos.get(own, -2)
            extend(p, s, row, "sector", xc[m], x_names, n[m])
    if "offer" not in kinds:
        return best.candidates()
    svc_by_cat: dict[str, list[str]] = {}
    for s in sorted(by_service):
        svc_by_cat.setdefault(category.get(s, ""), []).append(s)
    bound_cache: dict[tuple[str, str, str], float] = {}
    for (p, cat), scopes in cat_scopes.items():
        regions = "" if any(not scope(r) for r, _ in scopes) else \
            SCOPE_SEP.join(sorted(set().union(*(scope(r) for r, _ in scopes))))
        sectors = rules.offer_sectors(p, "" if any(not scope(x) for _, x in scopes) else
                                      SCOPE_SEP.join(sorted(set().union(*(scope(x) for _, x in scopes)))))
        if sectors is None:
            continue
        for s in svc_by_cat.get(cat, ()):
            if s in offered[p]:
                continue
            k = (s, regions, sectors)
            bound = bound_cache.get(k)
            if bound is None:
                ix = by_service[s]
                ok = within(r_code[ix], scope(regions), r_pos, len(r_names)) & \
                    within(x_code[ix], scope(sectors), x_pos, len(x_names))
                bound = bound_cache[k] = float(c_n[ix][ok].sum())
            if bound > max(best.floor("offer"), 0):
                best.add(bound, ("offer", p, s, -1, "", "", regions, sectors))
    return best.candidates()


def centre_candidates(eco: Ecosystem, eng: Engine, rules: Feasibility) -> list[Candidate]:
    """A new centre for every sector and region with at least ``rules.centre_min_needs`` unmet needs.

    It is brokered by the region's networks of that sector (or of no sector).
    """
    if not len(eng.g_sig):
        return []
    cells = pd.DataFrame({"region": eng.c_region[eng.g_cls], "sector": eng.c_sector[eng.g_cls],
                          "n": eng.g_count}).groupby(["region", "sector"], sort=True)["n"].sum()
    a = eco.actors
    nets = a[(a["kind"] == "network").to_numpy()]
    taken = set(eng.idx) | set(a.index)
    out = []
    for (r, x), n in cells.items():
        if not r or not x or n < rules.centre_min_needs:
            continue
        base = "centre_" + "_".join("".join(ch if ch.isalnum() else "_" for ch in t) for t in (r, x))
        cid, k = base, 2
        while cid in taken:
            cid, k = f"{base}_{k}", k + 1
        taken.add(cid)
        members = tuple(sorted(nets.index[((nets["region"] == r) & nets["sector"].isin((x, ""))).to_numpy()]))
        out.append(Candidate(Action("centre", "", cid, value=r, sectors=x, networks=members), INF, int(n)))
    return out


def coordinated(action: Action, coord: str) -> Action:
    """The centre ``action`` coordinated by ``coord`` (services are chosen when it is evaluated)."""
    return Action("centre", coord, action.target, value=action.value, sectors=action.sectors,
                  networks=action.networks)


def propose(eng: Engine, eco: Ecosystem, kinds: set[str], *, rules: Feasibility, max_link_candidates: int | None,
            max_evaluations: int | None = None, costs: Costs = DEFAULT_COSTS) -> list[Candidate]:
    """The generated candidates of the action ``kinds``: links, then scopes and offers, then centres.

    With ``max_evaluations``, only that many scope and offer candidates, those of the highest
    upper bound per cost (ties by :meth:`Action.key`), in that order.
    """
    out: list[Candidate] = []
    if "link" in kinds:
        out += link_candidates(eng, max_link_candidates, rules)
    if kinds & {"scope", "offer"}:
        out += scope_candidates(eng, eco.services, rules, limit=max_evaluations, costs=costs,
                                kinds=kinds & {"scope", "offer"})
    if "centre" in kinds:
        out += centre_candidates(eco, eng, rules)
    return out


def candidates(eco: Ecosystem, *, actions: Sequence[str] = ("link", "scope", "centre"), max_hops: int = 4,
               max_link_candidates: int | None = None, lock: Sequence[str] = (),
               centre_min_needs: int = DEFAULT_CENTRE_MIN_NEEDS) -> list[Action]:
    """Every feasible candidate action for ``eco`` (for small ecosystems and tests).

    Centre candidates carry no services yet: :func:`recommend` chooses them when it
    evaluates the centre.
    """
    kinds = {k for f in actions for k in FAMILIES[f]}
    eng, _ = Engine.of_unmet(eco, max_hops)
    rules = Feasibility.of(eco, lock=lock, centre_min_needs=centre_min_needs)
    out = [c.action for c in propose(eng, eco, kinds, rules=rules, max_link_candidates=max_link_candidates)]
    if "centre" in kinds:
        coord = rules.coordinator(coordinating_body(eco))
        out = [coordinated(a, coord) if a.kind == "centre" else a for a in out]
    return out

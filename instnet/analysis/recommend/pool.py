"""Candidate actions: generated per family, pruned by an upper bound on their gain."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...model import Ecosystem
from ...schema import SCOPE_SEP
from .actions import FAMILIES, Action
from .apply import coordinating_body
from .engine import INF, Engine, ranges


@dataclass
class Candidate:
    """An action to evaluate and an upper bound on its gain."""

    action: Action
    bound: float  # upper bound on the gain (inf when unknown); also the ordering score


def link_candidates(eng: Engine, max_pairs: int | None) -> list[Candidate]:
    """New ``refers_to`` links: every missing pair, or the ``max_pairs`` best scored ones."""
    inst = np.flatnonzero(eng.is_inst)
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
        if (a, b) in eng.edge_set or not eng.is_inst[a] or not eng.is_inst[b]:
            continue
        out.append(Candidate(Action("link", eng.nodes[a], eng.nodes[b]), float(score[k])))
        if len(out) >= max_pairs:
            break
    return out


def scope_candidates(eng: Engine, services: pd.DataFrame) -> list[Candidate]:
    """Offer scopes widened by one region or sector, and new offers in a category already offered."""
    if not len(eng.g_sig):
        return []
    unmet = np.bincount(eng.g_cls, weights=eng.g_count, minlength=len(eng.cls))
    live = np.flatnonzero(unmet > 0)
    c_svc = eng.cls["service"].to_numpy()[live]
    c_reg = eng.cls["region"].to_numpy()[live].astype(str)
    c_sec = eng.cls["sector"].to_numpy()[live].astype(str)
    c_n = unmet[live]
    by_service = pd.Series(np.arange(len(live))).groupby(c_svc).indices
    out: list[Candidate] = []
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
                out.append(Candidate(Action("scope", p, service=s, offer=row, axis="region", value=reg_v), k))
        if xs:
            m = reg_ok & ~sec_ok & (sec != "")
            for sec_v, k in sums(sec[m], n[m]):
                out.append(Candidate(Action("scope", p, service=s, offer=row, axis="sector", value=sec_v), k))
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
                out.append(Candidate(Action("offer", p, service=s, regions=regions, sectors=sectors), n))
    return out


def centre_candidates(eco: Ecosystem, eng: Engine) -> list[Candidate]:
    """A new centre in every region with unmet needs, brokered by the networks of the region."""
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
        out.append(Candidate(Action("centre", "", cid, value=r, networks=members), INF))
    return out


def coordinated(action: Action, coord: str) -> Action:
    """The centre ``action`` coordinated by ``coord`` (services are chosen when it is evaluated)."""
    return Action("centre", coord, action.target, value=action.value, networks=action.networks)


def propose(eng: Engine, eco: Ecosystem, kinds: set[str], *, max_link_candidates: int | None,
            max_evaluations: int | None = None) -> list[Candidate]:
    """The generated candidates of the action ``kinds``: links, then scopes and offers, then centres.

    With ``max_evaluations``, only that many scope and offer candidates, those of the highest
    upper bound (ties by :meth:`Action.key`), in that order.
    """
    out: list[Candidate] = []
    if "link" in kinds:
        out += link_candidates(eng, max_link_candidates)
    if kinds & {"scope", "offer"}:
        scopes = [c for c in scope_candidates(eng, eco.services) if c.action.kind in kinds]
        if max_evaluations is not None:
            scopes = sorted(scopes, key=lambda c: (-c.bound, c.action.key()))[:max_evaluations]
        out += scopes
    if "centre" in kinds:
        out += centre_candidates(eco, eng)
    return out


def candidates(eco: Ecosystem, *, actions: Sequence[str] = ("link", "scope", "centre"), max_hops: int = 4,
               max_link_candidates: int | None = None) -> list[Action]:
    """Every candidate action for ``eco`` (for small ecosystems and tests).

    Centre candidates carry no services yet: :func:`recommend` chooses them when it
    evaluates the centre.
    """
    kinds = {k for f in actions for k in FAMILIES[f]}
    eng, _ = Engine.of_unmet(eco, max_hops)
    out = [c.action for c in propose(eng, eco, kinds, max_link_candidates=max_link_candidates)]
    if "centre" in kinds:
        coord = coordinating_body(eco)
        out = [coordinated(a, coord) if a.kind == "centre" else a for a in out]
    return out

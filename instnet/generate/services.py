"""Services (demand and supply weights, rare and unoffered ones) and the offers of institutions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..schema import CATEGORIES
from .arrays import draw_years, int_array, zipf
from .spec import (
    ASSOC, BDS, BROKER, CENTRE, DONOR, FEES, MINISTRY, N_RARE, N_UNOFFERED, NATIONAL, REGIONAL, ROLE_CATEGORIES,
    ROLE_FEE_P, ROLE_OFFERS, SERVICES, UNOFFERED_CANDIDATES,
)

if TYPE_CHECKING:
    from .builder import Builder


def draw_services(gen: Builder) -> None:
    rng = gen.rng
    n = len(SERVICES)
    gen.svc_names = [name for name, _ in SERVICES]
    gen.svc_cat = np.array([CATEGORIES.index(cat) for _, cat in SERVICES])
    demand_rank = rng.permutation(n)
    gen.demand_w = zipf(n, 0.75)[demand_rank]
    supply = gen.demand_w**0.7 * np.exp(rng.normal(0.0, 0.6, n))
    unoffered = rng.choice(  # needed by some, but not among the five most needed
        [i for i in map(gen.svc_names.index, UNOFFERED_CANDIDATES) if demand_rank[i] >= 5],
        N_UNOFFERED, replace=False,
    )
    networking = CATEGORIES.index("networking")
    candidates = [
        s for s in range(n)
        if s not in unoffered and demand_rank[s] >= 6 and gen.svc_cat[s] != networking
    ]
    rare = rng.choice(candidates, N_RARE, replace=False)
    gen.unoffered = np.sort(unoffered)
    gen.rare = np.sort(rare)
    supply[gen.unoffered] = 0.0
    supply[gen.rare] = 0.0
    gen.supply_w = supply


def draw_offers(gen: Builder) -> None:
    rng, R, S = gen.rng, gen.R, gen.S
    n_svc = len(SERVICES)
    actor_parts: list[np.ndarray] = []
    svc_parts: list[np.ndarray] = []
    for r in range(8):
        members = gen.role_idx[r]
        if members.size == 0:
            continue
        allowed = np.isin(gen.svc_cat, [CATEGORIES.index(c) for c in ROLE_CATEGORIES[r]])
        p = gen.supply_w * allowed
        if p.sum() == 0:
            continue
        p = p / p.sum()
        lo, hi = ROLE_OFFERS[r]
        if r == BDS:
            k = rng.choice(np.arange(lo, hi + 1), members.size, p=[0.25, 0.35, 0.2, 0.12, 0.08])
        else:
            k = rng.integers(lo, hi + 1, members.size)
        picks = np.sort(rng.choice(n_svc, (members.size, hi), p=p), axis=1)
        keep = np.ones_like(picks, dtype=bool)
        keep[:, 1:] = picks[:, 1:] != picks[:, :-1]
        keep &= np.cumsum(keep, axis=1) <= k[:, None]
        rows = np.broadcast_to(members[:, None], picks.shape)
        actor_parts.append(rows[keep])
        svc_parts.append(picks[keep])
    actor = np.concatenate(actor_parts)
    svc = np.concatenate(svc_parts)
    # Rare services: one to three providers, each for its own region (and maybe a neighbour).
    bds = gen.role_idx[BDS]
    rare_actor: list[int] = []
    rare_svc: list[int] = []
    for s in gen.rare:
        for a in rng.choice(bds, min(bds.size, int(rng.integers(1, 4))), replace=False):
            rare_actor.append(int(a))
            rare_svc.append(int(s))
    # Every service except the unoffered ones is offered at least once.
    offered = np.zeros(n_svc, dtype=bool)
    offered[svc] = True
    offered[gen.rare] = True
    fill = [s for s in range(n_svc) if not offered[s] and s not in gen.unoffered]
    fill_actor = [int(rng.choice(bds)) for _ in fill]
    actor = np.concatenate([actor, np.array(rare_actor + fill_actor, dtype=np.int64)])
    svc = np.concatenate([svc, np.array(rare_svc + fill, dtype=np.int64)])
    is_rare = np.zeros(actor.size, dtype=bool)
    is_rare[actor.size - len(fill) - len(rare_actor):actor.size - len(fill)] = True
    # One offer per (actor, service), sorted.
    key = actor * n_svc + svc
    key, first = np.unique(key, return_index=True)
    is_rare = is_rare[first]
    actor, svc = key // n_svc, key % n_svc
    n = actor.size
    role = gen.role[actor]
    region = gen.inst_region[actor]
    sector = gen.inst_sector[actor]
    # Scope.
    u = rng.random(n)
    extra_region = rng.integers(0, R, n)
    rn, sn = gen.region_names, gen.sector_names
    regions_col: list[str] = []
    sectors_col: list[str] = []
    n_sectors = rng.integers(1, 4, n)
    sector_pick = rng.choice(S, (n, 3), p=gen.sector_w)
    donor_regions = rng.integers(2, 6, n)
    sector_scoped = rng.random(n) < 0.1
    for j in range(n):
        r, reg, sec = int(role[j]), int(region[j]), int(sector[j])
        scope_r = ""
        scope_s = ""
        if is_rare[j]:
            scope_r = rn[reg] if u[j] < 0.6 or R == 1 else ";".join(
                rn[x] for x in sorted({reg, int(extra_region[j])}))
        elif r == REGIONAL:
            scope_r = rn[reg]
        elif r == BROKER and u[j] < 0.5:
            scope_r = rn[reg]
        elif r == CENTRE:
            scope_s = sn[sec]
        elif r == ASSOC and sec >= 0:
            scope_s = sn[sec]
            if reg != 0:
                scope_r = rn[reg]
        elif r == DONOR and u[j] < 0.4:
            m = min(R, int(donor_regions[j]))
            scope_r = ";".join(rn[R - m:])  # donors target the smallest regions
        elif r == BDS:
            if u[j] < 0.45:
                scope_r = rn[reg]
            elif u[j] < 0.6:
                scope_r = ";".join(rn[x] for x in range(max(0, reg - 1), min(R, reg + 2)))
            if sector_scoped[j]:
                chosen = sorted({int(x) for x in sector_pick[j, : n_sectors[j]]})
                scope_s = ";".join(sn[x] for x in chosen)
        regions_col.append(scope_r)
        sectors_col.append(scope_s)
    capacity = rng.integers(2, 60, n) * 10
    has_capacity = (rng.random(n) < 0.3) & (role != NATIONAL) & (role != MINISTRY)
    fee_u = rng.random(n)
    fee_cdf = np.cumsum(np.array([ROLE_FEE_P[int(r)] for r in range(8)]), axis=1)[role]
    fee_code = (fee_u[:, None] > fee_cdf).sum(axis=1).clip(0, 2)
    fee = np.array(FEES, dtype=object)[fee_code]
    fee[rng.random(n) < 0.15] = ""
    since, until = draw_years(rng, gen.inst_since[actor], 0.5, 0.03, 1990, 2022)
    gen.offers = pd.DataFrame({
        "actor": gen.inst_ids()[actor],
        "service": gen.svc_ids()[svc],
        "regions": regions_col,
        "sectors": sectors_col,
        "capacity": int_array(capacity, has_capacity),
        "fee": fee,
        "since": since,
        "until": until,
    })

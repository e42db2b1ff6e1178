"""Links between institutions, networks and enterprises, and the capacity institutions get from them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .arrays import Links, draw_weights, draw_years, grouped, pick_in_group
from .spec import ASSOC, BDS, BROKER, CENTRE, DONOR, LINK_CODE, MINISTRY, NATIONAL, REGIONAL

if TYPE_CHECKING:
    from .builder import Builder


def add_links(gen: Builder, src: np.ndarray, tgt: np.ndarray, types: np.ndarray, weight: np.ndarray) -> None:
    """Append a block of links (``since``/``until`` drawn, never before both ends exist)."""
    base = np.maximum(since_of(gen, src), since_of(gen, tgt))
    since, until = draw_years(gen.rng, base, 0.6, 0.02)
    gen.link_parts.append(Links(src, tgt, types, weight, since, until))


def since_of(gen: Builder, idx: np.ndarray) -> np.ndarray:
    """Founding year of each actor index (0 = unknown)."""
    I, N = gen.I, gen.N
    out = np.zeros(idx.size, dtype=np.int64)
    m = idx < I
    out[m] = gen.inst_since[idx[m]]
    m = (idx >= I) & (idx < I + N)
    out[m] = gen.n_since[idx[m] - I]
    m = idx >= I + N
    out[m] = gen.e_since[idx[m] - I - N]
    return out


def add_sorted_links(
    gen: Builder,
    parts: Sequence[tuple[np.ndarray, np.ndarray, str, float, float]],
    key: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> None:
    """Append ``(sources, targets, type, lowest weight, highest weight)`` parts as one block sorted by ``key``."""
    src = np.concatenate([p[0] for p in parts]).astype(np.int64)
    tgt = np.concatenate([p[1] for p in parts]).astype(np.int64)
    types = np.concatenate([np.full(p[0].size, LINK_CODE[p[2]], dtype=np.int64) for p in parts])
    weight = np.concatenate([draw_weights(gen.rng, p[0].size, p[3], p[4]) for p in parts])
    order = np.lexsort((tgt, types, key(src, tgt)))
    add_links(gen, src[order], tgt[order], types[order], weight[order])


def draw_institution_links(gen: Builder) -> None:
    rng, I, R = gen.rng, gen.I, gen.R
    role, region = gen.role, gen.inst_region
    links: dict[tuple[int, int, int], None] = {}  # an ordered set
    partners: set[tuple[int, int]] = set()

    def add(s: int, t: int, kind: str) -> None:
        if s == t:
            return
        code = LINK_CODE[kind]
        if kind == "partners_with":
            key = (min(s, t), max(s, t))
            if key in partners or (s, t, LINK_CODE["coordinates"]) in links or (
                    t, s, LINK_CODE["coordinates"]) in links:
                return
            partners.add(key)
        links.setdefault((s, t, code), None)

    national = int(gen.role_idx[NATIONAL][0])
    # The national agency coordinates the system.
    for group, share in ((REGIONAL, 1.0), (CENTRE, 1.0), (MINISTRY, 1.0), (BROKER, 0.5),
                         (BDS, 0.04)):
        for i in gen.role_idx[group]:
            if rng.random() < share:
                add(national, int(i), "coordinates")
    add(national, int(gen.role_idx[ASSOC][0]), "coordinates")
    # Regional coordinators coordinate their brokers and half their providers.
    for rc in gen.role_idx[REGIONAL]:
        r = region[rc]
        for b in gen.brokers_of_region[r]:
            add(int(rc), int(b), "coordinates")
        for p in gen.bds_of_region[r]:
            if rng.random() < 0.5:
                add(int(rc), int(p), "coordinates")
    # Referrals to providers chosen by fame, mostly local.
    bds = gen.role_idx[BDS]
    glob_cdf = np.cumsum(gen.fame[bds])
    reg_cdf = [np.cumsum(gen.fame[b]) for b in gen.bds_of_region]

    def famous_provider(r: int, local: float) -> int:
        pool = gen.bds_of_region[r]
        if pool.size and rng.random() < local:
            cdf = reg_cdf[r]
            return int(pool[min(pool.size - 1, np.searchsorted(cdf, rng.random() * cdf[-1]))])
        at = np.searchsorted(glob_cdf, rng.random() * glob_cdf[-1])
        return int(bds[min(bds.size - 1, at)])

    for group, lo, hi, p_source in ((BROKER, 3, 8, 1.0), (CENTRE, 3, 10, 1.0),
                                    (REGIONAL, 2, 5, 1.0), (BDS, 1, 2, 0.3),
                                    (ASSOC, 1, 3, 0.5)):
        for s in gen.role_idx[group]:
            if rng.random() >= p_source:
                continue
            for _ in range(int(rng.integers(lo, hi + 1))):
                add(int(s), famous_provider(int(region[s]), 0.6), "refers_to")
    for b in gen.role_idx[BROKER]:
        c = gen.centre_of_cell[region[b], int(rng.integers(0, gen.S))]
        if c >= 0 and rng.random() < 0.5:
            add(int(b), int(c), "refers_to")
    # Partnerships by preferential attachment (60 % within the region).
    endpoints: list[int] = []
    by_region: list[list[int]] = [[] for _ in range(R)]
    for v in rng.permutation(I):
        v = int(v)
        r = int(region[v])
        for _ in range(1 if rng.random() < 0.5 else 2):
            local = by_region[r]
            if local and rng.random() < 0.6:
                t = local[int(rng.integers(0, len(local)))]
            elif endpoints:
                t = endpoints[int(rng.integers(0, len(endpoints)))]
            else:  # the very first institution: nobody to attach to yet
                endpoints.append(v)
                by_region[r].append(v)
                continue
            add(v, t, "partners_with")
            endpoints += (v, t)
            by_region[r].append(v)
            by_region[int(region[t])].append(t)
    # Funding and training (not referral channels).
    fundable = np.flatnonzero(np.isin(role, (REGIONAL, BROKER, CENTRE, BDS, ASSOC)))
    for d in gen.role_idx[DONOR]:
        n_funded = min(fundable.size, int(rng.integers(3, 16)))
        for t in rng.choice(fundable, n_funded, replace=False):
            add(int(d), int(t), "funds")
    for group, share in ((CENTRE, 0.6), (BROKER, 0.3)):
        for i in gen.role_idx[group]:
            if rng.random() < share:
                add(national, int(i), "funds")
    for m in gen.role_idx[MINISTRY]:
        for t in rng.choice(bds, min(bds.size, int(rng.integers(2, 6))), replace=False):
            add(int(m), int(t), "funds")
    for c in gen.role_idx[CENTRE]:
        local = gen.bds_of_region[region[c]]
        pool = local if local.size else bds
        for t in rng.choice(pool, min(pool.size, int(rng.integers(2, 7))), replace=False):
            add(int(c), int(t), "trains")
    keys = np.array(list(links), dtype=np.int64).reshape(-1, 3)
    src, tgt, types = keys[:, 0], keys[:, 1], keys[:, 2]
    weight = np.empty(src.size)
    spec = {
        "coordinates": (0.6, 1.0), "refers_to": (0.2, 1.0), "partners_with": (0.2, 1.0),
        "funds": (0.1, 1.0), "trains": (0.1, 1.0),
    }
    for kind, (lo, hi) in spec.items():
        m = types == LINK_CODE[kind]
        weight[m] = draw_weights(rng, int(m.sum()), lo, hi)
    add_links(gen, src, tgt, types, weight)


def draw_network_links(gen: Builder) -> None:
    rng, N, R, I = gen.rng, gen.N, gen.R, gen.I
    nid = I + np.arange(N)
    broker = np.full(N, -1, dtype=np.int64)
    all_brokers = gen.role_idx[BROKER]
    for r in range(R):
        nets = np.flatnonzero(gen.n_region == r)
        if nets.size == 0:
            continue
        cand = gen.brokers_of_region[r]
        if cand.size == 0:
            rc = gen.rc_of_region[r]
            cand = np.array([rc]) if rc >= 0 else all_brokers
        p = gen.fame[cand] / gen.fame[cand].sum()
        broker[nets] = rng.choice(cand, nets.size, p=p)
        rc = gen.rc_of_region[r]
        if rc >= 0:  # a fifth of networks are brokered by the regional coordinator
            broker[nets[rng.random(nets.size) < 0.2]] = rc
    brokered = rng.random(N) < 0.92
    centre = gen.centre_of_cell[gen.n_region, gen.n_sector]
    is_client = (rng.random(N) < 0.3) & (centre >= 0)
    donors = gen.role_idx[DONOR]
    funded = rng.random(N) < 0.08
    donor = donors[rng.integers(0, donors.size, N)]
    trained = (rng.random(N) < 0.15) & (centre >= 0)
    parts = (
        (nid[brokered], broker[brokered], "brokered_by", 0.5, 1.0),
        (nid[is_client], centre[is_client], "client_of", 0.3, 1.0),
        (donor[funded], nid[funded], "funds", 0.1, 1.0),
        (centre[trained], nid[trained], "trains", 0.1, 1.0),
    )
    add_sorted_links(gen, parts, key=lambda s, t: np.where(s >= I, s, t))


def draw_enterprise_links(gen: Builder) -> None:
    rng, E, I, N, R, S = gen.rng, gen.E, gen.I, gen.N, gen.R, gen.S
    eid = I + N + np.arange(E)
    cell, region = gen.e_cell, gen.e_region
    member = gen.e_member
    isolated = ~member & (rng.random(E) < 0.12)
    free = ~member & ~isolated
    # Pool of four local institutions per cell: two famous providers of the region,
    # the regional coordinator (else a broker of the region), the sector's centre.
    pool = np.full((R * S, 4), -1, dtype=np.int64)
    all_bds = gen.role_idx[BDS]
    for r in range(R):
        cand = gen.bds_of_region[r]
        if cand.size == 0:
            cand = gen.bds_of_region[0] if gen.bds_of_region[0].size else all_bds
        p = gen.fame[cand] / gen.fame[cand].sum()
        picks = rng.choice(cand.size, (S, 2), p=p)
        same = picks[:, 1] == picks[:, 0]
        picks[same, 1] = (picks[same, 0] + 1) % cand.size
        rows = slice(r * S, (r + 1) * S)
        pool[rows, 0] = cand[picks[:, 0]]
        if cand.size > 1:
            pool[rows, 1] = cand[picks[:, 1]]
        coordinator = gen.rc_of_region[r]
        if coordinator < 0 and gen.brokers_of_region[r].size:
            b = gen.brokers_of_region[r]
            coordinator = b[np.argmax(gen.fame[b])]
        pool[rows, 2] = coordinator
        pool[rows, 3] = gen.centre_of_cell[r]
    k = np.zeros(E, dtype=np.int64)
    k[free] = rng.choice(3, int(free.sum()), p=[0.15, 0.55, 0.30])
    k[member] = rng.random(int(member.sum())) < 0.12
    slot_p = [0.45, 0.25, 0.15, 0.15]
    s1 = rng.choice(4, E, p=slot_p)
    s2 = rng.choice(4, E, p=slot_p)
    s2 = np.where(s2 == s1, (s1 + 1) % 4, s2)
    s1[member] = 0
    c1 = np.where(k >= 1, pool[cell, s1], -1)
    c2 = np.where(k >= 2, pool[cell, s2], -1)
    order, start, count = gen.local_groups
    for c in (c1, c2):  # a thin long tail of other local institutions
        tail = (c >= 0) & (rng.random(E) < 0.006)
        pick = pick_in_group(order, start, count, region[tail], rng.random(int(tail.sum())))
        c[tail] = np.where(pick >= 0, pick, c[tail])
    c2[c2 == c1] = -1
    has1, has2 = c1 >= 0, c2 >= 0
    # Sector chambers.
    in_assoc = free & (rng.random(E) < 0.12)
    assoc = gen.assoc_of_cell.ravel()[cell]
    # Subcontracting: a few small firms supply a lead firm (medium/large) of their region.
    lead = np.flatnonzero(gen.e_size >= 2)
    l_order, l_start, l_count = grouped(region[lead], R)
    supplier = ~isolated & (gen.e_size <= 1) & (rng.random(E) < 0.03)
    buyer = pick_in_group(lead[l_order], l_start, l_count, region[supplier],
                          rng.random(int(supplier.sum())))
    sup_src = eid[supplier][buyer >= 0]
    sup_tgt = I + N + buyer[buyer >= 0]
    parts = (
        (eid[member], I + gen.e_net[member], "member_of", 0.4, 1.0),
        (eid[in_assoc], assoc[in_assoc], "member_of", 0.2, 0.7),
        (eid[has1], c1[has1], "client_of", 0.05, 1.0),
        (eid[has2], c2[has2], "client_of", 0.05, 1.0),
        (sup_src, sup_tgt, "supplies", 0.1, 1.0),
    )
    add_sorted_links(gen, parts, key=lambda s, t: s)


def draw_capacity(gen: Builder) -> None:
    rng, I = gen.rng, gen.I
    direct = np.zeros(I, dtype=np.int64)
    for part in gen.link_parts:
        m = (part.type == LINK_CODE["client_of"]) & (part.tgt < I)
        direct += np.bincount(part.tgt[m], minlength=I)
    cap = (direct * 1.5 + 20) * np.exp(rng.normal(0.0, 0.6, I))
    cap = np.maximum(10, np.round(cap / 10).astype(np.int64) * 10)
    has = (rng.random(I) < 0.92) & ~np.isin(gen.role, (NATIONAL, MINISTRY, DONOR))
    gen.inst_capacity = (cap, has)

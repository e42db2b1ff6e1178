"""Geography (regions, sectors, cells) and the institutions with their roles, places, names and years."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .arrays import grouped, zipf
from .spec import (
    ASSOC, BDS, BDS_WORDS, BROKER, CENTRE, DONOR, MINISTRY, MINISTRY_NAMES, NATIONAL, REGIONAL, SECTOR_NAMES, YEAR,
)

if TYPE_CHECKING:
    from .builder import Builder


def draw_geography(gen: Builder) -> None:
    rng, R, S = gen.rng, gen.R, gen.S
    gen.region_names = [f"region{r + 1:0{max(2, len(str(R)))}d}" for r in range(R)]
    gen.sector_names = [
        SECTOR_NAMES[s] if s < len(SECTOR_NAMES) else f"sector{s + 1:03d}" for s in range(S)
    ]
    gen.region_w = zipf(R, 1.0)
    gen.sector_w = zipf(S, 0.9)
    tilt = np.exp(rng.normal(0.0, 1.0, (R, S)))
    cell = gen.region_w[:, None] * gen.sector_w[None, :] * tilt
    gen.cell_p = (cell / cell.sum()).ravel()
    gen.region_given_sector = cell / cell.sum(axis=0, keepdims=True)  # column s: p(r | s)
    gen.region_lat = rng.uniform(8.0, 18.0, R)
    gen.region_lon = rng.uniform(-92.0, -78.0, R)


def draw_institutions(gen: Builder) -> None:
    rng, I, R, S = gen.rng, gen.I, gen.R, gen.S
    n_donor = max(1, round(0.01 * I))
    n_assoc = max(1, round(0.03 * I))
    n_centre = max(1, round(0.04 * I))
    n_broker = max(1, round(0.06 * I))
    n_min = round(0.004 * I)
    rest = I - 1 - n_donor - n_assoc - n_centre - n_broker - n_min
    n_rc = min(R, max(0, rest - max(3, int(0.6 * I))))
    n_bds = rest - n_rc
    counts = (1, n_rc, n_min, n_broker, n_centre, n_assoc, n_donor, n_bds)
    role = np.repeat(np.arange(8), counts)
    gen.role = role
    gen.role_idx = {r: np.flatnonzero(role == r) for r in range(8)}
    region = np.zeros(I, dtype=np.int64)
    sector = np.full(I, -1, dtype=np.int64)
    region[gen.role_idx[REGIONAL]] = np.arange(n_rc)
    region[gen.role_idx[BROKER]] = rng.choice(R, n_broker, p=gen.region_w)
    bds_w = gen.region_w**1.3
    region[gen.role_idx[BDS]] = rng.choice(R, n_bds, p=bds_w / bds_w.sum())
    # Centres: sector by sector (largest first), located where the sector clusters.
    centres = gen.role_idx[CENTRE]
    sector[centres] = np.arange(n_centre) % S
    for c in centres:
        region[c] = rng.choice(R, p=gen.region_given_sector[:, sector[c]])
    # Associations: a general chamber, then national sector chambers, then regional ones.
    assocs = gen.role_idx[ASSOC]
    for j, a in enumerate(assocs[1:]):
        sector[a] = j % S
        region[a] = 0 if j < S else rng.choice(R, p=gen.region_given_sector[:, sector[a]])
    gen.inst_region, gen.inst_sector = region, sector
    gen.fame = rng.pareto(1.2, I) + 1.0  # heavy tail: a few hub providers
    # Founding years: the national agency and the coordinators are stable.
    since = rng.integers(1950, 2021, I)
    since[role == NATIONAL] = 1985
    known = rng.random(I) < 0.9
    known[role <= REGIONAL] = True
    gen.inst_since = np.where(known, since, 0)
    until = np.minimum(since + 3 + rng.geometric(0.08, I), YEAR)
    gen.inst_until = np.where(
        (rng.random(I) < 0.03) & (role >= BROKER) & (until > since), until, 0,
    )
    gen.inst_private = (rng.random(I) < 0.03) & (role == BDS)
    words = rng.integers(0, len(BDS_WORDS), I)
    gen.inst_names, gen.inst_desc = _names(gen, words)
    _lookups(gen)


def _names(gen: Builder, words: np.ndarray) -> tuple[list[str], list[str]]:
    """Name and description of every institution (``words``: a BDS word index each)."""
    role, region, sector = gen.role, gen.inst_region, gen.inst_sector
    rn, sn = gen.region_names, gen.sector_names
    names: list[str] = []
    descriptions: list[str] = []
    counter = dict.fromkeys(range(8), 0)
    for i in range(gen.I):
        r = int(role[i])
        counter[r] += 1
        k = counter[r]
        reg = rn[region[i]]
        sec = sn[sector[i]] if sector[i] >= 0 else ""
        label = sec.replace("_", " ").capitalize()
        if r == NATIONAL:
            names.append("National SME Coordinating Agency")
            descriptions.append("system coordinator of the national SME support network")
        elif r == REGIONAL:
            names.append(f"{reg} Regional Development Agency")
            descriptions.append(f"regional coordinator of {reg}")
        elif r == MINISTRY:
            base = MINISTRY_NAMES[(k - 1) % len(MINISTRY_NAMES)]
            extra = (k - 1) // len(MINISTRY_NAMES)
            names.append(base if extra == 0 else f"{base} {extra + 1}")
            descriptions.append("national policy body")
        elif r == BROKER:
            names.append(f"{reg} Network Broker {k}")
            descriptions.append(f"network broker in {reg}")
        elif r == CENTRE:
            names.append(f"{label} Technical Centre {reg}")
            descriptions.append(f"specialised centre for {sec} in {reg}")
        elif r == ASSOC:
            if sector[i] < 0:
                names.append("National Chamber of Commerce")
                descriptions.append("general chamber of commerce")
            elif region[i] == 0 and k - 1 <= gen.S:
                names.append(f"National {label} Association")
                descriptions.append(f"national association of the {sec} sector")
            else:
                names.append(f"{label} Association of {reg} {k}")
                descriptions.append(f"regional association of the {sec} sector")
        elif r == DONOR:
            names.append(f"Development Fund {k}")
            descriptions.append("donor")
        else:
            names.append(f"{BDS_WORDS[words[i]]} {reg} {k}")
            descriptions.append(f"business development service provider in {reg}")
    return names, descriptions


def _lookups(gen: Builder) -> None:
    """Lookup tables per region and (region, sector) cell, for local choices."""
    R, S = gen.R, gen.S
    role, region, sector = gen.role, gen.inst_region, gen.inst_sector
    centres, assocs = gen.role_idx[CENTRE], gen.role_idx[ASSOC]
    gen.rc_of_region = np.full(R, -1, dtype=np.int64)
    gen.rc_of_region[region[gen.role_idx[REGIONAL]]] = gen.role_idx[REGIONAL]
    gen.centre_of_cell = np.full((R, S), -1, dtype=np.int64)
    for c in centres[::-1]:  # the first centre of a sector serves the whole country ...
        gen.centre_of_cell[:, sector[c]] = c
    for c in centres[::-1]:  # ... unless the region has its own
        gen.centre_of_cell[region[c], sector[c]] = c
    gen.assoc_of_cell = np.full((R, S), assocs[0], dtype=np.int64)
    for a in assocs[1:][::-1]:
        if region[a] == 0:
            gen.assoc_of_cell[:, sector[a]] = a
    for a in assocs[1:][::-1]:
        if region[a] != 0:
            gen.assoc_of_cell[region[a], sector[a]] = a
    # Per-region candidates by kind (sorted by id).
    gen.bds_of_region = [np.flatnonzero((role == BDS) & (region == r)) for r in range(R)]
    gen.brokers_of_region = [
        np.flatnonzero((role == BROKER) & (region == r)) for r in range(R)
    ]
    local = (role == BDS) | (role == BROKER) | (role == CENTRE) | (role == REGIONAL)
    local_ids = np.flatnonzero(local)
    order, start, count = grouped(region[local_ids], R)
    gen.local_groups = (local_ids[order], start, count)

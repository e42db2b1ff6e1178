"""Enterprises, the networks they form and the needs of both."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .arrays import grouped
from .spec import SERVICES, YEAR

if TYPE_CHECKING:
    from .builder import Builder


def draw_enterprises(gen: Builder) -> None:
    rng, E, S = gen.rng, gen.E, gen.S
    cell = rng.choice(gen.R * S, E, p=gen.cell_p)
    gen.e_cell = cell
    gen.e_region = cell // S
    gen.e_sector = cell % S
    gen.e_size = rng.choice(4, E, p=[0.62, 0.26, 0.10, 0.02])
    age = np.minimum(rng.exponential(14.0, E).astype(np.int64), 74)
    since = YEAR - age
    gen.e_since = np.where(rng.random(E) < 0.85, since, 0)
    until = np.minimum(since + 1 + rng.geometric(0.1, E), YEAR)
    gen.e_until = np.where((rng.random(E) < 0.02) & (until > since), until, 0)
    gen.e_private = rng.random(E) < 0.01


def draw_networks(gen: Builder) -> None:
    rng, E, N, R, S = gen.rng, gen.E, gen.N, gen.R, gen.S
    founders = rng.choice(E, N, replace=False)
    order = np.lexsort((founders, gen.e_cell[founders]))
    founders = founders[order]
    gen.n_cell = gen.e_cell[founders]
    gen.n_region = gen.n_cell // S
    gen.n_sector = gen.n_cell % S
    net_order, net_start, net_count = grouped(gen.n_cell, R * S)
    cnt = net_count[gen.e_cell]
    share = float((cnt > 0).mean())
    p_join = min(0.9, 0.35 / share) if share > 0 else 0.0
    u, v = rng.random(E), rng.random(E)
    member = (cnt > 0) & (u < p_join)
    e_net = np.full(E, -1, dtype=np.int64)
    pos = net_start[gen.e_cell[member]] + (v[member] ** 1.5 * cnt[member]).astype(np.int64)
    e_net[member] = net_order[pos]
    e_net[founders] = np.arange(N)
    member[founders] = True
    gen.e_net, gen.e_member = e_net, member
    base = np.maximum(gen.e_since[founders], 0)
    gen.n_since = np.where(
        rng.random(N) < 0.9, np.maximum(base, rng.integers(1995, 2024, N)), 0,
    )
    gen.n_until = np.where(
        rng.random(N) < 0.03, np.minimum(gen.n_since + rng.integers(2, 12, N), YEAR), 0,
    )
    # A network without a known start has no end year either (0 + a few years is no year).
    gen.n_until[(gen.n_until <= gen.n_since) | (gen.n_since == 0)] = 0


def draw_needs(gen: Builder) -> None:
    rng, E, N, S = gen.rng, gen.E, gen.N, gen.S
    n_svc = len(SERVICES)
    tilt = gen.demand_w[None, :] * np.exp(rng.normal(0.0, 0.7, (S, n_svc)))
    tilt /= tilt.sum(axis=1, keepdims=True)
    picks = np.empty((E, 3), dtype=np.int64)
    order, start, count = grouped(gen.e_sector, S)
    for s in range(S):
        members = order[start[s]:start[s] + count[s]]
        picks[members] = rng.choice(n_svc, (members.size, 3), p=tilt[s])
    k = rng.choice(3, E, p=[0.5, 0.32, 0.18]) + 1
    keep = np.ones((E, 3), dtype=bool)
    keep[:, 1] = picks[:, 1] != picks[:, 0]
    keep[:, 2] = (picks[:, 2] != picks[:, 0]) & (picks[:, 2] != picks[:, 1])
    keep &= np.arange(3)[None, :] < k[:, None]
    priority = rng.choice(3, (E, 3), p=[0.3, 0.45, 0.25]) + 1
    rows = np.broadcast_to((gen.I + N + np.arange(E))[:, None], (E, 3))
    # Networks: a third have one or two needs.
    n_has = rng.random(N) < 0.35
    n_k = rng.integers(1, 3, N)
    n_picks = rng.choice(n_svc, (N, 2), p=gen.demand_w)
    n_keep = np.stack([n_has, n_has & (n_k == 2) & (n_picks[:, 1] != n_picks[:, 0])], axis=1)
    n_prio = rng.choice(3, (N, 2), p=[0.4, 0.4, 0.2]) + 1
    n_rows = np.broadcast_to((gen.I + np.arange(N))[:, None], (N, 2))
    actor = np.concatenate([n_rows[n_keep], rows[keep]])
    svc = np.concatenate([n_picks[n_keep], picks[keep]])
    prio = np.concatenate([n_prio[n_keep], priority[keep]])
    gen.needs = (actor, svc, prio)

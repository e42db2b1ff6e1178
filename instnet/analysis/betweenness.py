"""Subset betweenness of the referral graph (docs/semantics.md), exact at national scale.

:func:`subset_betweenness` is exactly ``networkx.betweenness_centrality_subset(G,
sources, targets, normalized=False, weight=None)`` on
:func:`instnet.graph.referral_graph`, with sources = actors with needs and
targets = institutions that offer something. docs/bottlenecks.md explains the
batched target-rooted algorithm and why it is exact.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..graph import CodedGraph, coded_graph
from .codedgraph import csr_entries, group_by_outset
from ..model import Ecosystem
from ..schema import KINDS

__all__ = ["subset_betweenness"]

_BATCH = 256  # general fallback: sources processed together


def _sources_and_targets(eco: Ecosystem, g: CodedGraph) -> tuple[np.ndarray, np.ndarray]:
    sources = np.unique(g.need_actor)
    targets = np.unique(g.offer_actor)
    targets = targets[g.is_institution[targets]]
    return sources[sources >= 0], targets[targets >= 0]


def subset_betweenness(eco: Ecosystem, *, institutions_only: bool = True,
                       graph: CodedGraph | None = None) -> pd.Series:
    """Subset betweenness of the referral graph (docs/semantics.md).

    Sources are the actors with at least one need, targets the institutions with
    at least one offer. For every source ``s`` and target ``t != s``, each node
    strictly inside a shortest ``s -> t`` path gets ``sigma_st(v) / sigma_st``;
    a target is credited only where it lies inside a path to another target.
    Unnormalised, unweighted (hop counts; link weights are ignored), directed:
    exactly ``networkx.betweenness_centrality_subset(referral_graph(eco),
    sources, targets, normalized=False, weight=None)``.

    Computed exactly at national scale (docs/bottlenecks.md): the referral
    channels never enter an enterprise and enter a network only from an
    enterprise, so each source only matters through its *entries* into the
    institution graph (sources with the same entries are one weighted key: a
    million enterprises make some 30,000 keys), and a breadth-first search per
    *target* on the reversed institution graph, run for blocks of targets at
    once as sparse-matrix products, accumulates every source's dependency.
    Should a graph break that shape, a source-rooted Brandes runs instead, with
    sources grouped by out-neighbour set.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem.
    institutions_only : bool, default True
        Return institutions only (else every actor, as networkx does).
    graph : CodedGraph, optional
        Precomputed :func:`instnet.graph.coded_graph` ``(eco)`` (the default).

    Returns
    -------
    pandas.Series
        Float betweenness indexed by actor id (name ``betweenness``).

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "e1", "name": "Shop", "kind": "enterprise"},
    ...             {"id": "e2", "name": "Mill", "kind": "enterprise"},
    ...             {"id": "b", "name": "Broker", "kind": "broker"},
    ...             {"id": "p", "name": "Lab", "kind": "bds_provider"}],
    ...     services=[{"id": "s", "name": "Testing", "category": "technology"}],
    ...     offers=[{"actor": "p", "service": "s"}],
    ...     needs=[{"actor": "e1", "service": "s"}, {"actor": "e2", "service": "s"}],
    ...     links=[{"source": "e1", "target": "b", "type": "client_of"},
    ...            {"source": "e2", "target": "b", "type": "client_of"},
    ...            {"source": "b", "target": "p", "type": "refers_to"}])
    >>> subset_betweenness(eco).to_dict()
    {'b': 2.0, 'p': 0.0}
    """
    g = graph if graph is not None else coded_graph(eco)
    sources, targets = _sources_and_targets(eco, g)
    bet = np.zeros(g.n)
    if len(sources) and len(targets) and len(g.src):
        if not _betweenness_tiered(g, sources, targets, bet):
            _betweenness(g, sources, targets, bet)
    out = pd.Series(bet, index=g.ids, name="betweenness")
    if institutions_only:
        out = out[g.is_institution]
    out.index.name = "id"
    return out


def _betweenness_tiered(g: CodedGraph, sources: np.ndarray, targets: np.ndarray, bet: np.ndarray,
                        batch: int | None = None) -> bool:
    """Target-rooted exact subset betweenness for the referral graph's shape, batched.

    Needs: every edge is enterprise -> network/institution, network ->
    institution or institution -> institution; sources are enterprises or
    networks; targets institutions. Returns False (doing nothing) otherwise.

    For a target ``t`` let ``rho(v) = sum over sources s of w_s * sigma_sv /
    sigma_st`` over sources with ``v`` on a shortest ``s -> t`` path; then ``v``
    gains ``sigma_vt * rho(v)``, and ``rho(v)`` is the source term plus the
    ``rho`` of the in-neighbours one step further from ``t``.

    Sources never lie inside a path, so each one only needs its *entries*: the
    institutions its paths reach first, at offset 0 (a direct channel) or 1
    (through a network, which is credited along). Sources with the same
    multiset of entries form one *key* (weight = how many); a key with a
    single entry is a plain weight on that institution (and its networks gain
    that weight once per target the institution reaches). A block of targets
    is searched at once, one column each: a level-synchronous breadth-first
    search on the reversed institution graph by sparse products, the keys as
    one layer (minimum over entries), then the accumulation back level by
    level, again by sparse products.
    """
    ent, net = KINDS.index("enterprise"), KINDS.index("network")
    kind = g.kind
    inst = g.is_institution
    ks, kd = kind[g.src], kind[g.dst]
    ok_edge = ((ks == ent) & ((kd == net) | inst[g.dst])) | ((ks == net) & inst[g.dst]) | (inst[g.src] & inst[g.dst])
    if not ok_edge.all() or inst[sources].any() or not inst[targets].all():
        return False
    inst_nodes = np.flatnonzero(inst)
    ni = len(inst_nodes)
    pos = np.full(g.n, -1, dtype=np.int64)
    pos[inst_nodes] = np.arange(ni)
    ii = inst[g.src]
    h = sp.csr_matrix((np.ones(int(ii.sum())), (pos[g.src[ii]], pos[g.dst[ii]])), shape=(ni, ni))
    h.sum_duplicates()
    h.data[:] = 1.0
    ht = h.T.tocsr()
    keys = _entry_keys(g, sources, pos)
    # single-entry keys: a weight on the institution; networks credited per reached target
    a_inst = np.zeros(ni)
    np.add.at(a_inst, keys.single_u, keys.single_w)
    big = 32000 if ni < 30000 else 2**31 - 2
    dt = np.int16 if ni < 30000 else np.int32
    lay = keys.layer
    reach = np.zeros(ni)
    ecredit = np.zeros(len(lay.u))
    bet_inst = np.zeros(ni)
    tpos = pos[targets]
    b = batch or max(16, min(512, int(6e7 // max(1, 8 * (ni + len(lay.u))))))
    for b0 in range(0, len(tpos), b):
        tb = tpos[b0:b0 + b]
        nb = len(tb)
        cols = np.arange(nb)
        # 1. level-synchronous reversed BFS on H: distance and path count to each target
        d = np.full((ni, nb), big, dtype=dt)
        d[tb, cols] = 0
        front = np.zeros((ni, nb))
        front[tb, cols] = 1.0
        sig = front.copy()
        level = 0
        at = [front > 0]  # at[l]: nodes at distance l of each target
        unseen = ~at[0]
        while True:
            nxt = h @ front
            new = nxt > 0
            new &= unseen
            if not new.any():
                break
            level += 1
            unseen &= ~new
            at.append(new)
            d[new] = level
            nxt *= new
            front = nxt
            sig += front
        del front, nxt, new, unseen
        reached = sig > 0
        reach += reached.sum(axis=1)
        rho = a_inst[:, None] / np.where(reached, sig, np.inf)
        # 2. keys with several entries
        if len(lay.u):
            rho += lay.run(d, sig, big, ecredit)
        # 3. institutions, farthest first
        for lv in range(level, 0, -1):
            x = ht @ (rho * at[lv])
            x *= at[lv - 1]
            rho += x
        del at
        credit = sig * rho
        credit[tb, cols] = 0.0
        bet_inst += credit.sum(axis=1)
    bet[inst_nodes] += bet_inst
    # networks: their share of every entry through them
    np.add.at(bet, keys.single_net, keys.single_net_w * reach[keys.single_net_u])
    np.add.at(bet, keys.multi_net, keys.multi_net_w * ecredit[keys.multi_net_e])
    return True


@dataclass
class _Keys:
    single_u: np.ndarray       # institution of each single-entry key
    single_w: np.ndarray       # its weight
    single_net: np.ndarray     # network, institution, weight share: single-entry keys through a network
    single_net_u: np.ndarray
    single_net_w: np.ndarray
    layer: _Layer              # keys with several entries
    multi_net: np.ndarray      # network, entry of the layer, share of the entry's credit
    multi_net_e: np.ndarray
    multi_net_w: np.ndarray


def _entry_keys(g: CodedGraph, sources: np.ndarray, pos: np.ndarray) -> _Keys:
    """Group the sources by their multiset of (institution, offset) entries."""
    net = KINDS.index("network")
    kind = g.kind
    ptr, idx = g.out_ptr
    ent_src = sources[(kind[sources] != net) & (g.out_degree[sources] > 0)]
    reps_w: list[tuple[int, float, bool]] = []
    if len(ent_src):
        grp, reps = group_by_outset(g, ent_src)
        w = np.bincount(grp, minlength=len(reps)).astype(np.float64)
        reps_w += [(r, x, False) for r, x in zip(reps.tolist(), w.tolist())]
    reps_w += [(int(s), 1.0, True) for s in sources[kind[sources] == net].tolist()]
    outs: dict[int, list[int]] = {}

    def out(x: int) -> list[int]:
        o = outs.get(x)
        if o is None:
            o = outs[x] = idx[ptr[x]:ptr[x + 1]].tolist()
        return o

    key_of: dict[tuple[tuple[int, int], ...], int] = {}
    key_w: list[float] = []
    key_entries: list[tuple[tuple[int, int], ...]] = []
    raw_net: list[tuple[int, int, int, float]] = []  # (key, entry (u, 1), network, weight)
    for r, w, is_net in reps_w:
        direct: set[int] = set()
        via: list[tuple[int, int]] = []
        for x in out(r):
            if is_net or kind[x] != net:
                direct.add(int(pos[x]))
            else:
                via += [(int(pos[u]), x) for u in out(x)]
        ent = [(u, 0) for u in direct] + [(u, 1) for u, _x in via if u not in direct]
        if not ent:
            continue
        key = tuple(sorted(ent))
        k = key_of.get(key)
        if k is None:
            k = key_of[key] = len(key_w)
            key_w.append(0.0)
            key_entries.append(key)
        key_w[k] += w
        raw_net += [(k, u, x, w) for u, x in via if u not in direct]
    # distinct entries per key with multiplicity
    single_u, single_w, lay_k, lay_u, lay_off, lay_c = [], [], [], [], [], []
    entry_at: dict[tuple[int, int], int] = {}
    n_multi = 0
    kinfo: list[tuple[int, int]] = []  # per key: (-1, u) if single else (layer key, -1)
    for k, key in enumerate(key_entries):
        distinct: dict[tuple[int, int], int] = {}
        for e in key:
            distinct[e] = distinct.get(e, 0) + 1
        if len(distinct) == 1:
            (u, _off), c = next(iter(distinct.items()))
            single_u.append(u)
            single_w.append(key_w[k])
            kinfo.append((-1, c))
            continue
        for (u, off), c in distinct.items():
            entry_at[(k, u)] = len(lay_u)
            lay_k.append(n_multi)
            lay_u.append(u)
            lay_off.append(off)
            lay_c.append(c)
        kinfo.append((n_multi, 1))
        n_multi += 1
    multi_w = np.zeros(n_multi)
    for k, (m, _c) in enumerate(kinfo):
        if m >= 0:
            multi_w[m] = key_w[k]
    s_net, s_u, s_w, m_net, m_e, m_w = [], [], [], [], [], []
    for k, u, x, w in raw_net:
        m, c = kinfo[k]
        if m < 0:
            s_net.append(x)
            s_u.append(u)
            s_w.append(w / c)
        else:
            m_net.append(x)
            m_e.append(entry_at[(k, u)])
            m_w.append(w / key_w[k])
    i64 = np.int64
    layer = _Layer(np.array(lay_k, dtype=i64), np.array(lay_u, dtype=i64), np.array(lay_off, dtype=i64),
                   np.array(lay_c, dtype=np.float64), multi_w)
    return _Keys(np.array(single_u, dtype=i64), np.array(single_w), np.array(s_net, dtype=i64),
                 np.array(s_u, dtype=i64), np.array(s_w), layer, np.array(m_net, dtype=i64),
                 np.array(m_e, dtype=i64), np.array(m_w))


class _Layer:
    """Keys with several entries: key ``k`` reaches institution ``u[e]`` after ``off[e]`` extra links.

    ``run`` gives each key its distance to every target of the block (1 + the
    nearest entry's), its path count (entries at that distance, ``c[e]`` paths
    each), and returns the ``rho`` each key pushes into the institutions; it
    adds each entry's credit (``sigma_u * weight / sigma_key`` over the targets
    where it is nearest) to ``ecredit``.
    """

    def __init__(self, key: np.ndarray, u: np.ndarray, off: np.ndarray, c: np.ndarray, w: np.ndarray):
        self.key, self.u, self.off, self.c, self.w = key, u, off.astype(np.int16), c, w
        m = len(w)
        deg = np.bincount(key, minlength=m)
        self.start = np.cumsum(deg) - deg
        self.slots = [np.flatnonzero(deg > j) for j in range(1, int(deg.max(initial=1)))]
        n_e = len(u)
        self.agg = sp.csr_matrix((c, (key, np.arange(n_e))), shape=(m, n_e))
        self.ni = 0
        self.buf: tuple[np.ndarray, ...] | None = None

    def run(self, d: np.ndarray, sig: np.ndarray, big: int, ecredit: np.ndarray) -> np.ndarray:
        ni, nb = d.shape
        n_e = len(self.u)
        if self.ni != ni:
            self.ni = ni
            self.push = sp.csr_matrix((self.c, (self.u, np.arange(n_e))), shape=(ni, n_e))
        if self.buf is None or self.buf[0].shape[1] != nb:  # reused: fresh pages cost as much as the work
            self.buf = (np.empty((n_e, nb), dtype=d.dtype), np.empty((n_e, nb), dtype=bool),
                        np.empty((n_e, nb)), np.empty((n_e, nb)))
        vals, on, su, inj = self.buf
        np.take(d, self.u, axis=0, out=vals)
        vals += self.off[:, None].astype(vals.dtype)
        dmin = vals[self.start]  # nearest entry of each key, slot by slot
        for j, rows in enumerate(self.slots, start=1):
            dmin[rows] = np.minimum(dmin[rows], vals[self.start[rows] + j])
        np.minimum(dmin, big, out=dmin)  # unreachable entries have sigma 0: harmless
        np.equal(vals, np.take(dmin, self.key, axis=0), out=on)
        np.take(sig, self.u, axis=0, out=su)
        np.multiply(su, on, out=inj)
        sk = self.agg @ inj
        sk[sk == 0] = np.inf
        rk = self.w[:, None] / sk
        np.take(rk, self.key, axis=0, out=inj)
        inj *= on
        ecredit += np.einsum("ij,ij->i", inj, su)
        return self.push @ inj


def _betweenness(g: CodedGraph, sources: np.ndarray, targets: np.ndarray, bet: np.ndarray) -> None:
    n = g.n
    indeg = g.in_degree
    ptr, idx = g.out_ptr
    # A node is "closed" when nothing can reach it back from its out-neighbours:
    # every in-neighbour has no in-edge itself (or it has no in-edge at all).
    has_in = indeg > 0
    reach_back = np.zeros(n, dtype=bool)
    np.logical_or.at(reach_back, g.dst, has_in[g.src])
    closed = ~reach_back

    # Group closed sources by out-neighbour set; others are searched one by one.
    keys: dict[tuple[int, ...], float] = defaultdict(float)
    real: list[int] = []
    for s in sources.tolist():
        if closed[s]:
            o = tuple(idx[ptr[s]:ptr[s + 1]].tolist())
            if o:
                keys[o] += 1.0
        else:
            real.append(s)
    # Reduce singleton keys {x} with x closed: credit x with its reachable
    # targets, then x's out-neighbour set carries the weight on.
    credits: list[tuple[int, float, tuple[int, ...]]] = []
    changed = True
    while changed:
        changed = False
        for o in [o for o in keys if len(o) == 1 and closed[o[0]]]:
            w = keys.pop(o)
            x = o[0]
            ox = tuple(idx[ptr[x]:ptr[x + 1]].tolist())
            if ox:
                credits.append((x, w, ox))
                keys[ox] += 0.0  # make sure its search runs
                keys[ox] += w
                changed = True
    columns: list[tuple[tuple[int, ...], int, float]] = [(o, -1, w) for o, w in keys.items()]
    columns += [((), s, 1.0) for s in real]
    if not columns:
        return

    # The nodes any search can visit.
    start = np.zeros(n, dtype=bool)
    for o, s, _w in columns:
        start[list(o) if o else [s]] = True
    a = g.adjacency
    seen = start.copy()
    frontier = start
    while frontier.any():
        nxt = (a.T @ frontier.astype(np.float64)) > 0
        frontier = nxt & ~seen
        seen |= frontier
    nodes = np.flatnonzero(seen)
    local = np.full(n, -1, dtype=np.int64)
    local[nodes] = np.arange(len(nodes))
    sub = a[nodes][:, nodes].tocsr()
    sub_t = sub.T.tocsr()
    is_target = np.zeros(n, dtype=bool)
    is_target[targets] = True
    tgt = is_target[nodes].astype(np.float64)

    reached_targets: dict[tuple[int, ...], float] = {}
    bet_local = np.zeros(len(nodes))
    for b0 in range(0, len(columns), _BATCH):
        batch = columns[b0:b0 + _BATCH]
        reached = _brandes_batch(sub, sub_t, tgt, local, batch, bet_local)
        for (o, s, _w), r in zip(batch, reached):
            if s < 0:
                reached_targets[o] = r
    bet[nodes] += bet_local
    for x, w, ox in credits:
        bet[x] += w * reached_targets[ox]


def _brandes_batch(sub: sp.csr_matrix, sub_t: sp.csr_matrix, tgt: np.ndarray, local: np.ndarray,
                   batch: list[tuple[tuple[int, ...], int, float]], bet: np.ndarray) -> np.ndarray:
    """Brandes' accumulation for a batch of searches as dense-column matrix products.

    A column is either a virtual source (level 1 = its out-neighbour set, each
    reached by one path) or a real source node (level 0). Adds the weighted
    dependencies to ``bet`` and returns the number of targets each column reaches
    (levels >= 1).
    """
    m, b = sub.shape[0], len(batch)
    dist = np.full((m, b), -1, dtype=np.int16)
    sigma = np.zeros((m, b))
    weights = np.empty(b)
    for j, (o, s, w) in enumerate(batch):
        weights[j] = w
        if s >= 0:
            dist[local[s], j] = 0
            sigma[local[s], j] = 1.0
        else:
            rows = local[list(o)]
            dist[rows, j] = 1
            sigma[rows, j] = 1.0
    level = 0
    while True:
        front = np.where(dist == level, sigma, 0.0)
        if not front.any() and level >= 1:
            break
        new = sub_t @ front
        fresh = (new > 0) & (dist == -1)
        dist[fresh] = level + 1
        sigma[fresh] = new[fresh]
        level += 1
    top = level  # no node sits at this level
    delta = np.zeros((m, b))
    for lv in range(top - 1, 0, -1):
        at_next = dist == lv + 1
        coeff = np.zeros((m, b))
        np.divide(delta + tgt[:, None], sigma, out=coeff, where=at_next)
        contrib = sub @ coeff
        at = dist == lv
        delta[at] += sigma[at] * contrib[at]
    bet += delta @ weights
    return ((dist >= 1) & (tgt[:, None] > 0)).sum(axis=0).astype(np.float64)

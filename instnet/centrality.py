"""Classic network measures of the referral graph (DESIGN.md section 3).

* :func:`subset_betweenness` -- shortest-path betweenness with sources = actors
  with needs and targets = institutions that offer something, unnormalised and
  unweighted, exactly ``networkx.betweenness_centrality_subset(G, sources,
  targets, normalized=False, weight=None)`` on :func:`instnet.graph.referral_graph`.
* :func:`articulation` and :func:`bridges` -- cut vertices and cut edges of the
  undirected institution graph (institutions only, referral channels only).
* :func:`brokerage` -- Gould-Fernandez brokerage role counts with actor kind as
  the group.

Everything runs on integer-coded arrays (:class:`CodedGraph`), so a national
ecosystem (a million enterprises) takes seconds; docs/bottlenecks.md explains
the algorithms and why they are exact.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from .graph import referral_edges
from .model import Ecosystem
from .schema import INSTITUTION_KINDS, KINDS

__all__ = [
    "BROKERAGE_ROLES",
    "CodedGraph",
    "articulation",
    "bridges",
    "brokerage",
    "subset_betweenness",
]

#: Gould-Fernandez roles, in the order they are reported.
BROKERAGE_ROLES = ("coordinator", "gatekeeper", "representative", "consultant", "liaison")

_BATCH = 256  # betweenness: sources processed together


@dataclass(frozen=True, eq=False)
class CodedGraph:
    """The referral graph as integer arrays (node ``i`` is ``ids[i]``).

    ``src``/``dst``/``weight`` hold one entry per referral edge (self-loops
    dropped); ``kind`` holds the index of each node's kind in
    :data:`instnet.schema.KINDS`.
    """

    ids: pd.Index
    kind: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray

    @classmethod
    def of(cls, eco: Ecosystem, edges: pd.DataFrame | None = None) -> CodedGraph:
        """Code ``eco``'s referral graph (``edges``: precomputed :func:`referral_edges`)."""
        if edges is None:
            edges = referral_edges(eco)
        ids = pd.Index(eco.actors.index, dtype=object)
        kind = pd.Categorical(eco.actors["kind"].to_numpy(), categories=list(KINDS)).codes.astype(np.int8)
        src = ids.get_indexer(edges["source"].to_numpy())
        dst = ids.get_indexer(edges["target"].to_numpy())
        keep = src != dst
        return cls(ids, kind, src[keep].astype(np.int64), dst[keep].astype(np.int64),
                   edges["weight"].to_numpy(dtype=np.float64)[keep])

    @property
    def n(self) -> int:
        return len(self.ids)

    @cached_property
    def is_institution(self) -> np.ndarray:
        inst = np.array([k in INSTITUTION_KINDS for k in KINDS])
        return inst[self.kind]

    @cached_property
    def adjacency(self) -> sp.csr_matrix:
        """Sparse 0/1 matrix, ``[u, v] = 1`` for the edge u -> v."""
        return sp.csr_matrix((np.ones(len(self.src)), (self.src, self.dst)), shape=(self.n, self.n))

    @cached_property
    def out_ptr(self) -> tuple[np.ndarray, np.ndarray]:
        """CSR (indptr, indices) of out-neighbours, indices sorted."""
        a = self.adjacency
        a.sort_indices()
        return a.indptr, a.indices

    @cached_property
    def in_degree(self) -> np.ndarray:
        return np.bincount(self.dst, minlength=self.n)

    @cached_property
    def out_degree(self) -> np.ndarray:
        return np.bincount(self.src, minlength=self.n)

    def out(self, u: int) -> np.ndarray:
        ptr, idx = self.out_ptr
        return idx[ptr[u]:ptr[u + 1]]


# --------------------------------------------------------------------------- betweenness


def _sources_and_targets(eco: Ecosystem, g: CodedGraph) -> tuple[np.ndarray, np.ndarray]:
    sources = np.unique(g.ids.get_indexer(eco.needs["actor"].unique()))
    targets = np.unique(g.ids.get_indexer(eco.offers["actor"].unique()))
    targets = targets[g.is_institution[targets]]
    return sources[sources >= 0], targets[targets >= 0]


def subset_betweenness(eco: Ecosystem, *, institutions_only: bool = True,
                       graph: CodedGraph | None = None) -> pd.Series:
    """Subset betweenness of the referral graph (DESIGN.md section 3).

    Sources are the actors with at least one need, targets the institutions with
    at least one offer. For every source ``s`` and target ``t != s``, each node
    strictly inside a shortest ``s -> t`` path gets ``sigma_st(v) / sigma_st``;
    a target is credited only where it lies inside a path to another target.
    Unnormalised, unweighted (hop counts; link weights are ignored), directed:
    exactly ``networkx.betweenness_centrality_subset(referral_graph(eco),
    sources, targets, normalized=False, weight=None)``.

    Computed exactly at national scale (docs/bottlenecks.md): the referral
    channels only ever enter an enterprise never, a network only from an
    enterprise, so one breadth-first search per *target* on the reversed
    institution graph, plus one pass over the networks and over the sources
    grouped by their set of out-neighbours (a million enterprises make a few
    ten thousand groups), accumulates every source's dependency at once. Should
    a graph break that shape, a source-rooted Brandes runs instead, with sources
    grouped the same way.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem.
    institutions_only : bool, default True
        Return institutions only (else every actor, as networkx does).
    graph : CodedGraph, optional
        Precomputed :meth:`CodedGraph.of` ``(eco)``.

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
    g = graph if graph is not None else CodedGraph.of(eco)
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


def group_by_outset(g: CodedGraph, nodes: np.ndarray, extra: np.ndarray | None = None,
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Group ``nodes`` by (``extra`` columns, sorted out-neighbour set).

    Returns ``(group of each node, one representative node per group)``; exact
    (array rows compared whole), vectorised for out-degrees up to 8.
    """
    ptr, idx = g.out_ptr
    nodes = np.asarray(nodes, dtype=np.int64)
    extra = np.zeros((len(nodes), 0), dtype=np.int64) if extra is None else np.asarray(extra, dtype=np.int64)
    deg = ptr[nodes + 1] - ptr[nodes]
    pad = 8
    small = deg <= pad
    group = np.empty(len(nodes), dtype=np.int64)
    reps: list[int] = []
    if small.any():
        s_nodes = nodes[small]
        ne = extra.shape[1]
        mat = np.full((len(s_nodes), pad + ne), -1, dtype=np.int64)
        mat[:, :ne] = extra[small]
        d = deg[small]
        rows = np.repeat(np.arange(len(s_nodes)), d)
        offs = np.arange(len(rows)) - np.repeat(np.cumsum(d) - d, d)
        mat[rows, ne + offs] = idx[np.repeat(ptr[s_nodes], d) + offs]
        mat = np.ascontiguousarray(mat)
        void = mat.view(np.dtype((np.void, mat.dtype.itemsize * mat.shape[1]))).ravel()
        _, first, inv = np.unique(void, return_index=True, return_inverse=True)
        group[small] = inv.ravel()
        reps.extend(s_nodes[first].tolist())
    seen: dict[tuple[int, ...], int] = {}
    for i in np.flatnonzero(~small).tolist():
        a = int(nodes[i])
        key = (*extra[i].tolist(), -2, *idx[ptr[a]:ptr[a + 1]].tolist())
        j = seen.get(key)
        if j is None:
            j = seen[key] = len(reps)
            reps.append(a)
        group[i] = j
    return group, np.array(reps, dtype=np.int64)


def _gather(ptr: np.ndarray, idx: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row of each entry, column of each entry) of the CSR ``rows``, vectorised."""
    d = ptr[rows + 1] - ptr[rows]
    rep = np.repeat(rows, d)
    offs = np.arange(len(rep)) - np.repeat(np.cumsum(d) - d, d)
    return rep, idx[np.repeat(ptr[rows], d) + offs]


def _betweenness_tiered(g: CodedGraph, sources: np.ndarray, targets: np.ndarray, bet: np.ndarray) -> bool:
    """Target-rooted exact subset betweenness for the referral graph's shape.

    Needs: every edge is enterprise -> network/institution, network ->
    institution or institution -> institution; sources are enterprises or
    networks; targets institutions. Returns False (doing nothing) otherwise.

    For a target ``t`` let ``rho(v) = sum over sources s of w_s * sigma_sv /
    sigma_st`` over sources with ``v`` on a shortest ``s -> t`` path; then ``v``
    gains ``sigma_vt * rho(v)`` (minus ``w_v`` when ``v`` is itself a source), and
    ``rho(v)`` is the source term ``w_v / sigma_vt`` plus the ``rho`` of the
    in-neighbours one step further from ``t``. Enterprises are grouped by
    out-neighbour set (weight = group size).
    """
    ent, net = KINDS.index("enterprise"), KINDS.index("network")
    kind = g.kind
    inst = g.is_institution
    ks, kd = kind[g.src], kind[g.dst]
    ok_edge = ((ks == ent) & ((kd == net) | inst[g.dst])) | ((ks == net) & inst[g.dst]) | (inst[g.src] & inst[g.dst])
    if not ok_edge.all() or inst[sources].any() or not inst[targets].all():
        return False
    n = g.n
    inst_nodes = np.flatnonzero(inst)
    net_nodes = np.flatnonzero(kind == net)
    ni, nn = len(inst_nodes), len(net_nodes)
    pos = np.full(n, -1, dtype=np.int64)
    pos[inst_nodes] = np.arange(ni)
    pos[net_nodes] = ni + np.arange(nn)  # combined space: institutions, then networks
    # institution graph, out- and in-CSR
    ii = inst[g.src]
    hu, hv = pos[g.src[ii]], pos[g.dst[ii]]
    h = sp.csr_matrix((np.ones(len(hu)), (hu, hv)), shape=(ni, ni))
    h.sort_indices()
    ht = h.T.tocsr()
    ht.sort_indices()
    # network -> institution edges, sorted by network
    ne = kind[g.src] == net
    e_net = pos[g.src[ne]] - ni
    e_dst = pos[g.dst[ne]]
    o = np.argsort(e_net, kind="stable")
    e_net, e_dst = e_net[o], e_dst[o]
    net_deg = np.bincount(e_net, minlength=nn)
    has_out = net_deg > 0
    net_start = (np.cumsum(net_deg) - net_deg)[has_out]
    # sources: network weights, enterprise groups
    is_src = np.zeros(n, dtype=bool)
    is_src[sources] = True
    src_net = np.zeros(nn)
    src_net[pos[sources[kind[sources] == net]] - ni] = 1.0
    ent_src = sources[kind[sources] == ent]
    ent_src = ent_src[g.out_degree[ent_src] > 0]
    a_inst = np.zeros(ni)
    a_net = np.zeros(nn)
    if len(ent_src):
        grp, reps = group_by_outset(g, ent_src)
        w = np.bincount(grp, minlength=len(reps)).astype(np.float64)
        rdeg = g.out_degree[reps]
        single = rdeg == 1
        ptr, idx = g.out_ptr
        x = pos[idx[ptr[reps[single]]]]
        np.add.at(a_inst, x[x < ni], w[single][x < ni])
        np.add.at(a_net, x[x >= ni] - ni, w[single][x >= ni])
        multi = np.flatnonzero(~single)
        k_key, k_mem = _gather(ptr, idx, reps[multi])
        k_key = np.repeat(np.arange(len(multi)), rdeg[multi])
        k_mem = pos[k_mem]
        k_w = w[multi]
        k_start = np.cumsum(rdeg[multi]) - rdeg[multi]
    else:
        k_key = k_mem = np.zeros(0, dtype=np.int64)
        k_w = np.zeros(0)
        k_start = np.zeros(0, dtype=np.int64)
    big = np.int64(1 << 40)
    bet_all = np.zeros(ni + nn)
    hptr, hidx = h.indptr, h.indices
    tptr, tidx = ht.indptr, ht.indices
    for t in pos[targets].tolist():
        # 1. reversed BFS on the institution graph: distance and path count to t
        d = np.full(ni, big)
        sig = np.zeros(ni)
        d[t] = 0
        sig[t] = 1.0
        levels = [np.array([t])]
        while True:
            front = levels[-1]
            rows, cand = _gather(tptr, tidx, front)
            fresh = d[cand] == big
            if not fresh.any():
                break
            cand, rows = cand[fresh], rows[fresh]
            add = np.bincount(cand, weights=sig[rows], minlength=ni)
            new = np.flatnonzero(add)
            d[new] = len(levels)
            sig[new] = add[new]
            levels.append(new)
        # 2. networks
        if nn:
            vals = d[e_dst]
            dmin_h = np.minimum.reduceat(vals, net_start) if len(net_start) else np.zeros(0, dtype=np.int64)
            dn = np.full(nn, big)
            dn[has_out] = dmin_h
            on_e = (vals == dn[e_net]) & (vals < big)
            sn = np.bincount(e_net[on_e], weights=sig[e_dst[on_e]], minlength=nn)
            dn = np.where(dn < big, dn + 1, big)
            dist_all = np.concatenate([d, dn])
            sig_all = np.concatenate([sig, sn])
        else:
            dist_all, sig_all, on_e = d, sig, np.zeros(0, dtype=bool)
        reach_all = dist_all < big
        rho = np.zeros(ni + nn)
        with np.errstate(divide="ignore", invalid="ignore"):
            rho[:ni] = np.where(reach_all[:ni], a_inst / sig_all[:ni], 0.0)
            if nn:
                rho[ni:] = np.where(reach_all[ni:], (a_net + src_net) / sig_all[ni:], 0.0)
        # 3. multi-channel enterprise groups
        if len(k_key):
            kv = dist_all[k_mem]
            kmin = np.minimum.reduceat(kv, k_start)
            on_k = (kv == kmin[k_key]) & (kv < big)
            sk = np.bincount(k_key[on_k], weights=sig_all[k_mem[on_k]], minlength=len(k_w))
            with np.errstate(divide="ignore", invalid="ignore"):
                rk = np.where(sk > 0, k_w / sk, 0.0)
            rho += np.bincount(k_mem[on_k], weights=rk[k_key[on_k]], minlength=ni + nn)
        # 4. networks push to institutions one step closer
        if nn and on_e.any():
            rho[:ni] += np.bincount(e_dst[on_e], weights=rho[ni + e_net[on_e]], minlength=ni)
        # 5. institutions, farthest first
        for lv in range(len(levels) - 1, 0, -1):
            u = levels[lv]
            rows, v = _gather(hptr, hidx, u)
            keep = d[v] == lv - 1
            rho[:ni] += np.bincount(v[keep], weights=rho[rows[keep]], minlength=ni)
        credit = sig_all * rho
        credit[t] = 0.0
        if nn:
            credit[ni:] -= np.where(reach_all[ni:], src_net, 0.0)
        bet_all += credit
    bet[inst_nodes] += bet_all[:ni]
    bet[net_nodes] += bet_all[ni:]
    return True


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


# --------------------------------------------------------------------------- articulation


def institution_graph(eco: Ecosystem, graph: CodedGraph | None = None) -> nx.Graph:
    """The undirected institution graph: institutions, joined where a referral channel runs.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> G = institution_graph(read_dataset("jamaica"))
    >>> G.has_edge("jampro_pc", "heart")
    True
    """
    g = graph if graph is not None else CodedGraph.of(eco)
    G = nx.Graph()
    G.add_nodes_from(g.ids[g.is_institution])
    both = g.is_institution[g.src] & g.is_institution[g.dst]
    G.add_edges_from(zip(g.ids[g.src[both]], g.ids[g.dst[both]]))
    return G


def articulation(eco: Ecosystem, *, graph: CodedGraph | None = None) -> pd.Series:
    """Whether each institution is an articulation point of the institution graph.

    The graph is undirected, institutions only, edges = referral channels between
    two institutions (enterprises and networks are left out, so an institution is
    a cut vertex when the *institutional* system falls apart without it).

    Returns
    -------
    pandas.Series
        Bool indexed by institution id (name ``articulation``).

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": x, "name": x, "kind": "broker"} for x in "abc"],
    ...     links=[{"source": "a", "target": "b", "type": "refers_to"},
    ...            {"source": "b", "target": "c", "type": "refers_to"}])
    >>> articulation(eco).to_dict()
    {'a': False, 'b': True, 'c': False}
    """
    G = institution_graph(eco, graph)
    cut = set(nx.articulation_points(G))
    ids = pd.Index(list(G.nodes), name="id")
    return pd.Series([i in cut for i in ids], index=ids, name="articulation", dtype=bool)


def bridges(eco: Ecosystem, *, graph: CodedGraph | None = None) -> pd.DataFrame:
    """Bridges (cut edges) of the undirected institution graph.

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``target`` (the two ends, in sorted string order),
        one row per bridge, sorted.

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": x, "name": x, "kind": "broker"} for x in "abc"],
    ...     links=[{"source": "a", "target": "b", "type": "refers_to"},
    ...            {"source": "b", "target": "c", "type": "partners_with"}])
    >>> bridges(eco).values.tolist()
    [['a', 'b'], ['b', 'c']]
    """
    G = institution_graph(eco, graph)
    rows = sorted(tuple(sorted((str(u), str(v)))) for u, v in nx.bridges(G))
    return pd.DataFrame(rows, columns=["source", "target"], dtype=object)


# --------------------------------------------------------------------------- brokerage


def brokerage(eco: Ecosystem, *, institutions_only: bool = True,
              graph: CodedGraph | None = None) -> pd.DataFrame:
    """Gould-Fernandez brokerage role counts, with actor kind as the group.

    ``b`` brokers each ordered pair ``(a, c)`` of distinct actors other than
    ``b`` with referral edges ``a -> b`` and ``b -> c`` and **no** edge
    ``a -> c`` (the classic definition: a direct tie makes the broker
    redundant; an edge ``c -> a`` does not matter). The role depends on the
    kinds of ``a``, ``b`` and ``c``:

    ==============  ==================================
    coordinator     all three of the same kind
    gatekeeper      ``b``, ``c`` same kind, ``a`` other
    representative  ``a``, ``b`` same kind, ``c`` other
    consultant      ``a``, ``c`` same kind, ``b`` other (itinerant)
    liaison         three different kinds
    ==============  ==================================

    Returns
    -------
    pandas.DataFrame
        Integer columns of :data:`BROKERAGE_ROLES` plus ``total``, indexed by
        actor id (institutions only unless ``institutions_only=False``).

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "e", "name": "Shop", "kind": "enterprise"},
    ...             {"id": "b", "name": "Broker", "kind": "broker"},
    ...             {"id": "p", "name": "Lab", "kind": "bds_provider"}],
    ...     links=[{"source": "e", "target": "b", "type": "client_of"},
    ...            {"source": "b", "target": "p", "type": "refers_to"}])
    >>> brokerage(eco).loc["b"].to_dict()
    {'coordinator': 0, 'gatekeeper': 0, 'representative': 0, 'consultant': 0, 'liaison': 1, 'total': 1}
    """
    g = graph if graph is not None else CodedGraph.of(eco)
    k = len(KINDS)
    brokers = np.flatnonzero((g.in_degree > 0) & (g.out_degree > 0))
    pos = np.full(g.n, -1, dtype=np.int64)
    pos[brokers] = np.arange(len(brokers))
    nb = len(brokers)
    kind = g.kind.astype(np.int64)
    # pairs[b, ga, gc]: ordered (a, c) with a -> b -> c, a != c, no a -> c.
    cin = np.zeros((nb, k))
    cout = np.zeros((nb, k))
    sel = pos[g.dst] >= 0
    np.add.at(cin, (pos[g.dst[sel]], kind[g.src[sel]]), 1)
    sel = pos[g.src] >= 0
    np.add.at(cout, (pos[g.src[sel]], kind[g.dst[sel]]), 1)
    pairs = cin[:, :, None] * cout[:, None, :]
    # a == c: mutual neighbours of b.
    code = g.src * g.n + g.dst
    rev = g.dst * g.n + g.src
    mutual = np.isin(rev, code) & (pos[g.dst] >= 0)
    ga = kind[g.src[mutual]]
    np.subtract.at(pairs, (pos[g.dst[mutual]], ga, ga), 1)
    # closed triads a -> b -> c with a -> c.
    closed = _closed_triads(g)
    for (b, a_kind, c_kind), cnt in closed.items():
        pairs[pos[b], a_kind, c_kind] -= cnt
    gb = kind[brokers][:, None, None]
    ga_ = np.arange(k)[None, :, None]
    gc_ = np.arange(k)[None, None, :]
    masks = {
        "coordinator": (ga_ == gb) & (gc_ == gb),
        "gatekeeper": (ga_ != gb) & (gc_ == gb),
        "representative": (ga_ == gb) & (gc_ != gb),
        "consultant": (ga_ == gc_) & (ga_ != gb),
        "liaison": (ga_ != gb) & (gc_ != gb) & (ga_ != gc_),
    }
    counts = np.zeros((g.n, len(BROKERAGE_ROLES)), dtype=np.int64)
    for j, role in enumerate(BROKERAGE_ROLES):
        counts[brokers, j] = np.rint((pairs * masks[role]).sum(axis=(1, 2))).astype(np.int64)
    out = pd.DataFrame(counts, index=pd.Index(g.ids, name="id"), columns=list(BROKERAGE_ROLES))
    out["total"] = counts.sum(axis=1)
    if institutions_only:
        out = out[g.is_institution]
    return out


def _closed_triads(g: CodedGraph) -> dict[tuple[int, int, int], int]:
    """Count closed triads (a -> b, b -> c, a -> c) by (b, kind(a), kind(c))."""
    ptr, idx = g.out_ptr
    outsets: dict[int, frozenset[int]] = {}

    def outset(u: int) -> frozenset[int]:
        s = outsets.get(u)
        if s is None:
            s = outsets[u] = frozenset(idx[ptr[u]:ptr[u + 1]].tolist())
        return s

    closed: dict[tuple[int, int, int], int] = defaultdict(int)
    kind = g.kind
    # Actors without in-edges (enterprises) grouped by (kind, out-set).
    groups: dict[tuple[int, tuple[int, ...]], int] = defaultdict(int)
    heads = np.flatnonzero(g.out_degree >= 2)
    indeg = g.in_degree
    for a in heads.tolist():
        o = idx[ptr[a]:ptr[a + 1]]
        if indeg[a] == 0:
            groups[(int(kind[a]), tuple(o.tolist()))] += 1
            continue
        oa = outset(a)
        for b in o.tolist():
            ob = outset(b)
            small, big = (ob, oa) if len(ob) < len(oa) else (oa, ob)
            for c in small:
                if c in big and c != a and c != b:
                    closed[(b, int(kind[a]), int(kind[c]))] += 1
    for (ka, o), cnt in groups.items():
        oa = frozenset(o)
        for b in o:
            for c in outset(b) & oa:
                if c != b:
                    closed[(b, ka, int(kind[c]))] += cnt
    return closed

"""The referral graph as integer arrays, shared by the bottleneck measures.

:class:`CodedGraph` codes :func:`instnet.graph.referral_graph` as integer
arrays; :func:`group_by_outset` groups nodes by their out-neighbour set (a
million enterprises make a few ten thousand groups).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..graph import referral_edges
from ..model import Ecosystem
from ..schema import INSTITUTION_KINDS, KINDS

__all__ = ["CodedGraph", "group_by_outset", "unique_rows"]


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
        first, inv = unique_rows(mat)
        group[small] = inv
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


def unique_rows(mat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(first row of each distinct row, distinct-row number of each row)`` of an integer matrix.

    Exact: rows are hashed to one 64-bit number each (a sort of a million
    numbers, not of a million byte strings), and the grouping is checked
    against the rows themselves; only a hash collision falls back to
    comparing whole rows. Distinct rows are numbered in no particular order.

    Examples
    --------
    >>> first, inv = unique_rows(np.array([[1, 2], [3, 4], [1, 2]]))
    >>> bool(inv[0] == inv[2] != inv[1]), sorted(first.tolist())
    (True, [0, 1])
    """
    m = np.ascontiguousarray(mat, dtype=np.int64)
    if m.ndim != 2 or not len(m):
        return np.zeros(0, dtype=np.int64), np.zeros(len(m), dtype=np.int64)
    h = np.zeros(len(m), dtype=np.uint64)
    mult = np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        for j in range(m.shape[1]):
            h ^= m[:, j].view(np.uint64)
            h *= mult
            h ^= h >> np.uint64(29)
    _, first, inv = np.unique(h, return_index=True, return_inverse=True)
    inv = inv.ravel().astype(np.int64)
    if (m == m[first[inv]]).all():
        return first.astype(np.int64), inv
    void = m.view(np.dtype((np.void, m.dtype.itemsize * m.shape[1]))).ravel()
    _, first, inv = np.unique(void, return_index=True, return_inverse=True)
    return first.astype(np.int64), inv.ravel().astype(np.int64)

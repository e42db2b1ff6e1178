"""Grouping and gathering on the coded referral graph (:class:`instnet.graph.CodedGraph`).

:func:`group_by_outset` groups nodes by their out-neighbour set (a million
enterprises make a few ten thousand groups); :func:`unique_rows` numbers the
distinct rows of an integer matrix; :func:`csr_entries` lists the entries of
some rows of a CSR matrix.
"""

from __future__ import annotations

import numpy as np

from ..graph import CodedGraph

__all__ = ["csr_entries", "group_by_outset", "unique_rows"]


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


def csr_entries(ptr: np.ndarray, idx: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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

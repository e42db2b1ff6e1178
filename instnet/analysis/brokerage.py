"""Gould-Fernandez brokerage role counts on the referral graph, kind as the group.

Counted without enumerating open triads: per broker, pairs by (kind of a, kind
of c) = in-counts x out-counts, minus the mutual ties (a = c), minus the closed
triads, which are enumerated (enterprises grouped by out-set).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from ..graph import CodedGraph, coded_graph
from ..model import Ecosystem
from ..schema import KINDS

__all__ = ["BROKERAGE_ROLES", "brokerage"]

#: Gould-Fernandez roles, in the order they are reported.
BROKERAGE_ROLES = ("coordinator", "gatekeeper", "representative", "consultant", "liaison")


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
    g = graph if graph is not None else coded_graph(eco)
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

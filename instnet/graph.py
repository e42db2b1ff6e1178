"""The directed referral graph of docs/semantics.md: coded once, viewed as a table or a networkx DiGraph.

:func:`coded_graph` is the one place where links become referral edges (which
link types are channels, which run both ways, one edge per ordered pair with
the largest weight); it codes them as integer arrays, once per ecosystem
object. Every analysis (paths, impact, load, betweenness, brokerage, cuts,
recommend) works on that :class:`CodedGraph`; :func:`referral_edges` (a table
of ids) and :func:`referral_graph` (networkx) are views of it.
"""

from __future__ import annotations

import gc
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .model import Ecosystem, arrow_strings
from .schema import INSTITUTION_KINDS, KINDS, LINK_RULES, LINK_TYPES

if TYPE_CHECKING:
    import networkx as nx
    import scipy.sparse as sp

__all__ = ["CodedGraph", "coded_graph", "referral_edges", "referral_graph"]

#: Per link type (in :data:`LINK_TYPES` order): a referral channel source -> target?
_FORWARD = np.array([bool(rule[2]) for rule in LINK_RULES.values()] + [False])
#: Per link type: a channel target -> source as well?
_BOTH = np.array([rule[2] == "both" for rule in LINK_RULES.values()] + [False])


@dataclass(frozen=True, eq=False)
class CodedGraph:
    """The referral graph of an ecosystem as integer arrays (node ``i`` is ``ids[i]``).

    Nodes are the actors in the order of ``eco.actors`` (``id_strings``; ``ids`` the
    same as a pandas Index of str objects, made on first use). ``src``/``dst``/``weight``
    hold one entry per referral edge (one per ordered pair of actors joined by
    at least one channel, weight the largest of theirs), sorted by the pair of
    node numbers (:attr:`by_ids` orders them by the pair of ids as strings);
    ``type_mask`` has bit ``j`` set when link type
    ``LINK_TYPES[j]`` joins the pair. ``kind`` holds the index of each node's
    kind in :data:`instnet.schema.KINDS`; ``need_actor`` and ``offer_actor`` the
    node of each row of ``eco.needs`` and ``eco.offers`` (-1 for an id that is
    not an actor).

    Build it with :func:`coded_graph` (once per ecosystem object).
    """

    id_strings: pa.Array
    kind: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    type_mask: np.ndarray
    need_actor: np.ndarray
    offer_actor: np.ndarray

    @classmethod
    def of(cls, eco: Ecosystem) -> CodedGraph:
        """The coded graph of ``eco`` (the same object as :func:`coded_graph`)."""
        return coded_graph(eco)

    @property
    def n(self) -> int:
        return len(self.id_strings)

    @cached_property
    def ids(self) -> pd.Index:
        """The actor id of each node."""
        return pd.Index(self.id_strings.to_numpy(zero_copy_only=False), dtype=object)

    @cached_property
    def order(self) -> np.ndarray:
        """Nodes in the order of their ids compared as strings (the ranking's tie-break)."""
        return pc.sort_indices(self.id_strings).to_numpy().astype(np.int64)

    @cached_property
    def rank(self) -> np.ndarray:
        """Position of each node in :attr:`order`."""
        rank = np.empty(self.n, dtype=np.int64)
        rank[self.order] = np.arange(self.n)
        return rank

    @cached_property
    def by_ids(self) -> np.ndarray:
        """The edges in the order of their (source id, target id), compared as strings."""
        return np.lexsort((self.rank[self.dst], self.rank[self.src]))

    @cached_property
    def is_institution(self) -> np.ndarray:
        inst = np.array([k in INSTITUTION_KINDS for k in KINDS])
        return inst[self.kind]

    @cached_property
    def is_enterprise(self) -> np.ndarray:
        return self.kind == KINDS.index("enterprise")

    @cached_property
    def adjacency(self) -> sp.csr_matrix:
        """Sparse 0/1 matrix, ``[u, v] = 1`` for the edge u -> v."""
        import scipy.sparse as sp

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

    def types(self, edges: np.ndarray | None = None) -> np.ndarray:
        """Sorted tuple of the link types joining each edge's pair (all edges, or ``edges``)."""
        masks = self.type_mask if edges is None else self.type_mask[edges]
        uniq, inv = np.unique(masks, return_inverse=True)
        names = sorted(range(len(LINK_TYPES)), key=lambda j: LINK_TYPES[j])
        table = np.empty(len(uniq), dtype=object)
        table[:] = [tuple(LINK_TYPES[j] for j in names if int(m) >> j & 1) for m in uniq.tolist()]
        return table[inv.ravel()] if len(masks) else np.zeros(0, dtype=object)


_CACHE: weakref.WeakKeyDictionary[Ecosystem, CodedGraph] = weakref.WeakKeyDictionary()


def coded_graph(eco: Ecosystem) -> CodedGraph:
    """Code the referral graph of ``eco`` (docs/semantics.md), once per ecosystem object.

    The referral channels are the link types whose rule in
    :data:`instnet.schema.LINK_RULES` has a direction (``forward``: source to
    target; ``both``: both ways); the channels joining one ordered pair of
    actors make one edge whose weight is the largest of theirs.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem (apply :meth:`Ecosystem.as_of` first for a given year).

    Returns
    -------
    CodedGraph

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "a", "name": "A", "kind": "policy_body"},
    ...             {"id": "b", "name": "B", "kind": "broker"}],
    ...     links=[{"source": "a", "target": "b", "type": "coordinates", "weight": 0.5},
    ...            {"source": "b", "target": "a", "type": "refers_to", "weight": 0.8}])
    >>> g = coded_graph(eco)
    >>> g.ids[g.src].tolist(), g.ids[g.dst].tolist(), g.weight.tolist()
    (['a', 'b'], ['b', 'a'], [0.5, 0.8])
    >>> coded_graph(eco) is g
    True
    """
    got = _CACHE.get(eco)
    if got is None:
        got = _CACHE[eco] = _code(eco)
    return got


def _code(eco: Ecosystem) -> CodedGraph:
    a_ids = arrow_strings(eco.actors.index)
    n = len(a_ids)
    links = eco.links
    # one dictionary encoding (actors first, so actor i gets code i) codes every id column in one hash pass
    cols = [links["source"], links["target"], eco.needs["actor"], eco.offers["actor"]]
    arrs = [arrow_strings(c) for c in cols]
    enc = pc.dictionary_encode(pa.concat_arrays([a_ids, *arrs])).indices.to_numpy(zero_copy_only=False)
    enc = enc.astype(np.int64)
    ends = np.cumsum([n] + [len(x) for x in arrs])
    s, t, need_actor, offer_actor = (np.where(enc[ends[i]:ends[i + 1]] < n, enc[ends[i]:ends[i + 1]], -1)
                                     for i in range(len(arrs)))
    ltype = arrow_strings(links["type"])
    tcode = pc.index_in(ltype, value_set=pa.array(LINK_TYPES, type=ltype.type)).to_numpy(zero_copy_only=False)
    tcode = np.nan_to_num(np.asarray(tcode, dtype=np.float64), nan=len(LINK_TYPES)).astype(np.int64)
    fwd, both = _FORWARD[tcode], _BOTH[tcode]
    w = links["weight"].to_numpy(dtype=np.float64)
    src = np.concatenate([s[fwd], t[both]])
    dst = np.concatenate([t[fwd], s[both]])
    wt = np.concatenate([w[fwd], w[both]])
    ty = np.concatenate([tcode[fwd], tcode[both]])
    ok = (src >= 0) & (dst >= 0) & (src != dst)
    src, dst, wt, ty = src[ok], dst[ok], wt[ok], ty[ok]
    # one edge per ordered pair: the channels of a pair sorted together, largest weight first
    key = src * max(n, 1) + dst
    order = np.lexsort((-wt, key))
    key, wt, ty = key[order], wt[order], ty[order]
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, dtype=np.int64)
    bits = np.left_shift(np.int64(1), ty).astype(np.uint16)
    mask = np.bitwise_or.reduceat(bits, first) if len(first) else np.zeros(0, dtype=np.uint16)
    src, dst, wt = key[first] // max(n, 1), key[first] % max(n, 1), wt[first]
    akind = arrow_strings(eco.actors["kind"])
    kind = pc.index_in(akind, value_set=pa.array(KINDS, type=akind.type)).fill_null(-1)
    kind = kind.to_numpy(zero_copy_only=False).astype(np.int8)
    return CodedGraph(a_ids, kind, src, dst, wt, mask, need_actor, offer_actor)


def referral_edges(eco: Ecosystem) -> pd.DataFrame:
    """Return the referral channels as one row per ordered pair of actors.

    Columns: ``source``, ``target``, ``weight`` (largest of the channels joining the
    pair) and ``types`` (sorted tuple of their link types). Both-way channels
    (``coordinates``, ``partners_with``) appear in both directions. Rows are
    sorted by source, then target.

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "a", "name": "A", "kind": "policy_body"},
    ...             {"id": "b", "name": "B", "kind": "broker"}],
    ...     links=[{"source": "a", "target": "b", "type": "coordinates", "weight": 0.5},
    ...            {"source": "b", "target": "a", "type": "refers_to", "weight": 0.8}])
    >>> referral_edges(eco).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'source': 'a', 'target': 'b', 'weight': 0.5, 'types': ('coordinates',)},
     {'source': 'b', 'target': 'a', 'weight': 0.8, 'types': ('coordinates', 'refers_to')}]
    """
    g = coded_graph(eco)
    if not len(g.src):
        return pd.DataFrame({"source": pd.Series([], dtype="str"), "target": pd.Series([], dtype="str"),
                             "weight": pd.Series([], dtype="float64"), "types": pd.Series([], dtype=object)})
    ids = g.ids.to_numpy(dtype=object)
    e = g.by_ids
    return pd.DataFrame({"source": ids[g.src[e]], "target": ids[g.dst[e]], "weight": g.weight[e],
                         "types": g.types(e)})


def referral_graph(eco: Ecosystem, *, edges: pd.DataFrame | None = None) -> nx.DiGraph:
    """Build the directed referral graph (docs/semantics.md).

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem (apply :meth:`Ecosystem.as_of` first for a given year).
    edges : DataFrame, optional
        Precomputed :func:`referral_edges` of ``eco``.

    Returns
    -------
    networkx.DiGraph
        One node per actor, with attributes ``kind``, ``name``, ``region`` and
        ``sector``; one edge per ordered pair of actors joined by a referral
        channel, with ``weight`` (the largest channel weight) and ``types``.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> G = referral_graph(read_dataset("jamaica"))
    >>> G.number_of_nodes() > 10
    True
    """
    import networkx as nx

    if edges is None:
        edges = referral_edges(eco)
    G = nx.DiGraph(name=eco.name)
    a = eco.actors
    # Millions of small attribute dicts would trigger the cyclic garbage collector
    # over and over (most of the build time on a national dataset): pause it.
    with _gc_paused():
        G.add_nodes_from(
            (i, {"kind": k, "name": n, "region": r, "sector": s})
            for i, k, n, r, s in zip(
                a.index.tolist(), a["kind"].tolist(), a["name"].tolist(), a["region"].tolist(),
                a["sector"].tolist()
            )
        )
        G.add_edges_from(
            (u, v, {"weight": w, "types": t})
            for u, v, w, t in zip(edges["source"].tolist(), edges["target"].tolist(),
                                  edges["weight"].to_numpy(dtype=np.float64).tolist(), edges["types"].tolist())
        )
    return G


@contextmanager
def _gc_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

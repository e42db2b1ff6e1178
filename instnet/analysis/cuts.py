"""Classic network measures of the referral graph (docs/semantics.md).

* :func:`subset_betweenness` (:mod:`instnet.analysis.betweenness`) -- shortest-path
  betweenness with sources = actors with needs and targets = institutions that
  offer something, unnormalised and unweighted, exactly
  ``networkx.betweenness_centrality_subset(G, sources, targets,
  normalized=False, weight=None)`` on :func:`instnet.graph.referral_graph`.
* :func:`articulation` and :func:`bridges` -- cut vertices and cut edges of the
  undirected institution graph (institutions only, referral channels only).
* :func:`brokerage` (:mod:`instnet.analysis.brokerage`) -- Gould-Fernandez brokerage role
  counts with actor kind as the group.

Everything runs on integer-coded arrays (:class:`instnet.graph.CodedGraph`,
:mod:`instnet.analysis.codedgraph`), so a national ecosystem (a million enterprises)
takes seconds; docs/bottlenecks.md explains the algorithms and why they are
exact.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from .betweenness import subset_betweenness
from .brokerage import BROKERAGE_ROLES, brokerage
from ..graph import CodedGraph, coded_graph
from ..model import Ecosystem

__all__ = [
    "BROKERAGE_ROLES",
    "articulation",
    "bridges",
    "brokerage",
    "institution_graph",
    "subset_betweenness",
]


def institution_graph(eco: Ecosystem, graph: CodedGraph | None = None) -> nx.Graph:
    """The undirected institution graph: institutions, joined where a referral channel runs.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> G = institution_graph(read_dataset("jamaica"))
    >>> G.has_edge("jampro_pc", "heart")
    True
    """
    g = graph if graph is not None else coded_graph(eco)
    G = nx.Graph()
    G.add_nodes_from(g.ids[g.is_institution])
    e = g.by_ids[g.is_institution[g.src[g.by_ids]] & g.is_institution[g.dst[g.by_ids]]]
    G.add_edges_from(zip(g.ids[g.src[e]], g.ids[g.dst[e]]))
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

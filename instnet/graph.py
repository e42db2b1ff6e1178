"""The directed referral graph of docs/semantics.md, as a networkx DiGraph."""

from __future__ import annotations

import gc
from contextlib import contextmanager

import networkx as nx
import numpy as np
import pandas as pd

from .model import Ecosystem
from .schema import LINK_RULES, REFERRAL_TYPES


def referral_edges(eco: Ecosystem) -> pd.DataFrame:
    """Return the referral channels as one row per ordered pair of actors.

    Columns: ``source``, ``target``, ``weight`` (largest of the channels joining the
    pair) and ``types`` (sorted tuple of their link types). Both-way channels
    (``coordinates``, ``partners_with``) appear in both directions.

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
    links = eco.links[eco.links["type"].isin(REFERRAL_TYPES).to_numpy()]
    both = [t for t, rule in LINK_RULES.items() if rule[2] == "both"]
    rev = links[links["type"].isin(both).to_numpy()]
    parts = [
        links[["source", "target", "type", "weight"]],
        rev.rename(columns={"source": "target", "target": "source"})[["source", "target", "type", "weight"]],
    ]
    edges = pd.concat(parts, ignore_index=True)
    if edges.empty:
        return pd.DataFrame({"source": pd.Series([], dtype="str"), "target": pd.Series([], dtype="str"),
                             "weight": pd.Series([], dtype="float64"), "types": pd.Series([], dtype=object)})
    multi = edges.duplicated(["source", "target"], keep=False).to_numpy()
    single = edges[~multi]
    out_single = pd.DataFrame({
        "source": single["source"].to_numpy(), "target": single["target"].to_numpy(),
        "weight": single["weight"].to_numpy(dtype=float),
        "types": [(t,) for t in single["type"].to_numpy()],
    })
    if multi.any():
        grouped = edges[multi].groupby(["source", "target"], sort=False)
        out_multi = grouped.agg(weight=("weight", "max"), types=("type", lambda s: tuple(sorted(set(s)))))
        out_multi = out_multi.reset_index()
        out = pd.concat([out_single, out_multi], ignore_index=True)
    else:
        out = out_single
    return out.sort_values(["source", "target"], kind="stable").reset_index(drop=True)


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

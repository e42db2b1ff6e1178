"""System-integrator bottlenecks: one table of every measure per institution.

The measures live in :mod:`instnet.analysis.impact` (impact, lost needs, load,
utilisation, what-if) and :mod:`instnet.analysis.cuts` (subset betweenness,
articulation points, bridges, Gould-Fernandez brokerage); this module joins them
into the table behind ``instnet bottlenecks`` and re-exports them. Definitions:
docs/semantics.md and docs/bottlenecks.md.
"""

from __future__ import annotations

import logging
import time

import numpy as np
import pandas as pd

from .cuts import (
    BROKERAGE_ROLES,
    articulation,
    bridges,
    brokerage,
    institution_graph,
    subset_betweenness,
)
from ..graph import coded_graph
from .impact import ImpactEngine, impact, lost_needs, served_needs
from .load import WhatIf, check_institutions, load, what_if
from ..model import Ecosystem

__all__ = [
    "BROKERAGE_ROLES",
    "COLUMNS",
    "Bottlenecks",
    "ImpactEngine",
    "WhatIf",
    "analyse",
    "articulation",
    "bottlenecks",
    "bridges",
    "brokerage",
    "check_institutions",
    "impact",
    "institution_graph",
    "load",
    "lost_needs",
    "served_needs",
    "subset_betweenness",
    "what_if",
]

log = logging.getLogger(__name__)

#: Columns of :func:`bottlenecks`, in order (the brokerage roles follow, then ``brokerage``).
COLUMNS = ("name", "kind", "impact", "actors_cut", "load", "capacity", "utilisation", "betweenness",
           "articulation")


class Bottlenecks:
    """Every bottleneck measure of an ecosystem, computed once.

    ``table`` is :func:`bottlenecks`'s frame; ``engine`` answers which needs an
    institution cuts off (:meth:`ImpactEngine.lost`); ``bridges`` lists the cut
    edges of the institution graph; ``timings`` holds seconds per stage.
    """

    def __init__(self, eco: Ecosystem, *, max_hops: int = 4, paths: pd.DataFrame | None = None,
                 engine: ImpactEngine | None = None, loads: pd.DataFrame | None = None):
        self.eco = eco
        self.max_hops = max_hops
        self.timings: dict[str, float] = {}
        t = time.perf_counter()
        graph = coded_graph(eco)
        self._tick("graph", t)
        t = time.perf_counter()
        self.engine = engine if engine is not None else ImpactEngine(eco, max_hops=max_hops, graph=graph)
        self._tick("impact", t)
        t = time.perf_counter()
        if loads is None:
            loads = load(eco, max_hops=max_hops, paths=paths)
        self._tick("load", t)
        t = time.perf_counter()
        bet = subset_betweenness(eco, graph=graph)
        self._tick("betweenness", t)
        t = time.perf_counter()
        art = articulation(eco, graph=graph)
        self.bridges = bridges(eco, graph=graph)
        self._tick("articulation", t)
        t = time.perf_counter()
        brok = brokerage(eco, graph=graph)
        self._tick("brokerage", t)

        inst = eco.institution_ids
        actors = eco.actors
        table = pd.DataFrame(index=pd.Index(inst, name="id"))
        table["name"] = actors["name"].reindex(inst).to_numpy(dtype=object)
        table["kind"] = actors["kind"].reindex(inst).to_numpy(dtype=object)
        table["impact"] = self.engine.impact.reindex(inst).to_numpy(dtype=np.int64)
        table["actors_cut"] = self.engine.actors_cut.reindex(inst).to_numpy(dtype=np.int64)
        table["load"] = loads["load"].reindex(inst).to_numpy(dtype=np.int64)
        table["capacity"] = pd.array(loads["capacity"].reindex(inst).astype("Int64").to_numpy(), dtype="Int64")
        table["utilisation"] = loads["utilisation"].reindex(inst).to_numpy(dtype=np.float64)
        table["betweenness"] = bet.reindex(inst).to_numpy(dtype=np.float64)
        table["articulation"] = art.reindex(inst).to_numpy(dtype=bool)
        for role in BROKERAGE_ROLES:
            table[role] = brok[role].reindex(inst).to_numpy(dtype=np.int64)
        table["brokerage"] = brok["total"].reindex(inst).to_numpy(dtype=np.int64)
        order = np.lexsort((table.index.to_numpy(dtype=str), -table["betweenness"].to_numpy(),
                            -table["load"].to_numpy(), -table["impact"].to_numpy()))
        self.table = table.iloc[order]

    def _tick(self, stage: str, start: float) -> None:
        self.timings[stage] = time.perf_counter() - start
        log.info("bottlenecks: %s in %.2f s", stage, self.timings[stage])

    def records(self, top: int | None = None, *, show_lost: bool = False) -> list[dict]:
        """Rows as the JSON records of ``instnet bottlenecks`` (``lost`` added with ``show_lost``)."""
        rows = []
        frame = self.table if top is None else self.table.head(top)
        for ident, r in frame.iterrows():
            cap = r["capacity"]
            util = r["utilisation"]
            rec = {
                "id": ident, "name": r["name"], "kind": r["kind"], "impact": int(r["impact"]),
                "actors_cut": int(r["actors_cut"]), "load": int(r["load"]),
                "capacity": None if pd.isna(cap) else int(cap),
                "utilisation": None if pd.isna(util) else float(util),
                "betweenness": float(r["betweenness"]), "articulation": bool(r["articulation"]),
                "brokerage": {role: int(r[role]) for role in BROKERAGE_ROLES},
            }
            if show_lost:
                lost = self.engine.lost(str(ident))
                rec["lost"] = [{"actor": a, "service": s} for a, s in
                               zip(lost["actor"].to_numpy(), lost["service"].to_numpy())]
                rec["lost_actors"] = sorted(set(lost["actor"].to_numpy().tolist()))
            rows.append(rec)
        return rows


def analyse(eco: Ecosystem, *, max_hops: int = 4, paths: pd.DataFrame | None = None) -> Bottlenecks:
    """Compute every bottleneck measure of ``eco`` (see :class:`Bottlenecks`).

    Examples
    --------
    >>> from instnet import read_dataset
    >>> b = analyse(read_dataset("jamaica"))
    >>> b.table.index[0]
    'jampro_pc'
    >>> b.records(1)[0]["articulation"]
    True
    """
    return Bottlenecks(eco, max_hops=max_hops, paths=paths)


def bottlenecks(eco: Ecosystem, *, max_hops: int = 4, paths: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per institution with every bottleneck measure, worst first.

    Columns: :data:`COLUMNS` (``name``, ``kind``, ``impact``, ``actors_cut``,
    ``load``, ``capacity``, ``utilisation``, ``betweenness``, ``articulation``),
    then one count per brokerage role (:data:`BROKERAGE_ROLES`) and their total
    ``brokerage``. Sorted by impact, then load, then betweenness (descending),
    then id.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem (apply :meth:`Ecosystem.as_of` first for a given year).
    max_hops : int, default 4
        Longest referral path, in links.
    paths : DataFrame, optional
        Precomputed :func:`instnet.analysis.paths.best_paths` for the load.

    Returns
    -------
    pandas.DataFrame
        Indexed by institution id, worst first.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> table = bottlenecks(read_dataset("jamaica"))
    >>> int(table.loc["jampro_pc", "impact"]), bool(table.loc["jampro_pc", "articulation"])
    (42, True)
    """
    return analyse(eco, max_hops=max_hops, paths=paths).table

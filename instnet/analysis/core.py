"""One analysis of an ecosystem at one year and hop limit: every result computed once, on first use.

:class:`Analysis` computes the best referral path of every need once
(:func:`instnet.analysis.paths.best_paths`) and derives from it, when first
asked and then from memory, the gaps, the reasons of the unmet needs, the load,
the bottleneck table, the indicators and the plans; the exact impact and "who
is cut off" come from one :class:`~instnet.analysis.impact.ImpactEngine` over
the same coded graph (:func:`instnet.graph.coded_graph`). Single referral
questions (an actor or a walk-in, one service) are answered from the search
index of the same ecosystem (:mod:`instnet.analysis.answer`), built once. The
command line, the report, the map, the exports, the Neo4j write-back and the
desk all take an ``Analysis``, so one command never computes a thing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import check_max_hops, unknown_id
from ..graph import CodedGraph, coded_graph
from ..model import Ecosystem
from . import paths as paths_mod
from .gaps import GapReport, coverage, parse_by, unmet

if TYPE_CHECKING:
    from .answer import ReferralAnswer
    from .bottlenecks import Bottlenecks
    from .impact import ImpactEngine
    from .load import WhatIf
    from .paths import Referral
    from .recommend import Plan
    from .walkin import WalkIn

__all__ = ["Analysis"]


class Analysis:
    """An ecosystem analysed at one year and hop limit; each result computed once, on first use.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem.
    max_hops : int, default 4
        Longest referral path, in links (at least 1).
    year : int, optional
        Analyse the ecosystem as it was in ``year`` (:meth:`Ecosystem.as_of`);
        by default ``eco`` is analysed as given.

    Raises
    ------
    UsageError
        If ``max_hops`` is not a whole number of at least 1.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> a = Analysis(read_dataset("jamaica"))
    >>> report = a.gaps()
    >>> report.served <= report.needs
    True
    >>> a.paths is a.paths  # computed once
    True
    >>> a.bottlenecks.index[0]
    'jampro_pc'
    >>> w = a.without(["jampro_pc"])
    >>> w.served_after < w.served_before
    True
    """

    def __init__(self, eco: Ecosystem, *, max_hops: int = 4, year: int | None = None):
        self.max_hops = check_max_hops(max_hops)
        self.eco = eco.as_of(year) if year is not None else eco
        self._gaps: dict[tuple[Any, ...], GapReport] = {}
        self._plans: dict[tuple[Any, ...], Plan] = {}

    def __repr__(self) -> str:
        return f"Analysis({self.eco.name!r}, max_hops={self.max_hops}, year={self.year!r})"

    @property
    def year(self) -> int | None:
        """The year the ecosystem is analysed as of (``None``: every row as given)."""
        return self.eco.year

    # ------------------------------------------------------------------ paths and gaps

    @cached_property
    def graph(self) -> CodedGraph:
        """The coded referral graph (:func:`instnet.graph.coded_graph`)."""
        return coded_graph(self.eco)

    @cached_property
    def paths(self) -> pd.DataFrame:
        """The best referral path of every need (:func:`instnet.analysis.paths.best_paths`)."""
        return paths_mod.best_paths(self.eco, max_hops=self.max_hops)

    @property
    def served(self) -> np.ndarray:
        """Whether each need (row of ``eco.needs``) is served.

        From the best paths when they are computed already, else from the impact
        engine (the same answer without building paths).
        """
        if "paths" in self.__dict__:
            return self.paths["served"].to_numpy(dtype=bool)
        return self.impact_engine.served

    @cached_property
    def reasons(self) -> pd.DataFrame:
        """Why each unmet need is unmet (:func:`instnet.analysis.reasons.unmet_reasons`).

        When the best paths are not computed yet, both come from one run
        (:func:`~instnet.analysis.reasons.paths_and_reasons`).
        """
        from .reasons import paths_and_reasons, unmet_reasons

        if "paths" in self.__dict__:
            return unmet_reasons(self.eco, max_hops=self.max_hops, paths=self.paths)
        paths, why = paths_and_reasons(self.eco, max_hops=self.max_hops)
        self.__dict__["paths"] = paths  # the cached_property's own slot
        return why

    def gaps(self, *, by: str | Sequence[str] = ("service",), reasons: bool = False,
             weighted: bool = False) -> GapReport:
        """Coverage overall and per group (:func:`instnet.analysis.gaps.coverage`, same options)."""
        keys = parse_by(by)
        key = (keys, bool(reasons), bool(weighted))
        got = self._gaps.get(key)
        if got is None:
            why = self.reasons if (reasons or "reason" in keys) else None
            got = self._gaps[key] = coverage(self.eco, by=keys, max_hops=self.max_hops, paths=self.paths,
                                             reasons=reasons, weighted=weighted, why=why)
        return got

    coverage = gaps

    @cached_property
    def unmet(self) -> pd.DataFrame:
        """Every unmet need with who and where (:func:`instnet.analysis.gaps.unmet`)."""
        return unmet(self.eco, max_hops=self.max_hops, paths=self.paths)

    def refer(self, actor: str | WalkIn, service: str, *, k: int = 3) -> list[Referral]:
        """The ``k`` best providers of ``service`` for ``actor`` (:func:`instnet.analysis.paths.refer`)."""
        return paths_mod.refer(self.eco, actor, service, k=k, max_hops=self.max_hops)

    def answer(self, actor: str | WalkIn, service: str, *, k: int = 3, include_private: bool = False,
               limit: int | None = None) -> ReferralAnswer:
        """Referrals of ``actor`` for ``service`` with names, contacts and reasons (:func:`instnet.analysis.answer.answer`)."""
        from .answer import answer

        return answer(self.eco, actor, service, k=k, max_hops=self.max_hops, include_private=include_private,
                      limit=limit)

    def with_walk_in(self, walk_in: WalkIn, service: str, *, k: int = 3, include_private: bool = False,
                     limit: int | None = None) -> ReferralAnswer:
        """Referrals of a client who is not in the dataset (:mod:`instnet.analysis.walkin`).

        Answered from the ecosystem's search index with the walk-in's node and
        first links layered on top: nothing is rebuilt.
        """
        return self.answer(walk_in, service, k=k, include_private=include_private, limit=limit)

    def prepare_referrals(self, *, include_private: bool = False) -> None:
        """Build now what single referral questions need (:func:`~instnet.analysis.answer.prepare_index`)."""
        from .answer import prepare_index

        prepare_index(self.eco, include_private=include_private)

    # ------------------------------------------------------------------ bottlenecks

    @cached_property
    def load(self) -> pd.DataFrame:
        """Load, capacity and utilisation per institution (:func:`instnet.analysis.load.load`)."""
        from .load import load

        return load(self.eco, max_hops=self.max_hops, paths=self.paths)

    @cached_property
    def impact_engine(self) -> ImpactEngine:
        """Exact impact of every institution and the needs each one cuts off."""
        from .impact import ImpactEngine

        return ImpactEngine(self.eco, max_hops=self.max_hops, graph=self.graph)

    @property
    def impact(self) -> pd.DataFrame:
        """Per institution: ``impact`` (needs lost without it) and ``actors_cut``."""
        engine = self.impact_engine
        return pd.concat([engine.impact, engine.actors_cut], axis=1)

    def cut_off(self, actor: str) -> pd.DataFrame:
        """The needs of other actors that lose every referral path without ``actor``.

        For an institution these are the needs its impact counts (from the
        cached impact); for a network, the needs its members reach only through
        it. Columns ``actor``, ``service``, ``region``, ``sector``, indexed like
        ``eco.needs``.

        Raises
        ------
        UnknownIdError
            If ``actor`` is not an actor of the ecosystem (with suggestions).
        """
        from .impact import ImpactEngine, need_rows

        eco = self.eco
        if actor not in eco.actors.index:
            raise unknown_id("actor", actor, eco.actors.index)
        if eco.is_institution(actor):
            return self.impact_engine.lost(actor)
        others = eco.needs["actor"].to_numpy(dtype=object) != actor
        after = np.zeros(len(others), dtype=bool)
        after[others] = ImpactEngine(eco.without([actor]), max_hops=self.max_hops).served
        return need_rows(eco, np.flatnonzero(self.served & ~after & others))

    @cached_property
    def bottleneck_analysis(self) -> Bottlenecks:
        """Every bottleneck measure (:class:`instnet.analysis.bottlenecks.Bottlenecks`)."""
        from .bottlenecks import Bottlenecks

        return Bottlenecks(self.eco, max_hops=self.max_hops, engine=self.impact_engine, loads=self.load)

    @property
    def bottlenecks(self) -> pd.DataFrame:
        """The bottleneck table, worst first (:func:`instnet.analysis.bottlenecks.bottlenecks`)."""
        return self.bottleneck_analysis.table

    def without(self, remove: Sequence[str], *,
                by: Sequence[str] = ("service", "region", "sector")) -> WhatIf:
        """Coverage before and after removing the institutions ``remove`` together.

        One institution is answered from the cached impact (its lost needs are
        exactly the needs it cuts off); several are analysed together, since
        removing two can cut off needs that neither cuts off alone.
        """
        from .impact import ImpactEngine
        from .load import check_institutions, compare

        removed = check_institutions(self.eco, remove)
        before = self.served
        if len(removed) == 1:
            after = before.copy()
            after[self.impact_engine.lost_rows(removed[0])] = False
        else:
            after = ImpactEngine(self.eco.without(removed), max_hops=self.max_hops).served
        return compare(self.eco, removed, before, after, by=by)

    # ------------------------------------------------------------------ indicators and plans

    @cached_property
    def indicators(self) -> pd.DataFrame:
        """Every indicator per scope (:func:`instnet.analysis.indicators.indicators`)."""
        from .indicators import indicators

        return indicators(self.eco, max_hops=self.max_hops, paths=self.paths)

    @cached_property
    def panel(self) -> dict[str, Any]:
        """The indicators as plain data (:func:`instnet.analysis.indicators.panel`)."""
        from .indicators import panel

        return panel(self.eco, max_hops=self.max_hops, table=self.indicators)

    def recommend(self, *, budget: float = 3, **options: Any) -> Plan:
        """The plan of :func:`instnet.analysis.recommend.recommend` (same options) from the cached best paths, cached."""
        from .recommend import recommend

        key = (budget, *sorted((k, repr(v)) for k, v in options.items() if k != "progress"))
        got = self._plans.get(key)
        if got is None:
            got = self._plans[key] = recommend(self.eco, budget=budget, max_hops=self.max_hops, paths=self.paths,
                                               **options)
        return got

"""Why a need is unmet: one reason per unmet need (docs/semantics.md).

The first of these that applies:

* ``no_provider`` — no active institution offers the service;
* ``out_of_scope`` — offers exist, but none whose scope covers the actor;
* ``no_path`` — covering providers exist, but no referral route (through
  institutions and networks only) reaches any of them, however long;
* ``too_far`` — a covering provider is reachable, but only by more than
  ``max_hops`` links; ``hops`` is the length of the shortest such route.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..i18n import _, ngettext
from ..model import Ecosystem
from ._paths_engine import _best_paths_fast, _Classes
from ._paths_reasons import REASONS, _unmet_reasons
from ..errors import check_max_hops
from .paths import provider_routes

__all__ = ["REASONS", "Reason", "describe_reason", "need_reason", "paths_and_reasons", "unmet_reasons"]


@dataclass(frozen=True)
class Reason:
    """Why one need is unmet: ``reason`` (one of :data:`REASONS`) and, for ``too_far``, ``hops``."""

    reason: str
    hops: int | None = None

    def describe(self, *, max_hops: int) -> str:
        """The reason in words (see :func:`describe_reason`)."""
        return describe_reason(self.reason, self.hops, max_hops=max_hops)


def describe_reason(reason: str, hops: int | None, *, max_hops: int) -> str:
    """A sentence that explains an unmet need's reason to a broker.

    Examples
    --------
    >>> describe_reason("too_far", 6, max_hops=4)
    'the nearest provider in scope is 6 links away, more than the limit of 4'
    >>> describe_reason("out_of_scope", None, max_hops=4)
    "no provider's offer covers the client's region and sector"
    """
    if reason == "no_provider":
        return _("nobody offers this service")
    if reason == "out_of_scope":
        return _("no provider's offer covers the client's region and sector")
    if reason == "no_path":
        return _("no referral route leads to any provider in scope")
    return ngettext("the nearest provider in scope is {hops} link away, more than the limit of {max_hops}",
                    "the nearest provider in scope is {hops} links away, more than the limit of {max_hops}",
                    int(hops or 0)).format(hops=hops, max_hops=max_hops)


def unmet_reasons(eco: Ecosystem, *, max_hops: int = 4, paths: pd.DataFrame | None = None) -> pd.DataFrame:
    """The reason of every unmet need of ``eco``.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem (apply :meth:`Ecosystem.as_of` first for a given year).
    max_hops : int, default 4
        Longest referral path, in links.
    paths : DataFrame, optional
        Precomputed ``best_paths(eco, max_hops=max_hops)``, or some of its rows
        (then only the reasons of those unmet needs are computed).

    Returns
    -------
    pandas.DataFrame
        One row per unmet need, with the need's index label in ``eco.needs`` and in
        its order: ``actor``, ``service`` (str), ``reason`` (str, one of
        :data:`REASONS`) and ``hops`` (``Int64``: the shortest route's length for
        ``too_far``, ``<NA>`` otherwise).

    Raises
    ------
    UsageError
        If ``max_hops`` is below 1.

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "e", "name": "Shop", "kind": "enterprise", "region": "north"},
    ...             {"id": "b", "name": "Broker", "kind": "broker"},
    ...             {"id": "c", "name": "Centre", "kind": "specialized_centre"},
    ...             {"id": "p", "name": "Lab", "kind": "bds_provider"},
    ...             {"id": "q", "name": "Bank", "kind": "bds_provider"}],
    ...     services=[{"id": s, "name": s, "category": "technology"} for s in ("test", "loan", "map", "law")],
    ...     offers=[{"actor": "p", "service": "test"}, {"actor": "q", "service": "loan", "regions": "south"},
    ...             {"actor": "q", "service": "map"}],
    ...     needs=[{"actor": "e", "service": s} for s in ("test", "loan", "map", "law")],
    ...     links=[{"source": "e", "target": "b", "type": "client_of"},
    ...            {"source": "b", "target": "c", "type": "refers_to"},
    ...            {"source": "c", "target": "p", "type": "refers_to"}])
    >>> r = unmet_reasons(eco, max_hops=2)
    >>> r[["service", "reason"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'service': 'test', 'reason': 'too_far'}, {'service': 'loan', 'reason': 'out_of_scope'},
     {'service': 'map', 'reason': 'no_path'}, {'service': 'law', 'reason': 'no_provider'}]
    >>> r["hops"].tolist()
    [3, <NA>, <NA>, <NA>]
    """
    check_max_hops(max_hops)
    if paths is None:
        return paths_and_reasons(eco, max_hops=max_hops)[1]
    return _frame(eco, paths, None)


def paths_and_reasons(eco: Ecosystem, *, max_hops: int = 4) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`~instnet.analysis.paths.best_paths` and :func:`unmet_reasons` in one run.

    The reasons reuse what the search for best paths has found (the coded
    ecosystem, the target classes), so both together cost little more than the
    best paths alone.

    Raises
    ------
    UsageError
        If ``max_hops`` is below 1.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> paths, why = paths_and_reasons(read_dataset("jamaica"))
    >>> len(why) == int((~paths["served"]).sum())
    True
    """
    check_max_hops(max_hops)
    paths, classes = _best_paths_fast(eco, max_hops=max_hops, keep=True)
    return paths, _frame(eco, paths, classes)


def _frame(eco: Ecosystem, paths: pd.DataFrame, classes: _Classes | None) -> pd.DataFrame:
    """The reasons of the unmet needs among ``paths`` (rows of best paths of ``eco``)."""
    needs = eco.needs
    unmet = needs.index.get_indexer(paths.index[~paths["served"].to_numpy(dtype=bool)])
    code, hops = _unmet_reasons(eco, unmet, classes)
    return pd.DataFrame({
        "actor": needs["actor"].to_numpy(dtype=object)[unmet],
        "service": needs["service"].to_numpy(dtype=object)[unmet],
        "reason": np.asarray(REASONS, dtype=object)[code],
        "hops": pd.arrays.IntegerArray(np.maximum(hops, 0), hops < 0),
    }, index=needs.index[unmet])


def need_reason(eco: Ecosystem, actor: str, service: str, *, max_hops: int = 4) -> Reason | None:
    """Why ``actor`` cannot be referred to a provider of ``service`` (None: it can).

    The pair need not be listed in ``eco.needs``; for one that is, the answer is
    the row of :func:`unmet_reasons`.

    Raises
    ------
    UnknownIdError
        If ``actor`` or ``service`` does not exist.
    UsageError
        If ``max_hops`` is below 1.

    Examples
    --------
    A shop two links from the only lab, with a hop limit of one:

    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "shop", "name": "Shop", "kind": "enterprise"},
    ...             {"id": "desk", "name": "Desk", "kind": "broker"},
    ...             {"id": "lab", "name": "Lab", "kind": "bds_provider"}],
    ...     services=[{"id": "test", "name": "Testing", "category": "technology"}],
    ...     offers=[{"actor": "lab", "service": "test"}],
    ...     links=[{"source": "shop", "target": "desk", "type": "client_of"},
    ...            {"source": "desk", "target": "lab", "type": "refers_to"}])
    >>> need_reason(eco, "shop", "test", max_hops=1)
    Reason(reason='too_far', hops=2)
    >>> need_reason(eco, "shop", "test", max_hops=2) is None
    True
    """
    check_max_hops(max_hops)
    routes = provider_routes(eco, actor, service)
    if not routes:
        return Reason("no_provider")
    near = [h for _p, covers, h in routes if covers]
    if not near:
        return Reason("out_of_scope")
    reachable = [h for h in near if h is not None]
    if not reachable:
        return Reason("no_path")
    if min(reachable) <= int(max_hops):
        return None
    return Reason("too_far", min(reachable))

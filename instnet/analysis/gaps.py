"""Service gaps: which needs no reachable provider serves, and coverage per group.

Built on :func:`instnet.analysis.paths.best_paths` (docs/semantics.md): a need is
served when it has a best path within ``max_hops``; coverage of a group is
served needs / needs (1.0 for a group without needs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import _
from ..errors import UsageError
from ..i18n import ngettext
from ..model import Ecosystem
from .paths import best_paths
from .reasons import paths_and_reasons, unmet_reasons

__all__ = ["GROUP_KEYS", "GapReport", "coverage", "need_weights", "served_phrase", "unmet"]

#: Keys a coverage report may be grouped by.
GROUP_KEYS = ("service", "region", "sector", "reason")

#: The ``reason`` group of the served needs when a report is grouped by reason.
SERVED = "served"


def need_weights(priority: pd.Series) -> np.ndarray:
    """The weight ``4 - priority`` of every need (priority 1 high .. 3 low; empty counts as 2).

    Weighted coverage and the gains of recommendations count a need by its weight.

    Examples
    --------
    >>> need_weights(pd.Series([1, 3, None], dtype="Int64")).tolist()
    [3, 1, 2]
    """
    p = pd.Series(priority).astype("Float64").fillna(2).to_numpy(dtype=np.float64)
    return (4 - np.clip(p, 1, 3)).astype(np.int64)


@dataclass(frozen=True)
class GapReport:
    """Coverage of an ecosystem's needs, overall and per group.

    Attributes
    ----------
    needs, served : int
        Number of needs, and of those served.
    coverage : float
        ``served / needs`` (1.0 when there are no needs).
    max_hops : int
        The hop limit used.
    by : tuple of str
        The grouping keys.
    groups : DataFrame
        Columns ``service``, ``region``, ``sector`` (None where not grouped by),
        ``reason`` (only when grouped by it: the unmet needs' reason, ``"served"``
        for the served ones), ``needs``, ``served``, ``unmet``, ``coverage``;
        sorted by unmet needs (most first), then coverage (lowest first), then the keys.
    unmet : DataFrame
        Every unmet need, in the order of ``eco.needs``: ``actor``, ``name``,
        ``service``, ``region``, ``sector`` and, when reasons were asked for,
        ``reason`` and ``hops`` (see :func:`~instnet.analysis.reasons.unmet_reasons`).
    paths : DataFrame
        The :func:`~instnet.analysis.paths.best_paths` table the report was built from.
    as_of : int or None
        The year the ecosystem was analysed as of (None: every row active).
    weighted_coverage : float or None
        With ``weighted=True``: served weight / weight of the needs, each need weighing
        ``4 - priority`` (empty = 2); ``groups`` then also has ``weight``,
        ``weight_served`` and ``weighted_coverage``.
    """

    needs: int
    served: int
    coverage: float
    max_hops: int
    by: tuple[str, ...]
    groups: pd.DataFrame
    unmet: pd.DataFrame
    paths: pd.DataFrame
    as_of: int | None = None
    weighted_coverage: float | None = None

    def to_dict(self, *, unmet: bool = False) -> dict[str, Any]:
        """The JSON shape of the gaps command (``unmet`` list only when asked).

        ``as_of`` is the year, or ``"all"`` when every row was active.

        Examples
        --------
        >>> from instnet import read_dataset
        >>> d = coverage(read_dataset("jamaica")).to_dict()
        >>> sorted(d)
        ['as_of', 'by', 'coverage', 'groups', 'max_hops', 'needs', 'served']
        """
        keys = [k for k in GROUP_KEYS if k != "reason" or k in self.by]
        groups = [
            {**{k: _none(getattr(g, k)) for k in keys},
             "needs": int(g.needs), "served": int(g.served), "unmet": int(g.unmet),
             "coverage": float(g.coverage)}
            for g in self.groups.itertuples(index=False)
        ]
        if self.weighted_coverage is not None:
            for d, w, ws, wc in zip(groups, self.groups["weight"], self.groups["weight_served"],
                                    self.groups["weighted_coverage"]):
                d.update(weight=int(w), weight_served=int(ws), weighted_coverage=float(wc))
        out: dict[str, Any] = {"needs": self.needs, "served": self.served, "coverage": self.coverage,
                               "max_hops": self.max_hops, "as_of": "all" if self.as_of is None else self.as_of,
                               "by": list(self.by), "groups": groups}
        if self.weighted_coverage is not None:
            out["weighted_coverage"] = self.weighted_coverage
        if unmet:
            cols = [c for c in ("actor", "name", "service", "region", "sector", "reason", "hops")
                    if c in self.unmet.columns]
            out["unmet"] = [{c: _none(v) for c, v in zip(cols, row)}
                            for row in self.unmet[cols].itertuples(index=False, name=None)]
        return out


    def to_frame(self) -> pd.DataFrame:
        """The coverage of each group (a copy of :attr:`groups`)."""
        return self.groups.copy()


def served_phrase(served: int, needs: int) -> str:
    """``"1 of 2 needs served"``, the noun agreeing with the count of needs.

    Examples
    --------
    >>> served_phrase(1, 1), served_phrase(0, 2)
    ('1 of 1 need served', '0 of 2 needs served')
    """
    return ngettext("{served} of {needs} need served", "{served} of {needs} needs served", needs).format(
        served=served, needs=needs)


def _none(v: Any) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return None
    return v.item() if isinstance(v, np.generic) else v


def parse_by(text: str | Sequence[str]) -> tuple[str, ...]:
    """Parse ``"service,region"`` (or a sequence) into grouping keys.

    Raises
    ------
    UsageError
        On an unknown or repeated key.

    Examples
    --------
    >>> parse_by("service, region")
    ('service', 'region')
    >>> parse_by("")
    ()
    """
    parts = [p.strip() for p in (text.split(",") if isinstance(text, str) else text) if p.strip()]
    for p in parts:
        if p not in GROUP_KEYS:
            raise UsageError(_("cannot group by {key!r}: choose from {keys}").format(key=p, keys=", ".join(GROUP_KEYS)))
    if len(set(parts)) != len(parts):
        raise UsageError(_("repeated grouping key in {text!r}").format(text=text))
    return tuple(parts)


def coverage(eco: Ecosystem, *, by: str | Sequence[str] = ("service",), max_hops: int = 4,
             paths: pd.DataFrame | None = None, reasons: bool = False, weighted: bool = False,
             why: pd.DataFrame | None = None) -> GapReport:
    """Coverage of the needs of ``eco``, overall and per group.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem (apply :meth:`Ecosystem.as_of` first for a given year).
    by : str or sequence of str, default ("service",)
        Group by any of ``service`` (the need's service), ``region`` and
        ``sector`` (the needing actor's) and ``reason`` (why a need is unmet;
        ``"served"`` for the served ones); empty for one overall group.
    max_hops : int, default 4
        Longest referral path, in links.
    paths : DataFrame, optional
        Precomputed ``best_paths(eco, max_hops=max_hops)``.
    reasons : bool, default False
        Add each unmet need's ``reason`` and ``hops`` to ``unmet`` (always done
        when grouping by reason).
    weighted : bool, default False
        Also weigh each need by ``4 - priority`` (empty = 2): ``weighted_coverage``
        overall and per group.
    why : DataFrame, optional
        Precomputed ``unmet_reasons(eco, max_hops=max_hops, paths=paths)``
        (:func:`~instnet.analysis.reasons.unmet_reasons`), used when reasons are asked for.

    Returns
    -------
    GapReport

    Raises
    ------
    UsageError
        On an unknown grouping key or ``max_hops`` below 1.

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "e1", "name": "A", "kind": "enterprise", "region": "north"},
    ...             {"id": "e2", "name": "B", "kind": "enterprise", "region": "south"},
    ...             {"id": "p", "name": "Lab", "kind": "bds_provider"}],
    ...     services=[{"id": "s", "name": "Testing", "category": "technology"}],
    ...     offers=[{"actor": "p", "service": "s"}],
    ...     needs=[{"actor": "e1", "service": "s"}, {"actor": "e2", "service": "s"}],
    ...     links=[{"source": "e1", "target": "p", "type": "client_of"}])
    >>> r = coverage(eco, by="region")
    >>> r.needs, r.served, r.coverage
    (2, 1, 0.5)
    >>> r.groups[["region", "needs", "unmet"]].to_dict("records")
    [{'region': 'south', 'needs': 1, 'unmet': 1}, {'region': 'north', 'needs': 1, 'unmet': 0}]
    >>> r.unmet[["actor", "name", "service", "region"]].to_dict("records")
    [{'actor': 'e2', 'name': 'B', 'service': 's', 'region': 'south'}]
    >>> coverage(eco, by="reason").groups[["reason", "needs"]].to_dict("records")
    [{'reason': 'no_path', 'needs': 1}, {'reason': 'served', 'needs': 1}]
    """
    keys = parse_by(by)
    if not (reasons or "reason" in keys):
        why = None
    if paths is None and why is None and (reasons or "reason" in keys):
        paths, why = paths_and_reasons(eco, max_hops=max_hops)
    elif paths is None:
        paths = best_paths(eco, max_hops=max_hops)
    served = paths["served"].to_numpy(dtype=bool)
    n, k = len(paths), int(served.sum())
    frame = pd.DataFrame({"service": paths["service"].to_numpy(dtype=object),
                          "served": served.astype(np.int64)})
    w = need_weights(eco.needs["priority"]) if weighted else np.ones(n, np.int64)
    frame["weight"] = w
    frame["weight_served"] = w * served
    actors = paths["actor"]
    for key in ("region", "sector"):
        if key in keys:
            frame[key] = eco.actors[key].reindex(actors.to_numpy()).to_numpy(dtype=object)
    if why is None and (reasons or "reason" in keys):
        why = unmet_reasons(eco, max_hops=max_hops, paths=paths)
    if "reason" in keys:
        frame["reason"] = SERVED
        frame.loc[~served, "reason"] = why["reason"].to_numpy(dtype=object)
    if keys:
        grouped = frame.groupby(list(keys), sort=True, dropna=False)
        g = grouped["served"].agg(["size", "sum"]).join(grouped[["weight", "weight_served"]].sum()).reset_index()
    else:
        g = pd.DataFrame({"size": [n], "sum": [k], "weight": [int(w.sum())],
                          "weight_served": [int(frame["weight_served"].sum())]}) if n else \
            pd.DataFrame({"size": [], "sum": [], "weight": [], "weight_served": []})
    groups = pd.DataFrame({
        key: (g[key].to_numpy(dtype=object) if key in keys else np.full(len(g), None, dtype=object))
        for key in GROUP_KEYS if key != "reason" or key in keys
    })
    groups["needs"] = g["size"].to_numpy(dtype=np.int64)
    groups["served"] = g["sum"].to_numpy(dtype=np.int64)
    groups["unmet"] = groups["needs"] - groups["served"]
    with np.errstate(invalid="ignore", divide="ignore"):
        groups["coverage"] = np.where(groups["needs"] > 0, groups["served"] / groups["needs"].clip(lower=1), 1.0)
    if weighted:
        groups["weight"] = g["weight"].to_numpy(dtype=np.int64)
        groups["weight_served"] = g["weight_served"].to_numpy(dtype=np.int64)
        with np.errstate(invalid="ignore", divide="ignore"):
            groups["weighted_coverage"] = np.where(groups["weight"] > 0,
                                                   groups["weight_served"] / groups["weight"].clip(lower=1), 1.0)
    groups = groups.sort_values(["unmet", "coverage", *keys], ascending=[False, True, *([True] * len(keys))],
                                kind="stable").reset_index(drop=True)
    unmet = _unmet_table(eco, paths.loc[~served, ["actor", "service"]], why)
    wc = (float(frame["weight_served"].sum() / w.sum()) if n else 1.0) if weighted else None
    return GapReport(needs=n, served=k, coverage=(k / n) if n else 1.0, max_hops=int(max_hops), by=keys,
                     groups=groups, unmet=unmet, paths=paths, as_of=eco.year, weighted_coverage=wc)


def unmet(eco: Ecosystem, *, max_hops: int = 4, paths: pd.DataFrame | None = None,
          reasons: bool = False) -> pd.DataFrame:
    """Every unmet need, with who and where (the rows of ``gaps --unmet``).

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem (apply :meth:`Ecosystem.as_of` first for a given year).
    max_hops : int, default 4
        Longest referral path, in links.
    paths : DataFrame, optional
        Precomputed ``best_paths(eco, max_hops=max_hops)``.
    reasons : bool, default False
        Add each unmet need's ``reason`` and ``hops``
        (see :func:`~instnet.analysis.reasons.unmet_reasons`).

    Returns
    -------
    pandas.DataFrame
        One row per unmet need, in the order of ``eco.needs`` (same index):
        ``actor``, ``name``, ``service``, ``region``, ``sector`` (str), and
        ``reason``, ``hops`` with ``reasons``.

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "e1", "name": "A", "kind": "enterprise", "region": "north"},
    ...             {"id": "e2", "name": "B", "kind": "enterprise", "region": "south"},
    ...             {"id": "p", "name": "Lab", "kind": "bds_provider"}],
    ...     services=[{"id": "s", "name": "Testing", "category": "technology"}],
    ...     offers=[{"actor": "p", "service": "s"}],
    ...     needs=[{"actor": "e1", "service": "s"}, {"actor": "e2", "service": "s"}],
    ...     links=[{"source": "e1", "target": "p", "type": "client_of"}])
    >>> unmet(eco).to_dict("records")
    [{'actor': 'e2', 'name': 'B', 'service': 's', 'region': 'south', 'sector': ''}]
    >>> unmet(eco, reasons=True)[["actor", "reason"]].to_dict("records")
    [{'actor': 'e2', 'reason': 'no_path'}]
    """
    why = None
    if paths is None and reasons:
        paths, why = paths_and_reasons(eco, max_hops=max_hops)
    elif paths is None:
        paths = best_paths(eco, max_hops=max_hops)
    elif reasons:
        why = unmet_reasons(eco, max_hops=max_hops, paths=paths)
    rows = paths.loc[~paths["served"].to_numpy(dtype=bool), ["actor", "service"]]
    return _unmet_table(eco, rows, why).set_axis(rows.index)


def _unmet_table(eco: Ecosystem, unmet: pd.DataFrame, why: pd.DataFrame | None) -> pd.DataFrame:
    """The unmet needs with the actor's name, region and sector (and the reasons, when given)."""
    who = eco.actors[["name", "region", "sector"]].reindex(unmet["actor"].to_numpy())
    out = pd.DataFrame({"actor": unmet["actor"].to_numpy(dtype=object),
                        "name": who["name"].to_numpy(dtype=object),
                        "service": unmet["service"].to_numpy(dtype=object),
                        "region": who["region"].to_numpy(dtype=object),
                        "sector": who["sector"].to_numpy(dtype=object)})
    if why is not None:
        out["reason"] = why["reason"].to_numpy(dtype=object)
        out["hops"] = why["hops"].array
    return out

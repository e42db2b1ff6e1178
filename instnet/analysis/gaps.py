"""Service gaps: which needs no reachable provider serves, and coverage per group.

Built on :func:`instnet.analysis.paths.best_paths` (DESIGN.md section 3): a need is
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
from ..model import Ecosystem
from .paths import best_paths

__all__ = ["GROUP_KEYS", "GapReport", "coverage", "need_weights"]

#: Keys a coverage report may be grouped by.
GROUP_KEYS = ("service", "region", "sector")


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
        ``needs``, ``served``, ``unmet``, ``coverage``; sorted by unmet needs
        (most first), then coverage (lowest first), then the keys.
    unmet : DataFrame
        ``actor``, ``service`` of every unmet need, in the order of ``eco.needs``.
    paths : DataFrame
        The :func:`~instnet.analysis.paths.best_paths` table the report was built from.
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
    weighted_coverage: float | None = None

    def to_dict(self, *, unmet: bool = False) -> dict[str, Any]:
        """The JSON shape of DESIGN.md section 4 (``unmet`` list only when asked).

        Examples
        --------
        >>> from instnet import read_dataset
        >>> d = coverage(read_dataset("jamaica")).to_dict()
        >>> sorted(d)
        ['by', 'coverage', 'groups', 'max_hops', 'needs', 'served']
        """
        groups = [
            {"service": _none(g.service), "region": _none(g.region), "sector": _none(g.sector),
             "needs": int(g.needs), "served": int(g.served), "unmet": int(g.unmet),
             "coverage": float(g.coverage)}
            for g in self.groups.itertuples(index=False)
        ]
        if self.weighted_coverage is not None:
            for d, w, ws, wc in zip(groups, self.groups["weight"], self.groups["weight_served"],
                                    self.groups["weighted_coverage"]):
                d.update(weight=int(w), weight_served=int(ws), weighted_coverage=float(wc))
        out: dict[str, Any] = {"needs": self.needs, "served": self.served, "coverage": self.coverage,
                               "max_hops": self.max_hops, "by": list(self.by), "groups": groups}
        if self.weighted_coverage is not None:
            out["weighted_coverage"] = self.weighted_coverage
        if unmet:
            out["unmet"] = [{"actor": a, "service": s}
                            for a, s in zip(self.unmet["actor"].to_numpy(), self.unmet["service"].to_numpy())]
        return out


def _none(v: Any) -> Any:
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else v


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
             paths: pd.DataFrame | None = None, weighted: bool = False) -> GapReport:
    """Coverage of the needs of ``eco``, overall and per group.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem (apply :meth:`Ecosystem.as_of` first for a given year).
    by : str or sequence of str, default ("service",)
        Group by any of ``service`` (the need's service), ``region`` and
        ``sector`` (the needing actor's); empty for one overall group.
    max_hops : int, default 4
        Longest referral path, in links.
    paths : DataFrame, optional
        Precomputed ``best_paths(eco, max_hops=max_hops)``.
    weighted : bool, default False
        Also weigh each need by ``4 - priority`` (empty = 2): ``weighted_coverage``
        overall and per group.

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
    >>> list(r.unmet.itertuples(index=False, name=None))
    [('e2', 's')]
    """
    keys = parse_by(by)
    if paths is None:
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
    if keys:
        grouped = frame.groupby(list(keys), sort=True, dropna=False)
        g = grouped["served"].agg(["size", "sum"]).join(grouped[["weight", "weight_served"]].sum()).reset_index()
    else:
        g = pd.DataFrame({"size": [n], "sum": [k], "weight": [int(w.sum())],
                          "weight_served": [int(frame["weight_served"].sum())]}) if n else \
            pd.DataFrame({"size": [], "sum": [], "weight": [], "weight_served": []})
    groups = pd.DataFrame({
        key: (g[key].to_numpy(dtype=object) if key in keys else np.full(len(g), None, dtype=object))
        for key in GROUP_KEYS
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
    unmet = paths.loc[~served, ["actor", "service"]].reset_index(drop=True)
    wc = (float(frame["weight_served"].sum() / w.sum()) if n else 1.0) if weighted else None
    return GapReport(needs=n, served=k, coverage=(k / n) if n else 1.0, max_hops=int(max_hops), by=keys,
                     groups=groups, unmet=unmet, paths=paths, weighted_coverage=wc)

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

__all__ = ["GROUP_KEYS", "GapReport", "coverage", "unmet"]

#: Keys a coverage report may be grouped by.
GROUP_KEYS = ("service", "region", "sector")


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
    """

    needs: int
    served: int
    coverage: float
    max_hops: int
    by: tuple[str, ...]
    groups: pd.DataFrame
    unmet: pd.DataFrame
    paths: pd.DataFrame

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
        out: dict[str, Any] = {"needs": self.needs, "served": self.served, "coverage": self.coverage,
                               "max_hops": self.max_hops, "by": list(self.by), "groups": groups}
        if unmet:
            out["unmet"] = [{"actor": a, "service": s}
                            for a, s in zip(self.unmet["actor"].to_numpy(), self.unmet["service"].to_numpy())]
        return out


    def to_frame(self) -> pd.DataFrame:
        """The coverage of each group (a copy of :attr:`groups`)."""
        return self.groups.copy()


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
             paths: pd.DataFrame | None = None) -> GapReport:
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
    actors = paths["actor"]
    for key in ("region", "sector"):
        if key in keys:
            frame[key] = eco.actors[key].reindex(actors.to_numpy()).to_numpy(dtype=object)
    if keys:
        g = frame.groupby(list(keys), sort=True, dropna=False)["served"].agg(["size", "sum"]).reset_index()
    else:
        g = pd.DataFrame({"size": [n], "sum": [k]}) if n else pd.DataFrame({"size": [], "sum": []})
    groups = pd.DataFrame({
        key: (g[key].to_numpy(dtype=object) if key in keys else np.full(len(g), None, dtype=object))
        for key in GROUP_KEYS
    })
    groups["needs"] = g["size"].to_numpy(dtype=np.int64)
    groups["served"] = g["sum"].to_numpy(dtype=np.int64)
    groups["unmet"] = groups["needs"] - groups["served"]
    with np.errstate(invalid="ignore", divide="ignore"):
        groups["coverage"] = np.where(groups["needs"] > 0, groups["served"] / groups["needs"].clip(lower=1), 1.0)
    groups = groups.sort_values(["unmet", "coverage", *keys], ascending=[False, True, *([True] * len(keys))],
                                kind="stable").reset_index(drop=True)
    unmet = paths.loc[~served, ["actor", "service"]].reset_index(drop=True)
    return GapReport(needs=n, served=k, coverage=(k / n) if n else 1.0, max_hops=int(max_hops), by=keys,
                     groups=groups, unmet=unmet, paths=paths)


def unmet(eco: Ecosystem, *, max_hops: int = 4, paths: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every unmet need, with who and where (the rows of ``gaps --unmet``).

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem (apply :meth:`Ecosystem.as_of` first for a given year).
    max_hops : int, default 4
        Longest referral path, in links.
    paths : DataFrame, optional
        Precomputed ``best_paths(eco, max_hops=max_hops)``.

    Returns
    -------
    pandas.DataFrame
        One row per unmet need, in the order of ``eco.needs`` (same index):
        ``actor``, ``name``, ``service``, ``region``, ``sector`` (str).

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
    """
    if paths is None:
        paths = best_paths(eco, max_hops=max_hops)
    rows = paths[~paths["served"].to_numpy(dtype=bool)]
    who = rows["actor"].to_numpy(dtype=object)
    actors = eco.actors
    return pd.DataFrame({
        "actor": who,
        "name": actors["name"].reindex(who).to_numpy(dtype=object),
        "service": rows["service"].to_numpy(dtype=object),
        "region": actors["region"].reindex(who).to_numpy(dtype=object),
        "sector": actors["sector"].reindex(who).to_numpy(dtype=object),
    }, index=rows.index)

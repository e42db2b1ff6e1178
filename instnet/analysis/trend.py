"""Change over time: indicators by year (``trend``) and what changed (``diff``).

:func:`trend` evaluates the ecosystem as it was in each year (``Ecosystem.as_of``,
the ``since``/``until`` columns): needs, coverage, the overall indicators of
:mod:`instnet.analysis.indicators` and the top bottlenecks (by impact, docs/semantics.md).

:func:`diff` compares two ecosystems (two years of one dataset, or two datasets):
actors, links and offers added and removed, gaps closed and opened, and the
institutions whose impact or load rose or fell.

Definitions used by :func:`diff` (needs are matched by (actor, service)):

* a gap is **closed** when the need is unmet in the first ecosystem and served in the second;
* a gap is **opened** when the need is unmet in the second ecosystem and was served
  in the first or did not exist there;
* links are matched by (source, target, type), offers by (actor, service);
* an institution absent from one side counts there with impact 0 and load 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import _
from ..errors import UsageError
from ..model import Ecosystem
from .core import Analysis
from .indicators import INDICATORS

__all__ = ["trend", "trend_years", "diff", "Diff", "snapshot", "MAX_TREND_YEARS"]


def snapshot(eco: Ecosystem, *, max_hops: int = 4, top: int = 3) -> dict[str, Any]:
    """Overall indicators and the top bottlenecks of one ecosystem."""
    analysis = Analysis(eco, max_hops=max_hops)
    paths = analysis.paths
    ind = analysis.indicators
    overall = ind[ind["scope"] == "overall"].iloc[0]
    served = int(paths["served"].sum())
    out: dict[str, Any] = {"needs": len(paths), "served": served,
                           "unmet": len(paths) - served,
                           "actors": len(eco.actors), "institutions": len(eco.institution_ids),
                           "links": len(eco.links)}
    for k in INDICATORS:
        if k != "needs":
            v = overall[k]
            out[k] = None if pd.isna(v) else float(v)
    b = analysis.bottlenecks if len(eco.institution_ids) else None
    tops = []
    if b is not None:
        for i, r in b.head(top).iterrows():
            if int(r["impact"]) <= 0 and int(r["load"]) <= 0:
                continue
            tops.append({"id": str(i), "name": str(r["name"]), "impact": int(r["impact"]), "load": int(r["load"])})
    out["bottlenecks"] = tops
    return out


#: Most years one trend evaluates (each is a full analysis).
MAX_TREND_YEARS = 200


def trend_years(start: int, end: int, *, step: int = 1) -> list[int]:
    """The years :func:`trend` evaluates: ``start`` to ``end`` every ``step`` years, ``end`` included.

    Raises
    ------
    UsageError
        ``step`` below 1, ``end`` before ``start``, or more than :data:`MAX_TREND_YEARS` years.

    Examples
    --------
    >>> trend_years(2000, 2010, step=4)
    [2000, 2004, 2008, 2010]
    """
    if step < 1:
        raise UsageError(_("step must be at least 1"), argument="step")
    if end < start:
        raise UsageError(_("end ({end}) is before start ({start})").format(end=end, start=start),
                         argument=("end", "start"))
    n = (end - start) // step + 1 + (1 if (end - start) % step else 0)
    if n > MAX_TREND_YEARS:
        raise UsageError(_("{n} years from {start} to {end} (every {step}): at most {most} are evaluated; "
                           "give a larger step or a shorter range").format(
                               n=n, start=start, end=end, step=step, most=MAX_TREND_YEARS),
                         argument=("step", "start", "end"))
    years = list(range(start, end + 1, step))
    if years[-1] != end:
        years.append(end)
    return years


def trend(eco: Ecosystem, start: int, end: int, *, step: int = 1, max_hops: int = 4, top: int = 3,
          progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """One row per year from ``start`` to ``end`` (inclusive, every ``step`` years).

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem with its ``since``/``until`` dates (each year is :meth:`Ecosystem.as_of` it).
    start, end : int
        The first and last year.
    step : int, default 1
        Years between rows (``end`` is always included).
    max_hops : int, default 4
        Longest referral path, in links.
    top : int, default 3
        Bottlenecks listed per year.
    progress : callable, optional
        Called with each year once it is done.

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``needs``, ``served``, ``unmet``, ``actors``,
        ``institutions``, ``links``, every overall indicator but ``needs``, and
        ``bottlenecks`` (list of ``{"id", "name", "impact", "load"}``, worst first).

    Raises
    ------
    UsageError
        If ``step`` is below 1, ``end`` is before ``start``, or the range holds
        more than :data:`MAX_TREND_YEARS` years (see :func:`trend_years`).

    Examples
    --------
    >>> from instnet import read_dataset
    >>> trend(read_dataset("jamaica"), 1994, 1998, step=2)["year"].tolist()
    [1994, 1996, 1998]
    """
    rows = []
    for y in trend_years(start, end, step=step):
        rows.append({"year": y, **snapshot(eco.as_of(y), max_hops=max_hops, top=top)})
        if progress is not None:
            progress(y)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Diff:
    """What changed between ecosystem ``a`` (before) and ``b`` (after) (:meth:`to_frame`: the counts)."""

    label_a: str
    label_b: str
    actors_added: pd.DataFrame
    actors_removed: pd.DataFrame
    links_added: pd.DataFrame
    links_removed: pd.DataFrame
    offers_added: pd.DataFrame
    offers_removed: pd.DataFrame
    gaps_closed: pd.DataFrame
    gaps_opened: pd.DataFrame
    bottlenecks: pd.DataFrame  # id, name, impact_a, impact_b, impact_change, load_a, load_b, load_change
    coverage_a: float
    coverage_b: float

    @property
    def rose(self) -> pd.DataFrame:
        b = self.bottlenecks
        return b[(b["impact_change"] > 0) | ((b["impact_change"] == 0) & (b["load_change"] > 0))]

    @property
    def fell(self) -> pd.DataFrame:
        b = self.bottlenecks
        f = b[(b["impact_change"] < 0) | ((b["impact_change"] == 0) & (b["load_change"] < 0))]
        return f.sort_values(["impact_change", "load_change", "id"], kind="stable")

    def to_dict(self) -> dict[str, Any]:
        def recs(f: pd.DataFrame) -> list[dict[str, Any]]:
            return [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in f.to_dict("records")]

        return {
            "from": self.label_a, "to": self.label_b,
            "coverage_from": self.coverage_a, "coverage_to": self.coverage_b,
            "actors_added": recs(self.actors_added), "actors_removed": recs(self.actors_removed),
            "links_added": recs(self.links_added), "links_removed": recs(self.links_removed),
            "offers_added": recs(self.offers_added), "offers_removed": recs(self.offers_removed),
            "gaps_closed": recs(self.gaps_closed), "gaps_opened": recs(self.gaps_opened),
            "bottlenecks_rose": recs(self.rose), "bottlenecks_fell": recs(self.fell),
        }

    def to_frame(self) -> pd.DataFrame:
        """The count of every kind of change (:meth:`summary`)."""
        return self.summary()

    def summary(self) -> pd.DataFrame:
        """One row per kind of change with its count (the CSV/table form)."""
        rows = [("actors added", len(self.actors_added)), ("actors removed", len(self.actors_removed)),
                ("links added", len(self.links_added)), ("links removed", len(self.links_removed)),
                ("offers added", len(self.offers_added)), ("offers removed", len(self.offers_removed)),
                ("gaps closed", len(self.gaps_closed)), ("gaps opened", len(self.gaps_opened)),
                ("bottlenecks rose", len(self.rose)), ("bottlenecks fell", len(self.fell))]
        return pd.DataFrame(rows, columns=["change", "count"])


def _set_diff(a: pd.DataFrame, b: pd.DataFrame, key: list[str], extra: list[str]) -> pd.DataFrame:
    ka = a[key + extra].drop_duplicates(key)
    kb = b[key].drop_duplicates()
    m = ka.merge(kb, on=key, how="left", indicator=True)
    return m[m["_merge"] == "left_only"].drop(columns="_merge").sort_values(key, kind="stable").reset_index(drop=True)


def _needs_status(analysis: Analysis) -> pd.DataFrame:
    return analysis.paths[["actor", "service", "served"]].drop_duplicates(["actor", "service"])


def _impacts(analysis: Analysis) -> pd.DataFrame:
    if not len(analysis.eco.institution_ids):
        return pd.DataFrame({"name": pd.Series([], dtype=str), "impact": pd.Series([], dtype=np.int64),
                             "load": pd.Series([], dtype=np.int64)})
    return analysis.bottlenecks[["name", "impact", "load"]]


def diff(a: Ecosystem, b: Ecosystem, *, max_hops: int = 4, label_a: str = "A", label_b: str = "B") -> Diff:
    """Compare ecosystem ``a`` (before) with ``b`` (after); see the module doc.

    Parameters
    ----------
    a, b : Ecosystem
        The ecosystem before and after (two years of one dataset, or two datasets).
    max_hops : int, default 4
        Longest referral path, in links.
    label_a, label_b : str
        Names of the two sides in the output.

    Returns
    -------
    Diff
        Actors, links and offers added and removed, gaps closed and opened, and the
        institutions whose impact or load changed.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> eco = read_dataset("jamaica")
    >>> d = diff(eco.as_of(1994), eco.as_of(1998))
    >>> len(d.actors_added) > 0, d.coverage_b >= 0
    (True, True)
    """
    aa = a.actors.rename_axis("id").reset_index()[["id", "name", "kind"]]
    ba = b.actors.rename_axis("id").reset_index()[["id", "name", "kind"]]
    lk = ["source", "target", "type"]
    ok = ["actor", "service"]
    an_a, an_b = Analysis(a, max_hops=max_hops), Analysis(b, max_hops=max_hops)
    sa, sb = _needs_status(an_a), _needs_status(an_b)
    m = sb.merge(sa, on=ok, how="left", suffixes=("_b", "_a"))
    closed = m[(m["served_a"] == False) & m["served_b"]][ok]  # noqa: E712 (NaN-safe)
    opened = m[~m["served_b"].astype(bool) & (m["served_a"].isna() | (m["served_a"] == True))][ok]  # noqa: E712
    ia, ib = _impacts(an_a), _impacts(an_b)
    j = ia.add_suffix("_a").join(ib.add_suffix("_b"), how="outer")
    bt = pd.DataFrame({
        "id": j.index.astype(str),
        "name": j["name_b"].fillna(j["name_a"]).astype(str).to_numpy(),
        "impact_a": j["impact_a"].fillna(0).astype(np.int64).to_numpy(),
        "impact_b": j["impact_b"].fillna(0).astype(np.int64).to_numpy(),
        "load_a": j["load_a"].fillna(0).astype(np.int64).to_numpy(),
        "load_b": j["load_b"].fillna(0).astype(np.int64).to_numpy(),
    })
    bt["impact_change"] = bt["impact_b"] - bt["impact_a"]
    bt["load_change"] = bt["load_b"] - bt["load_a"]
    bt = bt[(bt["impact_change"] != 0) | (bt["load_change"] != 0)]
    bt = bt.sort_values(["impact_change", "load_change", "id"], ascending=[False, False, True],
                        kind="stable").reset_index(drop=True)

    def cov(s: pd.DataFrame) -> float:
        return float(s["served"].mean()) if len(s) else 1.0

    return Diff(
        label_a=label_a, label_b=label_b,
        actors_added=_set_diff(ba, aa, ["id"], ["name", "kind"]),
        actors_removed=_set_diff(aa, ba, ["id"], ["name", "kind"]),
        links_added=_set_diff(b.links, a.links, lk, []),
        links_removed=_set_diff(a.links, b.links, lk, []),
        offers_added=_set_diff(b.offers, a.offers, ok, []),
        offers_removed=_set_diff(a.offers, b.offers, ok, []),
        gaps_closed=closed.sort_values(ok, kind="stable").reset_index(drop=True),
        gaps_opened=opened.sort_values(ok, kind="stable").reset_index(drop=True),
        bottlenecks=bt,
        coverage_a=cov(sa), coverage_b=cov(sb),
    )

"""Load, utilisation and what-if removals (docs/semantics.md; docs/bottlenecks.md).

* **load**: served needs whose best path passes through or ends at ``X``;
  **utilisation** = load / capacity;
* **what-if**: coverage before and after removing several institutions together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..i18n import _
from ..labels import label
from ..errors import UsageError, unknown_id
from .impact import ImpactEngine
from ..model import Ecosystem

__all__ = ["WhatIf", "check_institutions", "compare", "load", "what_if"]


def load(eco: Ecosystem, *, max_hops: int = 4, paths: pd.DataFrame | None = None) -> pd.DataFrame:
    """Load and utilisation of every institution.

    Load counts the served needs whose best path passes through or ends at the
    institution; utilisation is load / ``capacity`` (NaN without a positive
    capacity).

    Parameters
    ----------
    paths : DataFrame, optional
        Precomputed :func:`instnet.analysis.paths.best_paths` ``(eco, max_hops=...)``.

    Returns
    -------
    pandas.DataFrame
        Indexed by institution id: ``load`` (int), ``capacity`` (``Int64``),
        ``utilisation`` (float).

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "e", "name": "Shop", "kind": "enterprise"},
    ...             {"id": "b", "name": "Broker", "kind": "broker", "capacity": "4"},
    ...             {"id": "p", "name": "Lab", "kind": "bds_provider"}],
    ...     services=[{"id": "s", "name": "Testing", "category": "technology"}],
    ...     offers=[{"actor": "p", "service": "s"}],
    ...     needs=[{"actor": "e", "service": "s"}],
    ...     links=[{"source": "e", "target": "b", "type": "client_of"},
    ...            {"source": "b", "target": "p", "type": "refers_to"}])
    >>> row = load(eco).loc["b"]
    >>> int(row["load"]), int(row["capacity"]), float(row["utilisation"])
    (1, 4, 0.25)
    """
    if paths is None:
        from .paths import best_paths

        paths = best_paths(eco, max_hops=max_hops)
    inst = eco.institution_ids
    nodes = paths.loc[paths["served"].to_numpy(dtype=bool), "path"].explode()
    counts = nodes[nodes.isin(inst)].value_counts()
    out = pd.DataFrame(index=pd.Index(inst, name="id"))
    out["load"] = counts.reindex(inst).fillna(0).astype(np.int64).to_numpy()
    cap = eco.actors["capacity"].reindex(inst)
    out["capacity"] = cap.astype("Int64").to_numpy()
    c = cap.astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(c > 0, out["load"].to_numpy() / c, np.nan)
    out["utilisation"] = util
    return out


# --------------------------------------------------------------------------- what-if


@dataclass(frozen=True)
class WhatIf:
    """Coverage before and after removing institutions together.

    ``groups`` has one row per (dimension, group): ``by`` (service, region or
    sector), ``group``, ``needs``, ``served_before``, ``served_after``, ``lost``,
    ``coverage_before``, ``coverage_after``; sorted by ``lost`` (most first).
    ``lost_needs`` lists the needs served before and not after.
    """

    removed: tuple[str, ...]
    needs: int
    served_before: int
    served_after: int
    groups: pd.DataFrame
    lost_needs: pd.DataFrame

    @property
    def coverage_before(self) -> float:
        return self.served_before / self.needs if self.needs else 1.0

    @property
    def coverage_after(self) -> float:
        return self.served_after / self.needs if self.needs else 1.0

    def to_dict(self) -> dict:
        return {
            "removed": list(self.removed),
            "needs": self.needs,
            "served_before": self.served_before,
            "served_after": self.served_after,
            "coverage_before": self.coverage_before,
            "coverage_after": self.coverage_after,
            "groups": self.groups.to_dict("records"),
        }

    def to_frame(self) -> pd.DataFrame:
        """The groups table (one row per service, region or sector group)."""
        return self.groups.copy()


def check_institutions(eco: Ecosystem, ids: Sequence[str]) -> list[str]:
    """Return ``ids`` (deduplicated) after checking each is an institution of ``eco``.

    Raises
    ------
    UnknownIdError
        For an id that is not an actor (with close suggestions).
    UsageError
        For an actor that is not an institution.
    """
    out: list[str] = []
    for i in ids:
        if i not in eco.actors.index:
            raise unknown_id("institution", i, eco.institution_ids)
        if not eco.is_institution(i):
            raise UsageError(_("{id!r} is a {kind}, not an institution").format(
                id=i, kind=label("kind", eco.actors.at[i, "kind"])))
        if i not in out:
            out.append(i)
    return out


def what_if(eco: Ecosystem, remove: Sequence[str], *, max_hops: int = 4,
            by: Sequence[str] = ("service", "region", "sector")) -> WhatIf:
    """Coverage before and after removing ``remove`` (institutions) together.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem (apply :meth:`Ecosystem.as_of` first for a given year).
    max_hops : int, default 4
        Longest referral path, in links.
    remove : sequence of str
        Ids of the institutions removed together (with their links and offers).
    by : sequence of str
        The groupings of :attr:`WhatIf.groups` (``service``, ``region``, ``sector``).

    Returns
    -------
    WhatIf

    Raises
    ------
    UnknownIdError
        For an id that is not an actor (with close suggestions).
    UsageError
        For an actor that is not an institution.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> w = what_if(read_dataset("jamaica"), ["jampro_pc"])
    >>> w.served_after < w.served_before
    True
    """
    removed = check_institutions(eco, remove)
    before = ImpactEngine(eco, max_hops=max_hops).served
    after = ImpactEngine(eco.without(removed), max_hops=max_hops).served
    return compare(eco, removed, before, after, by=by)


def compare(eco: Ecosystem, removed: Sequence[str], before: np.ndarray, after: np.ndarray, *,
            by: Sequence[str] = ("service", "region", "sector")) -> WhatIf:
    """The :class:`WhatIf` of served needs ``before`` and ``after`` removing ``removed`` (bool per need)."""
    needs = eco.needs
    actors = eco.actors
    frame = pd.DataFrame({
        "actor": needs["actor"].to_numpy(dtype=object),
        "service": needs["service"].to_numpy(dtype=object),
        "region": actors["region"].reindex(needs["actor"]).to_numpy(dtype=object),
        "sector": actors["sector"].reindex(needs["actor"]).to_numpy(dtype=object),
        "before": before, "after": after,
    }, index=needs.index)
    rows = []
    for dim in by:
        g = frame.groupby(dim, sort=True)
        part = pd.DataFrame({"needs": g.size(), "served_before": g["before"].sum(),
                             "served_after": g["after"].sum()})
        for key, r in part.iterrows():
            nb, sb, sa = int(r["needs"]), int(r["served_before"]), int(r["served_after"])
            rows.append({"by": dim, "group": key, "needs": nb, "served_before": sb, "served_after": sa,
                         "lost": sb - sa, "coverage_before": sb / nb, "coverage_after": sa / nb})
    groups = pd.DataFrame(rows, columns=["by", "group", "needs", "served_before", "served_after", "lost",
                                         "coverage_before", "coverage_after"])
    if len(groups):
        groups = groups.sort_values(["lost", "by", "group"], ascending=[False, True, True],
                                    kind="stable").reset_index(drop=True)
    lost = frame[frame["before"] & ~frame["after"]][["actor", "service", "region", "sector"]]
    return WhatIf(tuple(removed), len(frame), int(before.sum()), int(after.sum()), groups, lost)

"""What happened to logged referrals: counts by status, provider and service, and declines.

The referral log (the desk's log, or a dataset's ``referrals.csv``) says what
brokers did; this module sets it beside the analysis. A provider whose declines
for ``capacity`` meet a utilisation above 1 (load / capacity of
:func:`instnet.analysis.load.load`) is overloaded by the network's own routing,
not just unlucky: the declines and the model agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..io.referral_log import DECLINE_REASONS, REFERRAL_COLUMNS, STATUSES
from ..model import Ecosystem
from .load import load

__all__ = ["Outcomes", "merge_logs", "outcomes"]


def merge_logs(*logs: Iterable[Mapping[str, str]]) -> pd.DataFrame:
    """One referral table from several logs; a later log's row replaces an earlier one with its id.

    Examples
    --------
    >>> merge_logs([{"id": "a", "status": "open"}], [{"id": "a", "status": "served"}])[["id", "status"]].values.tolist()
    [['a', 'served']]
    """
    rows: dict[str, dict[str, str]] = {}
    for log in logs:
        for r in log:
            rows[str(r.get("id", ""))] = {c: str(r.get(c, "") or "") for c in REFERRAL_COLUMNS}
    return pd.DataFrame(list(rows.values()), columns=list(REFERRAL_COLUMNS))


@dataclass(frozen=True)
class Outcomes:
    """Referral outcomes of one log.

    Attributes
    ----------
    referrals : int
        Number of referrals.
    by_status : DataFrame
        ``status``, ``referrals`` for every status (zeros included), in the
        order of the vocabulary.
    by_provider, by_service : DataFrame
        ``provider`` / ``service``, ``name``, ``referrals``, then one count per
        status; most referrals first, then id.
    declines : DataFrame
        ``reason``, ``declines`` for every decline reason (``""``: none given).
    capacity : DataFrame
        Providers with at least one decline for capacity: ``provider``, ``name``,
        ``declines``, ``load``, ``capacity``, ``utilisation`` and ``agrees``
        (utilisation above 1).
    """

    referrals: int
    by_status: pd.DataFrame
    by_provider: pd.DataFrame
    by_service: pd.DataFrame
    declines: pd.DataFrame
    capacity: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict of every table."""
        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return [{k: _plain(v) for k, v in r.items()} for r in frame.to_dict("records")]

        return {"referrals": self.referrals, "by_status": records(self.by_status),
                "by_provider": records(self.by_provider), "by_service": records(self.by_service),
                "declines": records(self.declines), "capacity": records(self.capacity)}

    def to_frame(self) -> pd.DataFrame:
        """Every count in one long table: ``table``, ``key``, ``name``, ``count``."""
        parts = [
            pd.DataFrame({"table": "status", "key": self.by_status["status"], "name": "",
                          "count": self.by_status["referrals"]}),
            pd.DataFrame({"table": "provider", "key": self.by_provider["provider"], "name": self.by_provider["name"],
                          "count": self.by_provider["referrals"]}),
            pd.DataFrame({"table": "service", "key": self.by_service["service"], "name": self.by_service["name"],
                          "count": self.by_service["referrals"]}),
            pd.DataFrame({"table": "decline_reason", "key": self.declines["reason"], "name": "",
                          "count": self.declines["declines"]}),
        ]
        return pd.concat(parts, ignore_index=True)


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _counted(rows: pd.DataFrame, key: str, names: Mapping[str, str]) -> pd.DataFrame:
    table = pd.crosstab(rows[key], rows["status"]).reindex(columns=list(STATUSES), fill_value=0)
    table.insert(0, "referrals", table.sum(axis=1))
    table = table.reset_index().rename(columns={key: key})
    table.insert(1, "name", [str(names.get(k, k)) for k in table[key]])
    table.columns.name = None
    return table.sort_values(["referrals", key], ascending=[False, True], kind="stable").reset_index(drop=True)


def outcomes(rows: pd.DataFrame, eco: Ecosystem, *, max_hops: int = 4,
             paths: pd.DataFrame | None = None) -> Outcomes:
    """Count a referral log's outcomes and set capacity declines beside utilisation.

    Parameters
    ----------
    rows : DataFrame
        Referral rows (the columns of ``referrals.csv``, text).
    eco : Ecosystem
        The ecosystem the referrals were made in (names, load, capacity).
    max_hops : int, default 4
        Longest referral path for the load.
    paths : DataFrame, optional
        Precomputed best paths for the load.

    Returns
    -------
    Outcomes

    Examples
    --------
    >>> from instnet import read_dataset
    >>> eco = read_dataset("jamaica")
    >>> log = merge_logs([
    ...     {"id": "1", "provider": "kingston_atc", "service": "pattern_making", "status": "declined",
    ...      "reason": "capacity"},
    ...     {"id": "2", "provider": "food_centre", "service": "food_technology", "status": "declined",
    ...      "reason": "capacity"}])
    >>> o = outcomes(log, eco)
    >>> o.referrals, o.capacity[["provider", "utilisation", "agrees"]].values.tolist()
    (2, [['food_centre', 0.6, False], ['kingston_atc', 1.25, True]])
    """
    rows = rows.reindex(columns=list(REFERRAL_COLUMNS)).fillna("").astype(str)
    names = eco.actors["name"].to_dict()
    service_names = eco.services["name"].to_dict()
    status = rows["status"].value_counts().reindex(list(STATUSES), fill_value=0)
    by_status = pd.DataFrame({"status": list(STATUSES), "referrals": status.to_numpy(dtype=np.int64)})
    declined = rows[rows["status"] == "declined"]
    reasons = declined["reason"].value_counts().reindex([*DECLINE_REASONS, ""], fill_value=0)
    declines = pd.DataFrame({"reason": [*DECLINE_REASONS, ""], "declines": reasons.to_numpy(dtype=np.int64)})
    by_capacity = declined[declined["reason"] == "capacity"]["provider"].value_counts()
    loads = load(eco, max_hops=max_hops, paths=paths) if len(by_capacity) else None
    cap_rows = []
    for provider, n in sorted(by_capacity.items(), key=lambda kv: (-kv[1], kv[0])):
        known = loads is not None and provider in loads.index
        util = float(loads.at[provider, "utilisation"]) if known else float("nan")
        cap = loads.at[provider, "capacity"] if known else pd.NA
        cap_rows.append({"provider": provider, "name": str(names.get(provider, provider)), "declines": int(n),
                         "load": int(loads.at[provider, "load"]) if known else None,
                         "capacity": None if pd.isna(cap) else int(cap), "utilisation": util,
                         "agrees": bool(util > 1)})
    capacity = pd.DataFrame(cap_rows, columns=["provider", "name", "declines", "load", "capacity", "utilisation",
                                               "agrees"])
    return Outcomes(referrals=len(rows), by_status=by_status, by_provider=_counted(rows, "provider", names),
                    by_service=_counted(rows, "service", service_names), declines=declines, capacity=capacity)

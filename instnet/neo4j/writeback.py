"""Write analysis results back to Neo4j as actor properties (for Bloom and Browser).

:func:`write_back` takes any table indexed by actor id whose columns are property
names; :func:`gather_analytics` computes instnet's analytics as such a table
(impact, load, utilisation, betweenness, articulation, brokerage from
:mod:`instnet.analysis.bottlenecks`; need coverage from :func:`instnet.analysis.impact.served_needs`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import _
from ..analysis.core import Analysis
from ..errors import UsageError
from ..model import Ecosystem
from .connection import Connection, borrowed
from .load import RESERVED, current_version
from .queries import query

log = logging.getLogger(__name__)

#: A property name write-back may set: lower-case identifier, at most 64 characters.
PROPERTY_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
BATCH = 10_000

#: Dataset columns of actors: write-back never overwrites them.
_DATASET_COLUMNS = frozenset({"name", "kind", "sector", "region", "size", "capacity", "since",
                              "until", "private", "lat", "lon", "description"})


def check_property_names(names: list[str], *, taken: frozenset[str] = frozenset()) -> None:
    """Refuse property names that are not plain identifiers or that instnet uses already.

    Raises
    ------
    UsageError
        Naming every bad name.

    Examples
    --------
    >>> check_property_names(["impact", "betweenness"])
    >>> check_property_names(["x}) DETACH DELETE (n"])
    Traceback (most recent call last):
    ...
    instnet.errors.UsageError: cannot write back property 'x}) DETACH DELETE (n': names must match [a-z][a-z0-9_]{0,63}
    """
    for name in names:
        if not isinstance(name, str) or not PROPERTY_NAME.fullmatch(name):
            raise UsageError(_("cannot write back property {name!r}: names must match {pattern}").format(
                name=name, pattern=PROPERTY_NAME.pattern))
        if name in RESERVED or name in _DATASET_COLUMNS or name in taken:
            raise UsageError(_("cannot write back property {name!r}: it would overwrite a property of the "
                               "dataset or of instnet").format(name=name))


def _value(v: Any) -> Any:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, bool | int | float | str):
        return v
    return str(v)


def write_back(
    ecosystem: str,
    properties: pd.DataFrame,
    *,
    connection: Connection | None = None,
    batch_size: int = BATCH,
) -> int:
    """Set ``properties`` (index: actor id, columns: property names) on the actors.

    Only the committed version of the ecosystem is touched. Empty cells (NaN, NA,
    None) remove the property, so writing back twice leaves the same graph.

    Returns
    -------
    int
        The number of actors updated.

    Raises
    ------
    UsageError
        A property name outside the allowed pattern or taken by the dataset; an
        unknown ecosystem; actor ids not in the ecosystem.
    Neo4jError
        If the server fails.
    """
    names = [str(c) for c in properties.columns]
    conn, owned = borrowed(connection)
    try:
        rows = conn.records(query("ecosystem"), {"ecosystem": ecosystem})
        if not rows:
            raise UsageError(_("Neo4j has no ecosystem {name!r}; load it first").format(name=ecosystem))
        state = rows[0]["ecosystem"]
        check_property_names(names, taken=frozenset(state.get("actor_columns") or ()))
        version = current_version(conn, ecosystem)
        params = {"ecosystem": ecosystem, "version": version}
        ids = [str(i) for i in properties.index]
        columns = [[_value(v) for v in properties[c].tolist()] for c in properties.columns]
        updated = 0
        for start in range(0, len(ids), batch_size):
            batch = [{"id": ids[i], "props": {n: col[i] for n, col in zip(names, columns)}}
                     for i in range(start, min(start + batch_size, len(ids)))]
            updated += conn.run(query("write_back"), {**params, "rows": batch}).records[0]["updated"]
        if updated != len(ids):
            raise UsageError(_("{missing} of {n} actor ids are not in ecosystem {name!r} (was it loaded from "
                               "another dataset?)").format(missing=len(ids) - updated, n=len(ids), name=ecosystem))
        log.info("ecosystem %r: %d properties written back on %d actors", ecosystem, len(names), updated)
        return updated
    finally:
        if owned:
            conn.close()


def _bottlenecks(analysis: Analysis) -> pd.DataFrame:
    table = analysis.bottlenecks
    return table[["impact", "actors_cut", "load", "utilisation", "betweenness", "articulation", "brokerage"]]


def _coverage(analysis: Analysis) -> pd.DataFrame:
    frame = pd.DataFrame({"actor": analysis.eco.needs["actor"].to_numpy(),
                          "served": analysis.served})
    per_actor = frame.groupby("actor")["served"].agg(["sum", "count"])
    return pd.DataFrame({"needs": per_actor["count"].astype("int64"),
                         "needs_served": per_actor["sum"].astype("int64"),
                         "need_coverage": per_actor["sum"] / per_actor["count"]})


def _nullable(frame: pd.DataFrame) -> pd.DataFrame:
    """Integers and booleans as nullable dtypes, so they survive aligning the parts."""
    out = frame.copy()
    for column in out.columns:
        kind = out[column].dtype.kind
        if kind in "iu":
            out[column] = out[column].astype("Int64")
        elif kind == "b":
            out[column] = out[column].astype("boolean")
    return out


#: Name -> function(analysis) -> DataFrame indexed by actor id.
ANALYTICS: dict[str, Callable[[Analysis], pd.DataFrame]] = {
    "bottlenecks": _bottlenecks,
    "coverage": _coverage,
}


def gather_analytics(eco: Ecosystem, *, max_hops: int = 4, analysis: Analysis | None = None) -> pd.DataFrame:
    """Compute every analytic of :data:`ANALYTICS` as properties.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem.
    max_hops : int, default 4
        Longest referral path, in links.
    analysis : Analysis, optional
        A precomputed analysis of ``eco`` (else one is made at ``max_hops``).

    Returns
    -------
    DataFrame
        The properties, indexed by actor id, one column per property.
    """
    if analysis is None:
        analysis = Analysis(eco, max_hops=max_hops)
    parts = [_nullable(fn(analysis)) for fn in ANALYTICS.values()]
    table = pd.concat(parts, axis=1)
    return table[~table.index.duplicated()]

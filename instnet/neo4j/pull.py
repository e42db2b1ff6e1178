"""Read an ecosystem back from Neo4j into the in-memory model (and the dataset format).

Only the committed version is read (see :mod:`instnet.neo4j.load`); if a load
commits while a pull is reading, the pull notices (the committed version or its
commit time changed) and reads again, so it never returns a mix of two versions.
The rows go through the same validation as files (:func:`instnet.io.read.build_ecosystem`),
so a pulled ecosystem has exactly the tables and dtypes of a read one.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pandas as pd

from ..i18n import _
from ..errors import DatasetError, Neo4jError, UsageError
from ..model import Ecosystem
from .connection import Connection, borrowed
from .load import TABLE_NAMES
from ..schema import LINK_REL_TYPES
from .queries import REL_TYPES, query

log = logging.getLogger(__name__)

_LINK_TYPES = {rel: t for t, rel in LINK_REL_TYPES.items()}
_ATTEMPTS = 3


def _text(value: Any) -> str:
    """A Neo4j property as the text a dataset file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _table(rows: list[dict[str, Any]], columns: list[str], keys: dict[str, str],
           file: str) -> Any:
    from ..io.tables import RawTable

    data: dict[str, list[str]] = {}
    for column, field in keys.items():
        data[column] = [_text(r[field]) for r in rows]
    for column in columns:
        if column in keys:
            continue
        data[column] = [_text(r["props"].get(column)) for r in rows]
    frame = pd.DataFrame({c: pd.Series(v, dtype="str") for c, v in data.items()},
                         columns=list(data), index=pd.RangeIndex(len(rows)))
    return RawTable(file, frame, lambda i: i + 2)


def _state(conn: Connection, name: str) -> dict[str, Any]:
    rows = conn.records(query("ecosystem"), {"ecosystem": name})
    if not rows:
        known = [r["name"] for r in conn.records(query("list_ecosystems"))]
        hint = (_(" (it holds: {names})").format(names=", ".join(map(repr, known))) if known
                else _(" (it holds none)"))
        raise UsageError(_("Neo4j has no ecosystem {name!r}").format(name=name) + hint)
    return rows[0]["ecosystem"]


def _read_once(conn: Connection, name: str, state: dict[str, Any]) -> dict[str, list[dict]]:
    params = {"ecosystem": name, "version": state["version"]}
    out = {}
    for table in TABLE_NAMES:
        extra = {"types": sorted(REL_TYPES)} if table == "links" else {}
        out[table] = conn.records(query(f"pull_{table}"), {**params, **extra})
    return out


def read_ecosystem(name: str, *, connection: Connection | None = None) -> Ecosystem:
    """Read the committed version of ecosystem ``name`` from Neo4j.

    Parameters
    ----------
    name : str
        The ecosystem's name in the database (``--ecosystem``).
    connection : Connection, optional
        Default: :func:`instnet.neo4j.connection.connect` from the environment.

    Returns
    -------
    Ecosystem
        The same tables (up to row order) as the dataset that was loaded.

    Raises
    ------
    UsageError
        If the database holds no ecosystem of that name.
    Neo4jError
        If the server fails, or the ecosystem kept changing while it was read.
    DatasetError
        If the graph was edited into something that is not a valid dataset.
    """
    conn, owned = borrowed(connection)
    try:
        for attempt in range(_ATTEMPTS):
            state = _state(conn, name)
            rows = _read_once(conn, name, state)
            after = _state(conn, name)
            if (after.get("version"), after.get("loaded_at")) == (state["version"], state.get("loaded_at")):
                edited = {t: (len(rows[t]), state.get(t)) for t in TABLE_NAMES
                          if len(rows[t]) != state.get(t)}
                if edited:
                    log.warning("ecosystem %r was edited in Neo4j since it was loaded "
                                "(rows read / loaded: %s)", name, edited)
                break
            log.info("ecosystem %r changed while it was read (attempt %d); reading again",
                     name, attempt + 1)
        else:
            raise Neo4jError(_("ecosystem {name!r} kept changing while it was read; try again").format(name=name))
    finally:
        if owned:
            conn.close()
    return _build(name, state, rows)


def _build(name: str, state: dict[str, Any], rows: dict[str, list[dict]]) -> Ecosystem:
    from ..io.read import build_ecosystem

    for link in rows["links"]:
        link["type"] = _LINK_TYPES[link["type"]]
    where = f"neo4j:{name}"
    tables = {
        "actors": _table(rows["actors"], ["id", *state["actor_columns"]], {"id": "id"},
                         f"{where}/actors"),
        "services": _table(rows["services"], ["id", *state["service_columns"]], {"id": "id"},
                           f"{where}/services"),
        "offers": _table(rows["offers"], state["offer_columns"],
                         {"actor": "actor", "service": "service"}, f"{where}/offers"),
        "needs": _table(rows["needs"], state["need_columns"],
                        {"actor": "actor", "service": "service"}, f"{where}/needs"),
        "links": _table(rows["links"], state["link_columns"],
                        {"source": "source", "target": "target", "type": "type"},
                        f"{where}/links"),
    }
    meta = json.loads(state.get("meta") or "{}")
    eco, problems = build_ecosystem(tables, meta, source=where)
    if problems:
        raise DatasetError(problems)
    assert eco is not None
    return eco


def pull(name: str, out_dir: str | Path, *, connection: Connection | None = None) -> Path:
    """Write ecosystem ``name`` from Neo4j as a dataset folder; return the folder."""
    from ..io.write import write_dataset

    eco = read_ecosystem(name, connection=connection)
    return write_dataset(eco, out_dir)

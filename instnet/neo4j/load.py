"""Load an Ecosystem into Neo4j: batched, idempotent, all or nothing.

Design (docs/neo4j.md has the long version):

* Every actor and service node carries ``ecosystem`` (the name) and ``version``
  (a hash of the dataset's content); they are unique on ``(ecosystem, version, id)``.
* ``(:Ecosystem {name, version})`` names the committed version; every reader
  (pull, write-back, the analyst queries) reads only that version.
* A load registers its version as ``staging``, writes it in ``UNWIND $rows``
  batches, checks the counts, and then switches ``Ecosystem.version`` in one small
  transaction. Until that switch readers see the previous version, complete; if
  the load dies midway the staged data is invisible and is deleted by the next
  load (or :func:`delete_ecosystem`), which then completes the work.
* The same dataset has the same version, so loading it twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..errors import Neo4jError, UsageError
from ..i18n import _
from ..io.meta import ecosystem_name_problem
from ..model import Ecosystem
from .connection import Connection, borrowed
from .queries import label_for_kind, query, rel_type_for_link, statements

log = logging.getLogger(__name__)

#: Properties instnet sets itself; a dataset column may not use these names.
RESERVED = frozenset({"ecosystem", "version", "id", "touched_at"})
TABLE_NAMES = ("actors", "services", "offers", "needs", "links")
DEFAULT_BATCH = 10_000
GC_BATCH = 5_000

#: Per table: the key columns and the known columns, in the positions that the
#: ``cypher/load_*.cypher`` queries read them from (their header comments list them).
KNOWN_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "actors": (("id",), ("name", "kind", "sector", "region", "size", "capacity", "since",
                         "until", "private", "lat", "lon", "description")),
    "services": (("id",), ("name", "category")),
    "offers": (("actor", "service"), ("regions", "sectors", "capacity", "fee", "since", "until")),
    "needs": (("actor", "service"), ("priority",)),
    "links": (("source", "target"), ("weight", "since", "until")),
}

#: ``progress(step, done, total)``: rows written so far out of all rows.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class LoadResult:
    """What :func:`load_ecosystem` did."""

    ecosystem: str
    version: str
    status: str  # "loaded" (new), "replaced" or "unchanged"
    previous: str | None
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def nodes(self) -> int:
        return self.counts.get("actors", 0) + self.counts.get("services", 0)

    @property
    def relationships(self) -> int:
        return sum(self.counts.get(t, 0) for t in ("offers", "needs", "links"))


@dataclass(frozen=True)
class _Step:
    """One kind of batch: the query and the rows it takes (made batch by batch)."""

    label: str
    cypher: str
    frame: pd.DataFrame
    keys: tuple[str, ...]  # leading columns that match or key (``id``: the index)
    known: tuple[str, ...]  # columns the query names itself, in its order
    extra: tuple[str, ...]  # the dataset's own columns (dynamic property names)
    creates: str  # "nodes" or "relationships"


#: The columns that order each table canonically (its key; unique in a valid dataset).
_ORDER = {"offers": ["actor", "service"], "needs": ["actor", "service"],
          "links": ["source", "target", "type"]}


def _canonical(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` in the order of its key, so that the hash ignores row order."""
    if name in _ORDER:
        return frame.sort_values(_ORDER[name], kind="stable").reset_index(drop=True)
    return frame.sort_index(kind="stable")


def content_version(eco: Ecosystem) -> str:
    """Return a short hash of everything a load writes (tables, columns, meta).

    The rows are hashed in a canonical order (by id, or by the key of offers, needs
    and links), so the same data in another row order (a pulled ecosystem written
    back to files) has the same version.

    Examples
    --------
    >>> eco = Ecosystem.from_records(actors=[{"id": "a", "name": "A", "kind": "donor"}])
    >>> content_version(eco) == content_version(eco), len(content_version(eco))
    (True, 17)
    """
    h = hashlib.sha256()
    h.update(json.dumps(_meta(eco), sort_keys=True).encode())
    for name in TABLE_NAMES:
        frame = getattr(eco, name)
        h.update(json.dumps([name, [str(c) for c in frame.columns],
                             [str(t) for t in frame.dtypes]]).encode())
        if len(frame):
            frame = _canonical(name, frame)
            h.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return "v" + h.hexdigest()[:16]


def _meta(eco: Ecosystem) -> dict[str, Any]:
    return {str(k): (v if isinstance(v, str | int | float | bool) or v is None else str(v))
            for k, v in eco.meta.items()}


#: Separator candidates for the column encoding of a batch (see cypher/load_actors.cypher).
_SEPARATORS = ("\x1f", "\x1e", "\x1d", "\x1c", *(chr(c) for c in range(0xE000, 0xE040)))


def _column_text(series: pd.Series) -> tuple[str, list[str]]:
    """A column as (type, texts): the type tells the server how to read the texts."""
    dtype = series.dtype
    if dtype == bool:
        return "bool", ["true" if v else "false" for v in series.to_numpy()]
    if str(dtype) == "Int64":
        return "int", series.astype("string").fillna("").tolist()
    if dtype.kind == "f":
        return "float", ["" if v != v else repr(float(v)) for v in series.to_numpy()]
    return "str", ["" if (v is None or v != v) else str(v) for v in series.tolist()]


def _encode(columns: list[list[str]]) -> tuple[str, list[str]]:
    """Join each column with a separator found in none of its values.

    The usual candidates are a few control and private-use characters; when the
    values of a batch hold every one of them, the separator is the first private-use
    (then any) character that no value of the batch holds.

    Examples
    --------
    >>> sep, data = _encode([["a", "b"], ["1", ""]])
    >>> [d.split(sep) for d in data]
    [['a', 'b'], ['1', '']]
    >>> hostile = "".join(_SEPARATORS)
    >>> sep, data = _encode([[hostile, "x"]])
    >>> sep not in hostile and data[0].split(sep) == [hostile, "x"]
    True
    """
    for sep in _SEPARATORS:
        joined = [sep.join(values) for values in columns]
        if all(j.count(sep) == len(values) - 1 for j, values in zip(joined, columns)):
            return sep, joined
    sep = _unused_character(columns)
    return sep, [sep.join(values) for values in columns]


def _unused_character(columns: list[list[str]]) -> str:
    used: set[str] = set()
    for values in columns:
        for value in values:
            used.update(value)
    for code in (*range(0xE040, 0xF900), *range(0xF0000, 0x110000), *range(0x80, 0xD800)):
        if chr(code) not in used:
            return chr(code)
    raise UsageError(_("cannot encode a batch: its values contain every separator character"))


def _check_columns(eco: Ecosystem) -> None:
    for name in TABLE_NAMES:
        clash = RESERVED.intersection(map(str, getattr(eco, name).columns))
        if clash:
            raise UsageError(
                _("{table}: column(s) {columns} clash with the properties instnet keeps for itself in Neo4j "
                  "(ecosystem, version, id); rename them").format(table=name, columns=sorted(clash)))


def plan(eco: Ecosystem) -> list[_Step]:
    """Build every batch query of a load (no server needed).

    Labels and relationship types come from the fixed lists only.

    Raises
    ------
    SchemaError
        If an actor kind or link type is outside the fixed lists of kinds and link types (possible only
        for an Ecosystem built without validation); nothing has been sent then.
    UsageError
        If a column name clashes with the properties instnet keeps for itself.
    """
    _check_columns(eco)
    steps: list[_Step] = []
    actors = eco.actors
    for kind in sorted(pd.unique(actors["kind"]), key=str):
        label = label_for_kind(kind)
        steps.append(_step(f"actors ({kind})", query("load_actors", LABEL=label),
                           actors[actors["kind"] == kind], "actors", "nodes"))
    steps.append(_step("services", query("load_services"), eco.services, "services", "nodes"))
    for name in ("offers", "needs"):
        steps.append(_step(name, query(f"load_{name}"), getattr(eco, name), name,
                           "relationships"))
    links = eco.links
    for link_type in sorted(pd.unique(links["type"]), key=str):
        rel = rel_type_for_link(link_type)
        steps.append(_step(f"links ({link_type})", query("load_links", REL_TYPE=rel),
                           links[links["type"] == link_type], "links", "relationships"))
    return steps


def _step(label: str, cypher: str, frame: pd.DataFrame, table: str, creates: str) -> _Step:
    keys, known = KNOWN_COLUMNS[table]
    skip = set(keys) | set(known) | {"type"}
    extra = tuple(c for c in frame.columns if c not in skip)
    return _Step(label, cypher, frame, keys, known, extra, creates)


def _batches(step: _Step, size: int) -> Iterator[dict[str, Any]]:
    """The parameters of each batch of ``step``: keys, types, joined column texts, separator.

    Columns go in the order the query expects: the key columns, the known columns of
    :data:`KNOWN_COLUMNS`, then the dataset's own columns (named by ``keys``).
    """
    frame = step.frame
    names = [*step.keys, *step.known, *map(str, step.extra)]
    for start in range(0, len(frame), size):
        part = frame.iloc[start:start + size]
        types, texts = [], []
        for key in step.keys:
            values = part.index if key == "id" else part[key]
            types.append("str")
            texts.append([str(v) for v in values])
        for column in (*step.known, *step.extra):
            if column in part.columns:
                kind, values = _column_text(part[column])
            else:  # a known column the frame lacks: empty
                kind, values = "str", [""] * len(part)
            types.append(kind)
            texts.append(values)
        sep, data = _encode(texts)
        yield {"keys": names, "types": types, "data": data, "sep": sep, "rows": len(part)}


def ensure_schema(conn: Connection) -> None:
    """Create instnet's constraints and indexes if they do not exist yet."""
    for statement in statements("schema"):
        conn.run(statement)


def _counts(eco: Ecosystem) -> dict[str, int]:
    return {name: len(getattr(eco, name)) for name in TABLE_NAMES}


def load_ecosystem(
    eco: Ecosystem,
    *,
    ecosystem: str | None = None,
    replace: bool = False,
    connection: Connection | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
) -> LoadResult:
    """Load ``eco`` into Neo4j as the ecosystem named ``ecosystem``, all or nothing.

    Parameters
    ----------
    eco : Ecosystem
        A validated ecosystem (from :func:`instnet.io.read.read_dataset`).
    ecosystem : str, optional
        The name it is kept under (default ``eco.name``).
    replace : bool
        Replace an ecosystem of that name holding different data; without it such
        a load is refused. Loading the data the ecosystem already holds is a no-op.
    connection : Connection, optional
        Default: :func:`instnet.neo4j.connection.connect` from the environment.
    batch_size : int
        Rows per ``UNWIND`` transaction.
    progress : callable, optional
        ``progress(step, done, total)`` after each batch.

    Returns
    -------
    LoadResult

    Raises
    ------
    SchemaError
        A kind or link type outside the fixed lists (before any query is sent).
    UsageError
        The ecosystem exists with other data and ``replace`` is False, or its name
        is not one line of printable text.
    Neo4jError
        The server failed or the connection was lost; the committed ecosystem is
        then unchanged, and running the load again completes it.
    """
    if batch_size < 1:
        raise UsageError(_("batch_size must be at least 1"))
    name = ecosystem if ecosystem is not None else eco.name
    why = ecosystem_name_problem(name)
    if why is not None:
        raise UsageError(_("the ecosystem name {why}").format(why=why))
    steps = plan(eco)  # every query is built (and checked) before one is sent
    version = content_version(eco)
    counts = _counts(eco)
    began = time.perf_counter()
    conn, owned = borrowed(connection)
    try:
        ensure_schema(conn)
        current = current_version(conn, name)
        if current == version:
            collect_garbage(conn, name)
            log.info("ecosystem %r already holds version %s: nothing to do", name, version)
            return LoadResult(name, version, "unchanged", current, counts, time.perf_counter() - began)
        if current is not None and not replace:
            raise UsageError(
                _("Neo4j already holds an ecosystem {name!r} with other data; give replace=True to "
                  "replace it, or choose another ecosystem name").format(name=name), argument="replace")
        collect_garbage(conn, name)  # leftovers of loads that died
        conn.run(query("stage_version"), {"ecosystem": name, "version": version})
        try:
            _write(conn, steps, name, version, batch_size, progress)
            _verify(conn, name, version, counts)
            _commit(conn, eco, name, version, current, counts)
        except Neo4jError as exc:
            raise Neo4jError(
                (_("loading ecosystem {name!r} failed: {error}; the ecosystem in Neo4j is unchanged (absent), and "
                   "running the load again completes it") if current is None else
                 _("loading ecosystem {name!r} failed: {error}; the ecosystem in Neo4j is unchanged (version "
                   "{version}), and running the load again completes it")).format(
                    name=name, error=exc, version=current)) from exc
        seconds = time.perf_counter() - began
        log.info("ecosystem %r: version %s committed in %.1f s", name, version, seconds)
        collect_garbage(conn, name)
        status = "loaded" if current is None else "replaced"
        return LoadResult(name, version, status, current, counts, time.perf_counter() - began)
    finally:
        if owned:
            conn.close()


def _write(conn: Connection, steps: list[_Step], name: str, version: str, batch_size: int,
           progress: Progress | None) -> None:
    total = sum(len(s.frame) for s in steps)
    done = 0
    params = {"ecosystem": name, "version": version}
    for step in steps:
        for batch in _batches(step, batch_size):
            rows = batch.pop("rows")
            result = conn.run(step.cypher, {**params, **batch})
            counters = result.summary.counters
            made = counters.nodes_created if step.creates == "nodes" else counters.relationships_created
            if made != rows:
                raise Neo4jError(
                    _("{step}: a batch of {rows} rows created {made} {what} (the staged data changed underneath: "
                      "a concurrent load of the same ecosystem?)").format(
                        step=step.label, rows=rows, made=made, what=step.creates))
            done += rows
            if progress is not None:
                progress(step.label, done, total)
    log.debug("ecosystem %r: %d rows staged as %s", name, done, version)


def _verify(conn: Connection, name: str, version: str, counts: dict[str, int]) -> None:
    from .queries import REL_TYPES

    found = conn.records(query("count_version"),
                         {"ecosystem": name, "version": version, "types": sorted(REL_TYPES)})[0]
    wrong = {k: (found[k], counts[k]) for k in TABLE_NAMES if found[k] != counts[k]}
    if wrong:
        raise Neo4jError(_("the staged version is incomplete: {counts}").format(counts=", ".join(
            f"{k} {got}/{want}" for k, (got, want) in wrong.items())))


def _commit(conn: Connection, eco: Ecosystem, name: str, version: str, previous: str | None,
            counts: dict[str, int]) -> None:
    params = {
        "ecosystem": name, "version": version, "previous": previous or "",
        "meta": json.dumps(_meta(eco), ensure_ascii=False),
        "counts": counts,
        "actor_columns": [str(c) for c in eco.actors.columns],
        "service_columns": [str(c) for c in eco.services.columns],
        "offer_columns": [str(c) for c in eco.offers.columns],
        "need_columns": [str(c) for c in eco.needs.columns],
        "link_columns": [str(c) for c in eco.links.columns],
    }
    rows = conn.run(query("commit_version"), params).records
    if not rows:
        raise Neo4jError(_("another load of the same ecosystem committed or started deleting this one "
                           "meanwhile; nothing was switched"))


def current_version(conn: Connection, name: str) -> str | None:
    """Return the committed version of ecosystem ``name`` (None when it does not exist)."""
    rows = conn.records(query("ecosystem"), {"ecosystem": name})
    return rows[0]["ecosystem"]["version"] if rows else None


def collect_garbage(conn: Connection, name: str, *, batch: int = GC_BATCH) -> int:
    """Delete every version of ecosystem ``name`` that is not the committed one.

    Returns the number of nodes deleted. Safe to interrupt and to rerun.
    """
    rows = conn.records(query("versions"), {"ecosystem": name})
    current = rows[0]["current"] if rows else None
    stale = [v for v in (rows[0]["versions"] if rows else []) if v != current]
    deleted = 0
    for version in stale:
        marked = conn.run(query("retire_version"), {"ecosystem": name, "version": version}).records
        if not marked:
            continue  # it became the committed version meanwhile
        params = {"ecosystem": name, "version": version, "batch": batch}
        for kind in ("enterprise", None):
            while n := conn.run(query("gc_actors"), {**params, "kind": kind}).records[0]["deleted"]:
                deleted += n
        while n := conn.run(query("gc_services"), params).records[0]["deleted"]:
            deleted += n
        conn.run(query("forget_version"), {"ecosystem": name, "version": version})
        log.info("ecosystem %r: version %s deleted", name, version)
    return deleted


def delete_ecosystem(name: str, *, connection: Connection | None = None) -> bool:
    """Delete ecosystem ``name``: atomically invisible, then its nodes in batches.

    Returns False when no committed ecosystem of that name existed (leftovers of
    failed loads are deleted all the same).
    """
    conn, owned = borrowed(connection)
    try:
        existed = bool(conn.run(query("delete_ecosystem"), {"ecosystem": name}).records)
        collect_garbage(conn, name)
        return existed
    finally:
        if owned:
            conn.close()


def list_ecosystems(*, connection: Connection | None = None) -> list[dict[str, Any]]:
    """Return the committed ecosystems of the database (name, version, counts)."""
    conn, owned = borrowed(connection)
    try:
        return conn.records(query("list_ecosystems"))
    finally:
        if owned:
            conn.close()


__all__ = ["LoadResult", "collect_garbage", "content_version", "current_version",
           "delete_ecosystem", "ensure_schema", "list_ecosystems", "load_ecosystem", "plan"]

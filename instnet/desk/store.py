"""The referral log: where the desk records referrals and their outcomes.

Two stores share one interface (:class:`ReferralLog`):

* :class:`SqliteLog` — a SQLite file in WAL mode (the default, beside the working
  folder). Each write is one transaction committed before the request is
  answered, so a referral the broker saw acknowledged survives the server being
  killed. Statements are constants with ``?`` parameters; nothing is assembled
  from values.
* :class:`Neo4jLog` — ``(:Referral)`` nodes of the ecosystem in Neo4j, through
  the named queries in ``cypher/referral_*.cypher``.

Rows are dicts with the columns of ``referrals.csv`` (all text); they are
checked by :func:`instnet.io.referral_log.check_referral` before they are stored.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from ..errors import InstnetError, OutputError
from ..i18n import _
from ..io.referral_log import REFERRAL_COLUMNS

__all__ = ["Neo4jLog", "ReferralLog", "SqliteLog", "UnknownReferralError", "new_referral_id"]


class UnknownReferralError(InstnetError, KeyError):
    """No referral with that id in the log."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


def new_referral_id() -> str:
    """A short random referral id a broker can read out (``R-`` and 8 hex digits).

    Examples
    --------
    >>> rid = new_referral_id()
    >>> rid.startswith("R-") and len(rid) == 10
    True
    """
    return "R-" + secrets.token_hex(4).upper()


class ReferralLog(Protocol):
    """What the desk and ``instnet outcomes`` need from a referral log."""

    def add(self, row: Mapping[str, str]) -> dict[str, str]:
        """Store a new referral (``id`` is chosen here) and return the stored row."""

    def update(self, rid: str, changes: Mapping[str, str]) -> dict[str, str]:
        """Change ``status``, ``reason`` or ``note`` of a referral; return the row."""

    def get(self, rid: str) -> dict[str, str]:
        """The referral ``rid`` (raises :class:`UnknownReferralError`)."""

    def rows(self) -> list[dict[str, str]]:
        """Every referral, oldest first."""

    def close(self) -> None:
        """Release the store."""


_COLS = ", ".join(REFERRAL_COLUMNS)
_CREATE = (
    "CREATE TABLE IF NOT EXISTS referrals ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " id TEXT NOT NULL UNIQUE, date TEXT NOT NULL, actor TEXT NOT NULL, service TEXT NOT NULL,"
    " provider TEXT NOT NULL, via TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL,"
    " broker TEXT NOT NULL, note TEXT NOT NULL)"
)
_INSERT = ("INSERT INTO referrals (id, date, actor, service, provider, via, status, reason, broker, note)"
           " VALUES (:id, :date, :actor, :service, :provider, :via, :status, :reason, :broker, :note)")
_UPDATE = "UPDATE referrals SET status = :status, reason = :reason, note = :note WHERE id = :id"
_SELECT_ONE = "SELECT " + _COLS + " FROM referrals WHERE id = ?"
_SELECT_ALL = "SELECT " + _COLS + " FROM referrals ORDER BY seq"
_ATTEMPTS = 5


class SqliteLog:
    """The referral log in a SQLite file (WAL, one transaction per write).

    Parameters
    ----------
    path : str or Path
        The SQLite file; created (with its table) when missing.

    Raises
    ------
    OutputError
        If the file cannot be opened or is not a referral log.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> log = SqliteLog(pathlib.Path(tempfile.mkdtemp()) / "log.sqlite")
    >>> row = log.add({"date": "2026-01-05", "actor": "e1", "service": "s", "provider": "p",
    ...                "via": "b", "status": "open", "reason": "", "broker": "ann", "note": ""})
    >>> log.update(row["id"], {"status": "served"})["status"]
    'served'
    >>> len(log.rows())
    1
    >>> log.close()
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None,
                                       check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(_CREATE)
        except sqlite3.Error as exc:
            raise OutputError(_("cannot open the referral log {path}: {reason}").format(
                path=self.path, reason=exc)) from exc

    def _write(self, statement: str, params: Mapping[str, str]) -> int:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    n = self._db.execute(statement, dict(params)).rowcount
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
                return n
            except sqlite3.Error as exc:
                raise OutputError(_("cannot write the referral log {path}: {reason}").format(
                    path=self.path, reason=exc)) from exc

    def add(self, row: Mapping[str, str]) -> dict[str, str]:
        for _attempt in range(_ATTEMPTS):
            stored = {c: str(row.get(c, "") or "") for c in REFERRAL_COLUMNS}
            stored["id"] = new_referral_id()
            try:
                self._write(_INSERT, stored)
            except OutputError as exc:
                if isinstance(exc.__cause__, sqlite3.IntegrityError):
                    continue  # the random id was taken: draw another
                raise
            return stored
        raise OutputError(_("cannot find a free referral id in {path}").format(path=self.path))

    def update(self, rid: str, changes: Mapping[str, str]) -> dict[str, str]:
        row = self.get(rid)
        new = {k: str(changes[k]) if k in changes else row[k] for k in ("status", "reason", "note")}
        new["id"] = rid
        if self._write(_UPDATE, new) != 1:
            raise UnknownReferralError(_("no referral {id!r} in the log").format(id=rid))
        return {**row, **new}

    def get(self, rid: str) -> dict[str, str]:
        with self._lock:
            got = self._db.execute(_SELECT_ONE, (rid,)).fetchone()
        if got is None:
            raise UnknownReferralError(_("no referral {id!r} in the log").format(id=rid))
        return dict(zip(REFERRAL_COLUMNS, got))

    def rows(self) -> list[dict[str, str]]:
        with self._lock:
            return [dict(zip(REFERRAL_COLUMNS, r)) for r in self._db.execute(_SELECT_ALL).fetchall()]

    def close(self) -> None:
        with self._lock:
            self._db.close()


class Neo4jLog:
    """The referral log as ``(:Referral)`` nodes of one ecosystem in Neo4j.

    Parameters
    ----------
    conn : instnet.neo4j.connection.Connection
        An open connection (its settings come from the environment).
    ecosystem : str
        The ecosystem's name: referrals are keyed by (ecosystem, id).
    """

    def __init__(self, conn: object, ecosystem: str) -> None:
        from ..io.resources import cypher

        self.conn = conn
        self.ecosystem = ecosystem
        self._q = {name: cypher(f"referral_{name}") for name in ("schema", "create", "update", "get", "list")}
        conn.run(self._q["schema"])  # type: ignore[attr-defined]

    def add(self, row: Mapping[str, str]) -> dict[str, str]:
        stored = {c: str(row.get(c, "") or "") for c in REFERRAL_COLUMNS}
        stored["id"] = new_referral_id()
        self.conn.run(self._q["create"], {"ecosystem": self.ecosystem, "row": stored})  # type: ignore[attr-defined]
        return stored

    def update(self, rid: str, changes: Mapping[str, str]) -> dict[str, str]:
        row = self.get(rid)
        new = {k: str(changes[k]) if k in changes else row[k] for k in ("status", "reason", "note")}
        self.conn.run(self._q["update"], {"ecosystem": self.ecosystem, "id": rid,  # type: ignore[attr-defined]
                                          "changes": new})
        return {**row, **new}

    def get(self, rid: str) -> dict[str, str]:
        got = self.conn.records(self._q["get"], {"ecosystem": self.ecosystem, "id": rid})  # type: ignore[attr-defined]
        if not got:
            raise UnknownReferralError(_("no referral {id!r} in the log").format(id=rid))
        return _row(got[0]["referral"])

    def rows(self) -> list[dict[str, str]]:
        got = self.conn.records(self._q["list"], {"ecosystem": self.ecosystem})  # type: ignore[attr-defined]
        return [_row(r["referral"]) for r in got]

    def close(self) -> None:
        """Nothing to release: the connection belongs to the caller."""


def _row(props: Mapping[str, object]) -> dict[str, str]:
    return {c: "" if props.get(c) is None else str(props.get(c)) for c in REFERRAL_COLUMNS}

"""The referral log's rows: the ``referrals.csv`` table of a dataset, checked and written.

A referral row has the columns :data:`REFERRAL_COLUMNS`, all text. The same
checks serve a ``referrals.csv`` (or ``referrals`` sheet) inside a dataset, where
every problem is located by file, row and column, and a referral recorded at the
desk, where the problems answer the request.

Rules: ``date`` an ISO date (``2026-03-01``); ``service`` a service of the
dataset; ``provider`` an institution of the dataset; ``via`` semicolon-separated
actor ids of the dataset; ``actor`` any non-empty id (a walk-in is not in the
dataset); ``status`` one of :data:`STATUSES`; ``reason`` empty, or for a
``declined`` referral one of :data:`DECLINE_REASONS`; ids unique in a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import Problem
from ..i18n import _
from ..schema import INSTITUTION_KINDS
from .outfile import atomic_file, spreadsheet_safe

__all__ = ["DECLINE_REASONS", "REFERRAL_COLUMNS", "STATUSES", "check_referral", "check_referral_table",
           "empty_referrals", "write_referrals"]

#: The table's name: ``referrals.csv`` in a folder, sheet ``referrals`` in a workbook.
REFERRALS_TABLE = "referrals"
REFERRAL_COLUMNS = ("id", "date", "actor", "service", "provider", "via", "status", "reason", "broker", "note")
#: Columns a ``referrals.csv`` must have (the others may be left out).
REQUIRED_COLUMNS = ("id", "date", "actor", "service", "provider", "status")
STATUSES = ("open", "contacted", "served", "declined", "no_show", "withdrawn")
DECLINE_REASONS = ("capacity", "scope", "eligibility", "cost", "other")
#: Longest note or broker name accepted from the desk, in characters.
MAX_TEXT = 4000
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def empty_referrals() -> pd.DataFrame:
    """An empty referral table with the columns of ``referrals.csv``.

    Examples
    --------
    >>> list(empty_referrals().columns)[:3]
    ['id', 'date', 'actor']
    """
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in REFERRAL_COLUMNS})


def check_referral(row: Mapping[str, str], *, actors: Container[str], institutions: Container[str],
                   services: Container[str]) -> list[tuple[str, str]]:
    """Check one referral row; return ``(column, message)`` for each problem.

    Parameters
    ----------
    row : mapping of str to str
        The referral's columns (missing ones count as empty; ``id`` is not checked).
    actors, institutions, services : container of str
        Actor ids, institution ids and service ids of the dataset.

    Returns
    -------
    list of (str, str)
        Empty when the row is valid.

    Examples
    --------
    >>> ok = {"date": "2026-02-01", "actor": "walk-in", "service": "s", "provider": "p",
    ...       "via": "b", "status": "declined", "reason": "capacity"}
    >>> check_referral(ok, actors={"p", "b"}, institutions={"p", "b"}, services={"s"})
    []
    >>> bad = dict(ok, date="1/2/2026", status="done", provider="q")
    >>> [c for c, _m in check_referral(bad, actors={"p", "b"}, institutions={"p", "b"}, services={"s"})]
    ['date', 'provider', 'status', 'reason']
    """
    get = lambda c: str(row.get(c, "") or "")  # noqa: E731
    out: list[tuple[str, str]] = []
    text = get("date").strip()
    if not _is_date(text):
        out.append(("date", _("{value!r} is not a date like 2026-03-01").format(value=text)))
    if not get("actor").strip():
        out.append(("actor", _("the client is empty")))
    if get("service") not in services:
        out.append(("service", _("unknown service {value!r}").format(value=get("service"))))
    provider = get("provider")
    if provider not in institutions:
        message = (_("{value!r} is not an institution of the dataset") if provider in actors
                   else _("unknown provider {value!r}"))
        out.append(("provider", message.format(value=provider)))
    for via in split_via(get("via")):
        if via not in actors:
            out.append(("via", _("unknown actor {value!r}").format(value=via)))
    status = get("status")
    if status not in STATUSES:
        out.append(("status", _("{value!r} is not a status ({allowed})").format(
            value=status, allowed=", ".join(STATUSES))))
    reason = get("reason")
    if reason and status != "declined":
        out.append(("reason", _("a reason is given only for a declined referral")))
    elif reason and reason not in DECLINE_REASONS:
        out.append(("reason", _("{value!r} is not a reason ({allowed})").format(
            value=reason, allowed=", ".join(DECLINE_REASONS))))
    for column in ("broker", "note"):
        if len(get(column)) > MAX_TEXT:
            out.append((column, _("longer than {n} characters").format(n=MAX_TEXT)))
    return out


def split_via(text: str) -> list[str]:
    """The ids of a ``via`` cell (semicolon-separated; commas accepted from a form).

    Examples
    --------
    >>> split_via("jampro_pc; design_centre")
    ['jampro_pc', 'design_centre']
    """
    return [p.strip() for p in re.split(r"[;,]", text) if p.strip()]


def _is_date(text: str) -> bool:
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def check_referral_table(frame: pd.DataFrame, *, file: str, line_of: Callable[[int], int],
                         actors: Container[str], institutions: Container[str], services: Container[str],
                         problems: list[Problem]) -> pd.DataFrame:
    """Check a ``referrals.csv`` table read as text; return it with every column present.

    Problems (missing columns, duplicate or empty ids, and those of
    :func:`check_referral`) are appended to ``problems`` with file, row and column.

    Examples
    --------
    >>> f = pd.DataFrame({"id": ["r1", "r1"], "date": ["2026-01-02", "2026-13-01"], "actor": ["e", "e"],
    ...                   "service": ["s", "s"], "provider": ["p", "p"], "status": ["open", "open"]})
    >>> found = []
    >>> _t = check_referral_table(f, file="referrals.csv", line_of=lambda r: r + 2, actors={"p"},
    ...                           institutions={"p"}, services={"s"}, problems=found)
    >>> [(p.row, p.column) for p in found]
    [(3, 'id'), (3, 'date')]
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        problems.append(Problem(file, 1, "", _("missing column(s): {columns}").format(
            columns=", ".join(missing))))
        return empty_referrals()
    out = frame.copy()
    for c in REFERRAL_COLUMNS:
        if c not in out.columns:
            out[c] = ""
    out = out.fillna("")
    seen: set[str] = set()
    for record, row in enumerate(out[list(REFERRAL_COLUMNS)].to_dict("records")):
        line = line_of(record)
        rid = str(row["id"])
        if not rid.strip():
            problems.append(Problem(file, line, "id", _("the id is empty")))
        elif rid in seen:
            problems.append(Problem(file, line, "id", _("duplicate id {value!r}").format(value=rid)))
        seen.add(rid)
        for column, message in check_referral(row, actors=actors, institutions=institutions, services=services):
            problems.append(Problem(file, line, column, message))
    return out.reset_index(drop=True)


def check_referral_raw(raw: Any, actors: pd.DataFrame, services: pd.Index, problems: list[Problem]) -> pd.DataFrame:
    """Check the ``referrals`` table as read from a dataset (a ``RawTable``) against its actors and services."""
    institutions = frozenset(actors.index[actors["kind"].isin(INSTITUTION_KINDS).to_numpy()])
    return check_referral_table(raw.frame, file=raw.file, line_of=raw.line_of, actors=actors.index,
                                institutions=institutions, services=services, problems=problems)


def write_referrals(rows: Iterable[Mapping[str, str]], path: str | Path) -> Path:
    """Write referral rows as a ``referrals.csv`` of the dataset format (formula-safe cells).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "referrals.csv"
    >>> _p = write_referrals([{"id": "R-1", "note": "=cmd()"}], target)
    >>> target.read_text().splitlines()[1]
    "R-1,,,,,,,,,'=cmd()"
    """
    import csv

    path = Path(path)
    with atomic_file(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(REFERRAL_COLUMNS)
        for row in rows:
            writer.writerow([spreadsheet_safe(str(row.get(c, "") or "")) for c in REFERRAL_COLUMNS])
    return path

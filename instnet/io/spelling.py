"""Spelling hygiene of regions, sectors and offer scopes.

Scope matching is exact (an offer for ``San Pedro Sula`` does not cover an
enterprise in ``San pedro Sula``), so a spelling slip silently turns a served need
into a gap. These checks catch the slips a person makes in a spreadsheet:

* the same region or sector spelled two ways that differ only in case, accents or
  spaces — a warning naming both spellings and their rows;
* a scope value that no actor has — a warning with the closest known value;
* a scope cell separated with commas (``Kingston, Montego Bay``) where splitting
  on the commas gives known values — an error: scopes are separated with ``;``.

They look only at distinct values, so a national dataset costs milliseconds.
"""

from __future__ import annotations

import difflib
import unicodedata

import numpy as np
import pandas as pd

from ..errors import Problem
from ..i18n import _
from ..schema import scope
from .tables import RawTable

#: Rows named per spelling in a warning.
SHOWN_ROWS = 5
_SCOPES = (("region", "regions"), ("sector", "sectors"))


def fold(value: str) -> str:
    """The spelling key of ``value``: without case, accents or spaces around and inside.

    Examples
    --------
    >>> fold(" San  Pedro Súla ") == fold("san pedro sula")
    True
    """
    decomposed = unicodedata.normalize("NFKD", value)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def _rows(raw: RawTable, column: str, value: str) -> str:
    records = np.flatnonzero((raw.frame[column] == value).to_numpy(dtype=bool))
    shown = ", ".join(str(raw.line_of(int(r))) for r in records[:SHOWN_ROWS])
    more = len(records) - SHOWN_ROWS
    return shown + (_(" and {n} more").format(n=more) if more > 0 else "")


def spelling_warnings(actors: RawTable) -> list[Problem]:
    """Regions and sectors of ``actors`` spelled in more than one way.

    One warning per group of spellings, at the first row of a spelling other than
    the commonest.
    """
    out: list[Problem] = []
    for column, _scope in _SCOPES:
        if column not in actors.frame.columns:
            continue
        counts = actors.frame[column].value_counts(sort=False)
        counts = counts[counts.index.str.strip() != ""]
        groups: dict[str, list[str]] = {}
        for value in counts.index:
            groups.setdefault(fold(value), []).append(value)
        for spellings in groups.values():
            if len(spellings) < 2:
                continue
            spellings.sort(key=lambda v: (-counts[v], v))  # the commonest first
            named = "; ".join(_("{value!r} (rows {rows})").format(value=v, rows=_rows(actors, column, v))
                              for v in spellings)
            slips = actors.frame[column].isin(spellings[1:]).to_numpy(dtype=bool)
            first = int(np.flatnonzero(slips)[0])
            out.append(Problem(actors.file, actors.line_of(first), column, _(
                "{column} spelled {n} ways that differ only in case, accents or spaces: {named}; "
                "offers match them exactly, so write one spelling").format(
                column=column, n=len(spellings), named=named)))
    return out


def _closest(value: str, known: list[str], folded: dict[str, str]) -> str | None:
    hit = folded.get(fold(value))
    if hit is not None:
        return hit
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    return close[0] if close else None


def scope_checks(offers: RawTable, actors: pd.DataFrame) -> tuple[list[Problem], list[Problem]]:
    """Check the scope cells of ``offers`` against the regions and sectors of ``actors``.

    Returns ``(errors, warnings)``: a comma-separated scope is an error, a scope
    value no actor has a warning (once per value, at its first row).
    """
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for column, scope_col in _SCOPES:
        if scope_col not in offers.frame.columns or column not in actors.columns:
            continue
        known_set = {v for v in pd.unique(actors[column]) if v.strip()}
        known = sorted(known_set)
        folded = {fold(v): v for v in known}
        cells = offers.frame[scope_col]
        reported: set[str] = set()
        for cell in pd.unique(cells):
            parts = scope(cell)
            first = None
            for part in sorted(parts - known_set):
                if first is None:
                    first = int(np.flatnonzero((cells == cell).to_numpy(dtype=bool))[0])
                row = offers.line_of(first)
                pieces = [p.strip() for p in part.split(",")]
                if "," in part and all(p in known_set for p in pieces if p) and len(pieces) > 1:
                    errors.append(Problem(offers.file, row, scope_col, _(
                        "{value!r} separates {what} with ','; use ';' ({fixed!r})").format(
                        value=part, what=scope_col, fixed="; ".join(p for p in pieces if p))))
                    continue
                if part in reported:
                    continue
                reported.add(part)
                near = _closest(part, known, folded)
                hint = _("; closest known: {near!r}").format(near=near) if near else ""
                warnings.append(Problem(offers.file, row, scope_col, _(
                    "{value!r} is no actor's {column}, so this offer reaches no one there{hint}").format(
                    value=part, column=column, hint=hint)))
    return errors, warnings

"""Check the ecosystem's own keys (``ecosystem.toml`` or the workbook's ``ecosystem`` sheet).

Every key is type- and range-checked with a located message, so nothing downstream
meets a TOML date, a list or a NaN where text or a year is expected: ``name``,
``country``, ``description`` and ``source`` are text (``name`` one printable line),
``year`` a four-digit year in :data:`instnet.schema.YEAR_RANGE`, and any other key
text, a whole or finite number, or true/false (a date becomes its ISO text).
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from typing import Any

from ..errors import Problem
from ..i18n import _
from ..schema import YEAR_RANGE
from .tables import RawMeta

TEXT_KEYS = ("name", "country", "description", "source")
#: Longest ecosystem name, in characters (it keys every node in Neo4j).
MAX_NAME = 200


def ecosystem_name_problem(name: object) -> str | None:
    """Why ``name`` cannot name an ecosystem, or None when it can.

    A name is one line of printable text, not only spaces.

    Examples
    --------
    >>> ecosystem_name_problem("Jamaica 1999") is None
    True
    >>> ecosystem_name_problem("two\\nlines")
    "'two\\\\nlines' contains a line break or control character"
    >>> ecosystem_name_problem(["a", "b"])
    "must be text, not a list (['a', 'b'])"
    """
    if not isinstance(name, str):
        return _("must be text, not {what} ({value!r})").format(what=_type_name(name), value=name)
    if not name.strip():
        return _("is empty or only spaces: give the ecosystem a name")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        return _("{value!r} contains a line break or control character").format(value=name)
    if len(name) > MAX_NAME:
        return _("is longer than {n} characters").format(n=MAX_NAME)
    return None


def _type_name(value: object) -> str:
    if isinstance(value, list | tuple):
        return _("a list")
    if isinstance(value, dict):
        return _("a table")
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, dt.date | dt.time):
        return _("a date or time")
    if isinstance(value, int | float):
        return _("a number")
    return type(value).__name__


def year_problem(value: object) -> str | None:
    """Why ``value`` is not a year of a dataset, or None.

    Examples
    --------
    >>> year_problem(1999) is None, year_problem(97)
    (True, 'is 97: type a four-digit year from 1800 to 2100')
    >>> year_problem(dt.date(1999, 3, 1))
    'is a date (1999-03-01); type the year (1999)'
    """
    lo, hi = YEAR_RANGE
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return _("is a date ({date}); type the year ({year})").format(date=day.isoformat(), year=value.year)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and not math.isfinite(value):
            return _("is {value}, not a year").format(value=value)
        return _("must be a year (a whole number), not {what} ({value!r})").format(
            what=_type_name(value), value=value)
    if not lo <= value <= hi:
        return _("is {value}: type a four-digit year from {lo} to {hi}").format(value=value, lo=lo, hi=hi)
    return None


def _other_value(value: Any) -> tuple[Any, str | None]:
    """An extra key's value made safe for every output (JSON, TOML, pages), or why not."""
    if isinstance(value, float) and not math.isfinite(value):
        return None, _("is {value}: give a finite number").format(value=value)
    if isinstance(value, str | int | float | bool):
        return value, None
    if isinstance(value, dt.date | dt.time):
        return value.isoformat(), None
    return None, _("must be text, a number or true/false, not {what}").format(what=_type_name(value))


def check_meta(meta: RawMeta, problems: list[Problem]) -> dict[str, Any]:
    """Check the keys of ``meta``, append located problems, return the clean keys.

    ``year`` becomes an ``int``; dates of extra keys become ISO text.

    Examples
    --------
    >>> problems = []
    >>> check_meta(RawMeta(values={"name": "Mini", "year": "1999"}), problems), problems
    ({'name': 'Mini', 'year': 1999}, [])
    >>> check_meta(RawMeta(values={"year": float("nan")}, rows={"year": 3}), problems)
    {}
    >>> str(problems[0])
    'ecosystem.toml, row 3: year is nan, not a year'
    """
    out: dict[str, Any] = {}
    for key, value in meta.values.items():
        key = str(key)
        if key == "name":
            why = ecosystem_name_problem(value)
        elif key in TEXT_KEYS:
            why = None if isinstance(value, str) else _("must be text, not {what} ({value!r})").format(
                what=_type_name(value), value=value)
        elif key == "year":
            why = year_problem(value)
            if why is None:
                value = int(str(value).strip())
        elif key == "costs" and isinstance(value, dict):
            why = None  # the [costs] table of recommend: its entries are checked where they are used
        else:
            value, why = _other_value(value)
        if why is None:
            out[key] = value
        else:
            problems.append(Problem(meta.file, meta.rows.get(key, 0), "",
                                    _("{key} {why}").format(key=key, why=why)))
    return out

"""Check every rule of docs/format.md and type the tables of the Ecosystem.

Validation collects **all** problems, each located by file, row (the line a person
sees) and column, and builds nothing when there is one. Checks are vectorised so a
national dataset (millions of rows) validates in seconds.
"""

from __future__ import annotations

import dataclasses
import logging
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import Problem, Suggester
from ..i18n import N_, _
from ..labels import VOCABULARIES, code_for, column_label
from .meta import check_meta
from .referral_log import REFERRALS_TABLE, check_referral_raw
from .spelling import scope_checks, spelling_warnings
from .tables import RawMeta, RawTable, arrow_strings, expected_columns, isin
from ..schema import (
    CATEGORIES,
    FEES,
    INSTITUTION_KINDS,
    KINDS,
    LINK_RULES,
    NEEDING_KINDS,
    SIZES,
    TABLES,
    YEAR_RANGE,
)

INT_COLUMNS = {
    "actors": ("capacity", "since", "until"),
    "offers": ("capacity", "since", "until"),
    "needs": ("priority",),
    "links": ("since", "until"),
}
log = logging.getLogger(__name__)
_MAX_SUGGEST = 200  # dangling values for which the closest id is searched


def _capacity_outside() -> str:
    # A capacity of 0 is refused: utilisation (load / capacity) would have no value.
    return _("{value!r} must be at least 1 (clients a year; leave it empty when the capacity is not known)")


class _Checker:
    """Collects problems for one table."""

    def __init__(self, table: RawTable, problems: list[Problem]):
        self.table = table
        self.frame = table.frame
        self.problems = problems

    def flag(self, mask: np.ndarray | pd.Series, column: str, message: str | Callable[[int], str]) -> None:
        mask = np.asarray(mask, dtype=bool)
        for record in np.flatnonzero(mask):
            text = message(int(record)) if callable(message) else message
            self.problems.append(Problem(self.table.file, self.table.line_of(int(record)), column, text))

    def value(self, record: int, column: str) -> str:
        return self.frame[column].iat[record]

    def choice(self, column: str, allowed: Iterable[str], *, required: bool) -> None:
        allowed = tuple(allowed)
        col = self.frame[column]
        bad = ~col.isin(allowed)
        if not required:
            bad &= col != ""
        folded = {a.casefold(): a for a in allowed}

        def message(r: int) -> str:
            value = self.value(r, column)
            if not value:
                return _("empty; must be one of {codes}").format(codes=", ".join(allowed))
            text = _("{value!r} is not one of {codes}").format(value=value, codes=", ".join(allowed))
            near = folded.get(value.strip().casefold())
            return text + _("; did you mean {code!r}?").format(code=near) if near else text

        self.flag(bad, column, message)

    def non_empty(self, column: str) -> None:
        self.flag(self.frame[column].str.strip() == "", column, _("required value is empty"))

    def integer(self, column: str, lo: int | None = None, hi: int | None = None, *,
                skip: np.ndarray | None = None, outside: str | None = None) -> pd.Series:
        """The whole numbers of ``column`` (``Int64``).

        ``skip``: cells already reported; ``outside``: the message (with ``{value!r}``)
        for a number outside ``lo``..``hi``, instead of the generic one.
        """
        text = _ascii_digits(self.frame[column].str.strip())
        empty = (text == "").to_numpy()
        if skip is not None:
            empty = empty | skip
        ok = text.str.fullmatch(r"[+-]?[0-9]{1,15}").to_numpy(dtype=bool) | empty
        self.flag(~ok, column, lambda r: _("{value!r} is not a whole number").format(value=self.value(r, column)))
        values = _parse(text, ok & ~empty, pa.int64(), "Int64")
        if lo is not None or hi is not None:
            out = ((values < lo) if lo is not None else False) | ((values > hi) if hi is not None else False)
            out = out.fillna(False).to_numpy(dtype=bool)
            span = (_("between {lo} and {hi}").format(lo=lo, hi=hi) if hi is not None
                    else _("at least {lo}").format(lo=lo))
            template = outside or _("{value!r} must be {span}")
            self.flag(out, column, lambda r: template.format(value=self.value(r, column), span=span))
        return values

    def year(self, column: str) -> pd.Series:
        """A year column: four digits in :data:`YEAR_RANGE`; a date says to type the year."""
        text = _ascii_digits(self.frame[column].str.strip())
        date = text.str.fullmatch(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ][0-9:.]+)?").to_numpy(dtype=bool)
        self.flag(date, column, lambda r: _("{value!r} is a date; type the year ({year})").format(
            value=self.value(r, column), year=text.iat[r][:4]))
        values = self.integer(column, skip=date)
        lo, hi = YEAR_RANGE
        out = (values.notna() & ((values < lo) | (values > hi))).fillna(False).to_numpy(dtype=bool)
        self.flag(out, column, lambda r: _("{value!r} is not a four-digit year from {lo} to {hi}").format(
            value=self.value(r, column), lo=lo, hi=hi))
        return values.mask(out)

    def number(self, column: str, lo: float, hi: float, *, lo_open: bool = False) -> pd.Series:
        text = _ascii_digits(self.frame[column].str.strip())
        empty = (text == "").to_numpy()
        looks = text.str.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?").to_numpy(dtype=bool)
        values = _parse(text, looks & ~empty, pa.float64(), "float64")
        finite = np.isfinite(values.to_numpy())
        bad_num = ~empty & ~finite
        self.flag(bad_num, column, lambda r: _("{value!r} is not a number").format(value=self.value(r, column)))
        v = values.to_numpy()
        with np.errstate(invalid="ignore"):
            out = finite & (((v <= lo) if lo_open else (v < lo)) | (v > hi))
        low = "(" if lo_open else "["
        self.flag(out, column, lambda r: _("{value!r} is outside {range}").format(
            value=self.value(r, column), range=f"{low}{lo:g}, {hi:g}]"))
        return values

    def unique(self, keys: list[str], what: str) -> None:
        frame = self.frame[keys]
        dup = frame.duplicated(keep="first").to_numpy()
        if not dup.any():
            return
        first = {}
        for record, key in enumerate(map(tuple, frame.itertuples(index=False))):
            if key not in first:
                first[key] = record
        self.flag(
            dup, keys[0],
            lambda r: _("duplicate {what} {key} (first at row {row})").format(
                what=_(what), key=" / ".join(map(repr, frame.iloc[r])),
                row=self.table.line_of(first[tuple(frame.iloc[r])])),
        )

    def reference(self, column: str, known: pd.Index, what: str,
                  found: np.ndarray | None = None) -> np.ndarray:
        """Flag the values of ``column`` not in ``known`` (``found``: the membership, if computed)."""
        col = self.frame[column]
        dangling = ~(isin(col, known) if found is None else found)
        if dangling.any():
            suggest = _Suggester(known)
            self.flag(dangling, column, lambda r: _dangling_message(self.value(r, column), what, suggest))
        return dangling

    def years(self) -> tuple[pd.Series, pd.Series]:
        since = self.year("since")
        until = self.year("until")
        bad = (since.notna() & until.notna() & (until <= since)).fillna(False).to_numpy(dtype=bool)
        self.flag(bad, "until", lambda r: _("until ({until}) must be after since ({since})").format(
            until=until.iat[r], since=since.iat[r]))
        return since, until


def _ascii_digits(text: pd.Series) -> pd.Series:
    """``text`` with other scripts' digits written 0-9 (full-width ``１９９７``, Arabic-Indic ``٣``).

    Examples
    --------
    >>> _ascii_digits(pd.Series(["１９９７", "０.８", "x"], dtype="str")).tolist()
    ['1997', '0.8', 'x']
    """
    other = ~text.str.isascii().to_numpy(dtype=bool)
    if not other.any():
        return text
    out = text.copy()
    out[other] = [_fold_digits(value) for value in text[other]]
    return out


def _fold_digits(value: str) -> str:
    value = unicodedata.normalize("NFKC", value)
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in value)


def _parse(text: pd.Series, mask: np.ndarray, arrow_type: pa.DataType, dtype: str) -> pd.Series:
    """Cast the cells of ``text`` selected by ``mask`` (already checked) to numbers; NA elsewhere."""
    if not mask.any():
        return pd.Series(pd.array([None] * len(text), dtype=dtype), index=text.index)
    arr = arrow_strings(text)
    chosen = pc.if_else(pa.array(mask), arr, pa.scalar(None, arr.type))
    numbers = pc.cast(chosen, arrow_type)
    if dtype == "Int64":
        out = numbers.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
        out.index = text.index
        return out
    return pd.Series(numbers.to_numpy(zero_copy_only=False), index=text.index, dtype="float64")


class _Suggester:
    """:class:`instnet.errors.Suggester` with a budget: a file of a million bad ids stays fast."""

    def __init__(self, known: pd.Index):
        self.suggest = Suggester(known)
        self.asked = 0

    def __call__(self, value: str) -> list[str]:
        hit = self.suggest.folded.get(value.strip().casefold())
        if hit is not None:
            return [hit]
        self.asked += 1
        if self.asked > _MAX_SUGGEST:
            return []
        return self.suggest(value, n=2)


def _dangling_message(value: str, what: str, suggest: _Suggester) -> str:
    if value == "":
        return _("required {what} id is empty").format(what=_(what))
    close = suggest(value)
    hint = _("; did you mean {ids}?").format(ids=_(" or ").join(repr(c) for c in close)) if close else ""
    return _("no {what} with id {value!r}").format(what=_(what), value=value) + hint


def _columns(table: str, raw: RawTable, problems: list[Problem]) -> bool:
    required, optional = TABLES[table]
    missing = [c for c in required if c not in raw.frame.columns]
    for c in missing:
        problems.append(Problem(raw.file, 1, c, _("missing required column {column!r}").format(column=c)))
    for c in optional:
        if c not in raw.frame.columns:
            raw.frame[c] = pd.Series([""] * len(raw.frame), index=raw.frame.index, dtype="str")
    return not missing


def _ordered(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    known = list(expected_columns(table))
    return frame[known + [c for c in frame.columns if c not in known]]


def validate_tables(
    tables: Mapping[str, RawTable],
    meta: RawMeta | Mapping[str, Any] | None = None,
    *,
    source: str = "",
    check_only: bool = False,
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Validate raw text tables and the ecosystem's keys, and type them for :class:`instnet.model.Ecosystem`.

    Returns ``({keyword: value}, [])`` (the keyword arguments of
    :class:`instnet.model.Ecosystem` but ``source``: the typed tables, the checked
    ``meta``, the ``referrals`` log and the ``warnings``) or ``(None, problems)``;
    with ``check_only`` it checks what it can of the tables given (some may be
    missing) and types nothing. :func:`instnet.io.read.build_ecosystem` makes the
    ecosystem of them. What is valid but probably a slip (a label read as its code,
    a region spelled two ways, a scope value no actor has) is kept, located, in
    ``warnings``.
    """
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if not isinstance(meta, RawMeta):
        meta = RawMeta(f"{source}/ecosystem" if source else "ecosystem", dict(meta or {}))
    clean_meta = check_meta(meta, problems)
    referrals = tables.get(REFERRALS_TABLE)
    tables = read_labels({name: raw for name, raw in tables.items() if name != REFERRALS_TABLE}, warnings=warnings)
    ok_cols = {name: _columns(name, raw, problems) for name, raw in tables.items()}
    typed: dict[str, pd.DataFrame] = {}

    actors = tables.get("actors")
    kind = pd.Series(dtype="str")
    if actors is not None and ok_cols["actors"]:
        typed["actors"], kind = _check_actors(actors, problems)
        warnings += spelling_warnings(actors)
    services = tables.get("services")
    service_ids = pd.Index([], dtype="str")
    if services is not None and ok_cols["services"]:
        typed["services"] = _check_services(services, problems)
        service_ids = typed["services"].index
    # References into a table with unreadable rows are not checked (no cascade).
    have_actors = "actors" in typed and tables["actors"].complete
    have_services = "services" in typed and tables["services"].complete
    for name, check in (("offers", _check_offers), ("needs", _check_needs), ("links", _check_links)):
        raw = tables.get(name)
        if raw is not None and ok_cols[name]:
            typed[name] = check(raw, problems, kind if have_actors else None,
                                service_ids if have_services else None)
    if "offers" in typed and have_actors:
        errors, scope_warnings = scope_checks(tables["offers"], typed["actors"])
        problems += errors
        warnings += scope_warnings
    referral_log = None
    if referrals is not None and have_actors and have_services:
        referral_log = check_referral_raw(referrals, typed["actors"], typed["services"].index, problems)
    if problems or check_only or len(typed) < 5:
        return None, sorted(problems)
    return {**typed, "meta": clean_meta, "referrals": referral_log, "warnings": tuple(sorted(warnings))}, []


#: (table, column) -> vocabulary of :mod:`instnet.labels` whose codes the column holds.
_LABELLED = {("actors", "kind"): "kind", ("actors", "size"): "size", ("services", "category"): "category",
             ("offers", "fee"): "fee", ("links", "type"): "type"}


def read_labels(tables: Mapping[str, RawTable], *,
                warnings: list[Problem] | None = None) -> dict[str, RawTable]:
    """Read a display label (either language) or a close misspelling of one as its code, with a warning.

    ``empresa`` in the kind column becomes ``enterprise``, with the warning "'empresa'
    read as kind 'enterprise' (3 rows)" located at its first row and appended to
    ``warnings`` (logged when ``warnings`` is None). A value that matches nothing is
    left as it is, for the checks to report.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = RawTable("actors.csv", pd.DataFrame({"kind": ["Empresa", "broker", "nonsense"]}), lambda i: i + 2)
    >>> read_labels({"actors": raw})["actors"].frame["kind"].tolist()
    ['enterprise', 'broker', 'nonsense']
    """
    out = dict(tables)
    for (name, column), vocabulary in _LABELLED.items():
        raw = out.get(name)
        if raw is None or column not in raw.frame.columns:
            continue
        col = raw.frame[column]
        codes = VOCABULARIES[vocabulary]
        odd = [v for v in col.unique() if isinstance(v, str) and v and v not in codes]
        found = {v: code for v in odd if (code := code_for(vocabulary, v)) is not None}
        if not found:
            continue
        for value, code in found.items():
            rows = np.flatnonzero((col == value).to_numpy(dtype=bool))
            if warnings is None:
                log.warning(_("{file}, column {column!r}: {value!r} read as {vocabulary} {code!r} ({n} rows)").format(
                    file=raw.file, column=column, value=value, vocabulary=column_label(vocabulary), code=code,
                    n=len(rows)))
                continue
            warnings.append(Problem(raw.file, raw.line_of(int(rows[0])), column, _(
                "{value!r} read as {vocabulary} {code!r} ({n} rows)").format(
                value=value, vocabulary=column_label(vocabulary), code=code, n=len(rows))))
        frame = raw.frame.copy()
        frame[column] = col.replace(found)
        out[name] = dataclasses.replace(raw, frame=frame)
    return out


def _check_ids(c: _Checker) -> None:
    ids = c.frame["id"]
    c.non_empty("id")
    c.flag((ids != ids.str.strip()) & (ids.str.strip() != ""), "id",
           lambda r: _("id {id!r} has leading or trailing spaces").format(id=c.value(r, "id")))
    c.unique(["id"], "id")


def _check_actors(raw: RawTable, problems: list[Problem]) -> tuple[pd.DataFrame, pd.Series]:
    c = _Checker(raw, problems)
    f = raw.frame
    _check_ids(c)
    c.non_empty("name")
    c.choice("kind", KINDS, required=True)
    c.choice("size", SIZES, required=False)
    capacity = c.integer("capacity", lo=1, outside=_capacity_outside())
    since, until = c.years()
    private_text = f["private"].str.strip().str.lower()
    c.flag(~private_text.isin(["", "true", "false"]), "private",
           lambda r: _("{value!r} is not true or false").format(value=c.value(r, "private")))
    lat = c.number("lat", -90, 90)
    lon = c.number("lon", -180, 180)
    out = f.copy()
    out["capacity"], out["since"], out["until"] = capacity, since, until
    out["private"] = (private_text == "true").to_numpy()
    out["lat"], out["lon"] = lat, lon
    out = _ordered(out, "actors").set_index("id", drop=True)
    # A duplicated id keeps its first row for reference checks.
    kind = out["kind"][~out.index.duplicated()]
    return out, kind


def _check_services(raw: RawTable, problems: list[Problem]) -> pd.DataFrame:
    c = _Checker(raw, problems)
    _check_ids(c)
    c.non_empty("name")
    c.choice("category", CATEGORIES, required=True)
    return _ordered(raw.frame, "services").set_index("id", drop=True)


class _Kinds:
    """The kind of each actor id of a column, as codes into KINDS (-1: unknown id or kind)."""

    def __init__(self, column: pd.Series, kind: pd.Series):
        where = pc.index_in(arrow_strings(column), value_set=arrow_strings(kind.index))
        self.where = where.fill_null(-1).to_numpy(zero_copy_only=False)
        self.found = self.where >= 0
        self.kind = kind
        kind_codes = pc.index_in(arrow_strings(kind), value_set=pa.array(KINDS, pa.large_string()))
        per_actor = np.append(kind_codes.fill_null(-1).to_numpy(zero_copy_only=False), -1)
        self.codes = per_actor[self.where]  # where == -1 picks the appended -1

    def allowed(self, kinds: Iterable[str]) -> np.ndarray:
        table = np.zeros(len(KINDS) + 1, dtype=bool)
        table[[KINDS.index(k) for k in kinds]] = True
        return table[self.codes]  # code -1 picks the last entry, False

    def wrong(self, kinds: Iterable[str]) -> np.ndarray:
        """Known actors of a known kind outside ``kinds`` (an actor whose kind is
        itself invalid is reported once, in actors, and not again here)."""
        return (self.codes >= 0) & ~self.allowed(kinds)

    def name(self, record: int) -> str:
        i = self.where[record]
        return self.kind.iat[i] if i >= 0 else ""


def _check_actor_service(c: _Checker, kind, service_ids, allowed: frozenset[str], rule: str) -> None:
    """The ``actor`` and ``service`` columns of offers and needs: both exist, the actor's kind is allowed."""
    if kind is not None:
        k = _Kinds(c.frame["actor"], kind)
        dangling = c.reference("actor", kind.index, "actor", found=k.found)
        c.flag(~dangling & k.wrong(allowed), "actor",
               lambda r: _("{id!r} is a {kind}: {rule}").format(id=c.value(r, "actor"), kind=k.name(r), rule=_(rule)))
    if service_ids is not None:
        c.reference("service", service_ids, "service")


def _check_offers(raw, problems, kind, service_ids) -> pd.DataFrame:
    c = _Checker(raw, problems)
    f = raw.frame.copy()
    _check_actor_service(c, kind, service_ids, INSTITUTION_KINDS, N_("only institutions offer services"))
    c.choice("fee", FEES, required=False)
    c.unique(["actor", "service"], N_("offer"))
    f["capacity"] = c.integer("capacity", lo=1, outside=_capacity_outside())
    f["since"], f["until"] = c.years()
    return _ordered(f, "offers").reset_index(drop=True)


def _check_needs(raw, problems, kind, service_ids) -> pd.DataFrame:
    c = _Checker(raw, problems)
    f = raw.frame.copy()
    _check_actor_service(c, kind, service_ids, NEEDING_KINDS, N_("only enterprises and networks have needs"))
    c.unique(["actor", "service"], N_("need"))
    f["priority"] = c.integer("priority", lo=1, hi=3)
    return _ordered(f, "needs").reset_index(drop=True)


def _check_links(raw, problems, kind, service_ids) -> pd.DataFrame:
    c = _Checker(raw, problems)
    f = raw.frame.copy()
    c.choice("type", LINK_RULES, required=True)
    if kind is not None:
        sk = _Kinds(f["source"], kind)
        tk = _Kinds(f["target"], kind)
        bad_src = c.reference("source", kind.index, "actor", found=sk.found)
        bad_tgt = c.reference("target", kind.index, "actor", found=tk.found)
        types = pc.index_in(arrow_strings(f["type"]), value_set=pa.array(list(LINK_RULES), pa.large_string()))
        types = types.fill_null(-1).to_numpy(zero_copy_only=False)
        for code, (ltype, (sources, targets, _direction)) in enumerate(LINK_RULES.items()):
            is_t = types == code
            if not is_t.any():
                continue
            wrong_s = is_t & ~bad_src & sk.wrong(sources)
            wrong_t = is_t & ~bad_tgt & tk.wrong(targets)
            c.flag(wrong_s, "source", lambda r, lt=ltype, al=sources: (
                _("a {type} link cannot start at {id!r}, a {kind} (allowed: {kinds})").format(
                    type=lt, id=c.value(r, "source"), kind=sk.name(r), kinds=", ".join(sorted(al)))))
            c.flag(wrong_t, "target", lambda r, lt=ltype, al=targets: (
                _("a {type} link cannot end at {id!r}, a {kind} (allowed: {kinds})").format(
                    type=lt, id=c.value(r, "target"), kind=tk.name(r), kinds=", ".join(sorted(al)))))
    c.flag((f["source"] == f["target"]).to_numpy(), "target", _("a link cannot join an actor to itself"))
    c.unique(["source", "target", "type"], "link")
    weight = c.number("weight", 0.0, 1.0, lo_open=True)
    f["weight"] = weight.fillna(1.0)
    f["since"], f["until"] = c.years()
    return _ordered(f, "links").reset_index(drop=True)


def frames_from_records(**rows: Iterable[Mapping[str, Any]]) -> dict[str, RawTable]:
    """Turn plain rows into text tables, as if read from files (row 2 = first record)."""
    tables = {}
    for name, records in rows.items():
        records = list(records)
        columns = list(expected_columns(name))
        for rec in records:
            columns += [k for k in rec if k not in columns]
        data = {
            col: pd.Series(["" if rec.get(col) is None else _text(rec.get(col)) for rec in records], dtype="str")
            for col in columns
        }
        tables[name] = RawTable(f"{name}.csv", pd.DataFrame(data, columns=columns), lambda i: i + 2)
    return tables


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)

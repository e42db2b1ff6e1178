"""Read a dataset (folder of CSV, ``.xlsx`` workbook or built-in name) into an Ecosystem.

Reading never guesses: every cell is text until :mod:`instnet.io.validate` says
otherwise, so ``NA``, ``null`` and ``0012`` survive exactly. Structural damage
(ragged rows, unterminated quotes, a wrong delimiter, binary or non-UTF-8 bytes)
is reported with the line a person sees in the file; nothing is dropped.

The fast path parses CSV with pyarrow (strict about column counts); on any
irregularity the file is re-parsed with Python's :mod:`csv` module, which locates
every problem exactly.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import DatasetError, DatasetNotFoundError, Problem, suggest
from ..i18n import _
from ..model import Ecosystem
from .resources import datasets_dir
from .tables import RawMeta, RawTable, check_header, expected_columns, text_frame  # noqa: F401  (importable from here too)
from .validate import validate_tables
from ..schema import META_KEYS, REQUIRED_TABLES
from .referral_log import REFERRALS_TABLE

log = logging.getLogger(__name__)

#: Longest accepted cell, in characters; longer cells are reported, not read.
MAX_FIELD = 1 << 20

BUILTIN_NAMES = ("jamaica", "honduras", "nicaragua", "mexico")


def builtin_datasets() -> list[str]:
    """Return the names of the built-in datasets.

    Examples
    --------
    >>> "jamaica" in builtin_datasets()
    True
    """
    root = datasets_dir()
    return sorted(p.name for p in root.iterdir() if (p / "actors.csv").is_file())


def resolve_source(source: str | Path) -> Path:
    """Turn a folder, workbook path or built-in name into a path.

    Raises
    ------
    DatasetNotFoundError
        If it is none of these, with the closest built-in names.
    """
    name = str(source)
    if not name.strip():
        # Path("") is the current folder: an empty argument must not read it.
        raise DatasetNotFoundError(_(
            "no dataset given (the name is empty): give a folder, an .xlsx file or a "
            "built-in name ({names})").format(names=", ".join(builtin_datasets())))
    path = Path(source)
    if path.exists():
        return path
    builtin = datasets_dir() / name
    if "/" not in name and (builtin / "actors.csv").is_file():
        return builtin
    close = suggest(name, builtin_datasets(), n=2)
    hint = _("; did you mean {ids}?").format(ids=", ".join(close)) if close else ""
    raise DatasetNotFoundError(
        _("no dataset {name!r}: not a folder, not an .xlsx file, not a built-in name ({names})").format(
            name=name, names=", ".join(builtin_datasets())) + hint
    )


def read_dataset(source: str | Path) -> Ecosystem:
    """Read and validate a dataset.

    Parameters
    ----------
    source : str or Path
        A folder of CSV files, an ``.xlsx`` workbook with one sheet per table, or
        the name of a built-in dataset (``jamaica``, ``honduras``, ``nicaragua``,
        ``mexico``).

    Returns
    -------
    Ecosystem
        Every row of the dataset, typed (use :meth:`Ecosystem.as_of` to filter).

    Raises
    ------
    DatasetNotFoundError
        If ``source`` names nothing.
    DatasetError
        If anything is wrong; ``.problems`` lists every problem found, each with
        file, row and column. Nothing is built from an invalid dataset.

    Examples
    --------
    >>> eco = read_dataset("jamaica")
    >>> eco.meta["country"]
    'Jamaica'
    """
    path = resolve_source(source)
    if path.is_dir():
        tables, meta, problems = _read_folder(path)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        from .workbook import read_workbook

        tables, meta, problems = read_workbook(path)
    else:
        raise DatasetNotFoundError(
            _("{path}: a dataset is a folder of CSV files or an .xlsx workbook").format(path=path)
        )
    if problems:
        # Report the structural problems together with what can still be checked.
        _none, more = build_ecosystem(tables, meta, source=str(path), check_only=True)
        # One cell, one message: a cell already reported (a formula with no value)
        # is not reported again by the checks that read it as empty.
        seen = {(p.file, p.row, p.column) for p in problems if p.row and p.column}
        more = [p for p in more if (p.file, p.row, p.column) not in seen]
        raise DatasetError(sorted(set(problems + more)))
    eco, problems = build_ecosystem(tables, meta, source=str(path))
    if problems:
        raise DatasetError(problems)
    log.info("read %s: %d actors, %d links", path, len(eco.actors), len(eco.links))
    return eco


def build_ecosystem(
    tables: Mapping[str, RawTable],
    meta: RawMeta | Mapping[str, Any],
    *,
    source: str = "",
    check_only: bool = False,
) -> tuple[Ecosystem | None, list[Problem]]:
    """Validate raw text tables (:func:`instnet.io.validate.validate_tables`) and build the :class:`Ecosystem`.

    Returns ``(ecosystem, [])`` or ``(None, problems)``; with ``check_only`` it
    checks what it can of the tables given (some may be missing) and builds nothing.
    What is valid but probably a slip is kept, located, in the ecosystem's ``warnings``.
    """
    fields, problems = validate_tables(tables, meta, source=source, check_only=check_only)
    if fields is None:
        return None, problems
    return Ecosystem(**fields, source=source), []


# --------------------------------------------------------------------------- folders


def _read_folder(folder: Path) -> tuple[dict[str, RawTable], RawMeta, list[Problem]]:
    problems: list[Problem] = []
    tables: dict[str, RawTable] = {}
    meta = _read_meta(folder / "ecosystem.toml", problems)
    for name in REQUIRED_TABLES:
        path = folder / f"{name}.csv"
        if not path.is_file():
            problems.append(Problem(f"{name}.csv", 0, "", _("missing table: {path} not found").format(path=f"{folder}/{name}.csv")))
            continue
        table = read_csv_table(path, problems)
        if table is not None:
            tables[name] = table
    if (folder / f"{REFERRALS_TABLE}.csv").is_file():  # the optional referral log
        table = read_csv_table(folder / f"{REFERRALS_TABLE}.csv", problems)
        if table is not None:
            tables[REFERRALS_TABLE] = table
    return tables, meta, problems


def _read_meta(path: Path, problems: list[Problem]) -> RawMeta:
    meta = RawMeta(path.name)
    if not path.is_file():
        return meta
    text = _decode(path.read_bytes(), path.name, problems, what="TOML")
    if text is None:
        return meta
    try:
        meta.values.update(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(path.name, 0, "", _("not valid TOML: {error}").format(error=exc)))
        return meta
    for key in meta.values:
        found = re.search(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", text, re.MULTILINE)
        meta.rows[key] = text.count("\n", 0, found.start()) + 1 if found else 0
    unknown = sorted(set(meta.values) - set(META_KEYS))
    if unknown:
        log.info("%s: keeping unknown keys %s", path.name, unknown)
    return meta


def read_csv_table(path: Path, problems: list[Problem]) -> RawTable | None:
    """Read one CSV file as text, appending located problems to ``problems``.

    Returns None when the file's structure is broken (the problems say where).
    """
    fname = path.name
    data = path.read_bytes()
    text = _decode(data, fname, problems)
    if text is None:
        return None
    if "\r" in text and "\n" not in text:
        # "CSV (Macintosh)": every line ends with a lone CR. Read it as lines.
        log.info("%s: lines end with CR only; reading them as lines", fname)
        text = text.replace("\r", "\n")
        data = text.encode("utf-8")
    if not text or text.isspace():
        problems.append(Problem(fname, 0, "", _("empty file: a header row is required")))
        return None
    end = text.find("\n")
    first = next(csv.reader(io.StringIO(text if end < 0 else text[:end])), [])
    header = check_header(first, fname, problems)
    if header is None:
        return None
    try:
        frame = _parse_fast(data, header)
    except (pa.ArrowInvalid, ValueError) as exc:
        log.debug("%s: fast parse failed (%s); locating problems", fname, exc)
        frame = None
    if frame is None:
        parsed = _parse_exact(text, header, fname, problems)
        if parsed is None:
            return None
        frame, good_lines, complete = parsed
        return RawTable(fname, frame, lambda i: good_lines[i] if i < len(good_lines) else 0, complete)
    lines: list[int] | None = None

    def line_of(record: int) -> int:
        nonlocal lines
        if lines is None:
            lines = _record_lines(text)
        return lines[record] if record < len(lines) else 0

    return RawTable(fname, frame, line_of)


def _utf16(data: bytes) -> bool:
    """True when ``data`` looks like UTF-16 text (a BOM, or NUL in every other byte)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    head = data[:4096]
    return len(head) >= 4 and (head[1::2].count(0) > 0.9 * (len(head) // 2)
                               or head[0::2].count(0) > 0.9 * (len(head) // 2))


def _decode(data: bytes, fname: str, problems: list[Problem], *, what: str = "CSV") -> str | None:
    if _utf16(data):
        problems.append(Problem(fname, 0, "", _(
            "the file is UTF-16 text; instnet reads UTF-8: re-save it as 'CSV UTF-8 (Comma "
            "delimited)' in Excel, or choose the encoding UTF-8 when saving")
            if what == "CSV" else _("the file is UTF-16 text; instnet reads UTF-8: save it "
                                    "with the encoding UTF-8")))
        return None
    if b"\x00" in data:
        problems.append(Problem(fname, 0, "", _("binary file (contains NUL bytes): expected UTF-8 {what} text")
                                .format(what=what)))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.append(
            Problem(
                fname, line, "",
                _("not UTF-8 (byte {byte}); the file looks like cp1252/Latin-1: save it as 'CSV UTF-8'").format(
                    byte=f"0x{data[exc.start]:02x}"),
            )
        )
        return None


def _parse_fast(data: bytes, header: list[str]) -> pd.DataFrame | None:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b'"' in data:
        # A quoted field may hold a newline: pyarrow then needs the slower mode.
        parse = pacsv.ParseOptions(newlines_in_values=True)
    else:
        parse = pacsv.ParseOptions()
    table = pacsv.read_csv(
        pa.BufferReader(data),
        read_options=pacsv.ReadOptions(column_names=header, skip_rows=1),
        parse_options=parse,
        convert_options=pacsv.ConvertOptions(
            column_types={h: pa.string() for h in header},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    longest = max((pa.compute.max(pa.compute.utf8_length(c)).as_py() or 0 for c in table.columns), default=0)
    if longest > MAX_FIELD:
        return None
    return table.to_pandas()


def _parse_exact(
    text: str, header: list[str], fname: str, problems: list[Problem]
) -> tuple[pd.DataFrame, list[int], bool] | None:
    """Parse with the csv module, reporting every ragged row and the first fatal error.

    Returns the well-formed rows (so they can still be checked), their lines and
    whether no row was left out.
    """
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    good_lines: list[int] = []
    before = len(problems)
    start = 1
    try:
        next(reader)
        start = reader.line_num + 1
        for row in reader:
            if row:
                if len(row) != len(header):
                    problems.append(
                        Problem(fname, start, "", _("expected {n} fields as in the header, found {found}").format(n=len(header), found=len(row)))
                    )
                else:
                    rows.append(row)
                    good_lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        msg = str(exc)
        if "field larger than field limit" in msg:
            msg = _("field longer than {n} characters").format(n=MAX_FIELD)
        elif "unexpected end of data" in msg or "EOF" in msg:
            msg = _("unterminated quoted field (a \" is never closed)")
        problems.append(Problem(fname, start, "", msg))
        return None
    return text_frame(rows, header), good_lines, len(problems) == before


def _record_lines(text: str) -> list[int]:
    """Line number where each non-blank record of ``text`` starts (header excluded)."""
    csv.field_size_limit(max(MAX_FIELD, len(text)))
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)
    lines = []
    start = reader.line_num + 1
    for row in reader:
        if row:
            lines.append(start)
        start = reader.line_num + 1
    return lines



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
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ..i18n import _
from ..errors import DatasetError, DatasetNotFoundError, Problem, suggest
from ..model import Ecosystem
from .resources import datasets_dir
from .tables import RawTable, expected_columns  # noqa: F401  (importable from here too)
from .validate import validate_tables
from ..schema import META_KEYS, REQUIRED_TABLES, TABLES

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
    path = Path(source)
    if path.exists():
        return path
    name = str(source)
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
        tables, meta, problems = _read_workbook(path)
    else:
        raise DatasetNotFoundError(
            _("{path}: a dataset is a folder of CSV files or an .xlsx workbook").format(path=path)
        )
    if problems:
        # Report the structural problems together with what can still be checked.
        _none, more = build_ecosystem(tables, meta, source=str(path), check_only=True)
        raise DatasetError(sorted(set(problems + more)))
    eco, problems = build_ecosystem(tables, meta, source=str(path))
    if problems:
        raise DatasetError(problems)
    log.info("read %s: %d actors, %d links", path, len(eco.actors), len(eco.links))
    return eco


def build_ecosystem(
    tables: Mapping[str, RawTable],
    meta: Mapping[str, Any],
    *,
    source: str = "",
    check_only: bool = False,
) -> tuple[Ecosystem | None, list[Problem]]:
    """Validate raw text tables (:func:`instnet.io.validate.validate_tables`) and build the :class:`Ecosystem`.

    Returns ``(ecosystem, [])`` or ``(None, problems)``; with ``check_only`` it
    checks what it can of the tables given (some may be missing) and builds nothing.
    """
    typed, problems = validate_tables(tables, check_only=check_only)
    if typed is None:
        return None, problems
    return Ecosystem(**typed, meta=dict(meta), source=source), []


# --------------------------------------------------------------------------- folders


def _read_folder(folder: Path) -> tuple[dict[str, RawTable], dict, list[Problem]]:
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
    return tables, meta, problems


def _read_meta(path: Path, problems: list[Problem]) -> dict:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(path.name, 0, "", _("not valid TOML: {error}").format(error=exc)))
        return {}
    unknown = sorted(set(data) - set(META_KEYS))
    if unknown:
        log.info("%s: keeping unknown keys %s", path.name, unknown)
    return data


def read_csv_table(path: Path, problems: list[Problem]) -> RawTable | None:
    """Read one CSV file as text, appending located problems to ``problems``.

    Returns None when the file's structure is broken (the problems say where).
    """
    fname = path.name
    data = path.read_bytes()
    text = _decode(data, fname, problems)
    if text is None:
        return None
    if not text or text.isspace():
        problems.append(Problem(fname, 0, "", _("empty file: a header row is required")))
        return None
    end = text.find("\n")
    first = next(csv.reader(io.StringIO(text if end < 0 else text[:end])), [])
    header = _check_header(first, fname, problems)
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


def _decode(data: bytes, fname: str, problems: list[Problem]) -> str | None:
    if b"\x00" in data[:65536] or b"\x00" in data:
        problems.append(Problem(fname, 0, "", _("binary file (contains NUL bytes): expected UTF-8 CSV text")))
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


def _check_header(first: list[str], fname: str, problems: list[Problem]) -> list[str] | None:
    header = [h.strip() for h in first]
    bad = False
    if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
        sep = next(s for s in ";\t|" if s in header[0])
        problems.append(
            Problem(fname, 1, "", _("the header is one column {header!r}: the file looks {separator}-separated; "
                                    "instnet reads comma-separated CSV").format(
                header=header[0], separator=_("tab") if sep == chr(9) else repr(sep)))
        )
        return None
    seen: set[str] = set()
    for i, h in enumerate(header, 1):
        if not h:
            problems.append(Problem(fname, 1, f"#{i}", _("empty column name in header")))
            bad = True
        elif h in seen:
            problems.append(Problem(fname, 1, h, _("duplicate column name in header")))
            bad = True
        seen.add(h)
    return None if bad else header


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
    return _frame(rows, header), good_lines, len(problems) == before


def _frame(rows: list[list[str]], header: list[str]) -> pd.DataFrame:
    if rows:
        return pd.DataFrame(rows, columns=header, dtype="str")
    return pd.DataFrame({h: pd.Series([], dtype="str") for h in header})


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


# ------------------------------------------------------------------------ workbooks


#: Largest total uncompressed size of a workbook's parts, and largest compression
#: ratio of a big part: beyond them the file is refused as a likely zip bomb.
MAX_UNZIPPED = 2 << 30
MAX_RATIO = 200


def _workbook_problem(path: Path, exc: BaseException) -> Problem:
    """A clean one-line problem for a workbook openpyxl cannot (or must not) read."""
    chain, e = [], exc
    while e is not None and len(chain) < 10:
        chain.append(e)
        e = e.__cause__ or e.__context__
    if any(type(e).__module__.startswith("defusedxml") for e in chain):
        why = "it declares XML entities or a DTD (refused: a workbook never needs them)"
    else:
        why = str(chain[-1]).strip().splitlines()[0] if str(chain[-1]).strip() else type(chain[-1]).__name__
    return Problem(path.name, 0, "", _("not a readable .xlsx workbook: {why}").format(why=why))


def _check_zip(path: Path) -> Problem | None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        return Problem(path.name, 0, "", _("not a readable .xlsx workbook: {why}").format(why=exc))
    total = sum(i.file_size for i in infos)
    bomb = [i for i in infos
            if i.file_size > (64 << 20) and i.file_size > MAX_RATIO * max(i.compress_size, 1)]
    if total > MAX_UNZIPPED or bomb:
        return Problem(path.name, 0, "", _("refused: the workbook unpacks to {total} bytes from {size} (a zip "
                                           "bomb?)").format(total=f"{total:,}", size=f"{path.stat().st_size:,}"))
    return None


def _read_workbook(path: Path) -> tuple[dict[str, RawTable], dict, list[Problem]]:
    import openpyxl  # uses defusedxml when installed (it is a dependency)

    problems: list[Problem] = []
    tables: dict[str, RawTable] = {}
    refused = _check_zip(path)
    if refused is not None:
        raise DatasetError([refused])
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for bad files
        raise DatasetError([_workbook_problem(path, exc)]) from exc
    try:
        meta: dict = {}
        if "ecosystem" in wb.sheetnames:
            for row in wb["ecosystem"].iter_rows(values_only=True):
                if row and row[0] is not None and len(row) > 1:
                    meta[str(row[0])] = row[1]
        for name in REQUIRED_TABLES:
            if name not in wb.sheetnames:
                problems.append(Problem(path.name, 0, "", _("missing table: no sheet named {name!r}").format(name=name)))
                continue
            table = _read_sheet(wb[name], f"{path.name}[{name}]", problems)
            if table is not None:
                tables[name] = table
    except Exception as exc:  # sheets are parsed lazily: a bad part fails here
        raise DatasetError([_workbook_problem(path, exc)]) from exc
    finally:
        wb.close()
    return tables, meta, problems


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _read_sheet(ws, fname: str, problems: list[Problem]) -> RawTable | None:
    rows = ws.iter_rows(values_only=True)
    first = next(rows, None)
    if first is None or all(v is None for v in first):
        problems.append(Problem(fname, 0, "", _("empty sheet: a header row is required")))
        return None
    header = [_cell_text(v).strip() for v in first]
    while header and not header[-1]:
        header.pop()
    if _check_header(header, fname, problems) is None:
        return None
    records: list[list[str]] = []
    lines: list[int] = []
    for excel_row, values in enumerate(rows, start=2):
        cells = [_cell_text(v) for v in values]
        extra = [c for c in cells[len(header):] if c]
        if extra:
            problems.append(Problem(fname, excel_row, "", _("values beyond the {n} header columns").format(n=len(header))))
        cells = (cells + [""] * len(header))[: len(header)]
        if any(cells):
            records.append(cells)
            lines.append(excel_row)
    frame = _frame(records, header)
    return RawTable(fname, frame, lambda i: lines[i] if i < len(lines) else 0)

"""Read an ``.xlsx`` workbook (one sheet per table) as text tables.

Two things a workbook can hide are made visible here:

* **the sheet's declared size is not its data.** A single formatted, empty cell at
  ``XFD1048576`` declares a sheet of a million rows by 16,384 columns, and
  openpyxl's row iterator pads every row to that size. The sheet XML is instead
  walked row by row with openpyxl's own parser and only the cells that hold a value
  are kept, so the work follows the data, not the declared dimension;
* **a formula without a saved value.** Workbooks written by programs (openpyxl,
  pandas) store formulas with no cached result; read with ``data_only`` such a
  cell looks empty, so ``=0.25*2`` would silently become the default weight.
  The parser marks those cells and each becomes a located problem.

The parser is openpyxl's ``WorkSheetParser`` (pinned version in ``pyproject.toml``;
``tests/test_workbook.py`` reads workbooks through this module).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

from ..errors import DatasetError, Problem
from ..i18n import _
from ..schema import REQUIRED_TABLES
from .tables import RawMeta, RawTable, check_header, text_frame
from .referral_log import REFERRALS_TABLE

log = logging.getLogger(__name__)

#: Largest total uncompressed size of a workbook's parts, and largest compression
#: ratio of a big part: beyond them the file is refused as a likely zip bomb.
MAX_UNZIPPED = 2 << 30
MAX_RATIO = 200


@dataclass(frozen=True)
class Formula:
    """A formula cell with no saved (cached) value."""

    text: str


class _Parser(WorkSheetParser):
    """openpyxl's sheet parser, marking formula cells that carry no saved value."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell = super().parse_cell(element)
        if cell["value"] is None and element.get("t") != "str":
            # A text formula whose result is "" keeps t="str" and an empty <v>.
            formula = element.find(FORMULA_TAG)
            if formula is not None and not element.findtext(VALUE_TAG):
                cell["value"] = Formula("=" + (formula.text or ""))
        return cell


def _rows(wb: Any, ws: Any) -> Iterator[tuple[int, dict[int, Any]]]:
    """``(row number, {column number: value})`` for each row holding at least one value."""
    with ws._get_source() as src:
        parser = _Parser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                         date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for number, cells in parser.parse():
            values = {c["column"]: c["value"] for c in cells if c["value"] is not None}
            if values:
                yield number, values


def cell_text(value: object) -> str:
    """The text a CSV file would hold for a cell value.

    Examples
    --------
    >>> cell_text(2005.0), cell_text(True), cell_text(dt.datetime(2005, 3, 1))
    ('2005', 'true', '2005-03-01')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _formula_problem(fname: str, row: int, column: str, cell: Formula) -> Problem:
    return Problem(fname, row, column, _(
        "the formula {formula} has no saved value: open and save the workbook in a "
        "spreadsheet program, or type the value").format(formula=cell.text))


def _workbook_problem(path: Path, exc: BaseException) -> Problem:
    """A clean one-line problem for a workbook openpyxl cannot (or must not) read."""
    chain, e = [], exc
    while e is not None and len(chain) < 10:
        chain.append(e)
        e = e.__cause__ or e.__context__
    if any(type(e).__module__.startswith("defusedxml") for e in chain):
        why = _("it declares XML entities or a DTD (refused: a workbook never needs them)")
    else:
        why = str(chain[-1]).strip().splitlines()[0] if str(chain[-1]).strip() else type(chain[-1]).__name__
    return Problem(path.name, 0, "", _("not a readable .xlsx workbook: {why}").format(why=why))


def _check_zip(path: Path) -> Problem | None:
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


def open_workbook(path: Path) -> Any:
    """Open an ``.xlsx`` workbook read-only, refusing zip bombs and XML entities.

    Raises
    ------
    DatasetError
        If the file is not a workbook openpyxl can (or may) read.
    """
    import openpyxl  # uses defusedxml when installed (it is a dependency)

    refused = _check_zip(path)
    if refused is not None:
        raise DatasetError([refused])
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for bad files
        raise DatasetError([_workbook_problem(path, exc)]) from exc


def workbook_meta(wb: Any, *, problems: list[Problem] | None = None) -> dict:
    """The settings of a workbook's ``ecosystem`` sheet (key in column A, value in B; empty values skipped)."""
    meta = RawMeta("ecosystem")
    if "ecosystem" in wb.sheetnames:
        _read_meta_sheet(wb, meta, [] if problems is None else problems)
    return dict(meta.values)


def read_workbook(path: Path) -> tuple[dict[str, RawTable], RawMeta, list[Problem]]:
    """Read the sheets of a workbook as text tables, its ``ecosystem`` sheet as meta.

    Raises
    ------
    DatasetError
        If the file is not a readable workbook (or is refused as a zip or entity bomb).
    """
    problems: list[Problem] = []
    tables: dict[str, RawTable] = {}
    wb = open_workbook(path)
    meta = RawMeta(f"{path.name}[ecosystem]")
    try:
        if "ecosystem" in wb.sheetnames:
            _read_meta_sheet(wb, meta, problems)
        for name in REQUIRED_TABLES:
            if name not in wb.sheetnames:
                problems.append(Problem(path.name, 0, "", _(
                    "missing table: no sheet named {name!r} (the workbook has: {sheets})").format(
                    name=name, sheets=", ".join(map(repr, wb.sheetnames)) or _("no sheets"))))
                continue
            table = read_sheet(wb[name], f"{path.name}[{name}]", problems)
            if table is not None:
                tables[name] = table
        if REFERRALS_TABLE in wb.sheetnames:  # the optional referral log
            table = read_sheet(wb[REFERRALS_TABLE], f"{path.name}[{REFERRALS_TABLE}]", problems)
            if table is not None:
                tables[REFERRALS_TABLE] = table
    except Exception as exc:  # sheets are parsed lazily: a bad part fails here
        raise DatasetError([_workbook_problem(path, exc)]) from exc
    finally:
        wb.close()
    return tables, meta, problems


def _read_meta_sheet(wb: Any, meta: RawMeta, problems: list[Problem]) -> None:
    for number, values in _rows(wb, wb["ecosystem"]):
        key, value = values.get(1), values.get(2)
        if key is None or value is None:
            continue
        if isinstance(value, Formula):
            problems.append(_formula_problem(meta.file, number, "B", value))
            continue
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)  # a year typed into a spreadsheet is a float
        meta.values[cell_text(key)] = value
        meta.rows[cell_text(key)] = number


#: First characters of every note in a template's notes row (the row under the header).
NOTE_MARK = "\u24d8 "


def _is_notes(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return bool(filled) and all(c.startswith(NOTE_MARK) for c in filled)


def read_sheet(ws: Any, fname: str, problems: list[Problem]) -> RawTable | None:
    """Read one worksheet as text (header in row 1), appending located problems.

    Only cells holding values are visited. A second row whose filled cells all start
    with :data:`NOTE_MARK` is a template's notes row and is skipped; row numbers stay
    the ones the spreadsheet shows.
    """
    rows = _rows(ws.parent, ws)
    number, first = next(rows, (0, {}))
    if number != 1:
        problems.append(Problem(fname, 0, "", _("empty sheet: a header row is required")
                                if not first else _("row 1 is empty: the header row must be row 1")))
        return None
    header = [cell_text(first.get(c)).strip() for c in range(1, max(first) + 1)]
    while header and not header[-1]:
        header.pop()
    if check_header(header, fname, problems) is None:
        return None
    width = len(header)
    records: list[list[str]] = []
    lines: list[int] = []
    for number, values in rows:
        cells = [""] * width
        for column, value in values.items():
            if column > width:
                continue
            if isinstance(value, Formula):
                problems.append(_formula_problem(fname, number, header[column - 1], value))
            else:
                cells[column - 1] = cell_text(value)
        beyond = [c for c in values if c > width]
        if beyond:
            problems.append(Problem(fname, number, "", _(
                "values beyond the {n} header columns: cell {cell}").format(
                n=width, cell=f"{get_column_letter(min(beyond))}{number}")))
        if number == 2 and _is_notes(cells):
            continue
        if any(cells):
            records.append(cells)
            lines.append(number)
    frame = text_frame(records, header)
    return RawTable(fname, frame, lambda i: lines[i] if i < len(lines) else 0)

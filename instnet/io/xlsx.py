"""Excel workbooks (.xlsx) written with openpyxl: typed cells, frozen header, no formulas.

Every workbook instnet writes (results, the template, the Kumu export) goes through
:func:`add_table_sheet`, which streams rows in openpyxl's write-only mode (a
100,000-row sheet never sits in memory as cell objects) and applies the same rules:

* numbers are numbers, booleans are booleans, empty cells are empty;
* text that a spreadsheet would evaluate (starting with ``=``, ``+``, ``-``, ``@``, tab
  or carriage return; see :func:`instnet.io.outfile.spreadsheet_safe`) is stored as a
  text cell with Excel's own "quote prefix" mark, so it shows exactly as typed and
  stays text even when the cell is edited; nothing is ever a formula;
* characters XML 1.0 cannot hold (control characters) become U+FFFD, logged;
* the header row is frozen and columns get a width from their content;
* a table longer than a worksheet holds is an error that suggests CSV, never a
  truncated workbook.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..errors import UsageError
from ..i18n import _
from ..schema import META_KEYS
from .outfile import atomic_file, spreadsheet_safe

__all__ = ["MAX_ROWS", "check_fits", "add_meta_sheet", "add_table_sheet", "cell_value", "new_workbook", "result_sheets", "save_workbook", "write_results"]

log = logging.getLogger(__name__)

#: Data rows a worksheet holds under its header row (Excel's 1,048,576 rows less one).
MAX_ROWS = 1_048_575

_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def new_workbook() -> Workbook:
    """Return an empty streaming (write-only) workbook.

    Examples
    --------
    >>> new_workbook().sheetnames
    []
    """
    return Workbook(write_only=True)


def save_workbook(wb: Workbook, path: str | Path) -> Path:
    """Save ``wb`` to ``path`` atomically (a temporary sibling renamed at the end).

    Raises
    ------
    OutputError
        If the file cannot be written.
    """
    path = Path(path)
    with atomic_file(path, mode="wb") as handle:
        wb.save(handle)
    return path


def check_fits(title: str, n: int, *, extra: int = 0) -> None:
    """Raise :class:`UsageError` when ``n`` rows (plus ``extra`` under the header) do not
    fit in one worksheet; writers call it for every table before writing any.

    Examples
    --------
    >>> check_fits("needs", 1_048_575)
    >>> check_fits("needs", 1_048_575, extra=1)
    Traceback (most recent call last):
    ...
    instnet.errors.UsageError: table 'needs' has 1,048,575 rows; an Excel worksheet holds at most 1,048,574: write it as CSV instead
    """
    if n + extra > MAX_ROWS:
        raise UsageError(
            _("table {table!r} has {rows:,} rows; an Excel worksheet holds at most {limit:,}: "
              "write it as CSV instead").format(table=title, rows=n, limit=MAX_ROWS - extra)
        )


def _text_cell(ws: Any, value: str) -> WriteOnlyCell:
    """A cell that holds ``value`` as text even though it looks like a formula."""
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # openpyxl infers "formula" from a leading "="; this is text
    cell.quotePrefix = True
    return cell


def _clean_text(values: pd.Series) -> pd.Series:
    bad = values.str.contains(ILLEGAL_CHARACTERS_RE.pattern, regex=True).to_numpy(dtype=bool)
    if bad.any():
        log.warning("%d cells hold control characters a workbook cannot store; written as U+FFFD",
                    int(bad.sum()))
        values = values.where(~bad, values.str.replace(ILLEGAL_CHARACTERS_RE.pattern, "\ufffd", regex=True))
    return values


def cell_value(ws: Any, value: Any) -> Any:
    """One Python value as a cell value of write-only sheet ``ws`` (text that looks like a
    formula becomes a quote-prefixed text cell; sequences join into text)."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        value = " > ".join(str(v) for v in items) if isinstance(value, list | tuple) else "; ".join(map(str, items))
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))
    if text == "":
        return None
    return _text_cell(ws, text) if spreadsheet_safe(text) != text else text


def _column_values(ws: Any, column: pd.Series) -> list[Any]:
    dtype = column.dtype
    if dtype == bool:
        return column.tolist()
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        values = column.astype(object)
        return values.where(column.notna(), None).tolist()
    if pd.api.types.is_string_dtype(dtype) and not dtype == object:
        text = _clean_text(column.fillna(""))
        out = text.where(text != "", None).astype(object).tolist()
        formula = text.str.startswith(tuple(c for c in "=+-@\t\r")).to_numpy(dtype=bool)
        for i in np.flatnonzero(formula):
            out[i] = _text_cell(ws, text.iat[i])
        return out
    return [cell_value(ws, v) for v in column.tolist()]


def _width(header: str, column: pd.Series) -> float:
    sample = column.head(500)
    lengths = [len(str(v)) for v in sample.tolist() if v is not None and not (isinstance(v, float) and np.isnan(v))]
    longest = max([len(header), *lengths]) if lengths else len(header)
    return float(min(max(longest + 2, 8), 60))


def add_table_sheet(
    wb: Workbook,
    title: str,
    frame: pd.DataFrame,
    *,
    notes: Sequence[str] | None = None,
    validations: Iterable[Any] = (),
    widths: Mapping[str, float] | None = None,
) -> Any:
    """Append ``frame`` as a sheet named ``title`` (header, optional notes row, data rows).

    Parameters
    ----------
    wb : Workbook
        A workbook from :func:`new_workbook`.
    title : str
        Sheet name (characters Excel forbids become ``_``; cut to 31 characters).
    frame : DataFrame
        The rows; its index is not written.
    notes : sequence of str, optional
        One note per column, written as a second, italic row (the header and the
        notes are then both frozen).
    validations : iterable of DataValidation
        Data validations (drop-down lists) to attach to the sheet.
    widths : mapping, optional
        Column widths by column name (default: from the content).

    Returns
    -------
    The write-only worksheet.

    Raises
    ------
    UsageError
        If ``frame`` has more rows than a worksheet holds.

    Examples
    --------
    >>> import io
    >>> wb = new_workbook()
    >>> ws = add_table_sheet(wb, "gaps", pd.DataFrame({"service": ["=1+1"], "needs": [3]}))
    >>> wb.save(io.BytesIO()); wb.sheetnames
    ['gaps']
    """
    extra = 1 if notes else 0
    check_fits(title, len(frame), extra=extra)
    ws = wb.create_sheet(title.translate(_SHEET_FORBIDDEN)[:31])
    ws.freeze_panes = "A3" if notes else "A2"
    for i, col in enumerate(frame.columns, 1):
        given = (widths or {}).get(str(col))
        ws.column_dimensions[get_column_letter(i)].width = given or _width(str(col), frame[col])
    for dv in validations:
        ws.data_validations.append(dv)
    bold = Font(bold=True)
    header = []
    for col in frame.columns:
        cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(col)))
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    ws.append(header)
    if notes:
        italic, wrap = Font(italic=True, color="555555"), Alignment(wrap_text=True, vertical="top")
        row = []
        for note in notes:
            cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", note))
            cell.data_type = "s"
            cell.font, cell.alignment = italic, wrap
            row.append(cell)
        ws.append(row)
    columns = [_column_values(ws, frame[col]) for col in frame.columns]
    for row in zip(*columns, strict=True):
        ws.append(row)
    return ws


def add_meta_sheet(wb: Workbook, meta: Mapping[str, Any], *, hints: Mapping[str, str] | None = None) -> None:
    """Append the ``ecosystem`` sheet: one setting per row (key, value, optional hint), no header.

    The known keys (``name``, ``country``, ``year``, ``description``, ``source``) come
    first, even when empty, so that a person sees what to fill in.
    """
    keys = list(META_KEYS) + [str(k) for k in meta if k not in META_KEYS]
    ws = wb.create_sheet("ecosystem")
    for letter, width in (("A", 14), ("B", 60), ("C", 60)):
        ws.column_dimensions[letter].width = width
    italic = Font(italic=True, color="555555")
    for key in keys:
        row = [key, cell_value(ws, meta.get(key))]
        if hints:
            note = WriteOnlyCell(ws, value=hints.get(key, ""))
            note.font = italic
            row.append(note)
        ws.append(row)


# ------------------------------------------------------------------ command results


def _flat(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flat(value, name + "."))
        else:
            out[name] = value
    return out


def _is_table(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, Mapping | list | tuple | set | frozenset)


def _collect(prefix: str, value: Any, sheets: dict[str, pd.DataFrame], notes: list[tuple[str, Any]]) -> None:
    if _is_table(value):
        sheets[prefix] = pd.DataFrame([_flat(v) for v in value])
    elif isinstance(value, Mapping) and value and prefix and all(_is_scalar(v) for v in value.values()):
        sheets[prefix] = pd.DataFrame({"key": [str(k) for k in value],
                                       "value": pd.Series(list(value.values()), dtype=object)})
    elif (isinstance(value, Mapping) and value and prefix
          and all(isinstance(v, Mapping) and all(_is_scalar(x) for x in v.values()) for v in value.values())):
        sheets[prefix] = pd.DataFrame([{"key": str(k), **v} for k, v in value.items()])
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _collect(f"{prefix}.{key}" if prefix else str(key), item, sheets, notes)
    elif isinstance(value, list) and not value:
        notes.append((prefix, _("none")))
    elif isinstance(value, list | tuple):
        notes.append((prefix, "; ".join(str(v) for v in value)))
    else:
        notes.append((prefix, value))


def result_sheets(data: Mapping[str, Any], table: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Split a command's JSON-shaped result into sheets and a notes table.

    Every list of records in ``data`` becomes a sheet (nested records flatten to
    ``outer.inner`` columns, lists of ids join with `` > ``), and so does every nested
    mapping of values (``key``, ``value``) or of records (``key`` and one column per
    field); every other value is a row of the notes table (``setting``, ``value``).
    Without any such table, ``table`` is the one sheet.

    Examples
    --------
    >>> sheets, notes = result_sheets({"max_hops": 4, "groups": [{"service": "s", "needs": 2}],
    ...                                "kinds": {"donor": 1, "broker": 2}}, pd.DataFrame())
    >>> list(sheets), notes.values.tolist()
    (['groups', 'kinds'], [['max_hops', 4]])
    """
    sheets: dict[str, pd.DataFrame] = {}
    notes: list[tuple[str, Any]] = []
    _collect("", data, sheets, notes)
    if not sheets:
        sheets = {"result": table}
    return sheets, pd.DataFrame(notes, columns=["setting", "value"])


def write_results(path: str | Path, *, data: Mapping[str, Any], table: pd.DataFrame) -> Path:
    """Write a command's result as a workbook: one sheet per table plus a notes sheet.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` file to write (replaced atomically).
    data : mapping
        The command's JSON-shaped result (see :func:`result_sheets`).
    table : DataFrame
        The command's table, used when ``data`` holds no list of records.

    Returns
    -------
    Path

    Raises
    ------
    UsageError
        If a table has more rows than a worksheet holds (nothing is written).
    OutputError
        If the file cannot be written.
    """
    sheets, notes = result_sheets(data, table)
    for title, frame in sheets.items():
        check_fits(title, len(frame))
    wb = new_workbook()
    used: set[str] = set()
    for title, frame in sheets.items():
        name = title.translate(_SHEET_FORBIDDEN)[:31]
        n = 1
        while name.casefold() in used:
            n += 1
            name = f"{title.translate(_SHEET_FORBIDDEN)[:27]}~{n}"
        used.add(name.casefold())
        add_table_sheet(wb, name, frame)
    notes.columns = [_("setting"), _("value")]
    add_table_sheet(wb, _("notes"), notes.astype({notes.columns[1]: object}))
    return save_workbook(wb, path)

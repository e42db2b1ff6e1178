"""Workbooks (.xlsx): the same tables as a CSV folder, located problems, safe parsing."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from instnet.cli import main
from instnet.errors import DatasetError
from instnet.io.read import read_dataset
from minidata import VALID, make_dataset, plus, row

META = {"name": "Mini", "country": "Jamaica", "year": 2005}
TYPED = {"capacity", "since", "until", "priority", "weight", "lat", "lon"}


def _typed(value: str, column: str) -> object:
    """A cell as a person typing into Excel would leave it (numbers as numbers)."""
    if value == "":
        return None
    if column in TYPED:
        number = float(value)
        return int(number) if number.is_integer() and column != "weight" else number
    if column == "private":
        return value == "true"
    return value


def write_workbook(path: Path, tables: dict[str, str], *, blank_row_in: str | None = None, meta=META) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if meta:
        ws = wb.create_sheet("ecosystem")
        for k, v in meta.items():
            ws.append([k, v])
    for name, text in tables.items():
        ws = wb.create_sheet(name)
        rows = list(csv.reader(io.StringIO(text)))
        ws.append(rows[0])
        for i, r in enumerate(rows[1:]):
            if name == blank_row_in and i == 1:
                ws.append([])  # an empty row in the middle still counts in Excel's numbering
            ws.append([_typed(v, c) for v, c in zip(r, rows[0])])
    wb.save(path)
    return path


def _folder(tmp_path: Path, tables: dict[str, str]) -> Path:
    folder = make_dataset(tmp_path / "ds", **tables)
    (folder / "ecosystem.toml").write_text('name = "Mini"\ncountry = "Jamaica"\nyear = 2005\n', encoding="utf-8")
    return folder


def _assert_same(a, b) -> None:
    for table in ("actors", "services", "offers", "needs", "links"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table), check_index_type=True)
    assert dict(a.meta) == dict(b.meta)


def test_workbook_reads_like_the_csv_folder(tmp_path: Path) -> None:
    tables = dict(VALID)
    tables["actors"] = plus("actors", row("actors", id="0012", name="null", kind="enterprise", region="NA",
                                          description="línea 1\nlínea 2, con coma"))
    folder = _read_both(tmp_path, tables)
    assert folder.actors.at["0012", "region"] == "NA"
    assert folder.actors.at["e2", "name"] == "Café Ñandú"


def _read_both(tmp_path: Path, tables: dict[str, str]):
    from_csv = read_dataset(_folder(tmp_path, tables))
    from_xlsx = read_dataset(write_workbook(tmp_path / "mini.xlsx", tables))
    _assert_same(from_csv, from_xlsx)
    return from_csv


def test_workbook_with_an_unknown_column(tmp_path: Path) -> None:
    tables = dict(VALID)
    tables["services"] = "id,name,category,notes\ns1,Testing,technology,ISO 17025\ns2,Loans,finance,\n"
    eco = _read_both(tmp_path, tables)
    assert list(eco.services.columns) == ["name", "category", "notes"]


def test_bad_cell_is_located_by_sheet_and_excel_row(tmp_path: Path) -> None:
    tables = dict(VALID)
    tables["links"] = plus("links", "e2,p1,client_of,2,,")
    path = write_workbook(tmp_path / "bad.xlsx", tables, blank_row_in="links")
    with pytest.raises(DatasetError) as info:
        read_dataset(path)
    # Header = row 1, records 2.., one empty row inserted before the 2nd record.
    assert [(p.file, p.row, p.column) for p in info.value.problems] == [("bad.xlsx[links]", 7, "weight")]
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "bad.xlsx[links], row 7, column 'weight'" in result.output


def test_missing_sheet_and_values_beyond_the_header(tmp_path: Path) -> None:
    tables = {k: v for k, v in VALID.items() if k != "needs"}
    path = write_workbook(tmp_path / "bad.xlsx", tables)
    wb = openpyxl.load_workbook(path)
    wb["services"]["E3"] = "stray"
    wb.save(path)
    with pytest.raises(DatasetError) as info:
        read_dataset(path)
    found = {(p.file, p.row, p.message.split(":")[0]) for p in info.value.problems}
    assert ("bad.xlsx", 0, "missing table") in found
    assert ("bad.xlsx[services]", 3, "values beyond the 3 header columns") in found


def _with_part(src: Path, dst: Path, part: str, data: bytes) -> Path:
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for name in z.namelist():
            out.writestr(name, data if name == part else z.read(name))
    return dst


def _sheet_part(path: Path, sheet: str) -> str:
    wb = openpyxl.load_workbook(path, read_only=True)
    index = wb.sheetnames.index(sheet) + 1
    wb.close()
    return f"xl/worksheets/sheet{index}.xml"


LOL = "".join(
    f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(2, 10)
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol1 "lol">' + LOL + "]>"
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>&secret;</t></is></c></row></sheetData></worksheet>'
)


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "external-entity"])
@pytest.mark.parametrize("sheet", ["actors", "links"])
def test_entity_bomb_is_refused_cleanly(tmp_path: Path, xml: str, sheet: str) -> None:
    good = write_workbook(tmp_path / "good.xlsx", dict(VALID))
    bomb = _with_part(good, tmp_path / "bomb.xlsx", _sheet_part(good, sheet), xml.encode())
    start = time.perf_counter()
    with pytest.raises(DatasetError) as info:
        read_dataset(bomb)
    assert time.perf_counter() - start < 10
    (problem,) = info.value.problems
    assert problem.file == "bomb.xlsx" and "XML entities" in problem.message
    result = CliRunner().invoke(main, ["validate", str(bomb)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "bomb.xlsx: not a readable .xlsx workbook" in result.output


def test_zip_bomb_is_refused_cleanly(tmp_path: Path) -> None:
    good = write_workbook(tmp_path / "good.xlsx", dict(VALID))
    part = _sheet_part(good, "services")
    bomb = tmp_path / "zipbomb.xlsx"
    with zipfile.ZipFile(good) as z, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for name in z.namelist():
            if name != part:
                out.writestr(name, z.read(name))
        with out.open(part, "w") as f:  # ~100 MB of blanks compress ~1000:1
            f.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            chunk = b" " * (1 << 20)
            for _ in range(100):
                f.write(chunk)
            f.write(b"<sheetData/></worksheet>")
    assert bomb.stat().st_size < 2_000_000
    start = time.perf_counter()
    with pytest.raises(DatasetError) as info:
        read_dataset(bomb)
    assert time.perf_counter() - start < 5
    assert "zip bomb" in info.value.problems[0].message


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04garbage"], ids=["empty", "text", "torn"])
def test_not_a_workbook(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    with pytest.raises(DatasetError) as info:
        read_dataset(path)
    assert "not a readable .xlsx workbook" in info.value.problems[0].message
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)

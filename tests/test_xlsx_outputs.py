"""Every workbook instnet writes: typed cells, frozen header, widths, no formula anywhere.

Results (``--format xlsx`` of every table command), the template and the Kumu export are
opened with openpyxl; numbers must match the JSON output as numbers, formula-like names
must stay text, and a table longer than a worksheet is refused with a hint to use CSV.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from instnet.cli import main
from instnet.errors import UsageError
from instnet.io.kumu import write_kumu
from instnet.io.read import read_dataset
from instnet.io.template import write_template
from instnet.io.xlsx import MAX_ROWS, add_table_sheet, new_workbook, write_results
from minidata import make_dataset

EVIL = ['=HYPERLINK("http://x","click")', "+1+2", "-3+4", "@SUM(A1)", "\tTab", "\rCR"]


def _need(dataset: str) -> tuple[str, str]:
    eco = read_dataset(dataset)
    return str(eco.needs.at[0, "actor"]), str(eco.needs.at[0, "service"])


COMMANDS = {
    "gaps": ["gaps", "jamaica", "--unmet", "--by", "service,region"],
    "refer": ["refer", "jamaica", *_need("jamaica")],
    "bottlenecks": ["bottlenecks", "jamaica"],
    "recommend": ["recommend", "jamaica"],
    "info": ["info", "jamaica"],
    "trend": ["trend", "jamaica", "--from", "2000", "--to", "2005"],
    "diff": ["diff", "jamaica", "--from", "2000", "--to", "2005"],
}


def invoke(args: list[str]) -> str:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


def check_workbook(path: Path) -> openpyxl.Workbook:
    """No formula in any cell, and every table sheet has a frozen, bold header row."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                    assert cell.quotePrefix, (ws.title, cell.coordinate)
        if ws.title not in ("instructions", "ecosystem"):
            assert ws.freeze_panes in ("A2", "A3"), ws.title
            assert all(c.font.b for c in ws[1] if c.value is not None)
            assert ws.column_dimensions["A"].width >= 8
    return wb


def records(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


@pytest.mark.parametrize("command", COMMANDS)
def test_result_workbook(command: str, tmp_path: Path) -> None:
    args = COMMANDS[command]
    data = json.loads(invoke([*args, "--format", "json"]))
    out = tmp_path / f"{command}.xlsx"
    invoke([*args, "--format", "xlsx", "-o", str(out)])
    wb = check_workbook(out)
    notes = {r["setting"]: r["value"] for r in records(wb["notes"])}
    if "max_hops" in data:
        assert notes["max_hops"] == data["max_hops"] and isinstance(notes["max_hops"], int)
    for key, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            sheet = records(wb[key[:31]])
            assert len(sheet) == len(value)
            for got, want in zip(sheet, value, strict=True):
                for field, v in want.items():
                    if isinstance(v, bool):
                        assert got[field] is v
                    elif isinstance(v, int | float):
                        assert isinstance(got[field], int | float) and got[field] == pytest.approx(v), field
                    elif isinstance(v, str) and v:
                        assert got[field] == v


def test_gaps_notes_name_the_year_and_max_hops(tmp_path: Path) -> None:
    out = tmp_path / "g.xlsx"
    invoke(["gaps", "jamaica", "--max-hops", "3", "--as-of", "2001", "--format", "xlsx", "-o", str(out)])
    notes = {r["setting"]: r["value"] for r in records(check_workbook(out)["notes"])}
    assert notes["max_hops"] == 3
    assert 2001 in (notes.get("as_of"), notes.get("year"))


def test_xlsx_needs_an_output_file() -> None:
    result = CliRunner().invoke(main, ["gaps", "jamaica", "--format", "xlsx"])
    assert result.exit_code == 2 and "-o FILE.xlsx" in result.output


@pytest.fixture
def evil(tmp_path: Path) -> Path:
    actors = ("id,name,kind,region,sector\n" + "".join(
        f'"e{i}","{n.replace(chr(34), chr(34) * 2)}",enterprise,"{n.replace(chr(34), chr(34) * 2)}",s\n'
        for i, n in enumerate(EVIL)) + 'p1,"=1+1",bds_provider,,\n')
    needs = "actor,service,priority\n" + "".join(f"e{i},s1,1\n" for i in range(len(EVIL)))
    return make_dataset(tmp_path / "evil", actors=actors, services="id,name,category\ns1,=cmd|calc!A0,technology\n",
                        offers="actor,service\np1,s1\n", needs=needs, links="source,target,type\n")


def test_formula_like_names_stay_text_in_xlsx(evil: Path, tmp_path: Path) -> None:
    eco = read_dataset(evil)
    for path in (write_template(tmp_path / "t.xlsx", eco), write_kumu(eco, tmp_path / "k.xlsx")):
        wb = check_workbook(path)
        texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
        assert set(EVIL) | {"=1+1", "=cmd|calc!A0"} <= texts
    out = tmp_path / "gaps.xlsx"
    invoke(["gaps", str(evil), "--by", "region", "--unmet", "--format", "xlsx", "-o", str(out)])
    wb = check_workbook(out)
    regions = {r["region"] for r in records(wb["groups"])}
    assert set(EVIL) <= regions  # exactly as typed, and text


def test_formula_like_names_are_neutralised_in_csv(evil: Path) -> None:
    text = invoke(["gaps", str(evil), "--by", "region", "--format", "csv"])
    for value in EVIL:
        assert "'" + value.replace('"', '""') in text
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    for cell in frame.to_numpy().ravel():
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_too_long_table_is_refused_with_a_hint(tmp_path: Path) -> None:
    big = pd.DataFrame({"actor": np.zeros(MAX_ROWS + 1, dtype=np.int64)})
    out = tmp_path / "big.xlsx"
    with pytest.raises(UsageError, match="CSV"):
        write_results(out, data={"max_hops": 4}, table=big)
    assert not out.exists() and list(tmp_path.iterdir()) == []
    with pytest.raises(UsageError, match="1,048,575"):
        add_table_sheet(new_workbook(), "needs", big.iloc[:MAX_ROWS], notes=["a note"])


def test_numbers_bools_and_empty_cells_keep_their_types(tmp_path: Path) -> None:
    frame = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "x": [0.25, np.nan], "b": [True, False],
                          "s": ["0012", ""]})
    out = write_results(tmp_path / "t.xlsx", data={}, table=frame)
    ws = check_workbook(out)["result"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [[1, 0.25, True, "0012"],
                                                                          [None, None, False, None]]
    assert ws["A2"].data_type == "n" and ws["C2"].data_type == "b" and ws["D2"].data_type == "s"


def test_template_and_kumu_of_too_many_rows_write_nothing(tmp_path: Path) -> None:
    eco = read_dataset("jamaica")
    row = eco.needs.iloc[[0]]
    big = eco.replace_tables(needs=row.loc[row.index.repeat(MAX_ROWS + 1)].reset_index(drop=True))
    with pytest.raises(UsageError, match="write it as CSV instead"):
        write_template(tmp_path / "t.xlsx", big, include_private=True)
    with pytest.raises(UsageError, match="write it as CSV instead"):
        write_kumu(big, tmp_path / "k.xlsx", include_private=True)
    assert list(tmp_path.iterdir()) == []


def test_template_structure(tmp_path: Path) -> None:
    """Sheets, notes row, frozen rows and drop-downs for vocabularies and ids."""
    from instnet.schema import KINDS, LINK_TYPES

    wb = check_workbook(write_template(tmp_path / "t.xlsx", read_dataset("mexico"), include_private=True))
    assert wb.sheetnames == ["instructions", "ecosystem", "actors", "services", "offers", "needs", "links",
                             "referrals"]
    actors = wb["actors"]
    assert actors.freeze_panes == "A3"
    assert all(str(c.value).startswith("\u24d8 ") for c in actors[2])
    assert actors["A3"].value == read_dataset("mexico").actors.index[0]

    def lists(ws) -> dict[str, str]:
        header = [c.value for c in ws[1]]
        out = {}
        for dv in ws.data_validations.dataValidation:
            assert dv.type == "list" and dv.showErrorMessage and dv.errorStyle == "stop"
            col = str(dv.sqref).split(":")[0].rstrip("0123456789")
            out[header[openpyxl.utils.column_index_from_string(col) - 1]] = dv.formula1
        return out

    assert lists(actors)["kind"] == '"' + ",".join(KINDS) + '"'
    links = lists(wb["links"])
    assert links["type"] == '"' + ",".join(LINK_TYPES) + '"'
    assert links["source"] == links["target"] == "actors!$A$3:$A$1048576"
    assert lists(wb["offers"])["service"] == "services!$A$3:$A$1048576"
    assert set(lists(wb["referrals"])) >= {"status", "reason", "service", "provider"}
    eco_rows = {r[0]: r[1] for r in wb["ecosystem"].iter_rows(values_only=True)}
    assert eco_rows["country"] == read_dataset("mexico").meta["country"]

"""Hostile and broken input: each case through the library and through ``instnet``.

Every case checks the library (the located problem, or the value read) and the
command line (exit code 2 and the message, no traceback; or exit 0 and the value).
Validation writes nothing, so no file can be half-written here; the input files are
checked unchanged where a command reads them.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.styles import Font

from instnet.analysis import info
from instnet.analysis.paths import refer
from instnet.cli import main
from instnet.errors import DatasetError, DatasetNotFoundError, InactiveIdError
from instnet.io.read import read_dataset
from minidata import VALID, make_dataset, plus, problems, row
from test_workbook import write_workbook

A, O, L = "actors.csv", "offers.csv", "links.csv"


def cli(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_refused(result, *texts: str) -> None:
    """Exit 2, one clean message (no traceback) containing every text."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    for text in texts:
        assert text in result.output, result.output


def one_problem(source: Path, file: str, line: int, column: str, text: str):
    found = problems(source)
    hits = [p for p in found if (p.file, p.row, p.column) == (file, line, column) and text in p.message]
    assert hits, "\n".join(map(str, found))
    return found


# --------------------------------------------------------------------- workbooks


def _workbook(tmp_path: Path, **tables: str) -> Path:
    return write_workbook(tmp_path / "eco.xlsx", {**VALID, **tables})


def test_formula_without_a_saved_value_is_located(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["links"]["D2"] = "=0.25*2"  # written by a program: no cached value
    wb.save(path)
    found = one_problem(path, "eco.xlsx[links]", 2, "weight", "=0.25*2")
    assert "open and save the workbook in a spreadsheet program, or type the value" in found[0].message
    assert len(found) == 1  # not also "weight is empty"
    assert_refused(cli("validate", path), "eco.xlsx[links], row 2, column 'weight'", "type the value")


def test_formula_with_a_saved_value_reads_its_value(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["links"]["D2"] = "=0.25*2"
    wb.save(path)
    # What a spreadsheet program leaves after saving: the formula and its result.
    import zipfile

    part = f"xl/worksheets/sheet{wb.sheetnames.index('links') + 1}.xml"  # openpyxl numbers parts in sheet order
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    assert b"<f>0.25*2</f><v" in parts[part]
    # the empty value element is <v /> or <v/> depending on the XML writer openpyxl uses (lxml or not)
    parts[part] = re.sub(rb"<f>0\.25\*2</f><v\s*/>|<f>0\.25\*2</f><v></v>", b"<f>0.25*2</f><v>0.5</v>", parts[part])
    assert b"<v>0.5</v>" in parts[part]
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert read_dataset(path).links.at[0, "weight"] == 0.5


def _read_in_child(path: str, queue) -> None:
    try:
        eco = read_dataset(path)
        queue.put(("ok", len(eco.actors)))
    except DatasetError as exc:
        queue.put(("error", str(exc)))


def test_formatted_empty_cell_at_the_last_cell_does_not_hang(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    for sheet in ("actors", "links"):
        wb[sheet]["XFD1048576"].font = Font(bold=True)  # declares a 1,048,576 x 16,384 sheet
    wb.save(path)
    # Run in a child so that a regression fails the test instead of hanging the suite.
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_read_in_child, args=(str(path), queue))
    child.start()
    child.join(120)
    if child.is_alive():
        child.kill()
        pytest.fail("reading a workbook with one formatted cell at XFD1048576 did not finish in 120 s")
    assert queue.get() == ("ok", 8)
    result = cli("validate", path)
    assert result.exit_code == 0 and "valid (8 actors" in result.output


def test_missing_sheet_lists_the_sheets_there(tmp_path: Path) -> None:
    tables = {k: v for k, v in VALID.items() if k != "needs"}
    path = write_workbook(tmp_path / "eco.xlsx", tables)
    found = problems(path)
    assert any("no sheet named 'needs'" in p.message and "'actors', 'services'" in p.message for p in found)
    assert_refused(cli("validate", path), "no sheet named 'needs' (the workbook has: 'ecosystem', 'actors'")


def test_a_date_where_a_year_is_expected(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["actors"]["H2"] = dt.datetime(2001, 3, 15)  # since of e1, typed as a date
    wb.save(path)
    found = one_problem(path, "eco.xlsx[actors]", 2, "since", "is a date; type the year (2001)")
    assert len(found) == 1 and "T00:00" not in found[0].message
    assert_refused(cli("validate", path), "'2001-03-15' is a date; type the year (2001)")
    # The same in a CSV file.
    folder = make_dataset(tmp_path / "ds", links=plus("links", "e2,p1,client_of,,2004-05-01,"))
    one_problem(folder, L, 6, "since", "'2004-05-01' is a date; type the year (2004)")


# ------------------------------------------------------------------- CSV files


def test_cr_only_line_endings_are_read(tmp_path: Path) -> None:
    folder = make_dataset(tmp_path / "ds", actors=VALID["actors"].replace("\n", "\r"),
                          links=plus("links", "e2,p1,client_of,2,,").replace("\n", "\r"))
    found = one_problem(folder, L, 6, "weight", "outside (0, 1]")  # lines are counted as lines
    assert len(found) == 1
    make_dataset(folder, actors=VALID["actors"].replace("\n", "\r"), links=VALID["links"].replace("\n", "\r"))
    before = (folder / "actors.csv").read_bytes()
    eco = read_dataset(folder)
    assert list(eco.actors.index[:2]) == ["e1", "e2"] and eco.actors.at["e2", "name"] == "Café Ñandú"
    assert len(eco.links) == 4
    result = cli("validate", folder)
    assert result.exit_code == 0 and "valid (8 actors" in result.output, result.output
    assert (folder / "actors.csv").read_bytes() == before


def test_utf16_file_is_named_with_how_to_resave(tmp_path: Path) -> None:
    folder = make_dataset(tmp_path / "ds", services=VALID["services"].encode("utf-16"))
    found = one_problem(folder, "services.csv", 0, "", "UTF-16")
    assert "CSV UTF-8" in found[0].message and "binary" not in found[0].message
    assert_refused(cli("validate", folder), "services.csv: the file is UTF-16 text", "CSV UTF-8")
    (folder / "services.csv").write_text(VALID["services"])
    (folder / "ecosystem.toml").write_bytes('name = "x"\n'.encode("utf-16"))
    one_problem(folder, "ecosystem.toml", 0, "", "UTF-16")


def test_other_scripts_digits_are_read_as_digits(tmp_path: Path) -> None:
    folder = make_dataset(
        tmp_path / "ds",
        actors=plus("actors", row("actors", id="x1", name="Full width", kind="enterprise", since="１９９７",
                                  capacity="٣")),
        links=plus("links", "e2,p1,client_of,０.８,,"))
    eco = read_dataset(folder)
    assert eco.actors.at["x1", "since"] == 1997 and eco.actors.at["x1", "capacity"] == 3
    assert eco.links.at[4, "weight"] == pytest.approx(0.8)
    assert cli("validate", folder).exit_code == 0
    make_dataset(folder, links=plus("links", "e2,p1,client_of,１.８,,"))
    one_problem(folder, L, 6, "weight", "'１.８' is outside (0, 1]")
    assert_refused(cli("validate", folder), "links.csv, row 6, column 'weight'")


def test_capacity_zero_is_refused(tmp_path: Path) -> None:
    folder = make_dataset(tmp_path / "ds", offers=VALID["offers"].replace("North,,10,", "North,,0,"))
    one_problem(folder, O, 2, "capacity", "'0' must be at least 1")
    folder = make_dataset(tmp_path / "ds2", actors=VALID["actors"].replace(",,50,", ",,0,"))
    one_problem(folder, A, 5, "capacity", "leave it empty when the capacity is not known")
    assert_refused(cli("validate", folder), "actors.csv, row 5, column 'capacity': '0' must be at least 1")


@pytest.mark.parametrize("year", ["97", "-5", "20001", "1799", "2101"])
def test_years_outside_the_plausible_range(tmp_path: Path, year: str) -> None:
    folder = make_dataset(tmp_path / "ds", links=plus("links", f"e2,p1,client_of,,{year},"))
    found = one_problem(folder, L, 6, "since", "is not a four-digit year from 1800 to 2100")
    assert len(found) == 1
    assert_refused(cli("validate", folder), f"'{year}' is not a four-digit year from 1800 to 2100")


def test_years_at_the_ends_of_the_range_are_accepted(tmp_path: Path) -> None:
    folder = make_dataset(tmp_path / "ds", links=plus("links", "e2,p1,client_of,,1800,2100"))
    assert read_dataset(folder).links.at[4, "until"] == 2100


def test_service_ids_differing_only_in_case_are_warned(tmp_path: Path) -> None:
    folder = make_dataset(tmp_path / "ds", services=plus("services", "S1,Testing again,technology"))
    warns = info.warnings(read_dataset(folder))
    assert any("service ids that differ only in case" in w and "'S1'" in w and "'s1'" in w for w in warns)
    for command in ("validate", "info"):
        result = cli(command, folder)
        assert result.exit_code == 0 and "service ids that differ only in case" in result.output
    data = json.loads(cli("validate", folder, "--format", "json").output)
    assert any("service ids that differ only in case" in w["message"] for w in data["warnings"])


def test_kind_with_a_trailing_space_does_not_cascade(tmp_path: Path) -> None:
    # A code typed with a space or in another case is read as the code, with a warning.
    folder = make_dataset(tmp_path / "ds", actors=VALID["actors"].replace("e1,Shop,enterprise,", "e1,Shop,enterprise ,"))
    assert read_dataset(folder).actors.at["e1", "kind"] == "enterprise"
    result = cli("validate", folder)
    assert result.exit_code == 0 and "'enterprise ' read as kind 'enterprise' (1 rows)" in result.output, result.output
    data = json.loads(cli("validate", folder, "--format", "json").output)
    assert any(w["row"] == 2 and w["column"] == "kind" and "read as kind" in w["message"] for w in data["warnings"])
    assert "a enterprise" not in result.output


def test_an_invalid_kind_is_one_problem_not_a_cascade(tmp_path: Path) -> None:
    # e1 has a need and two links: none of them is reported for e1's kind.
    folder = make_dataset(tmp_path / "ds", actors=VALID["actors"].replace("e1,Shop,enterprise,", "e1,Shop,qqqq,"))
    found = problems(folder)
    assert [(p.file, p.row, p.column) for p in found] == [(A, 2, "kind")], "\n".join(map(str, found))
    result = cli("validate", folder)
    assert_refused(result, "'qqqq' is not one of", "1 problem")
    assert "link cannot start" not in result.output and "only enterprises and networks" not in result.output


def test_an_inactive_actor_is_called_inactive_not_unknown() -> None:
    eco = read_dataset("jamaica")
    dated = eco.actors.index[eco.actors["since"].notna()]
    actor = eco.needs.loc[eco.needs["actor"].isin(dated), "actor"].iat[0]
    since = int(eco.actors.at[actor, "since"])
    service = eco.needs.loc[eco.needs["actor"] == actor, "service"].iat[0]
    with pytest.raises(InactiveIdError, match=f"not active in {since - 1} \\(active from {since}\\)"):
        refer(eco.as_of(since - 1), actor, service)
    result = cli("refer", "jamaica", actor, service, "--as-of", since - 1)
    assert_refused(result, f"actor {actor!r} is not active in {since - 1}")
    assert "unknown actor" not in result.output


def test_an_empty_dataset_argument_does_not_read_the_current_folder(tmp_path: Path, monkeypatch) -> None:
    make_dataset(tmp_path)  # a valid dataset in the current folder must not be read
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatasetNotFoundError, match="no dataset given"):
        read_dataset("")
    for command in ("gaps", "validate"):
        assert_refused(cli(command, ""), "no dataset given")


# ------------------------------------------------------------ ecosystem.toml


def _with_toml(tmp_path: Path, text: str) -> Path:
    folder = make_dataset(tmp_path / "ds")
    (folder / "ecosystem.toml").write_text(text, encoding="utf-8")
    return folder


TOML_CASES = {
    "a TOML date as year": ('name = "Mini"\nyear = 1999-03-01\n', 2, "year is a date (1999-03-01); type the year"),
    "nan as year": ('name = "Mini"\nyear = nan\n', 2, "year is nan, not a year"),
    "1e400 as year": ('name = "Mini"\n\nyear = 1e400\n', 3, "year is inf, not a year"),
    "a two-digit year": ('year = 97\n', 1, "year is 97: type a four-digit year"),
    "text as year": ('year = "last year"\n', 1, "year must be a year"),
    "a list as name": ('name = ["a", "b"]\n', 1, "name must be text, not a list"),
    "a newline in the name": ('name = "two\\nlines"\n', 1, "name 'two\\nlines' contains a line break"),
    "a name of spaces": ('name = "   "\n', 1, "name is empty or only spaces"),
    "a number as country": ('country = 3\n', 1, "country must be text"),
    "nan in an extra key": ('name = "Mini"\nratio = nan\n', 2, "ratio is nan: give a finite number"),
}


@pytest.mark.parametrize("case", list(TOML_CASES))
def test_ecosystem_toml_values_are_checked(tmp_path: Path, case: str) -> None:
    text, line, message = TOML_CASES[case]
    folder = _with_toml(tmp_path, text)
    found = one_problem(folder, "ecosystem.toml", line, "", message)
    assert len(found) == 1
    for command in ("validate", "info", "gaps"):
        assert_refused(cli(command, folder, *(["--format", "json"] if command != "validate" else [])),
                       f"ecosystem.toml, row {line}: {message}")


def test_info_json_is_strict_json(tmp_path: Path) -> None:
    folder = _with_toml(tmp_path, 'name = "Mini"\nyear = 1999\nwhen = 2001-02-03\nratio = 0.5\n')
    eco = read_dataset(folder)
    assert eco.meta == {"name": "Mini", "year": 1999, "when": "2001-02-03", "ratio": 0.5}
    result = cli("info", folder, "--format", "json")
    assert result.exit_code == 0, result.output

    def no_constant(name: str) -> None:
        raise AssertionError(f"{name} in JSON output")

    data = json.loads(result.output, parse_constant=no_constant)
    assert data["meta"]["year"] == 1999


def test_workbook_ecosystem_sheet_is_checked_the_same(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "eco.xlsx", VALID, meta={"name": "Mini", "year": dt.datetime(1999, 1, 1)})
    one_problem(path, "eco.xlsx[ecosystem]", 2, "", "year is a date (1999-01-01); type the year (1999)")
    path = write_workbook(tmp_path / "ok.xlsx", VALID, meta={"name": "Mini", "year": 1999.0})
    assert read_dataset(path).meta["year"] == 1999

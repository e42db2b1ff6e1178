"""Spelling hygiene of regions, sectors and scopes: warnings located, comma scopes refused.

Each rule through the library (``eco.warnings`` or the DatasetError) and the command
line (``validate`` shows the warning and lists it in ``--format json``; an error
exits 2). The date-for-a-year and missing-sheet rules are in test_input_hostile.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from instnet.cli import main
from instnet.io.read import read_dataset
from instnet.io.spelling import fold
from minidata import VALID, make_dataset, plus, problems, row


def cli(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def _warnings_json(folder: Path) -> list[dict]:
    result = cli("validate", folder, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["valid"] is True
    return data["warnings"]


def test_fold_ignores_case_accents_and_spaces() -> None:
    assert fold("San pedro Sula") == fold("San Pedro Sula") == fold(" san  pedro  súla ")
    assert fold("Choloma ") == fold("Choloma") != fold("Cholomas")


def test_region_spelled_two_ways_is_a_warning_naming_both_and_their_rows(tmp_path: Path) -> None:
    folder = make_dataset(tmp_path / "ds", actors=plus(
        "actors",
        row("actors", id="e3", name="Taller", kind="enterprise", region="north"),
        row("actors", id="e4", name="Tienda", kind="enterprise", region="North ")))
    eco = read_dataset(folder)
    [w] = [w for w in eco.warnings if w.column == "region"]
    assert (w.file, w.row) == ("actors.csv", 10)  # the first row not in the commonest spelling
    # The commonest spelling first, every spelling with its rows.
    assert "'North' (rows 2, 4, 5, 6)" in w.message
    assert "'North ' (rows 11)" in w.message and "'north' (rows 10)" in w.message
    assert "differ only in case, accents or spaces" in w.message
    result = cli("validate", folder)
    assert result.exit_code == 0
    assert "warning: actors.csv, row 10, column 'region': region spelled 3 ways" in result.output
    rows = _warnings_json(folder)
    assert {"file": "actors.csv", "row": 10, "column": "region", "message": w.message} in rows


def test_sector_with_an_accent_is_a_warning(tmp_path: Path) -> None:
    folder = make_dataset(tmp_path / "ds", actors=plus(
        "actors", row("actors", id="e3", name="Cafetal", kind="enterprise", sector="fóod")))
    [w] = [w for w in read_dataset(folder).warnings if w.column == "sector"]
    assert "'food' (rows 3)" in w.message and "'fóod' (rows 10)" in w.message
    assert any(r["column"] == "sector" and "fóod" in r["message"] for r in _warnings_json(folder))


def test_scope_value_no_actor_has_is_a_warning_with_the_closest_value(tmp_path: Path) -> None:
    offers = VALID["offers"].replace("p1,s1,North,", "p1,s1,Nrth;South,")
    folder = make_dataset(tmp_path / "ds", offers=offers)
    eco = read_dataset(folder)
    [w] = [w for w in eco.warnings if w.column == "regions"]
    assert (w.file, w.row) == ("offers.csv", 2)
    assert "'Nrth' is no actor's region" in w.message and "closest known: 'North'" in w.message
    result = cli("validate", folder)
    assert result.exit_code == 0 and "closest known: 'North'" in result.output
    assert any(r["row"] == 2 and "closest known: 'North'" in r["message"] for r in _warnings_json(folder))
    # A case slip is closest to its own spelling.
    folder = make_dataset(tmp_path / "ds2", offers=VALID["offers"].replace("p1,s1,North,", "p1,s1,NORTH,"))
    [w] = [w for w in read_dataset(folder).warnings if w.column == "regions"]
    assert "closest known: 'North'" in w.message


def test_scope_separated_with_commas_is_an_error(tmp_path: Path) -> None:
    offers = VALID["offers"].replace("p1,s1,North,", 'p1,s1,"North, South",')
    folder = make_dataset(tmp_path / "ds", offers=offers)
    found = problems(folder)
    assert [(p.file, p.row, p.column) for p in found] == [("offers.csv", 2, "regions")]
    assert "separates regions with ','; use ';' ('North; South')" in found[0].message
    result = cli("validate", folder)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "offers.csv, row 2, column 'regions': 'North, South' separates regions with ','" in result.output
    data = json.loads(cli("validate", folder, "--format", "json").output.split("\nerror:")[0])
    assert data["valid"] is False and data["problems"][0]["column"] == "regions"


def test_a_region_whose_name_holds_a_comma_is_not_an_error(tmp_path: Path) -> None:
    actors = plus("actors", row("actors", id="e3", name="Shop", kind="enterprise", region="Kingston, St. Andrew"))
    offers = VALID["offers"].replace("p1,s1,North,", 'p1,s1,"Kingston, St. Andrew",')
    eco = read_dataset(make_dataset(tmp_path / "ds", actors=actors, offers=offers))
    assert not [w for w in eco.warnings if w.column == "regions"]


def test_a_clean_dataset_has_no_spelling_warnings(tmp_path: Path) -> None:
    assert read_dataset(make_dataset(tmp_path / "ds")).warnings == ()

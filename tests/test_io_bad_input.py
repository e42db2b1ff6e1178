"""Broken Kumu workbooks, HSDS packages and templates: located messages, exit 2, nothing written.

Also the official HSDS 3.0 example package (tests/data/hsds3_example, CC BY-SA 4.0, see
its README) imports as providers, a service and an offer, with notes on what was skipped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from instnet.cli import main
from instnet.errors import DatasetError
from instnet.io.hsds import write_hsds
from instnet.io.hsds_import import read_hsds
from instnet.io.kumu import read_kumu, read_type_mapping
from instnet.io.read import read_dataset
from instnet.io.template import write_template

from hsds_check import assert_valid_hsds

EXAMPLE = Path(__file__).parent / "data" / "hsds3_example"


def kumu_book(path: Path, elements: list[list], connections: list[list] | None = None) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet("Elements")
    for row in elements:
        ws.append(row)
    if connections is not None:
        ws = wb.create_sheet("Connections")
        for row in connections:
            ws.append(row)
    wb.save(path)
    return path


GOOD_ELEMENTS = [["Label", "Type", "Description", "category"], ["Shop", "enterprise", "", None],
                 ["Lab", "BDS provider", "tests", None], ["Testing", "service", "", "technology"]]
GOOD_CONNECTIONS = [["From", "To", "Type", "Strength"], ["Shop", "Lab", "client of", 0.5],
                    ["Lab", "Testing", "offers", None], ["Shop", "Testing", "needs", None]]


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_plain_kumu_workbook_imports_with_derived_ids(tmp_path: Path) -> None:
    eco = read_kumu(kumu_book(tmp_path / "k.xlsx", GOOD_ELEMENTS, GOOD_CONNECTIONS)).ecosystem
    assert list(eco.actors.index) == ["shop", "lab"]
    assert eco.actors["kind"].tolist() == ["enterprise", "bds_provider"]
    assert eco.actors.at["lab", "description"] == "tests"
    assert eco.links[["source", "target", "type", "weight"]].values.tolist() == [["shop", "lab", "client_of", 0.5]]
    assert eco.offers[["actor", "service"]].values.tolist() == [["lab", "testing"]]
    assert eco.needs[["actor", "service"]].values.tolist() == [["shop", "testing"]]


def test_kumu_sheet_without_label(tmp_path: Path) -> None:
    book = kumu_book(tmp_path / "k.xlsx", [["Name", "Type"], ["Shop", "enterprise"]], GOOD_CONNECTIONS)
    code, out = run_cli("import", "kumu", str(book), "-o", str(tmp_path / "out"))
    assert code == 2
    assert "k.xlsx[Elements], row 1, column 'Label': required column 'Label' is missing" in out
    assert not (tmp_path / "out").exists()


def test_kumu_duplicate_labels(tmp_path: Path) -> None:
    rows = GOOD_ELEMENTS + [["Lab", "donor", "", None]]
    with pytest.raises(DatasetError) as err:
        read_kumu(kumu_book(tmp_path / "k.xlsx", rows, GOOD_CONNECTIONS))
    assert [str(p) for p in err.value.problems] == [
        "k.xlsx[Elements], row 5, column 'Label': duplicate label 'Lab' (also row 3)"]


def test_kumu_connection_to_unknown_label(tmp_path: Path) -> None:
    rows = GOOD_CONNECTIONS + [["Shop", "Labb", "client_of", 1]]
    code, out = run_cli("import", "kumu", str(kumu_book(tmp_path / "k.xlsx", GOOD_ELEMENTS, rows)),
                        "-o", str(tmp_path / "out"))
    assert code == 2
    assert "k.xlsx[Connections], row 5, column 'To': no element with label 'Labb'; did you mean 'Lab'?" in out
    assert not (tmp_path / "out").exists()


def test_kumu_unmapped_type_then_mapped_with_a_kinds_file(tmp_path: Path) -> None:
    rows = GOOD_ELEMENTS + [["Photo", "Picture", "", None], ["Uni", "University", "", None]]
    book = kumu_book(tmp_path / "k.xlsx", rows, GOOD_CONNECTIONS + [["Uni", "Lab", "collaborates", None]])
    with pytest.raises(DatasetError) as err:
        read_kumu(book)
    where = {(p.file, p.row, p.column) for p in err.value.problems}
    assert where == {("k.xlsx[Elements]", 5, "Type"), ("k.xlsx[Elements]", 6, "Type"),
                     ("k.xlsx[Connections]", 5, "Type")}
    kinds = tmp_path / "kinds.csv"
    kinds.write_text("type,kind\nUniversity,bds_provider\nPicture,\ncollaborates,partners_with\n", encoding="utf-8")
    code, out = run_cli("import", "kumu", str(book), "-o", str(tmp_path / "out"), "--kinds", str(kinds))
    assert code == 0, out
    eco = read_dataset(tmp_path / "out")
    assert eco.actors.at["uni", "kind"] == "bds_provider" and "photo" not in eco.actors.index
    assert ["uni", "lab", "partners_with"] in eco.links[["source", "target", "type"]].values.tolist()
    assert "elements of type Picture skipped" in out


def test_kinds_file_with_an_unknown_code(tmp_path: Path) -> None:
    kinds = tmp_path / "kinds.csv"
    kinds.write_text("type,kind\nUniversity,college\n", encoding="utf-8")
    with pytest.raises(DatasetError) as err:
        read_type_mapping(kinds)
    assert (err.value.problems[0].row, err.value.problems[0].column) == (2, "kind")


# ---------------------------------------------------------------------------- HSDS


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A valid export (frictionless agrees) to break one rule at a time."""
    out = write_hsds(read_dataset("jamaica"), tmp_path / "pkg")
    assert_valid_hsds(out)
    return out


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_hsds_missing_required_column(package: Path, tmp_path: Path) -> None:
    _edit(package / "services.csv", "id,organization_id,program_id,name,", "id,organization_id,program_id,title,")
    code, out = run_cli("import", "hsds", str(package), "-o", str(tmp_path / "out"))
    assert code == 2
    assert "services.csv, row 1, column 'name': required column 'name' is missing" in out
    assert not (tmp_path / "out").exists()


def test_hsds_service_of_an_unknown_organization(package: Path) -> None:
    lines = (package / "services.csv").read_text(encoding="utf-8").splitlines()
    org = lines[1].split(",")[1]
    _edit(package / "services.csv", f",{org},", ",00000000-0000-4000-8000-000000000000,")
    with pytest.raises(DatasetError) as err:
        read_hsds(package)
    assert [(p.file, p.row, p.column) for p in err.value.problems] == [("services.csv", 2, "organization_id")]
    assert "'00000000-0000-4000-8000-000000000000' is not the id of any row of organizations.csv" in str(err.value)


def test_hsds_non_uuid_ids(package: Path) -> None:
    first = (package / "organizations.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    for name in ("organizations.csv", "services.csv", "attributes.csv"):
        _edit(package / name, first, "jampro")
    with pytest.raises(DatasetError) as err:
        read_hsds(package)
    found = {(p.file, p.row, p.column) for p in err.value.problems}
    assert ("organizations.csv", 2, "id") in found
    assert all("is not a UUID" in p.message for p in err.value.problems)
    assert {f for f, _r, _c in found} == {"organizations.csv", "services.csv", "attributes.csv"}


def test_official_hsds_example_imports(tmp_path: Path) -> None:
    code, out = run_cli("import", "hsds", str(EXAMPLE), "-o", str(tmp_path / "out"), "--kind", "specialized_centre")
    assert code == 0, out
    eco = read_dataset(tmp_path / "out")
    assert eco.actors[["name", "kind"]].values.tolist() == [["Example Organization Inc.", "specialized_centre"]]
    assert eco.services["name"].tolist() == ["Community Counselling"]
    offer = eco.offers.iloc[0]
    assert (offer["actor"], offer["service"]) == (eco.actors.index[0], eco.services.index[0])
    assert offer["regions"].startswith("The service is available to all residents of the MyCity area")
    assert "locations.csv: 1 row not imported" in out
    assert "1 organization has no instnet kind" in out
    code, info = run_cli("info", str(tmp_path / "out"))
    assert code == 0 and "providers and no clients" in info


def test_hsds_import_of_a_file_instead_of_a_folder(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("id\n", encoding="utf-8")
    code, out = run_cli("import", "hsds", str(tmp_path / "x.csv"), "-o", str(tmp_path / "out"))
    assert code == 2


def test_copy_of_official_example_without_organizations(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "pkg")
    (tmp_path / "pkg" / "organizations.csv").unlink()
    with pytest.raises(DatasetError) as err:
        read_hsds(tmp_path / "pkg")
    assert err.value.problems[0].file == "organizations.csv"
    assert "missing file" in err.value.problems[0].message


# ------------------------------------------------------------------------ template


def test_untouched_template_validates(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx")
    code, out = run_cli("validate", str(path))
    assert code == 0, out
    assert "no actors yet" in out


def test_template_drop_down_overwritten_with_free_text(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx", read_dataset("honduras"), include_private=True)
    wb = openpyxl.load_workbook(path)
    ws = wb["actors"]
    header = [c.value for c in ws[1]]
    ws.cell(row=4, column=header.index("kind") + 1, value="company")
    links = wb["links"]
    lheader = [c.value for c in links[1]]
    links.cell(row=3, column=lheader.index("target") + 1, value="somebody")
    wb.save(path)
    code, out = run_cli("validate", str(path))
    assert code == 2
    assert "t.xlsx[actors], row 4, column 'kind'" in out and "'company'" in out
    assert "t.xlsx[links], row 3, column 'target'" in out and "'somebody'" in out


def test_template_notes_row_deleted_still_reads(tmp_path: Path) -> None:
    eco = read_dataset("nicaragua")
    path = write_template(tmp_path / "t.xlsx", eco, include_private=True)
    wb = openpyxl.load_workbook(path)
    for name in ("actors", "services", "offers", "needs", "links"):
        wb[name].delete_rows(2)
    wb.save(path)
    back = read_dataset(path)
    assert back.actors.equals(eco.actors) and back.links.equals(eco.links)


def test_kumu_service_without_category(tmp_path: Path) -> None:
    rows = [["Label", "Type"], ["Shop", "enterprise"], ["Testing", "service"]]
    with pytest.raises(DatasetError) as err:
        read_kumu(kumu_book(tmp_path / "k.xlsx", rows, [["From", "To", "Type"], ["Shop", "Testing", "needs"]]))
    assert [(p.file, p.row, p.column) for p in err.value.problems] == [("k.xlsx[Elements]", 3, "category")]


def test_header_only_folder_is_an_empty_valid_ecosystem(tmp_path: Path) -> None:
    """The contract: an ecosystem with no actors yet is valid, with a warning that says so."""
    from minidata import make_dataset

    folder = make_dataset(tmp_path / "ds", actors="id,name,kind\n", services="id,name,category\n",
                          offers="actor,service\n", needs="actor,service\n", links="source,target,type\n")
    code, out = run_cli("validate", str(folder))
    assert code == 0 and "no actors yet" in out

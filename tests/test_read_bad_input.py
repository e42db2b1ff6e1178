"""Bad input (issue 2): every rule of DESIGN.md section 2 broken once, plus damaged files.

Each case is a small broken copy of ``tests/minidata.py``'s valid dataset and the
problems it must produce, each located by file, row (the line a person sees) and
column. Every case also runs through ``instnet validate`` (exit 2, no traceback).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from instnet.analysis import info
from instnet.cli import main
from instnet.io.read import MAX_FIELD, read_dataset
from minidata import VALID, make_dataset, plus, problems, row

# (file, row, column, text the message must contain)
Expect = tuple[str, int, str, str]

A = "actors.csv"
S = "services.csv"
O = "offers.csv"  # noqa: E741
N = "needs.csv"
L = "links.csv"

ANY_ENUM = "is not one of"

CASES: dict[str, tuple[dict, list[Expect]]] = {
    # --- dangling ids, with the closest id suggested
    "dangling service (typo)": (
        {"needs": plus("needs", "e2,s22,")}, [(N, 4, "service", "no service with id 's22'; did you mean 's2'?")]),
    "dangling actor in a need (typo)": (
        {"needs": plus("needs", "e22,s1,")}, [(N, 4, "actor", "no actor with id 'e22'; did you mean 'e2'?")]),
    "dangling link target": (
        {"links": plus("links", "e2,zz_unknown,client_of,,,")}, [(L, 6, "target", "no actor with id 'zz_unknown'")]),
    "dangling link source": (
        {"links": plus("links", "qq,p1,client_of,,,")}, [(L, 6, "source", "no actor with id 'qq'")]),
    "dangling offer actor": (
        {"offers": plus("offers", "p2,s1,,,,,,")}, [(O, 4, "actor", "no actor with id 'p2'; did you mean 'p1'?")]),
    "dangling offer service": (
        {"offers": plus("offers", "p1,s3,,,,,,")}, [(O, 4, "service", "no service with id 's3'")]),
    "empty reference": (
        {"needs": plus("needs", ",s1,")}, [(N, 4, "actor", "empty")]),
    # --- ids
    "duplicate actor id": (
        {"actors": plus("actors", row("actors", id="p1", name="Other lab", kind="bds_provider"))},
        [(A, 10, "id", "duplicate id 'p1' (first at row 5)")]),
    "duplicate service id": (
        {"services": plus("services", "s1,Again,technology")}, [(S, 4, "id", "duplicate id 's1' (first at row 2)")]),
    "empty id": (
        {"actors": plus("actors", row("actors", id="", name="Nobody", kind="donor"))},
        [(A, 10, "id", "required value is empty")]),
    "id with surrounding spaces": (
        {"actors": plus("actors", row("actors", id=" e3", name="Spacey", kind="enterprise"))},
        [(A, 10, "id", "leading or trailing spaces")]),
    "id with a trailing space duplicates nothing": (
        {"services": plus("services", "s1 ,Testing again,technology")},
        [(S, 4, "id", "leading or trailing spaces")]),
    # --- vocabularies
    "kind outside the list": (
        {"actors": plus("actors", row("actors", id="x1", name="Bank", kind="bank"))},
        [(A, 10, "kind", "'bank' " + ANY_ENUM)]),
    "empty kind": (
        {"actors": plus("actors", row("actors", id="x1", name="Bank", kind=""))}, [(A, 10, "kind", "empty; must be")]),
    "kind that is neither a code nor a label": (  # a label or its misspelling is read with a warning
        {"actors": plus("actors", row("actors", id="x1", name="Bank", kind="ENTERPRISE_BANK"))},
        [(A, 10, "kind", "'ENTERPRISE_BANK' " + ANY_ENUM)]),
    "category outside the list": (
        {"services": plus("services", "s3,Magic,wizardry")}, [(S, 4, "category", "'wizardry' " + ANY_ENUM)]),
    "link type outside the list": (
        {"links": plus("links", "e2,p1,sells_to,,,")}, [(L, 6, "type", "'sells_to' " + ANY_ENUM)]),
    "size outside the list": (
        {"actors": plus("actors", row("actors", id="x1", name="Big", kind="enterprise", size="huge"))},
        [(A, 10, "size", "'huge' " + ANY_ENUM)]),
    "fee outside the list": (
        {"offers": plus("offers", "g1,s1,,,,cheap,,")}, [(O, 4, "fee", "'cheap' " + ANY_ENUM)]),
    # --- link ends of the wrong kinds
    "client_of from an institution to an enterprise": (
        {"links": plus("links", "p1,e2,client_of,,,")},
        [(L, 6, "source", "a client_of link cannot start at 'p1', a bds_provider"),
         (L, 6, "target", "a client_of link cannot end at 'e2', a enterprise")]),
    "member_of an institution": (
        {"links": plus("links", "e2,p1,member_of,,,")}, [(L, 6, "target", "a member_of link cannot end at 'p1'")]),
    "brokered_by from an enterprise": (
        {"links": plus("links", "e2,b1,brokered_by,,,")}, [(L, 6, "source", "a brokered_by link cannot start at 'e2'")]),
    "coordinates from a donor": (
        {"links": plus("links", "d1,b1,coordinates,,,")}, [(L, 6, "source", "a coordinates link cannot start at 'd1'")]),
    "partners_with an enterprise": (
        {"links": plus("links", "p1,e1,partners_with,,,")}, [(L, 6, "target", "cannot end at 'e1'")]),
    "funds from a bds_provider": (
        {"links": plus("links", "p1,b1,funds,,,")}, [(L, 6, "source", "a funds link cannot start at 'p1'")]),
    "trains an enterprise": (
        {"links": plus("links", "p1,e2,trains,,,")}, [(L, 6, "target", "a trains link cannot end at 'e2'")]),
    "supplies to an institution": (
        {"links": plus("links", "e1,p1,supplies,,,")}, [(L, 6, "target", "a supplies link cannot end at 'p1'")]),
    "refers_to from a network": (
        {"links": plus("links", "n1,b1,refers_to,,,")}, [(L, 6, "source", "a refers_to link cannot start at 'n1'")]),
    "self link": (
        {"links": plus("links", "b1,b1,refers_to,,,")}, [(L, 6, "target", "cannot join an actor to itself")]),
    "duplicate link": (
        {"links": plus("links", "e1,p1,client_of,0.9,,")}, [(L, 6, "source", "duplicate link")]),
    # --- weight outside (0, 1]
    "weight zero": ({"links": plus("links", "e2,p1,client_of,0,,")}, [(L, 6, "weight", "'0' is outside (0, 1]")]),
    "weight above one": ({"links": plus("links", "e2,p1,client_of,1.5,,")}, [(L, 6, "weight", "outside (0, 1]")]),
    "weight negative": ({"links": plus("links", "e2,p1,client_of,-0.2,,")}, [(L, 6, "weight", "outside (0, 1]")]),
    "weight not a number": ({"links": plus("links", "e2,p1,client_of,strong,,")}, [(L, 6, "weight", "not a number")]),
    "weight nan": ({"links": plus("links", "e2,p1,client_of,nan,,")}, [(L, 6, "weight", "not a number")]),
    "weight infinite": ({"links": plus("links", "e2,p1,client_of,inf,,")}, [(L, 6, "weight", "")]),
    # --- who may offer and need
    "an offer by an enterprise": (
        {"offers": plus("offers", "e1,s1,,,,,,")}, [(O, 4, "actor", "'e1' is a enterprise: only institutions offer")]),
    "an offer by a network": (
        {"offers": plus("offers", "n1,s1,,,,,,")}, [(O, 4, "actor", "only institutions offer")]),
    "a need by an institution": (
        {"needs": plus("needs", "p1,s2,")}, [(N, 4, "actor", "'p1' is a bds_provider: only enterprises and networks")]),
    "duplicate need": ({"needs": plus("needs", "e1,s1,3")}, [(N, 4, "actor", "duplicate need")]),
    "duplicate offer": ({"offers": plus("offers", "p1,s1,,,,,,")}, [(O, 4, "actor", "duplicate offer")]),
    # --- typed columns
    "priority zero": ({"needs": plus("needs", "e2,s1,0")}, [(N, 4, "priority", "must be between 1 and 3")]),
    "priority four": ({"needs": plus("needs", "e2,s1,4")}, [(N, 4, "priority", "must be between 1 and 3")]),
    "priority as a word": ({"needs": plus("needs", "e2,s1,high")}, [(N, 4, "priority", "not a whole number")]),
    "capacity negative": (
        {"actors": plus("actors", row("actors", id="x1", name="X", kind="broker", capacity="-5"))},
        [(A, 10, "capacity", "must be at least 0")]),
    "capacity a fraction": (
        {"offers": plus("offers", "g1,s1,,,1.5,,,")}, [(O, 4, "capacity", "'1.5' is not a whole number")]),
    "capacity a word": (
        {"actors": plus("actors", row("actors", id="x1", name="X", kind="broker", capacity="many"))},
        [(A, 10, "capacity", "not a whole number")]),
    "since not a year": (
        {"actors": plus("actors", row("actors", id="x1", name="X", kind="broker", since="20x1"))},
        [(A, 10, "since", "'20x1' is not a whole number")]),
    "until not a year": ({"links": plus("links", "e2,p1,client_of,,,soon")}, [(L, 6, "until", "not a whole number")]),
    "until before since": (
        {"actors": plus("actors", row("actors", id="x1", name="X", kind="broker", since="2010", until="2005"))},
        [(A, 10, "until", "must be after since")]),
    "until before since on an offer": (
        {"offers": plus("offers", "g1,s1,,,,,2010,2010")}, [(O, 4, "until", "must be after since")]),
    "private not a boolean": (
        {"actors": plus("actors", row("actors", id="x1", name="X", kind="broker", private="yes"))},
        [(A, 10, "private", "'yes' is not true or false")]),
    "lat outside": (
        {"actors": plus("actors", row("actors", id="x1", name="X", kind="broker", lat="91"))},
        [(A, 10, "lat", "'91' is outside [-90, 90]")]),
    "lat a word": (
        {"actors": plus("actors", row("actors", id="x1", name="X", kind="broker", lat="north"))},
        [(A, 10, "lat", "'north' is not a number")]),
    "lon outside": (
        {"actors": plus("actors", row("actors", id="x1", name="X", kind="broker", lon="-181"))},
        [(A, 10, "lon", "outside [-180, 180]")]),
    "empty name": (
        {"actors": plus("actors", row("actors", id="x1", name="  ", kind="broker"))},
        [(A, 10, "name", "required value is empty")]),
    "missing required column": (
        {"services": "id,name\ns1,Testing\ns2,Loans\n"}, [(S, 1, "category", "missing required column 'category'")]),
    # --- damaged files
    "empty file": ({"services": b""}, [(S, 0, "", "empty file")]),
    "blank file": ({"services": "\n  \n"}, [(S, 0, "", "empty file")]),
    "missing table": ({"offers": None}, [(O, 0, "", "missing table")]),
    "header-only actors": ({"actors": "id,name,kind\n", "offers": "actor,service\n", "needs": "actor,service\n",
                            "links": "source,target,type\n"},
                           [(A, 0, "", "no rows")]),
    "semicolon delimiter": (
        {"services": "id;name;category\ns1;Testing;technology\ns2;Loans;finance\n"},
        [(S, 1, "", "';'-separated")]),
    "tab delimiter": ({"services": "id\tname\tcategory\ns1\tTesting\ttechnology\n"}, [(S, 1, "", "tab-separated")]),
    "duplicate column header": (
        {"services": "id,name,category,name\ns1,Testing,technology,T\ns2,Loans,finance,L\n"},
        [(S, 1, "name", "duplicate column name")]),
    "empty column header": (
        {"services": "id,name,,category\ns1,Testing,,technology\ns2,Loans,,finance\n"},
        [(S, 1, "#3", "empty column name")]),
    "row with too many fields": (
        {"services": "id,name,category\ns1,Testing,technology,extra\ns2,Loans,finance\n"},
        [(S, 2, "", "expected 3 fields as in the header, found 4")]),
    "row with too few fields": (
        {"services": "id,name,category\ns1,Testing,technology\ns2,Loans\n"},
        [(S, 3, "", "expected 3 fields as in the header, found 2")]),
    "ragged rows and a bad value elsewhere": (
        {"needs": "actor,service,priority\ne1,s1\ne2,s1,1,9\nn1,s2,7\n"},
        [(N, 2, "", "found 2"), (N, 3, "", "found 4"), (N, 4, "priority", "between 1 and 3")]),
    "unterminated quote": (
        {"services": 'id,name,category\ns1,Testing,technology\ns2,"Loans,finance\ns3,Other,training\n'},
        [(S, 3, "", "unterminated quoted field")]),
    "cp1252 file": (
        {"actors": VALID["actors"].encode("cp1252")}, [(A, 3, "", "not UTF-8 (byte 0xe9)")]),
    "binary file": ({"links": b"PK\x03\x04\x14\x00\x00\x00\x08\x00binary\x00\xff\xfe"}, [(L, 0, "", "binary file")]),
    "50 MB field": (
        {"services": "id,name,category\ns1," + "x" * (50 * 1024 * 1024) + ",technology\ns2,Loans,finance\n"},
        [(S, 2, "", f"field longer than {MAX_FIELD} characters")]),
    "bad row after a quoted multi-line field": (
        {"actors": VALID["actors"].replace(
            "Tostadora de café", '"Tostadora de café,\nen dos líneas,\n""con comillas"""')
         + row("actors", id="x1", name="X", kind="bank")},
        [(A, 12, "kind", "'bank' " + ANY_ENUM)]),
    "bad toml": ({}, [("ecosystem.toml", 0, "", "not valid TOML")]),
}


def _build(tmp_path: Path, case: str) -> Path:
    tables, _ = CASES[case]
    folder = make_dataset(tmp_path / "ds", **tables)
    if case == "bad toml":
        (folder / "ecosystem.toml").write_text("name = [unclosed\n", encoding="utf-8")
    return folder


def _assert_has(found, expected: list[Expect]) -> None:
    for file, line, column, text in expected:
        hits = [p for p in found if p.file == file and p.row == line and p.column == column and text in p.message]
        assert hits, f"no problem {file}, row {line}, column {column!r} containing {text!r} in:\n" + "\n".join(
            map(str, found))


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_located(tmp_path: Path, case: str) -> None:
    folder = _build(tmp_path, case)
    found = problems(folder)
    _, expected = CASES[case]
    _assert_has(found, expected)
    # One mistake, one message: nothing cascades from a broken row or file.
    assert len(found) == len(expected), "\n".join(map(str, found))


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_through_cli(tmp_path: Path, case: str) -> None:
    folder = _build(tmp_path, case)
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    for file, line, column, text in CASES[case][1]:
        where = file + (f", row {line}" if line else "") + (f", column {column!r}" if column else "")
        assert where in result.output, result.output
        assert text[:60] in result.output


def test_valid_minimal_dataset(tmp_path: Path) -> None:
    eco = read_dataset(make_dataset(tmp_path / "ds"))
    assert len(eco.actors) == 8 and len(eco.links) == 4
    assert eco.actors.at["e2", "name"] == "Café Ñandú"
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "ds")])
    assert result.exit_code == 0, result.output


def test_all_problems_are_collected(tmp_path: Path) -> None:
    folder = make_dataset(
        tmp_path / "ds",
        actors=plus("actors", row("actors", id="x1", name="X", kind="bank")),
        needs=plus("needs", "e1,s9,"),
        links=plus("links", "e2,p1,client_of,2,,"),
    )
    found = problems(folder)
    assert [(p.file, p.row, p.column) for p in found] == [
        (A, 10, "kind"), (L, 6, "weight"), (N, 4, "service")]


def test_problems_in_every_row_are_collected(tmp_path: Path) -> None:
    rows = [f"e{i},s{i % 2 + 5}," for i in range(1, 3)] + [f"e1,s1,{p}" for p in ("0", "x")]
    found = problems(make_dataset(tmp_path / "ds", needs="actor,service,priority\n" + "\n".join(rows) + "\n"))
    assert len(found) == 5  # two dangling services, two bad priorities, one duplicate need


def test_header_only_tables_are_valid(tmp_path: Path) -> None:
    eco = read_dataset(make_dataset(tmp_path / "ds", needs="actor,service,priority\n", offers="actor,service\n",
                                    links="source,target,type\n"))
    assert len(eco.needs) == 0 and len(eco.offers) == 0 and len(eco.links) == 0
    assert list(eco.needs.columns) == ["actor", "service", "priority"]
    assert str(eco.needs["priority"].dtype) == "Int64"
    assert list(eco.links.columns)[:4] == ["source", "target", "type", "weight"]


def test_semicolon_file_never_becomes_one_column(tmp_path: Path) -> None:
    # Even with a comma somewhere in the data, the header decides.
    found = problems(make_dataset(tmp_path / "ds", services="id;name;category\ns1;Testing, basic;technology\n"))
    assert all("id;name" not in p.column for p in found)


def test_bom_crlf_quotes_and_accents(tmp_path: Path) -> None:
    actors = VALID["actors"].replace("Café Ñandú", '"Café Ñandú, S.A. de C.V."').replace(
        "Tostadora de café", '"Tostadora\nde ""café"""')
    folder = make_dataset(
        tmp_path / "ds",
        actors=b"\xef\xbb\xbf" + actors.replace("\n", "\r\n").encode("utf-8"),
        services="\ufeffid,name,category\r\ns1,\"Pruebas, análisis\",technology\r\ns2,Préstamos,finance\r\n",
    )
    eco = read_dataset(folder)
    assert eco.actors.at["e2", "name"] == "Café Ñandú, S.A. de C.V."
    # Inside a quoted field, a CRLF file keeps its own line break.
    assert eco.actors.at["e2", "description"] in ('Tostadora\r\nde "café"', 'Tostadora\nde "café"')
    assert list(eco.actors.index[:2]) == ["e1", "e2"]  # the BOM is not part of the first column name
    assert eco.services.at["s1", "name"] == "Pruebas, análisis"
    assert eco.services.at["s2", "name"] == "Préstamos"


def test_ids_differing_only_in_case_are_valid_but_warned(tmp_path: Path) -> None:
    folder = make_dataset(tmp_path / "ds", actors=plus("actors", row("actors", id="E1", name="Other", kind="enterprise")))
    eco = read_dataset(folder)
    assert {"e1", "E1"} <= set(eco.actors.index)
    warns = info.warnings(eco)
    assert any("differ only in case" in w and "'E1'" in w for w in warns), warns
    result = CliRunner().invoke(main, ["info", str(folder)])
    assert result.exit_code == 0 and "differ only in case" in result.output


def test_case_typo_in_reference_suggests_the_id(tmp_path: Path) -> None:
    found = problems(make_dataset(tmp_path / "ds", needs=plus("needs", "E2,s1,")))
    assert found[0].message == "no actor with id 'E2'; did you mean 'e2'?"


def test_text_stays_text(tmp_path: Path) -> None:
    folder = make_dataset(
        tmp_path / "ds",
        actors=plus("actors", row("actors", id="0012", name="null", kind="enterprise", region="NA", sector="None",
                                  description="nan")),
    )
    eco = read_dataset(folder)
    r = eco.actors.loc["0012"]
    assert (r["name"], r["region"], r["sector"], r["description"]) == ("null", "NA", "None", "nan")


def test_unknown_source_is_a_clean_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "no dataset" in result.output
    (tmp_path / "table.csv").write_text("id\n")
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "table.csv")])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)

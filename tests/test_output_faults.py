"""What instnet promises about its outputs under hostile data, interruption and faults.

Private actors never leave without --include-private; no CSV cell is a formula; an
interrupted write leaves the previous file or folder whole; exports stay well-formed
XML; data is never markup or a terminal control sequence; file-system faults are one
line and exit 2; meaningless option combinations are refused; trend is bounded.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from instnet import Ecosystem, read_dataset
from instnet.analysis.trend import MAX_TREND_YEARS, trend
from instnet.cli import main
from instnet.errors import OutputError, UsageError
from instnet.io.outfile import atomic_dir, atomic_file
from instnet.io.write import write_dataset
from instnet.render.export import write_export
from instnet.render.privacy import Masker, display_ids

SECRET_NAME = "Zebulon Confidential Ltd"
SECRET_ID = "zq_secret_co"
SECRET_INST = "zq_hidden_lab"
SECRET_INST_NAME = "Quixotic Private Lab"
FORMULA = "=1+cmd|calc!A0"


def hostile() -> Ecosystem:
    """A small ecosystem with a private enterprise, a private provider on a path,
    formula names, markup and control characters in text."""
    return Ecosystem.from_records(
        actors=[
            {"id": "e1", "name": FORMULA, "kind": "enterprise", "region": "[draft]", "sector": "s"},
            {"id": SECRET_ID, "name": SECRET_NAME, "kind": "enterprise", "region": "[draft]", "sector": "s",
             "private": "true", "since": "2001"},
            {"id": "e3", "name": "Clear \x1b[2J Screen [/]", "kind": "enterprise", "region": "R", "sector": "s"},
            {"id": "net", "name": "@Net [bold]x[/bold]", "kind": "network", "region": "[draft]"},
            {"id": "brk", "name": "+Broker", "kind": "broker", "since": "2000"},
            {"id": SECRET_INST, "name": SECRET_INST_NAME, "kind": "bds_provider", "private": "true",
             "capacity": "3"},
            {"id": "prov", "name": "-Provider", "kind": "bds_provider", "capacity": "2"},
            {"id": "lonely", "name": "Lonely", "kind": "donor"},
            {"id": "lonely_p", "name": "Lonely", "kind": "donor", "private": "true"},
        ],
        services=[{"id": "s1", "name": "=SUM(A1)", "category": "training"},
                  {"id": "s2", "name": "Loans", "category": "finance"},
                  {"id": "s3", "name": "Nobody", "category": "finance"}],
        offers=[{"actor": SECRET_INST, "service": "s1"}, {"actor": "prov", "service": "s2"}],
        needs=[{"actor": "e1", "service": "s1"}, {"actor": SECRET_ID, "service": "s1"},
               {"actor": "e3", "service": "s2"}, {"actor": SECRET_ID, "service": "s2"},
               {"actor": "net", "service": "s2"}, {"actor": "e1", "service": "s3"},
               {"actor": SECRET_ID, "service": "s3"}],
        links=[{"source": "e1", "target": "net", "type": "member_of", "weight": "0.8"},
               {"source": SECRET_ID, "target": "net", "type": "member_of", "weight": "0.9"},
               {"source": "net", "target": "brk", "type": "brokered_by", "weight": "0.9", "since": "2000"},
               {"source": "brk", "target": SECRET_INST, "type": "refers_to"},
               {"source": "brk", "target": "prov", "type": "refers_to", "weight": "0.8"},
               {"source": "e3", "target": "prov", "type": "client_of"}],
        meta={"name": "Hostile [/] eco", "year": 2005},
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return write_dataset(hostile(), tmp_path_factory.mktemp("hostile") / "eco")


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


SECRETS = (SECRET_NAME, SECRET_ID, SECRET_INST, SECRET_INST_NAME, "lonely_p")

# Every command and form that shows actors (item 1): table, CSV and JSON.
PRIVATE_RUNS = [
    ("gaps", "{d}", "--unmet"),
    ("gaps", "{d}", "--by", "region", "--unmet"),
    ("refer", "{d}", "e1", "s1"),
    ("refer", "{d}", "e3", "s1"),
    ("bottlenecks", "{d}", "--top", "0"),
    ("bottlenecks", "{d}", "--top", "0", "--show-lost"),
    ("bottlenecks", "{d}", "--remove", "brk"),
    ("recommend", "{d}", "--budget", "2"),
    ("trend", "{d}", "--from", "1999", "--to", "2003"),
    ("diff", "{d}", "--from", "1999", "--to", "2003"),
    ("info", "{d}"),
]


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
@pytest.mark.parametrize("args", PRIVATE_RUNS, ids=lambda a: " ".join(a[:1] + a[2:]))
def test_private_actors_never_leave_without_the_flag(folder, args, fmt):
    argv = [a.format(d=folder) for a in args]
    r = run(*argv, "--format", fmt)
    assert r.exit_code == 0, r.output
    for secret in SECRETS:
        assert secret not in r.output, (secret, r.output)
    if fmt == "json":
        json.loads(r.output)


@pytest.mark.parametrize("args", PRIVATE_RUNS[:6], ids=lambda a: " ".join(a[:1] + a[2:]))
def test_include_private_shows_them(folder, args):
    argv = [a.format(d=folder) for a in args]
    r = run(*argv, "--format", "json", "--include-private")
    assert r.exit_code == 0, r.output
    assert SECRET_ID in r.output or SECRET_INST in r.output


def test_validate_and_info_warnings_hide_private_ids(folder):
    r = run("validate", folder)
    assert r.exit_code == 0 and "no referral channel" in r.output
    assert "'lonely'" in r.output and "lonely_p" not in r.output
    assert display_ids(read_dataset(str(folder)))["lonely_p"] in r.output
    assert "lonely_p" in run("validate", folder, "--include-private").output


def test_a_private_actor_has_one_pseudonym_in_every_output(folder, tmp_path):
    """The same pseudonym in gaps, bottlenecks, trend (every year) and the JSON export."""
    pseudo = display_ids(read_dataset(str(folder)))[SECRET_ID]
    inst = display_ids(read_dataset(str(folder)))[SECRET_INST]
    assert pseudo.startswith("private-enterprise-") and inst.startswith("private-bds_provider-")
    gaps = json.loads(run("gaps", folder, "--unmet", "--format", "json").output)
    assert pseudo in {u["actor"] for u in gaps["unmet"]}
    bn = json.loads(run("bottlenecks", folder, "--top", "0", "--format", "json").output)
    assert inst in {i["id"] for i in bn["institutions"]}
    refer = json.loads(run("refer", folder, "e1", "s1", "--format", "json").output)
    assert refer["referrals"][0]["path"][-1] == inst and refer["referrals"][0]["steps"][-1]["name"] != SECRET_INST_NAME
    tr = json.loads(run("trend", folder, "--from", "2001", "--to", "2004", "--format", "json").output)
    assert {b["id"] for y in tr["years"] for b in y["bottlenecks"] if b["id"].startswith("private-")} == {inst}
    assert run("export", "json", folder, "-o", tmp_path / "x.json").exit_code == 0
    nodes = {n["id"] for n in json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))["nodes"]}
    assert {pseudo, inst} <= nodes


def test_pseudonyms_survive_as_of_and_what_if_and_are_keyed_by_the_dataset():
    eco = hostile()
    full = display_ids(eco)
    assert display_ids(eco.as_of(2003))[SECRET_ID] == full[SECRET_ID]
    assert display_ids(eco.without(["brk"]))[SECRET_INST] == full[SECRET_INST]
    # the code is not a function of the id alone: another dataset, another code
    other = Ecosystem.from_records(actors=[{"id": SECRET_ID, "name": "Other", "kind": "enterprise",
                                            "private": "true"}])
    assert display_ids(other)[SECRET_ID] != full[SECRET_ID]
    assert SECRET_ID not in full[SECRET_ID]


def test_an_id_the_user_typed_is_echoed_but_its_name_stays_hidden(folder):
    r = run("refer", folder, SECRET_ID, "s1", "--format", "json")
    data = json.loads(r.output)
    assert data["actor"] == SECRET_ID and SECRET_NAME not in r.output and SECRET_INST not in r.output
    r = run("refer", folder, SECRET_ID, "s1")
    assert SECRET_ID in r.output and SECRET_NAME not in r.output
    m = Masker(hostile(), typed=[SECRET_ID])
    assert m.id(SECRET_ID) == SECRET_ID and m.name(SECRET_ID, SECRET_NAME) != SECRET_NAME


def test_no_error_message_suggests_a_private_id(folder):
    r = run("refer", folder, "zq_secret_cx", "s1")
    assert r.exit_code == 2 and "unknown actor" in r.output and SECRET_ID not in r.output
    r = run("refer", folder, "zq_secret_cx", "s1", "--include-private")
    assert r.exit_code == 2 and SECRET_ID in r.output


# ------------------------------------------------------------------ item 2: formulas

CSV_RUNS = [("gaps", "{d}", "--unmet"), ("gaps", "{d}", "--by", "region"), ("bottlenecks", "{d}", "--top", "0"),
            ("bottlenecks", "{d}", "--show-lost", "--top", "0"), ("refer", "{d}", "e1", "s1"),
            ("recommend", "{d}", "--budget", "2"), ("trend", "{d}", "--from", "2000", "--to", "2002"),
            ("info", "{d}"), ("diff", "{d}", "--from", "1999", "--to", "2003")]


def formula_cells(csv_text: str) -> list[str]:
    """The cells of a CSV text that a spreadsheet would read as a formula (numbers are fine)."""
    def number(cell: str) -> bool:
        try:
            float(cell)
            return True
        except ValueError:
            return False

    cells = [c for row in csv.reader(io.StringIO(csv_text)) for c in row]
    return [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r")) or (c.startswith("-") and not number(c))]


@pytest.mark.parametrize("args", CSV_RUNS, ids=lambda a: " ".join(a[:1] + a[2:]))
def test_no_csv_cell_is_a_formula(folder, args):
    r = run(*[a.format(d=folder) for a in args], "--format", "csv", "--include-private")
    assert r.exit_code == 0, r.output
    assert not formula_cells(r.output)


def test_formula_names_are_kept_readable_in_csv(folder):
    r = run("gaps", folder, "--unmet", "--format", "csv")
    assert "'" + FORMULA in r.output


def test_a_carriage_return_in_a_cell_stays_in_its_cell(tmp_path):
    eco = Ecosystem.from_records(
        actors=[{"id": "e\r1", "name": "line\rbreak", "kind": "enterprise"},
                {"id": "e2", "name": "B", "kind": "enterprise"}],
        services=[{"id": "s", "name": "S", "category": "training"}],
        needs=[{"actor": "e\r1", "service": "s"}, {"actor": "e2", "service": "s"}])
    d = write_dataset(eco, tmp_path / "eco")
    rows = list(csv.DictReader(io.StringIO(run("gaps", d, "--unmet", "--format", "csv").output, newline="")))
    assert [(r["actor"], r["name"]) for r in rows] == [("e\r1", "line\rbreak"), ("e2", "B")]


# ------------------------------------------------------------------ item 4: whole or nothing

def _interrupting(real, after_bytes: int = 10):
    """Wrap a writer (networkx write_graphml / write_gexf) so that it writes a little and fails."""
    def wrapper(G, path, *args, **kwargs):
        handle = open(path, "wb") if isinstance(path, str | os.PathLike) else path
        handle.write(b"<?xml partial"[:after_bytes])
        handle.flush()
        raise RuntimeError("interrupted")
    return wrapper


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_an_interrupted_export_leaves_the_previous_file(tmp_path, monkeypatch, fmt):
    out = tmp_path / f"x.{fmt}"
    out.write_text("previous", encoding="utf-8")
    monkeypatch.setattr(nx, f"write_{fmt}", _interrupting(getattr(nx, f"write_{fmt}")))
    with pytest.raises(RuntimeError):
        write_export(hostile(), fmt, out)
    assert out.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_an_interrupted_cli_output_leaves_the_previous_file(tmp_path, monkeypatch, fmt):
    out = tmp_path / "gaps.txt"
    out.write_text("previous", encoding="utf-8")
    import instnet.cli.common as common
    import instnet.io.write as write

    def broken(*args, **kwargs):
        raise RuntimeError("interrupted")

    # the table renders through frame_view, CSV through csv_text (imported when a CSV is written),
    # JSON through json_text
    module, name = {"table": (common, "frame_view"), "csv": (write, "csv_text"), "json": (common, "json_text")}[fmt]
    monkeypatch.setattr(module, name, broken)
    r = run("gaps", "jamaica", "--format", fmt, "-o", out)
    assert isinstance(r.exception, RuntimeError)
    assert out.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gaps.txt"]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_interrupted_generate_leaves_the_old_folder_whole(tmp_path, monkeypatch):
    from instnet import generate as gen_pkg
    from instnet.generate import generate

    target = generate(tmp_path / "g", enterprises=30, institutions=8, seed=1)
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    before = _tree(target)
    real = gen_pkg.write

    def half(builder, folder):
        real(builder, folder)
        (folder / "actors.csv").write_text("id,name,kind\n", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(gen_pkg, "write", half)
    with pytest.raises(KeyboardInterrupt):
        generate(target, enterprises=40, institutions=9, seed=2)
    assert _tree(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g"]
    monkeypatch.setattr(gen_pkg, "write", real)
    generate(target, enterprises=40, institutions=9, seed=2)
    assert (target / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert _tree(target) != before


def test_write_dataset_is_all_or_nothing_even_between_renames(tmp_path, monkeypatch):
    target = write_dataset(read_dataset("jamaica"), tmp_path / "d")
    before = _tree(target)
    calls = {"n": 0}
    real = os.replace

    def second_fails(src, dst):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", second_fails)
    with pytest.raises(OutputError):
        write_dataset(read_dataset("honduras"), target)
    monkeypatch.setattr(os, "replace", real)
    assert _tree(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]


def test_recommend_write_dataset_and_export_into_a_missing_folder_exit_2(tmp_path):
    r = run("recommend", "nicaragua", "--budget", "1", "--write-dataset", tmp_path / "no" / "such" / "x")
    assert r.exit_code == 0 and (tmp_path / "no" / "such" / "x" / "actors.csv").exists()
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    r = run("recommend", "nicaragua", "--budget", "1", "--write-dataset", blocker / "x")
    assert r.exit_code == 2 and "Traceback" not in r.output and "cannot write" in r.output


def test_atomic_file_writes_through_a_device_and_follows_a_symlink(tmp_path):
    real = tmp_path / "real.txt"
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with atomic_file(link) as f:
        f.write("new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"
    if Path("/dev/full").exists():
        with pytest.raises(OutputError, match="No space left"):
            with atomic_file("/dev/full") as f:
                f.write("x" * 100_000)
        assert Path("/dev/full").is_char_device()


def test_atomic_dir_keeps_other_files_only_when_asked(tmp_path):
    target = tmp_path / "d"
    target.mkdir()
    (target / "mine.txt").write_text("mine", encoding="utf-8")
    with atomic_dir(target, keep_others=True) as tmp:
        (tmp / "a.csv").write_text("a", encoding="utf-8")
    assert sorted(p.name for p in target.iterdir()) == ["a.csv", "mine.txt"]
    with atomic_dir(target) as tmp:
        (tmp / "b.csv").write_text("b", encoding="utf-8")
    assert sorted(p.name for p in target.iterdir()) == ["b.csv"]


# ------------------------------------------------------------------ item 5: XML

CONTROL_NAMES = ["a\x01b", "v\x0bt", "esc\x1b[31m", "nul\x00", "fffe\ufffe"]


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_exports_with_control_characters_are_well_formed(tmp_path, fmt):
    eco = Ecosystem.from_records(
        actors=[{"id": f"id{i}{n}", "name": n, "kind": "enterprise", "region": n} for i, n in enumerate(CONTROL_NAMES)]
        + [{"id": "p\x02", "name": "P\x1b", "kind": "bds_provider", "description": "d\x07"}],
        services=[{"id": "s", "name": "S\x01", "category": "training"}],
        offers=[{"actor": "p\x02", "service": "s"}],
        needs=[{"actor": "id0a\x01b", "service": "s"}],
        links=[{"source": "id0a\x01b", "target": "p\x02", "type": "client_of"}],
        meta={"name": "eco"})  # a control character in the name itself is refused on input
    out = write_export(eco, fmt, tmp_path / f"x.{fmt}", include_private=True)
    ET.parse(out)  # well-formed
    G = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    assert G.number_of_nodes() == len(eco.actors) and G.number_of_edges() == 1
    assert "id0a\\x01b" in G.nodes


# ------------------------------------------------------------------ item 7 and --focus

@pytest.fixture(scope="module")
def no_links(tmp_path_factory) -> Path:
    eco = read_dataset("jamaica")
    return write_dataset(eco.replace_tables(links=eco.links.iloc[0:0]), tmp_path_factory.mktemp("nl") / "eco")


@pytest.mark.parametrize("args", [("export", "html", "{d}"), ("report", "{d}"), ("report", "{d}", "--format", "md"),
                                  ("export", "html", "jamaica", "--as-of", "1800"),
                                  ("report", "jamaica", "--as-of", "1800"),
                                  ("export", "graphml", "{d}"), ("export", "json", "{d}")])
def test_map_and_report_without_any_link(no_links, tmp_path, args):
    out = tmp_path / "out"
    r = run(*[a.format(d=no_links) for a in args], "-o", out)
    assert r.exit_code == 0, r.output
    assert out.stat().st_size > 0


def test_focus_on_an_actor_none_of_whose_needs_is_served(tmp_path):
    r = run("export", "html", "mexico", "--focus", "sub_chih_09", "-o", tmp_path / "f.html")
    assert r.exit_code == 0, r.output
    assert read_dataset("mexico").actors.at["sub_chih_09", "name"] in (tmp_path / "f.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------ items 8 and 13: inert text

@pytest.mark.parametrize("args", [("validate", "{d}"), ("info", "{d}"), ("gaps", "{d}", "--by", "region", "--unmet"),
                                  ("refer", "{d}", "e3", "s2"), ("bottlenecks", "{d}"),
                                  ("trend", "{d}", "--from", "2000", "--to", "2001")])
def test_markup_and_escape_sequences_in_data_are_shown_not_obeyed(folder, args):
    r = run(*[a.format(d=folder) for a in args], "--include-private")
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.output
    assert "MarkupError" not in r.output
    text = r.output
    if args[0] in ("gaps", "info"):
        assert "[draft]" in text or "Hostile [/] eco" in text
    if args[0] in ("validate", "info", "gaps", "bottlenecks"):
        assert "Hostile [/] eco" in text
    if args[0] == "refer":
        assert "Clear \\x1b[2J Screen [/]" in text


# ------------------------------------------------------------------ item 11: file-system faults

def test_output_into_a_missing_folder_or_under_a_file_is_one_line_exit_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    for target in (tmp_path / "missing" / "x.json", blocker / "x.json"):
        for args in (("gaps", "jamaica", "--format", "json"), ("export", "json", "jamaica"), ("report", "jamaica")):
            r = run(*args, "-o", target)
            assert r.exit_code == 2, r.output
            assert "Traceback" not in r.output and "cannot write" in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_read_only_output_folder_is_one_line_exit_2(tmp_path, monkeypatch):
    # (the tests may run as root, for whom chmod does not bite: the OS's refusal is simulated)
    import tempfile

    out = tmp_path / "gaps.json"
    out.write_text("previous", encoding="utf-8")

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    monkeypatch.setattr(tempfile, "mkdtemp", refused)
    for args in (("gaps", "jamaica", "--format", "json", "-o", out), ("export", "gexf", "jamaica", "-o", out),
                 ("generate", "-o", tmp_path / "g", "--enterprises", "5", "--institutions", "8")):
        r = run(*args)
        assert r.exit_code == 2 and "Permission denied" in r.output and "Traceback" not in r.output
        assert len(r.output.strip().splitlines()) == 1
    assert out.read_text(encoding="utf-8") == "previous" and not (tmp_path / "g").exists()


def test_an_unreadable_input_file_is_one_line_exit_2(tmp_path, monkeypatch):
    d = write_dataset(read_dataset("jamaica"), tmp_path / "d")
    real = Path.read_bytes

    def denied(self):
        if self.name == "links.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    r = run("gaps", d)
    assert r.exit_code == 2 and "Permission denied" in r.output and "links.csv" in r.output
    assert "Traceback" not in r.output


def _cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "instnet", *args], capture_output=True, text=True, **kwargs)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_a_full_disk_on_stdout_or_output_is_one_line_exit_2(fmt):
    with open("/dev/full", "w") as full:
        p = subprocess.run([sys.executable, "-m", "instnet", "gaps", "jamaica", "--format", fmt],
                           stdout=full, stderr=subprocess.PIPE, text=True)
    assert p.returncode == 2 and "No space left" in p.stderr and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
    p = _cli("gaps", "jamaica", "--format", fmt, "-o", "/dev/full")
    assert p.returncode == 2 and "No space left" in p.stderr and "Traceback" not in p.stderr
    assert Path("/dev/full").is_char_device()


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_a_closed_pipe_is_one_line_exit_2(fmt):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first byte
    try:
        p = subprocess.run([sys.executable, "-m", "instnet", "gaps", "jamaica", "--format", fmt],
                           stdout=write_end, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(write_end)
    assert p.returncode == 2 and "Traceback" not in p.stderr and "standard output" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------ item 22: refused combinations

def test_ecosystem_with_a_folder_dataset_is_refused(folder):
    r = run("gaps", folder, "--ecosystem", "x")
    assert r.exit_code == 2 and "--ecosystem" in r.output and "neo4j" in r.output


def test_show_lost_with_remove_is_refused():
    r = run("bottlenecks", "jamaica", "--remove", "jampro", "--show-lost")
    assert r.exit_code == 2 and "--show-lost" in r.output and "--remove" in r.output


@pytest.mark.parametrize("cmd", [("gaps", "jamaica"), ("export", "html", "jamaica", "-o", "x.html"),
                                 ("neo4j", "write-back", "jamaica", "--ecosystem", "x"), ("diff", "jamaica", "--from", "1", "--to", "2")])
def test_one_max_hops_range_everywhere(cmd):
    r = run(*cmd, "--max-hops", "13")
    assert r.exit_code == 2 and "1<=x<=12" in r.output


# ------------------------------------------------------------------ item 23: bounded trend

def test_trend_is_bounded_and_reports_progress():
    eco = read_dataset("jamaica")
    with pytest.raises(UsageError, match="at most"):
        trend(eco, 1, 1_000_000)
    seen: list[int] = []
    trend(eco, 2000, 2004, step=2, progress=seen.append)
    assert seen == [2000, 2002, 2004]
    r = run("trend", "jamaica", "--from", "1", "--to", "1000000")
    assert r.exit_code == 2 and str(MAX_TREND_YEARS) in r.output and "Traceback" not in r.output
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1


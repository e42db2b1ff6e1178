"""Terminal tables name things and never cut them: piped whole, wrapped or in blocks on a terminal."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from instnet import Ecosystem
from instnet.cli import main
from instnet.cli.output import UNBOUNDED, cell_text, frame_view, make_console
from instnet.io.write import write_dataset
from instnet.render.privacy import ID_KEYS


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def long_ids() -> Ecosystem:
    """Ids that share a long prefix (a cut at 80 columns would make them read alike) and
    weights whose product is 0.7200000000000001 in floating point."""
    prefix = "gestor_de_servicios_empresariales_de_la_region_norte_"
    return Ecosystem.from_records(
        actors=[{"id": f"{prefix}empresa_{i}", "name": f"Empresa número {i} de confecciones y textiles",
                 "kind": "enterprise", "region": "Norte"} for i in range(3)]
        + [{"id": f"{prefix}red", "name": "Red de confeccionistas", "kind": "network", "region": "Norte"},
           {"id": f"{prefix}broker_a", "name": "Gestor A", "kind": "broker"},
           {"id": f"{prefix}broker_b", "name": "Gestor B", "kind": "broker"},
           {"id": f"{prefix}proveedor", "name": "Proveedor de servicios técnicos", "kind": "bds_provider",
            "capacity": "2"}],
        services=[{"id": "s1", "name": "Testing", "category": "technology"},
                  {"id": "s2", "name": "Nobody", "category": "finance"}],
        offers=[{"actor": f"{prefix}proveedor", "service": "s1"}],
        needs=[{"actor": f"{prefix}empresa_{i}", "service": s} for i in range(3) for s in ("s1", "s2")]
        + [{"actor": f"{prefix}red", "service": "s1"}],
        links=[{"source": f"{prefix}empresa_{i}", "target": f"{prefix}red", "type": "member_of", "weight": "0.8"}
               for i in range(3)]
        + [{"source": f"{prefix}red", "target": f"{prefix}broker_a", "type": "brokered_by", "weight": "0.9"},
           {"source": f"{prefix}broker_a", "target": f"{prefix}proveedor", "type": "refers_to"},
           {"source": f"{prefix}red", "target": f"{prefix}broker_b", "type": "brokered_by", "weight": "0.9",
            "since": "2003"},
           {"source": f"{prefix}broker_b", "target": f"{prefix}broker_a", "type": "refers_to"}],
        meta={"name": "long ids"},
    )


PREFIX = "gestor_de_servicios_empresariales_de_la_region_norte_"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return write_dataset(long_ids(), tmp_path_factory.mktemp("long") / "eco")


def json_ids(value, key=None) -> set[str]:
    """Every actor id in a JSON output (values under the id keys, at any depth)."""
    out: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            out |= json_ids(v, k)
    elif isinstance(value, list):
        for v in value:
            out |= json_ids(v, key)
    elif isinstance(value, str) and key in ID_KEYS:
        out.add(value)
    return out


TABLE_COMMANDS = [
    ("info", "{d}"),
    ("gaps", "{d}"),
    ("gaps", "{d}", "--unmet", "--by", "service,region"),
    ("refer", "{d}", f"{PREFIX}empresa_0", "s1", "-k", "5"),
    ("refer", "{d}", f"{PREFIX}empresa_0", "s2"),
    ("bottlenecks", "{d}", "--top", "0"),
    ("bottlenecks", "{d}", "--show-lost", "--top", "0"),
    ("bottlenecks", "{d}", "--remove", f"{PREFIX}broker_a"),
    ("recommend", "{d}", "--budget", "2"),
    ("trend", "{d}", "--from", "2000", "--to", "2004"),
    ("diff", "{d}", "--from", "2000", "--to", "2004"),
    ("bottlenecks", "honduras", "--top", "0", "--show-lost"),
    ("gaps", "honduras", "--unmet"),
    ("diff", "honduras", "--from", "1990", "--to", "2000"),
    ("trend", "mexico", "--from", "1990", "--to", "2000", "--step", "5"),
    ("recommend", "nicaragua", "--budget", "2"),
]


@pytest.mark.parametrize("args", TABLE_COMMANDS, ids=lambda a: " ".join(x for x in a if x != "{d}")[:60])
def test_piped_table_holds_every_id_of_the_json_in_full(folder, args):
    argv = [a.format(d=folder) for a in args]
    as_json = run(*argv, "--format", "json")
    assert as_json.exit_code == 0, as_json.output
    ids = json_ids(json.loads(as_json.output))
    table = run(*argv)  # CliRunner's output is not a terminal: piped
    assert table.exit_code == 0, table.output
    missing = sorted(i for i in ids if i not in table.output)
    assert not missing
    assert "…" not in table.output  # nothing was cut with an ellipsis


def test_the_long_ids_are_all_there(folder):
    out = run("gaps", folder, "--unmet").output
    for i in range(3):
        assert f"{PREFIX}empresa_{i}" in out and f"Empresa número {i} de confecciones y textiles" in out


def test_bottleneck_headings_are_explained_under_the_table(folder):
    out = run("bottlenecks", folder).output
    tail = out[out.index("└"):]
    for head in ("cut:", "util:", "betw:", "brok:", "cutpt:"):
        assert head in tail
    assert "Gestor A" in out  # the name beside the id


def test_strengths_print_as_a_person_writes_them(folder):
    argv = ["refer", folder, f"{PREFIX}empresa_0", "s1"]
    strength = json.loads(run(*argv, "--format", "json").output)["referrals"][0]["strength"]
    assert strength == 0.8 * 0.9 != 0.72  # the float noise is real ...
    assert "strength 0.72" in run(*argv).output  # ... and never printed outside JSON
    rows = list(csv.DictReader(io.StringIO(run(*argv, "--format", "csv").output)))
    assert rows[0]["strength"] == "0.72" and rows[0]["name"] == "Proveedor de servicios técnicos"


@pytest.mark.parametrize("args,key", [(("gaps", "{d}", "--unmet"), "actor"),
                                      (("bottlenecks", "{d}"), "id"),
                                      (("bottlenecks", "{d}", "--show-lost"), "actor"),
                                      (("refer", "{d}", f"{PREFIX}empresa_0", "s1"), "provider")])
def test_csv_outputs_carry_names(folder, args, key):
    r = run(*[a.format(d=folder) for a in args], "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert rows and all(row["name"] for row in rows)
    names = long_ids().actors["name"]
    assert all(row["name"] == names[row[key]] for row in rows)


FRAME = pd.DataFrame({"id": [f"{PREFIX}{i}" for i in range(3)],
                      "name": ["A rather long name that has to wrap somewhere on a small screen"] * 3,
                      "util": [0.5, 1.25, float("nan")]})


def _render(width: int | None, frame: pd.DataFrame = FRAME) -> str:
    out = io.StringIO()
    console = make_console(out)
    if width is not None:
        console.width = width
    console.print(frame_view(frame, title="T", legend={"util": "load / capacity"}))
    return out.getvalue()


def test_wide_terminal_table_keeps_every_id_on_one_line():
    text = _render(140)
    assert "┃ id" in text and all(f"{PREFIX}{i}" in text for i in range(3))
    assert "util: load / capacity" in text


def test_names_wrap_but_ids_are_never_cut():
    text = _render(100)  # the table fits only if the name column wraps
    assert "┃ id" in text and all(f"{PREFIX}{i}" in text for i in range(3))
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "A rather long name that has to wrap somewhere on a small screen" not in text


def test_a_narrow_terminal_gets_one_record_per_block():
    text = _render(60)
    assert "┃" not in text  # no table
    assert all(f"{PREFIX}{i}" in text for i in range(3))
    assert text.count("util") == 4  # three blocks and the legend
    assert "load / capacity" in text


def test_unbounded_width_when_not_a_terminal():
    assert make_console(io.StringIO()).width == UNBOUNDED


@pytest.mark.parametrize("value,text", [(0.7200000000000001, "0.72"), (1 / 3, "0.333"), (2.0, "2"),
                                        (123.456, "123.46"), (float("nan"), ""), (None, ""), (True, "yes"),
                                        ("a\x1b[2J", "a\\x1b[2J"), (("a", "b"), "a > b")])
def test_cells(value, text):
    assert cell_text(value) == text

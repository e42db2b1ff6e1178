"""``instnet bottlenecks`` on the command line (issue 5)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from instnet import read_dataset
from instnet.analysis.bottlenecks import bottlenecks as bottlenecks_table
from instnet.cli import main
from instnet.analysis.impact import lost_needs


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["bottlenecks", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_shape_and_order() -> None:
    code, out, _ = run("jamaica", "--format", "json", "--top", "0")
    assert code == 0
    data = json.loads(out)
    rows = data["institutions"]
    assert len(rows) == len(read_dataset("jamaica").institution_ids)
    keys = {"id", "name", "kind", "impact", "load", "capacity", "utilisation", "betweenness", "articulation",
            "brokerage"}
    for r in rows:
        assert keys <= set(r)
        assert isinstance(r["articulation"], bool)
        assert set(r["brokerage"]) == {"coordinator", "gatekeeper", "representative", "consultant", "liaison"}
    order = [(-r["impact"], -r["load"]) for r in rows]
    assert order == sorted(order)
    assert rows[0]["id"] == "jampro_pc"
    assert rows[0]["articulation"] is True
    assert rows[0]["utilisation"] == pytest.approx(rows[0]["load"] / rows[0]["capacity"])


def test_top_and_show_lost_explain_the_top_bottleneck() -> None:
    code, out, _ = run("jamaica", "--format", "json", "--top", "1", "--show-lost")
    assert code == 0
    (top,) = json.loads(out)["institutions"]
    lost = lost_needs(read_dataset("jamaica"), "jampro_pc")
    assert top["impact"] == len(top["lost"]) == len(lost)
    assert {(x["actor"], x["service"]) for x in top["lost"]} == set(zip(lost["actor"], lost["service"]))
    assert top["lost_actors"] == sorted(set(lost["actor"]))


def test_table_names_the_reason() -> None:
    code, out, _ = run("jamaica", "--top", "3")
    assert code == 0
    assert "jampro_pc" in out
    assert "cuts off 42 needs" in out.replace("\n", " ")


def test_csv_matches_library(tmp_path) -> None:
    target = tmp_path / "b.csv"
    code, _, _ = run("jamaica", "--format", "csv", "--top", "0", "-o", str(target))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    table = bottlenecks_table(read_dataset("jamaica"))
    assert [r["id"] for r in rows] == list(table.index)
    assert [int(r["impact"]) for r in rows] == table["impact"].tolist()


def test_max_hops_and_as_of_change_the_picture() -> None:
    _, out4, _ = run("jamaica", "--format", "json", "--top", "0")
    _, out2, _ = run("jamaica", "--format", "json", "--top", "0", "--max-hops", "2")
    _, old, _ = run("jamaica", "--format", "json", "--top", "0", "--as-of", "1995")
    total = lambda d: sum(r["load"] for r in json.loads(d)["institutions"])  # noqa: E731
    assert total(out2) < total(out4)
    assert json.loads(old)["as_of"] == 1995
    assert len(json.loads(old)["institutions"]) < len(json.loads(out4)["institutions"])


def test_what_if_remove() -> None:
    code, out, _ = run("jamaica", "--format", "json", "--remove", "jampro_pc,heart")
    assert code == 0
    w = json.loads(out)["what_if"]
    assert w["removed"] == ["jampro_pc", "heart"]
    assert w["served_after"] < w["served_before"] <= w["needs"]
    assert len(w["lost_needs"]) == w["served_before"] - w["served_after"]
    lost = [g["lost"] for g in w["groups"]]
    assert lost == sorted(lost, reverse=True)
    code, out, _ = run("jamaica", "--remove", "jampro_pc")
    assert code == 0 and "coverage" in out and "Groups that lose most" in out


@pytest.mark.parametrize("value", ["jampro_pcc", "nobody,heart"])
def test_unknown_remove_id_exits_2_with_suggestion(value: str) -> None:
    code, out, err = run("jamaica", "--remove", value)
    assert code == 2
    assert "unknown institution" in err
    if value == "jampro_pcc":
        assert "jampro_pc" in err


def test_remove_non_institution_and_bad_usage() -> None:
    code, _, err = run("jamaica", "--remove", "ent_kgn_g01")
    assert code == 2 and "not an institution" in err
    code, _, _ = run("jamaica", "--remove", ",")
    assert code == 2
    code, _, _ = run("no-such-dataset")
    assert code == 2

"""CLI gaps/refer: output shapes, exit codes, results checked through the library."""

from __future__ import annotations

import json

from click.testing import CliRunner

from instnet import read_dataset
from instnet.cli import main
from instnet.analysis.gaps import coverage
from instnet.analysis.paths import refer


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_gaps_json_matches_library() -> None:
    res = run("gaps", "jamaica", "--by", "service,region", "--unmet", "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert set(data) >= {"needs", "served", "coverage", "max_hops", "groups", "unmet"}
    r = coverage(read_dataset("jamaica"), by=("service", "region"))
    assert (data["needs"], data["served"], data["max_hops"]) == (r.needs, r.served, 4)
    assert data["unmet"] == [{"actor": a, "service": s} for a, s in r.unmet.itertuples(index=False)]
    g = data["groups"][0]
    assert set(g) == {"service", "region", "sector", "needs", "served", "unmet", "coverage"}
    assert g["sector"] is None
    assert [x["unmet"] for x in data["groups"]] == sorted((x["unmet"] for x in data["groups"]), reverse=True)


def test_gaps_no_unmet_key_and_csv_and_table(tmp_path) -> None:
    data = json.loads(run("gaps", "jamaica", "--format", "json").output)
    assert "unmet" not in data
    out = tmp_path / "g.csv"
    assert run("gaps", "jamaica", "--format", "csv", "-o", str(out)).exit_code == 0
    assert out.read_text().splitlines()[0] == "service,needs,served,unmet,coverage"
    res = run("gaps", "jamaica", "--max-hops", "2", "--as-of", "1997")
    assert res.exit_code == 0 and "within 2 hops" in res.output


def test_fail_under_exit_codes() -> None:
    assert run("gaps", "jamaica", "--fail-under", "0.8", "--format", "json").exit_code == 0
    assert run("gaps", "jamaica", "--fail-under", "0.9", "--format", "json").exit_code == 1


def test_refer_json_and_words() -> None:
    res = run("refer", "jamaica", "ent_kgn_g07", "product_development", "--format", "json", "-k", "2")
    assert res.exit_code == 0
    data = json.loads(res.output)
    lib = refer(read_dataset("jamaica"), "ent_kgn_g07", "product_development", k=2)
    assert [(x["provider"], x["hops"], x["path"]) for x in data["referrals"]] == \
        [(r.provider, r.hops, list(r.path)) for r in lib]
    text = run("refer", "jamaica", "ent_kgn_g07", "product_development").output
    assert "JAMPRO Design Centre" in text and "brokered by" in text  # the link type's label


def test_refer_unknown_ids_exit_2() -> None:
    res = CliRunner().invoke(main, ["refer", "jamaica", "ent_kgn_g0", "pattern_making"])
    assert res.exit_code == 2 and "did you mean" in res.output
    res = CliRunner().invoke(main, ["refer", "jamaica", "ent_kgn_g01", "patern_making"])
    assert res.exit_code == 2 and "pattern_making" in res.output
    assert CliRunner().invoke(main, ["gaps", "jamaica", "--by", "colour"]).exit_code == 2


def test_refer_unserved_names_out_of_reach() -> None:
    res = run("refer", "jamaica", "ent_man_g01", "pattern_making")
    assert res.exit_code == 0
    assert "out of reach" in res.output and "Manchester" in res.output
    data = json.loads(run("refer", "jamaica", "ent_man_g01", "pattern_making", "--format", "json").output)
    assert data["referrals"] == [] and data["out_of_reach"][0]["reason"] == "scope"

"""The desk's JSON API answers exactly what the command line answers."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instnet import read_dataset
from instnet.analysis.paths import refer
from instnet.analysis.walkin import WalkIn, walk_in_ecosystem
from instnet.cli import main
from instnet.io.write import write_dataset
from instnet.schema import INSTITUTION_KINDS

from strategies import ecosystems
from .conftest import BASE, csrf_of, post_json
from .deskdata import spanish

BUILTINS = ("jamaica", "honduras", "nicaragua", "mexico")


def _cli_refer(dataset: str, *args: str) -> dict:
    result = CliRunner().invoke(main, ["refer", dataset, *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _api(client, **params: str):
    return client.get("/api/refer", params=params)


@pytest.mark.parametrize("name", BUILTINS)
def test_every_need_of_a_builtin_dataset_answers_as_the_cli(desk, name: str) -> None:
    eco = read_dataset(name)
    client = desk(eco.as_of(eco.data_year))  # the CLI analyses as of the data year by default, as serve does
    pairs = sorted(set(zip(eco.needs["actor"], eco.needs["service"])))
    assert pairs
    for actor, service in pairs:
        got = _api(client, actor=actor, service=service)
        assert got.status_code == 200
        assert got.json() == _cli_refer(name, actor, service), (actor, service)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(eco=ecosystems(dated=False), k=st.integers(1, 4))
def test_random_ecosystems_answer_as_the_cli(desk, tmp_path_factory, eco, k: int) -> None:
    folder = write_dataset(eco, tmp_path_factory.mktemp("eco") / "d")
    client = desk(eco.as_of(eco.data_year))
    for actor, service in sorted(set(zip(eco.needs["actor"], eco.needs["service"]))):
        got = _api(client, actor=actor, service=service, k=str(k))
        assert got.json() == _cli_refer(str(folder), actor, service, "-k", str(k))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(eco=ecosystems(dated=False), data=st.data())
def test_walk_in_answer_equals_the_same_enterprise_added(desk, eco, data) -> None:
    entry = [a for a, k in eco.actors["kind"].items() if k in INSTITUTION_KINDS or k == "network"]
    via = data.draw(st.lists(st.sampled_from(entry), min_size=1, max_size=3, unique=True))
    region = data.draw(st.sampled_from(("r1", "r2", "")))
    sector = data.draw(st.sampled_from(("s1", "s2", "")))
    service = data.draw(st.sampled_from(list(eco.services.index)))
    walk_in = WalkIn(region=region, sector=sector, via=tuple(via))
    added = walk_in_ecosystem(eco, walk_in)
    got = _api(desk(eco), region=region, sector=sector, via=",".join(via), service=service, k="5").json()
    want = [r.to_dict() for r in refer(added, walk_in.id, service, k=5)]
    assert [{k: v for k, v in r.items() if k not in ("name", "contact")} for r in got["referrals"]] == want
    assert got["walk_in"] == {"region": region, "sector": sector, "via": via}


def test_walk_in_api_equals_cli_walk_in(desk) -> None:
    eco = read_dataset("jamaica")
    got = _api(desk(eco.as_of(eco.data_year)), region="Kingston", sector="garments", via="jampro_pc",
               service="cad_design").json()
    want = _cli_refer("jamaica", "--walk-in", "--region", "Kingston", "--sector", "garments", "--via",
                      "jampro_pc", "cad_design")
    assert got == want
    assert got["referrals"][0]["path"] == ["walk-in", "jampro_pc", "jampro_design_centre"]
    assert got["referrals"][0]["contact"]["phone"].startswith("+1 876 555")


def test_walk_in_in_a_region_no_one_covers_gets_the_reason(desk) -> None:
    got = _api(desk(spanish()), region="Olancho", sector="", via="certec", service="diseno").json()
    assert got["referrals"] == []
    assert got["reason"] == "out_of_scope"
    assert [u["provider"] for u in got["out_of_reach"]] == ["inf_diseno"]
    assert got["out_of_reach"][0]["reason"] == "out_of_scope"


def test_bad_parameters_are_400_with_the_closest_ids(desk) -> None:
    client = desk(read_dataset("jamaica"))
    r = _api(client, actor="ent_kgn_g1", service="cad_design")
    assert r.status_code == 400
    body = r.json()
    assert "ent_kgn_g01" in body["suggestions"] and "via" in body["error"]
    r = _api(client, actor="ent_kgn_g01", service="cad_desing")
    assert r.status_code == 400 and "cad_design" in r.json()["suggestions"]
    assert _api(client, actor="ent_kgn_g01", service="cad_design", k="0").status_code == 400
    assert _api(client, actor="ent_kgn_g01", service="cad_design", k="x").status_code == 400
    assert _api(client, service="cad_design").status_code == 400
    r = _api(client, region="Kingston", via="jampro_pcc", service="cad_design")
    assert r.status_code == 400 and "jampro_pc" in r.json()["suggestions"]
    assert client.get("/api/gaps", params={"by": "colour"}).status_code == 400
    assert client.get("/api/bottlenecks", params={"top": "-1"}).status_code == 400


def test_gaps_and_bottlenecks_have_the_cli_shapes(desk) -> None:
    eco = read_dataset("jamaica")
    client = desk(eco)
    got = client.get("/api/gaps", params={"by": "service,region"}).json()
    cli = CliRunner().invoke(main, ["gaps", "jamaica", "--by", "service,region", "--format", "json"])
    want = json.loads(cli.stdout)
    assert got["groups"] == want["groups"] and got["needs"] == want["needs"] and got["served"] == want["served"]
    top = client.get("/api/bottlenecks", params={"top": "5"}).json()["institutions"]
    cli = CliRunner().invoke(main, ["bottlenecks", "jamaica", "--top", "5", "--format", "json"])
    assert [r["id"] for r in top] == [r["id"] for r in json.loads(cli.stdout)["institutions"]]
    assert [r["impact"] for r in top] == [r["impact"] for r in json.loads(cli.stdout)["institutions"]]


def test_referrals_post_list_patch(desk) -> None:
    client = desk(read_dataset("jamaica"))
    body = {"date": "2026-03-02", "actor": "ent_kgn_g01", "service": "pattern_making", "provider": "kingston_atc",
            "via": "net_kgn_garments;jampro_pc", "status": "open", "reason": "", "broker": "ann", "note": "call Monday"}
    r = post_json(client, "/api/referrals", body)
    assert r.status_code == 201
    stored = r.json()
    assert stored["id"].startswith("R-") and {k: stored[k] for k in body} == body
    assert client.get("/api/referrals").json()["referrals"] == [stored]
    r = post_json(client, f"/api/referrals/{stored['id']}", {"status": "declined", "reason": "capacity"},
                  method="PATCH")
    assert r.status_code == 200 and r.json()["status"] == "declined" and r.json()["reason"] == "capacity"
    assert client.get("/api/referrals").json()["referrals"][0]["status"] == "declined"
    assert post_json(client, "/api/referrals/R-NOPE", {"status": "served"}, method="PATCH").status_code == 404
    bad = post_json(client, "/api/referrals", {**body, "provider": "nobody", "status": "done", "date": "2/3/26"})
    assert bad.status_code == 400
    assert {p["column"] for p in bad.json()["problems"]} == {"provider", "status", "date"}
    assert post_json(client, "/api/referrals", {**body, "id": "mine"}).status_code == 400
    assert len(client.get("/api/referrals").json()["referrals"]) == 1


def test_a_10_mb_body_gets_413_and_writes_nothing(desk) -> None:
    client = desk(read_dataset("jamaica"))
    token = csrf_of(client)
    big = b'{"note": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    r = client.post("/api/referrals", content=big, headers={"Origin": BASE, "X-CSRF-Token": token,
                                                           "Content-Type": "application/json"})
    assert r.status_code == 413
    assert "error" in r.json()

    def chunks():
        for _ in range(160):
            yield b"x" * 65536

    r = client.post("/api/referrals", content=chunks(), headers={"Origin": BASE, "X-CSRF-Token": token})
    assert r.status_code == 413
    assert client.get("/api/referrals").json()["referrals"] == []


def test_json_answers_keep_names_that_contain_nan(desk) -> None:
    eco = read_dataset("jamaica")
    actors = eco.actors.copy()
    actors.loc["jampro_pc", "name"] = 'NaN "NaNa" Centre'
    client = desk(eco.replace_tables(actors=actors))
    got = client.get("/api/bottlenecks", params={"top": "1000"}).json()["institutions"]
    assert 'NaN "NaNa" Centre' in [r["name"] for r in got]
    answer = _api(client, actor="ent_kgn_g01", service="cad_design").json()
    assert 'NaN "NaNa" Centre' in [s["name"] for r in answer["referrals"] for s in r["steps"]]

"""trend and diff: hand-computed changes, and the paper's story in the built-in datasets."""

from __future__ import annotations

import json

from click.testing import CliRunner

from instnet.cli import main
from instnet.model import Ecosystem
from instnet.io.read import read_dataset
from instnet.analysis.trend import diff, trend


def dated() -> Ecosystem:
    """Before 2000: e -> b, nothing else. From 2000: b refers to p (gap closes).
    Until 2005 q exists (removed after): e's need for s2 is served by q only before 2005."""
    return Ecosystem.from_records(
        actors=[{"id": "e", "name": "E", "kind": "enterprise"},
                {"id": "b", "name": "B", "kind": "broker"},
                {"id": "p", "name": "P", "kind": "bds_provider", "since": 2000},
                {"id": "q", "name": "Q", "kind": "bds_provider", "until": 2005}],
        services=[{"id": "s1", "name": "S1", "category": "technology"},
                  {"id": "s2", "name": "S2", "category": "technology"}],
        offers=[{"actor": "p", "service": "s1"}, {"actor": "q", "service": "s2"}],
        needs=[{"actor": "e", "service": "s1"}, {"actor": "e", "service": "s2"}],
        links=[{"source": "e", "target": "b", "type": "client_of"},
               {"source": "b", "target": "p", "type": "refers_to", "since": 2000},
               {"source": "b", "target": "q", "type": "refers_to"}])


def test_trend_years_and_coverage():
    t = trend(dated(), 1999, 2005, step=3)
    assert t["year"].tolist() == [1999, 2002, 2005]
    assert t["served"].tolist() == [1, 2, 1]
    assert t["coverage"].tolist() == [0.5, 1.0, 0.5]
    # b carries every served path: top bottleneck each year
    assert all(bs and bs[0]["id"] == "b" for bs in t["bottlenecks"])


def test_diff_hand_computed():
    eco = dated()
    d = diff(eco.as_of(1999), eco.as_of(2002))
    assert d.actors_added["id"].tolist() == ["p"] and d.actors_removed.empty
    assert list(zip(d.links_added["source"], d.links_added["target"])) == [("b", "p")]
    assert list(zip(d.gaps_closed["actor"], d.gaps_closed["service"])) == [("e", "s1")]
    assert d.gaps_opened.empty
    rose = d.rose.set_index("id")
    assert rose.loc["b", "impact_a"] == 1 and rose.loc["b", "impact_b"] == 2
    d2 = diff(eco.as_of(2002), eco.as_of(2005))
    assert d2.actors_removed["id"].tolist() == ["q"]
    assert list(zip(d2.gaps_opened["actor"], d2.gaps_opened["service"])) == [("e", "s2")]
    assert set(d2.fell["id"]) == {"b", "q"}


def test_jamaica_tells_the_story():
    """Phase 1 (1994): JAMPRO's Productivity Centre as system coordinator; phase 2 (1997):
    specialised centres built where gaps were found -> coverage jumps, the Productivity
    Centre stays the top system integrator."""
    t = trend(read_dataset("jamaica"), 1993, 1998).set_index("year")
    assert t.loc[1993, "coverage"] < t.loc[1994, "coverage"] < t.loc[1997, "coverage"]
    assert t.loc[1997, "coverage"] - t.loc[1996, "coverage"] > 0.2
    assert t.loc[1997, "institutions"] > t.loc[1996, "institutions"]
    for y in (1995, 1997, 1998):
        assert t.loc[y, "bottlenecks"][0]["id"] == "jampro_pc"
    d = diff(read_dataset("jamaica").as_of(1996), read_dataset("jamaica").as_of(1997))
    added = set(d.actors_added.loc[d.actors_added["kind"] == "specialized_centre", "id"])
    assert len(added) >= 3
    assert len(d.gaps_closed) > 10


def test_nicaragua_inpyme_1998():
    eco = read_dataset("nicaragua")
    d = diff(eco.as_of(1997), eco.as_of(1998))
    assert "inpyme" in set(d.actors_added["id"])
    assert d.coverage_b > d.coverage_a


def test_cli_trend_and_diff():
    r = CliRunner()
    res = r.invoke(main, ["trend", "jamaica", "--from", "1994", "--to", "1998", "--step", "2", "--format", "json"])
    assert res.exit_code == 0, res.output
    years = json.loads(res.stdout)["years"]
    assert [y["year"] for y in years] == [1994, 1996, 1998]
    res = r.invoke(main, ["diff", "jamaica", "--from", "1994", "--to", "1998", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["gaps_closed"] and data["bottlenecks_rose"]
    res = r.invoke(main, ["diff", "jamaica", "nicaragua", "--format", "csv"])
    assert res.exit_code == 0 and res.stdout.startswith("change,count")
    assert r.invoke(main, ["diff", "jamaica"]).exit_code == 2
    assert r.invoke(main, ["trend", "jamaica", "--from", "1999", "--to", "1990"]).exit_code == 2

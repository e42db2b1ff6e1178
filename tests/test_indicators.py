"""Indicators on a hand-computed example (docs/indicators.md has the definitions)."""

from __future__ import annotations

import io
import math

import networkx as nx
import pytest
from rich.console import Console

from instnet.analysis.indicators import DEFINITIONS, INDICATORS, fragmentation, freeman_centralisation, indicators, panel, render
from instnet.model import Ecosystem
from instnet.io.read import read_dataset


def hand() -> Ecosystem:
    """e1 -> n1 -> b1 -> p1 (3 hops); e2 -> p1; e3 -> p2 (scoped S); e4 has no links.

    Institutions b1, p1 (North), p2 (South), g (no region); g coordinates b1 and p2.
    """
    return Ecosystem.from_records(
        actors=[{"id": "e1", "name": "E1", "kind": "enterprise", "region": "N", "sector": "x"},
                {"id": "e2", "name": "E2", "kind": "enterprise", "region": "N", "sector": "x"},
                {"id": "e3", "name": "E3", "kind": "enterprise", "region": "S", "sector": "y"},
                {"id": "e4", "name": "E4", "kind": "enterprise", "region": "S", "sector": "y"},
                {"id": "n1", "name": "N1", "kind": "network", "region": "N", "sector": "x"},
                {"id": "b1", "name": "B1", "kind": "broker", "region": "N"},
                {"id": "p1", "name": "P1", "kind": "bds_provider", "region": "N"},
                {"id": "p2", "name": "P2", "kind": "bds_provider", "region": "S"},
                {"id": "g", "name": "G", "kind": "policy_body"}],
        services=[{"id": "s1", "name": "S1", "category": "technology"},
                  {"id": "s2", "name": "S2", "category": "technology"}],
        offers=[{"actor": "p1", "service": "s1"}, {"actor": "p2", "service": "s2", "regions": "S"}],
        needs=[{"actor": "e1", "service": "s1"}, {"actor": "e2", "service": "s1"},
               {"actor": "e3", "service": "s2"}, {"actor": "e4", "service": "s1"}],
        links=[{"source": "e1", "target": "n1", "type": "member_of"},
               {"source": "n1", "target": "b1", "type": "brokered_by"},
               {"source": "b1", "target": "p1", "type": "refers_to"},
               {"source": "e2", "target": "p1", "type": "client_of"},
               {"source": "e3", "target": "p2", "type": "client_of"},
               {"source": "g", "target": "b1", "type": "coordinates"},
               {"source": "g", "target": "p2", "type": "coordinates"},
               {"source": "e1", "target": "e2", "type": "supplies"}])


EXPECTED = {
    ("overall", ""): {
        "needs": 4, "coverage": 0.75, "avg_hops": 5 / 3, "network_share": 0.25, "brokers_per_100": 25.0,
        "institutions_per_100": 100.0, "density": 0.5, "centralisation": 1 / 3, "fragmentation": 0.25,
        "links_per_institution": 0.75, "top1_load_share": 0.5, "top5_load_share": 1.0, "supplies_share": 0.25},
    ("region", "N"): {
        "needs": 2, "coverage": 1.0, "avg_hops": 2.0, "network_share": 0.5, "brokers_per_100": 50.0,
        "institutions_per_100": 100.0, "density": 1.0, "centralisation": 0.0, "fragmentation": 0.0,
        "links_per_institution": 0.5, "top1_load_share": 2 / 3, "top5_load_share": 1.0, "supplies_share": 1 / 3},
    ("region", "S"): {
        "needs": 2, "coverage": 0.5, "avg_hops": 1.0, "network_share": 0.0, "brokers_per_100": 0.0,
        "institutions_per_100": 50.0, "density": 0.0, "centralisation": 0.0, "fragmentation": 0.5,
        "links_per_institution": 0.0, "top1_load_share": 1.0, "top5_load_share": 1.0, "supplies_share": 0.0},
}


@pytest.mark.parametrize("key", list(EXPECTED))
def test_hand_computed(key):
    t = indicators(hand()).set_index(["scope", "group"])
    row = t.loc[key]
    for k, v in EXPECTED[key].items():
        assert row[k] == pytest.approx(v), k


def test_every_indicator_defined_and_documented():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "indicators.md").read_text(encoding="utf-8")
    for k in INDICATORS:
        assert DEFINITIONS[k]
        assert f"`{k}`" in doc


def test_freeman():
    assert freeman_centralisation(nx.star_graph(5)) == pytest.approx(1.0)
    assert freeman_centralisation(nx.complete_graph(5)) == 0.0
    assert freeman_centralisation(nx.path_graph(2)) == 0.0
    # path of 4: degrees 1,2,2,1 -> (1+0+0+1)/(3*2)
    assert freeman_centralisation(nx.path_graph(4)) == pytest.approx(1 / 3)


def test_fragmentation_pairs_and_sampling():
    f = fragmentation(hand())
    assert sorted(zip(f["enterprise"], f["provider"], f["connected"])) == [
        ("e1", "p1", True), ("e2", "p1", True), ("e3", "p2", True), ("e4", "p1", False)]
    s = fragmentation(hand(), sample=2, seed=0)
    assert s["enterprise"].nunique() == 2
    assert set(zip(s["enterprise"], s["provider"], s["connected"])) <= set(zip(f["enterprise"], f["provider"],
                                                                                   f["connected"]))


def test_panel_json_ready_and_render():
    p = panel(read_dataset("jamaica"))
    assert set(p["overall"]) == set(INDICATORS)
    assert p["regions"] and p["sectors"]
    assert 0 < p["overall"]["coverage"] <= 1
    import json

    json.dumps(p)  # NaN turned into None
    buf = io.StringIO()
    render(Console(file=buf, width=200), p)
    assert "fragmentation" in buf.getvalue() and "By region" in buf.getvalue()


def test_empty_ecosystem():
    eco = Ecosystem.from_records(actors=[{"id": "p", "name": "P", "kind": "bds_provider"}])
    row = indicators(eco).iloc[0]
    assert row["coverage"] == 1.0 and math.isnan(row["avg_hops"]) and row["density"] == 0.0

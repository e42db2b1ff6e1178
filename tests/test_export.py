"""GraphML, GEXF and JSON exports: same attributes and analysis results, nothing private."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from click.testing import CliRunner

from instnet import Ecosystem, read_dataset
from instnet.cli import main
from instnet.render.export import export_json, write_export

SECRET = "Secret Holdings Confidential"


def small() -> Ecosystem:
    return Ecosystem.from_records(
        actors=[{"id": "e1", "name": "Shop", "kind": "enterprise", "region": "N", "sector": "food"},
                {"id": "hidden", "name": SECRET, "kind": "enterprise", "region": "N", "private": "true",
                 "description": SECRET},
                {"id": "p1", "name": "Lab", "kind": "bds_provider", "capacity": "10"}],
        services=[{"id": "s", "name": "Testing", "category": "technology"},
                  {"id": "t", "name": "Credit", "category": "finance"}],
        offers=[{"actor": "p1", "service": "s"}],
        needs=[{"actor": "e1", "service": "s"}, {"actor": "e1", "service": "t"}, {"actor": "hidden", "service": "s"}],
        links=[{"source": "e1", "target": "p1", "type": "client_of", "weight": "0.5"},
               {"source": "hidden", "target": "p1", "type": "client_of"}],
        meta={"name": "small", "country": "Testland"})


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_formats_round_trip(tmp_path, fmt):
    eco = read_dataset("jamaica")
    path = write_export(eco, fmt, tmp_path / f"j.{fmt}")
    G = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert G.number_of_nodes() == len(eco.actors)
    assert G.number_of_edges() == len(eco.links)
    pc = G.nodes["jampro_pc"]
    assert pc["kind"] == "broker" and pc["label"] == "JAMPRO Productivity Centre"
    assert float(pc["impact"]) > 0 and float(pc["load"]) > 0 and "utilisation" in pc
    ent = G.nodes[eco.needs["actor"].iloc[0]]
    assert 0 <= float(ent["coverage"]) <= 1 and "needs" in ent


def test_json_carries_attributes_and_paths():
    data = export_json(small())
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["e1"]["needs"] == ["s", "t"] and nodes["e1"]["needs_unmet"] == 1
    assert nodes["e1"]["coverage"] == 0.5 and nodes["e1"]["unmet_services"] == ["t"]
    assert nodes["p1"]["offers"] == ["s"] and nodes["p1"]["load"] == 2
    assert data["served"] == 2 and data["needs"] == 3
    ref = [r for r in data["referrals"] if r["actor"] == "e1" and r["service"] == "s"][0]
    assert ref["path"] == ["e1", "p1"] and ref["hops"] == 1
    assert {(l["source"], l["target"]) for l in data["links"]} == {("e1", "p1"), ("private-1", "p1")}


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_private_fields_only_with_flag(tmp_path, fmt):
    runner = CliRunner()
    out = tmp_path / f"x.{fmt}"
    eco_dir = tmp_path / "eco"
    from instnet.io.write import write_dataset

    write_dataset(small(), eco_dir)
    r = runner.invoke(main, ["export", fmt, str(eco_dir), "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert SECRET not in text and "hidden" not in text and "private-1" in text
    r = runner.invoke(main, ["export", fmt, str(eco_dir), "-o", str(out), "--include-private"])
    assert r.exit_code == 0, r.output
    assert SECRET in out.read_text(encoding="utf-8")


def test_export_json_cli_is_valid_json(tmp_path):
    r = CliRunner().invoke(main, ["export", "json", "jamaica", "-o", str(tmp_path / "j.json"), "--max-hops", "2"])
    assert r.exit_code == 0, r.output
    data = json.loads((tmp_path / "j.json").read_text(encoding="utf-8"))
    assert data["max_hops"] == 2 and len(data["nodes"]) == len(read_dataset("jamaica").actors)

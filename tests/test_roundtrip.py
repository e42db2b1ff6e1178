"""Write + read round trip (text stays text), ``as_of`` filtering and the referral graph."""

from __future__ import annotations

import tempfile
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instnet.graph import referral_edges, referral_graph
from instnet.model import Ecosystem
from instnet.io.read import read_dataset
from instnet.io.write import write_dataset

TRICKY = ["NA", "N/A", "null", "NULL", "None", "nan", "NaN", "-nan", "inf", "0012", "1e3", "TRUE", "false", "",
          " x", "x ", "  ", "a,b", '"', 'say "hi"', "line\nbreak", "cr\r\nlf", "\r", "'", ";", "#", "ñandú",
          "日本語", "🙂", "\t"]
# Any printable text (no NUL: a file with NUL bytes is refused as binary), plus the tricky values.
TEXT = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
)
NAME = TEXT.filter(lambda s: s.strip() != "")
IDS = st.one_of(st.sampled_from(["0012", "NA", "null", "None", "nan", "a,b", 'q"uote', "x\ny", "Ñ", "1", "01"]),
                st.text(st.characters(blacklist_categories=("Cs", "Zs", "Cc")), min_size=1, max_size=6))


@st.composite
def text_ecosystems(draw) -> Ecosystem:
    ids = draw(st.lists(IDS.filter(lambda s: s == s.strip()), min_size=3, max_size=6, unique=True))
    ent, inst, *rest = ids
    extra_cols = draw(st.lists(st.sampled_from(["notes", "código", "NA", "x y"]), unique=True, max_size=2))
    actors = [
        {"id": ent, "name": draw(NAME), "kind": "enterprise"},
        {"id": inst, "name": draw(NAME), "kind": "bds_provider"},
    ] + [{"id": i, "name": draw(NAME), "kind": draw(st.sampled_from(["enterprise", "broker", "donor"]))} for i in rest]
    for a in actors:
        a.update(region=draw(TEXT), sector=draw(TEXT), description=draw(TEXT),
                 since=draw(st.sampled_from([None, 1999, 2005])),
                 lat=draw(st.one_of(st.none(), st.floats(-90, 90))),
                 private=draw(st.sampled_from([None, True, False])))
        for c in extra_cols:
            a[c] = draw(TEXT)
    service = draw(IDS)
    services = [{"id": service, "name": draw(NAME), "category": "training", "extra": draw(TEXT)}]
    offers = [{"actor": inst, "service": service, "regions": draw(TEXT), "sectors": draw(TEXT),
               "fee": draw(st.sampled_from(["", "free"])), "capacity": draw(st.sampled_from([None, 0, 12]))}]
    needs = [{"actor": ent, "service": service, "priority": draw(st.sampled_from([None, 1, 3])),
              "why": draw(TEXT)}]
    links = [{"source": ent, "target": inst, "type": "client_of",
              "weight": draw(st.one_of(st.none(), st.floats(1e-9, 1.0))), "note": draw(TEXT)}]
    meta = {"name": draw(NAME), "country": draw(st.sampled_from(["NA", "Jamaica", "null"])), "year": 2005,
            "description": draw(TEXT)}
    return Ecosystem.from_records(actors=actors, services=services, offers=offers, needs=needs, links=links,
                                  meta=meta)


def _assert_same(a: Ecosystem, b: Ecosystem) -> None:
    for table in ("actors", "services", "offers", "needs", "links"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))
    assert dict(a.meta) == dict(b.meta)


@settings(max_examples=25)
@given(text_ecosystems())
def test_write_then_read_is_identical(eco: Ecosystem) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_dataset(eco, Path(tmp) / "out")
        back = read_dataset(folder)
        _assert_same(eco, back)
        # and once more: writing what was read gives the same files
        again = write_dataset(back, Path(tmp) / "again")
        for name in ("actors", "services", "offers", "needs", "links"):
            assert (folder / f"{name}.csv").read_bytes() == (again / f"{name}.csv").read_bytes()


def test_tricky_values_round_trip_exactly(tmp_path: Path) -> None:
    actors = [{"id": "0012", "name": "null", "kind": "enterprise", "region": "NA", "sector": "None",
               "description": 'a, "b"\nc'}]
    actors += [{"id": f"i{n}", "name": v if v.strip() else "x", "kind": "donor", "description": v}
               for n, v in enumerate(TRICKY)]
    eco = Ecosystem.from_records(actors=actors, meta={"name": "NA", "country": "NA", "source": "x\r\ny\x01\x7f"})
    back = read_dataset(write_dataset(eco, tmp_path / "out"))
    _assert_same(eco, back)
    assert back.actors.at["0012", "name"] == "null" and back.actors.at["0012", "region"] == "NA"


def test_write_replaces_an_existing_dataset(tmp_path: Path) -> None:
    first = Ecosystem.from_records(actors=[{"id": "a", "name": "A", "kind": "donor"}])
    second = Ecosystem.from_records(actors=[{"id": "b", "name": "B", "kind": "donor"}])
    write_dataset(first, tmp_path / "out")
    write_dataset(second, tmp_path / "out")
    assert list(read_dataset(tmp_path / "out").actors.index) == ["b"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary folder left behind


# ----------------------------------------------------------------------------- as_of


def _dated() -> Ecosystem:
    return Ecosystem.from_records(
        actors=[
            {"id": "e1", "name": "Old shop", "kind": "enterprise", "until": 2005},
            {"id": "e2", "name": "New shop", "kind": "enterprise", "since": 2003},
            {"id": "p1", "name": "Lab", "kind": "bds_provider"},
            {"id": "p2", "name": "Late lab", "kind": "bds_provider", "since": 2008},
            {"id": "g1", "name": "Agency", "kind": "policy_body", "since": 2000, "until": 2010},
        ],
        services=[{"id": "s", "name": "Testing", "category": "technology"}],
        offers=[{"actor": "p1", "service": "s", "since": 2004},
                {"actor": "p2", "service": "s"},
                {"actor": "g1", "service": "s"}],
        needs=[{"actor": "e1", "service": "s"}, {"actor": "e2", "service": "s"}],
        links=[{"source": "e1", "target": "p1", "type": "client_of"},
               {"source": "e2", "target": "p1", "type": "client_of", "until": 2006},
               {"source": "e2", "target": "p2", "type": "client_of"},
               {"source": "g1", "target": "p1", "type": "coordinates"}],
    )


@pytest.mark.parametrize(
    ("year", "actors", "offers", "needs", "links"),
    [
        (1999, {"e1", "p1"}, set(), {"e1"}, {("e1", "p1")}),
        (2000, {"e1", "p1", "g1"}, {"g1"}, {"e1"}, {("e1", "p1"), ("g1", "p1")}),
        (2004, {"e1", "e2", "p1", "g1"}, {"p1", "g1"}, {"e1", "e2"},
         {("e1", "p1"), ("e2", "p1"), ("g1", "p1")}),
        # e1 ends in 2005 (until is exclusive): its need and link go with it
        (2005, {"e2", "p1", "g1"}, {"p1", "g1"}, {"e2"}, {("e2", "p1"), ("g1", "p1")}),
        (2006, {"e2", "p1", "g1"}, {"p1", "g1"}, {"e2"}, {("g1", "p1")}),
        (2010, {"e2", "p1", "p2"}, {"p1", "p2"}, {"e2"}, {("e2", "p2")}),
    ],
)
def test_as_of(year, actors, offers, needs, links) -> None:
    eco = _dated().as_of(year)
    assert set(eco.actors.index) == actors
    assert set(eco.offers["actor"]) == offers
    assert set(eco.needs["actor"]) == needs
    assert set(zip(eco.links["source"], eco.links["target"])) == links
    for t in ("offers", "needs", "links"):
        assert isinstance(getattr(eco, t).index, pd.RangeIndex)
    assert eco.year == year


def test_as_of_none_keeps_everything() -> None:
    eco = _dated()
    assert eco.as_of(None) is eco
    assert len(eco.actors) == 5 and len(eco.links) == 4


def test_as_of_through_the_cli(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from instnet.cli import main

    write_dataset(_dated(), tmp_path / "ds")
    result = CliRunner().invoke(main, ["info", str(tmp_path / "ds"), "--as-of", "2005", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["totals"] == {"actors": 3, "services": 1, "offers": 2, "needs": 1, "links": 2}


# ---------------------------------------------------------------------- referral graph


def _channels() -> Ecosystem:
    return Ecosystem.from_records(
        actors=[
            {"id": "e", "name": "Shop", "kind": "enterprise", "region": "North", "sector": "food"},
            {"id": "e2", "name": "Supplier", "kind": "enterprise"},
            {"id": "n", "name": "Net", "kind": "network"},
            {"id": "a", "name": "Chamber", "kind": "association"},
            {"id": "b", "name": "Broker", "kind": "broker"},
            {"id": "g", "name": "Agency", "kind": "policy_body"},
            {"id": "p", "name": "Lab", "kind": "bds_provider"},
            {"id": "d", "name": "Donor", "kind": "donor"},
            {"id": "lonely", "name": "Alone", "kind": "bds_provider"},
        ],
        links=[
            {"source": "e", "target": "n", "type": "member_of", "weight": 0.6},
            {"source": "e", "target": "a", "type": "member_of", "weight": 0.9},
            {"source": "e", "target": "p", "type": "client_of", "weight": 0.4},
            {"source": "n", "target": "b", "type": "brokered_by"},
            {"source": "b", "target": "p", "type": "refers_to", "weight": 0.3},
            {"source": "b", "target": "p", "type": "partners_with", "weight": 0.7},
            {"source": "g", "target": "b", "type": "coordinates", "weight": 0.5},
            {"source": "b", "target": "g", "type": "refers_to", "weight": 0.2},
            # not referral channels
            {"source": "d", "target": "p", "type": "funds"},
            {"source": "p", "target": "n", "type": "trains"},
            {"source": "e", "target": "e2", "type": "supplies"},
        ],
    )


def test_referral_edges() -> None:
    edges = referral_edges(_channels())
    got = {(s, t): (w, ty) for s, t, w, ty in edges[["source", "target", "weight", "types"]].itertuples(index=False)}
    assert got == {
        ("e", "n"): (0.6, ("member_of",)),
        ("e", "a"): (0.9, ("member_of",)),
        ("e", "p"): (0.4, ("client_of",)),
        ("n", "b"): (1.0, ("brokered_by",)),
        # two channels join b -> p: the largest weight, both types
        ("b", "p"): (0.7, ("partners_with", "refers_to")),
        ("p", "b"): (0.7, ("partners_with",)),  # partners_with is both ways
        ("g", "b"): (0.5, ("coordinates",)),
        ("b", "g"): (0.5, ("coordinates", "refers_to")),  # reverse coordinates beats refers_to 0.2
    }
    assert list(edges.columns) == ["source", "target", "weight", "types"]
    assert not edges.duplicated(["source", "target"]).any()
    assert list(zip(edges["source"], edges["target"])) == sorted(zip(edges["source"], edges["target"]))


def test_referral_graph() -> None:
    eco = _channels()
    G = referral_graph(eco)
    assert isinstance(G, nx.DiGraph)
    assert set(G.nodes) == set(eco.actors.index)  # isolated and non-channel actors are nodes too
    assert G.nodes["e"] == {"kind": "enterprise", "name": "Shop", "region": "North", "sector": "food"}
    assert G.edges["b", "p"] == {"weight": 0.7, "types": ("partners_with", "refers_to")}
    assert G.edges["b", "g"]["weight"] == 0.5
    for u, v in [("d", "p"), ("p", "n"), ("e", "e2"), ("p", "d"), ("n", "p")]:
        assert not G.has_edge(u, v), (u, v)
    assert G.in_degree("e") == 0  # enterprises only send
    assert G.degree("lonely") == 0
    assert G.number_of_edges() == len(referral_edges(eco))


def test_referral_graph_of_no_links() -> None:
    eco = Ecosystem.from_records(actors=[{"id": "p", "name": "Lab", "kind": "bds_provider"}])
    edges = referral_edges(eco)
    assert edges.empty and list(edges.columns) == ["source", "target", "weight", "types"]
    G = referral_graph(eco)
    assert list(G.nodes) == ["p"] and G.number_of_edges() == 0


def test_referral_graph_follows_as_of() -> None:
    G = referral_graph(_dated().as_of(2010))
    assert set(G.edges) == {("e2", "p2")}

"""Bottleneck analytics against brute force.

* served needs and impact against removing each institution and recounting with
  the brute-force reference of tests/reference.py;
* load against routing each need along its reference best path;
* subset betweenness against networkx's ``betweenness_centrality_subset``;
* brokerage against a plain enumeration of the triads;
* articulation points and bridges against networkx on the institution graph;
* the Jamaica case: JAMPRO's Productivity Centre is the top bottleneck.
"""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instnet import read_dataset
from instnet.analysis.bottlenecks import bottlenecks
from instnet.analysis.cuts import (
    BROKERAGE_ROLES,
    articulation,
    bridges,
    brokerage,
    institution_graph,
    subset_betweenness,
)
from instnet.errors import UnknownIdError, UsageError
from instnet.graph import referral_graph
from instnet.analysis.impact import ImpactEngine, impact, lost_needs, served_needs
from instnet.analysis.load import load, what_if
from instnet.model import Ecosystem
from instnet.schema import INSTITUTION_KINDS

from reference import ref_best_paths
from strategies import ecosystems

HOPS = st.integers(1, 5)


# --------------------------------------------------------------------------- brute force


def brute_impact(eco: Ecosystem, max_hops: int) -> dict[str, tuple[int, set[int]]]:
    """Remove each institution, recount with the reference: (impact, lost need rows)."""
    base = ref_best_paths(eco, max_hops=max_hops)["served"].to_numpy()
    out = {}
    for x in eco.institution_ids:
        after = ref_best_paths(eco.without([x]), max_hops=max_hops)["served"].to_numpy()
        # needs are never removed with an institution: rows line up
        assert len(after) == len(base)
        lost = {i for i in range(len(base)) if base[i] and not after[i]}
        out[x] = (int(base.sum() - after.sum()), lost)
    return out


def brute_load(eco: Ecosystem, max_hops: int) -> dict[str, int]:
    bp = ref_best_paths(eco, max_hops=max_hops)
    counts = dict.fromkeys(eco.institution_ids, 0)
    for ok, path in zip(bp["served"], bp["path"]):
        if ok:
            for node in path:
                if node in counts:
                    counts[node] += 1
    return counts


def brute_brokerage(G: nx.DiGraph) -> dict[str, dict[str, int]]:
    """Enumerate every ordered triple a -> b -> c with no a -> c (a, b, c distinct)."""
    kind = nx.get_node_attributes(G, "kind")
    out = {b: dict.fromkeys(BROKERAGE_ROLES, 0) for b in G}
    for a, b, c in itertools.permutations(G.nodes, 3):
        if not (G.has_edge(a, b) and G.has_edge(b, c)) or G.has_edge(a, c):
            continue
        ka, kb, kc = kind[a], kind[b], kind[c]
        if ka == kb == kc:
            role = "coordinator"
        elif ka == kc:
            role = "consultant"
        elif kb == kc:
            role = "gatekeeper"
        elif ka == kb:
            role = "representative"
        else:
            role = "liaison"
        out[b][role] += 1
    return out


def nx_betweenness(eco: Ecosystem) -> dict[str, float]:
    G = referral_graph(eco)
    sources = sorted(set(eco.needs["actor"]))
    targets = sorted({a for a in eco.offers["actor"] if eco.is_institution(a)})
    return nx.betweenness_centrality_subset(G, sources, targets, normalized=False, weight=None)


# --------------------------------------------------------------------------- properties


@settings(max_examples=20)
@given(eco=ecosystems(), max_hops=HOPS)
def test_served_and_impact_match_brute_force(eco: Ecosystem, max_hops: int) -> None:
    engine = ImpactEngine(eco, max_hops=max_hops)
    ref = ref_best_paths(eco, max_hops=max_hops)
    assert engine.served.tolist() == ref["served"].tolist()
    brute = brute_impact(eco, max_hops)
    assert engine.impact.to_dict() == {x: v[0] for x, v in brute.items()}
    for x, (_n, lost) in brute.items():
        assert set(engine.lost_rows(x).tolist()) == lost, x


@settings(max_examples=20)
@given(eco=ecosystems(), max_hops=HOPS)
def test_load_matches_reference_paths(eco: Ecosystem, max_hops: int) -> None:
    got = load(eco, max_hops=max_hops)
    assert got["load"].to_dict() == brute_load(eco, max_hops)
    cap = eco.actors["capacity"].reindex(got.index)
    for x, row in got.iterrows():
        if pd.notna(cap[x]) and cap[x] > 0:
            assert row["utilisation"] == pytest.approx(row["load"] / cap[x])
        else:
            assert np.isnan(row["utilisation"])


@settings(max_examples=20)
@given(eco=ecosystems(max_enterprises=8, max_networks=3, max_institutions=8, max_links=30, dated=False))
def test_subset_betweenness_matches_networkx(eco: Ecosystem) -> None:
    got = subset_betweenness(eco, institutions_only=False)
    want = nx_betweenness(eco)
    assert set(got.index) == set(want)
    for node, value in want.items():
        assert got[node] == pytest.approx(value, rel=1e-9, abs=1e-9), node


@settings(max_examples=20)
@given(eco=ecosystems(max_enterprises=6, max_networks=3, max_institutions=7, max_links=30, dated=False))
def test_brokerage_matches_triad_enumeration(eco: Ecosystem) -> None:
    got = brokerage(eco, institutions_only=False)
    want = brute_brokerage(referral_graph(eco))
    for node, roles in want.items():
        assert got.loc[node, list(BROKERAGE_ROLES)].to_dict() == roles, node
        assert got.loc[node, "total"] == sum(roles.values())


@settings(max_examples=15)
@given(eco=ecosystems(max_institutions=8, max_links=30, dated=False))
def test_articulation_and_bridges_match_networkx(eco: Ecosystem) -> None:
    G = referral_graph(eco).to_undirected()
    inst = [n for n, k in G.nodes(data="kind") if k in INSTITUTION_KINDS]
    H = G.subgraph(inst)
    cut = set(nx.articulation_points(H))
    got = articulation(eco)
    assert set(got.index) == set(inst)
    assert {n for n, v in got.items() if v} == cut
    assert {frozenset(e) for e in bridges(eco).itertuples(index=False)} == {frozenset(e) for e in nx.bridges(H)}
    assert {frozenset(e) for e in institution_graph(eco).edges} == {frozenset(e) for e in H.edges}


@settings(max_examples=10)
@given(eco=ecosystems(), data=st.data())
def test_what_if_matches_recount(eco: Ecosystem, data: st.DataObject) -> None:
    inst = list(eco.institution_ids)
    gone = data.draw(st.lists(st.sampled_from(inst), min_size=1, max_size=3))
    w = what_if(eco, gone)
    before = ref_best_paths(eco)["served"]
    after = ref_best_paths(eco.without(gone))["served"]
    assert (w.served_before, w.served_after) == (int(before.sum()), int(after.sum()))
    assert set(w.lost_needs.index) == set(before.index[before.to_numpy() & ~after.to_numpy()])
    per_service = w.groups[w.groups["by"] == "service"].set_index("group")["lost"]
    assert per_service.sum() == w.served_before - w.served_after


def test_inputs_are_not_mutated() -> None:
    eco = read_dataset("jamaica")
    copies = {name: getattr(eco, name).copy() for name in ("actors", "offers", "needs", "links")}
    bottlenecks(eco)
    what_if(eco, ["jampro_pc", "heart"])
    for name, frame in copies.items():
        pd.testing.assert_frame_equal(getattr(eco, name), frame)


# --------------------------------------------------------------------------- at larger scale


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Ecosystem:
    from instnet.generate import generate

    folder = tmp_path_factory.mktemp("gen") / "eco"
    generate(folder, enterprises=800, institutions=40, seed=7)
    return read_dataset(folder)


def test_impact_on_generated_matches_remove_and_recount(generated: Ecosystem) -> None:
    engine = ImpactEngine(generated)
    base = engine.served
    for x in generated.institution_ids:
        after = ImpactEngine(generated.without([x])).served
        assert engine.impact[x] == int(base.sum() - after.sum()), x
        assert set(engine.lost_rows(x).tolist()) == set(np.flatnonzero(base & ~after).tolist()), x


def test_betweenness_on_generated_matches_networkx(generated: Ecosystem) -> None:
    got = subset_betweenness(generated, institutions_only=False)
    want = nx_betweenness(generated)
    assert np.allclose(got.reindex(list(want)).to_numpy(), np.array(list(want.values())), rtol=1e-9, atol=1e-9)


def test_served_on_generated_matches_best_paths(generated: Ecosystem) -> None:
    from instnet.analysis.paths import best_paths

    assert served_needs(generated).tolist() == best_paths(generated)["served"].tolist()


# --------------------------------------------------------------------------- Jamaica


@pytest.fixture(scope="module")
def jamaica() -> Ecosystem:
    return read_dataset("jamaica")


def test_jamaica_productivity_centre_is_the_top_bottleneck(jamaica: Ecosystem) -> None:
    table = bottlenecks(jamaica)
    top = table.iloc[0]
    assert table.index[0] == "jampro_pc"
    assert top["impact"] > table["impact"].iloc[1]
    assert top["articulation"]
    assert top["betweenness"] == table["betweenness"].max()
    # the reasons: enterprises of several sectors cut off, through several networks
    lost = lost_needs(jamaica, "jampro_pc")
    assert len(lost) == top["impact"]
    assert lost["sector"].nunique() >= 3
    assert lost["actor"].nunique() >= 10


def test_bottlenecks_table_shape(jamaica: Ecosystem) -> None:
    table = bottlenecks(jamaica)
    assert list(table.columns[:9]) == ["name", "kind", "impact", "actors_cut", "load", "capacity", "utilisation",
                                       "betweenness", "articulation"]
    for role in BROKERAGE_ROLES:
        assert role in table.columns
    assert set(table.index) == set(jamaica.institution_ids)
    keys = list(zip(-table["impact"], -table["load"]))
    assert keys == sorted(keys)


def test_impact_frame_and_errors(jamaica: Ecosystem) -> None:
    frame = impact(jamaica)
    assert frame.loc["jampro_pc", "impact"] == frame["impact"].max()
    with pytest.raises(UnknownIdError, match="jampro_pc"):
        lost_needs(jamaica, "jampro_pcc")
    with pytest.raises(UnknownIdError):
        what_if(jamaica, ["nobody"])
    with pytest.raises(UsageError):
        what_if(jamaica, ["ent_kgn_g01"])
    with pytest.raises(UsageError):
        ImpactEngine(jamaica, max_hops=0)


def test_what_if_jamaica_groups(jamaica: Ecosystem) -> None:
    w = what_if(jamaica, ["jampro_pc"])
    assert w.served_before - w.served_after == impact(jamaica).loc["jampro_pc", "impact"]
    top = w.groups.iloc[0]
    assert top["lost"] == w.groups["lost"].max() > 0
    d = w.to_dict()
    assert d["removed"] == ["jampro_pc"] and 0 <= d["coverage_after"] < d["coverage_before"] <= 1

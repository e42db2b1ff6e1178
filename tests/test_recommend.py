"""Tests of instnet.analysis.recommend: exact gains, greedy guarantees, CLI round trip."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from instnet.cli import main
from instnet.model import Ecosystem
from instnet.io.read import read_dataset
from instnet.analysis.recommend import Action, apply_action, apply_actions, candidates, coordinating_body, recommend
from instnet.analysis.paths import best_paths
from instnet.io.write import write_dataset

from reference import ref_best_paths
from strategies import ecosystems


def served_set(eco: Ecosystem, max_hops: int = 4) -> set[int]:
    bp = best_paths(eco, max_hops=max_hops)
    return set(np.flatnonzero(bp["served"].to_numpy()))


def check_plan(eco: Ecosystem, plan, max_hops: int = 4) -> None:
    """Every gain is exactly the change in served needs when actions are applied in order."""
    before = served_set(eco, max_hops)
    assert plan.served_before == len(before)
    cur = eco
    for r in plan.recommendations:
        cur = apply_action(cur, r.action)
        after = served_set(cur, max_hops)
        assert before <= after
        assert r.gain == len(after) - len(before) > 0
        assert set(r.needs.tolist()) == after - before
        assert sum(g["needs"] for g in r.groups) == r.gain
        before = after


def tiny() -> Ecosystem:
    """e1 (North) -> broker b; b can reach nothing; p offers s1 scoped to South.

    Hand-computed: linking b -> p does not help (scope), extending p's scope to North
    does not help (p unreachable); a link b -> q serves e1/s2 (q offers s2 everywhere).
    """
    return Ecosystem.from_records(
        actors=[{"id": "e1", "name": "E1", "kind": "enterprise", "region": "North", "sector": "x"},
                {"id": "e2", "name": "E2", "kind": "enterprise", "region": "North", "sector": "x"},
                {"id": "b", "name": "B", "kind": "broker", "region": "North"},
                {"id": "p", "name": "P", "kind": "bds_provider", "region": "South"},
                {"id": "q", "name": "Q", "kind": "bds_provider", "region": "South"},
                {"id": "g", "name": "G", "kind": "policy_body"}],
        services=[{"id": "s1", "name": "S1", "category": "technology"},
                  {"id": "s2", "name": "S2", "category": "technology"}],
        offers=[{"actor": "p", "service": "s1", "regions": "South"},
                {"actor": "q", "service": "s2"}],
        needs=[{"actor": "e1", "service": "s1"}, {"actor": "e1", "service": "s2"},
               {"actor": "e2", "service": "s2"}],
        links=[{"source": "e1", "target": "b", "type": "client_of"},
               {"source": "e2", "target": "b", "type": "client_of"},
               {"source": "g", "target": "b", "type": "coordinates"}])


def test_tiny_hand_computed():
    eco = tiny()
    plan = recommend(eco, budget=1, actions=["link"])
    (r,) = plan.recommendations
    assert r.gain == 2 and r.action.target == "q"
    assert {g["service"] for g in r.groups} == {"s2"}
    check_plan(eco, plan)
    # with links and scope: first a link to q (2 needs), then nothing serves e1/s1 with
    # one link (p is scoped to South), but a link + scope extension would: budget 3
    plan = recommend(eco, budget=3, actions=["link", "scope"])
    check_plan(eco, plan)
    assert plan.served_after >= 2


def test_coordinating_body():
    assert coordinating_body(tiny()) == "g"
    assert coordinating_body(read_dataset("jamaica")) == "jampro"


def test_jamaica_gains_exact_and_dataset_written(tmp_path: Path):
    eco = read_dataset("jamaica")
    plan = recommend(eco, budget=4)
    assert plan.recommendations
    check_plan(eco, plan)
    out = write_dataset(plan.ecosystem, tmp_path / "after")
    again = read_dataset(str(out))  # valid
    assert int(best_paths(again)["served"].sum()) == plan.served_after


@settings(max_examples=60)
@given(ecosystems(dated=False), st.integers(1, 3), st.sampled_from([2, 3, 4]), st.sampled_from([None, 3, 300]))
def test_gains_are_exact_on_random_ecosystems(eco, budget, hops, max_links):
    # max_links=3 exercises the pruned (scored) link candidates of large ecosystems
    plan = recommend(eco, budget=budget, max_hops=hops, max_link_candidates=max_links)
    # the engine's baseline agrees with the brute-force reference
    ref = ref_best_paths(eco, max_hops=hops)
    assert plan.served_before == int(ref["served"].sum())
    check_plan(eco, plan, hops)


def _value(eco: Ecosystem, actions, hops: int) -> int:
    return int(best_paths(apply_actions(eco, actions), max_hops=hops)["served"].sum())


@settings(max_examples=25)
@given(ecosystems(dated=False, max_institutions=5), st.sampled_from([3, 4]))
def test_greedy_never_worse_than_best_single_action(eco, hops):
    base = int(best_paths(eco, max_hops=hops)["served"].sum())
    plan = recommend(eco, budget=2, max_hops=hops, max_link_candidates=None)
    singles = [recommend(eco, budget=1, max_hops=hops, candidate_pool=[a]) for a in candidates(eco, max_hops=hops)]
    best_single = max((p.served_after - base for p in singles), default=0)
    assert plan.served_after - base >= best_single


@settings(max_examples=40)
@given(ecosystems(dated=False, max_institutions=5, max_services=3), st.integers(2, 3))
def test_greedy_within_1_minus_1_over_e_of_optimum(eco, k):
    """Scope-by-region and new-offer actions form a coverage function (each action
    serves a fixed set of needs whatever else is done), so greedy >= (1 - 1/e) OPT;
    OPT by brute force over all K-subsets of the same candidates."""
    pool = [a for a in candidates(eco, actions=["scope"])
            if a.kind == "offer" or (a.kind == "scope" and a.axis == "region")]
    pool = pool[:10]
    base = int(best_paths(eco)["served"].sum())
    plan = recommend(eco, budget=k, candidate_pool=pool)
    greedy = plan.served_after - base
    opt = 0
    for subset in itertools.combinations(pool, min(k, len(pool))):
        opt = max(opt, _value(eco, subset, 4) - base)
    assert greedy >= (1 - 1 / math.e) * opt - 1e-9
    assert greedy <= opt


def _network_eco(links, *, extra=()) -> Ecosystem:
    """Enterprises a, b, c (r1/s1) members of network f (r1/s1); e (r1/s1) in no network."""
    ent = [{"id": x, "name": x.upper(), "kind": "enterprise", "region": "r1", "sector": "s1"} for x in "abce"]
    return Ecosystem.from_records(
        actors=ent + [{"id": "f", "name": "F", "kind": "network", "region": "r1", "sector": "s1"},
                      {"id": "g", "name": "G", "kind": "bds_provider", "region": "r1", "sector": "s1"},
                      {"id": "h", "name": "H", "kind": "broker", "region": "r1", "sector": "s1"},
                      {"id": "i", "name": "I", "kind": "donor", "region": "r1", "sector": "s1"}],
        services=[{"id": "s0", "name": "S0", "category": "technology"},
                  {"id": "s1", "name": "S1", "category": "technology"}],
        needs=[{"actor": "c", "service": "s1"}, {"actor": "f", "service": "s1"}, *extra],
        links=[{"source": x, "target": "f", "type": "member_of", "weight": 0.5} for x in "abc"] + links)


def test_centre_serves_its_networks_own_needs():
    """Regression: a network without referral channels still has needs a new centre can
    serve (network -> centre, one hop), beside its members' (member -> network -> centre)."""
    eco = _network_eco([])
    plan = recommend(eco, budget=1, max_hops=2, max_link_candidates=None)
    (r,) = plan.recommendations
    assert r.action.kind == "centre" and r.action.networks == ("f",) and r.action.services == ("s1",)
    assert r.gain == 2 and r.needs.tolist() == [0, 1]
    check_plan(eco, plan, 2)


def test_centre_network_distance_is_its_own():
    """A network and an enterprise with the same contacts are not the same start: only the
    network gets the link to the new centre."""
    eco = _network_eco([{"source": "f", "target": "h", "type": "brokered_by"},
                        {"source": "e", "target": "h", "type": "client_of"}],
                       extra=[{"actor": "e", "service": "s1"}])
    plan = recommend(eco, budget=2, actions=["centre"], max_hops=2)
    (r,) = plan.recommendations
    # f -> centre and c -> f -> centre; e -> h does not reach the centre (nobody coordinates)
    assert r.gain == 2 and r.needs.tolist() == [0, 1]
    check_plan(eco, plan, 2)
    # after the centre, a link h -> centre serves e's need too (e -> h -> centre)
    plan = recommend(eco, budget=2, actions=["centre", "link"], max_hops=2, max_link_candidates=None)
    assert [x.gain for x in plan.recommendations] == [2, 1]
    check_plan(eco, plan, 2)


def test_link_chains_are_not_submodular():
    """Documented limit: two links can together serve what neither serves alone."""
    eco = Ecosystem.from_records(
        actors=[{"id": "e", "name": "E", "kind": "enterprise"},
                {"id": "a", "name": "A", "kind": "broker"},
                {"id": "b", "name": "B", "kind": "broker"},
                {"id": "c", "name": "C", "kind": "broker"},
                {"id": "p", "name": "P", "kind": "bds_provider"}],
        services=[{"id": "s", "name": "S", "category": "technology"}],
        offers=[{"actor": "p", "service": "s"}],
        needs=[{"actor": "e", "service": "s"}],
        links=[{"source": "e", "target": "a", "type": "client_of"},
               {"source": "c", "target": "p", "type": "refers_to"}])
    ab, bc = Action("link", "a", "b"), Action("link", "b", "c")
    assert _value(eco, [ab], 4) == _value(eco, [bc], 4) == 0
    assert _value(eco, [ab, bc], 4) == 1


def test_cli_recommend_json_and_write_dataset(tmp_path: Path):
    runner = CliRunner()
    out = tmp_path / "after"
    res = runner.invoke(main, ["recommend", "jamaica", "--budget", "2", "--format", "json",
                               "--write-dataset", str(out)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert len(data["recommendations"]) == 2
    assert data["served_after"] == data["served_before"] + sum(r["gain"] for r in data["recommendations"])
    res = runner.invoke(main, ["gaps", str(out), "--format", "json"])
    if res.exit_code == 0 and res.stdout.strip().startswith("{"):
        assert json.loads(res.stdout)["served"] == data["served_after"]


def test_cli_recommend_bad_family():
    res = CliRunner().invoke(main, ["recommend", "jamaica", "--actions", "bogus"])
    assert res.exit_code == 2

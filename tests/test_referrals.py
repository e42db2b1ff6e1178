"""Referral engine: property-based comparison with the brute force, and hand checks."""

from __future__ import annotations

import math
from unittest import mock

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instnet.analysis import _paths_search
from instnet.model import Ecosystem
from instnet.analysis.paths import _simple_best_paths, best_paths, refer, unreachable_providers
from instnet.errors import UnknownIdError, UsageError

from reference import ref_best_paths, ref_refer
from strategies import ecosystems

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_same_paths(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns[:7]) == ["actor", "service", "served", "provider", "hops", "strength", "path"]
    assert got.index.equals(want.index)
    for i in want.index:
        g, w = got.loc[i], want.loc[i]
        assert (g.actor, g.service, bool(g.served), g.provider, g.path) == \
            (w.actor, w.service, bool(w.served), w.provider, w.path), (i, g.to_dict(), w.to_dict())
        if w.served:
            assert int(g.hops) == int(w.hops)
            assert g.strength == w.strength  # same left-to-right product, bit for bit
        else:
            assert pd.isna(g.hops) and math.isnan(g.strength)


@settings(max_examples=35, **SETTINGS)
@given(eco=ecosystems(), max_hops=st.integers(1, 5), as_of=st.sampled_from([None, 1999, 2004, 2007, 2011]))
def test_best_paths_match_brute_force(eco: Ecosystem, max_hops: int, as_of: int | None) -> None:
    eco = eco.as_of(as_of)
    assert_same_paths(best_paths(eco, max_hops=max_hops), ref_best_paths(eco, max_hops=max_hops))


@settings(max_examples=15, **SETTINGS)
@given(eco=ecosystems(dated=False), max_hops=st.integers(1, 5))
def test_fast_engine_word_passes_unpacked_sequences(eco: Ecosystem, max_hops: int) -> None:
    """One word of class bits per pass, and weight sequences not packed (every near tie searched exactly)."""
    import instnet.analysis._paths_engine as engine

    saved = engine._WORDS_PER_PASS, engine._SEQ_BITS
    engine._WORDS_PER_PASS, engine._SEQ_BITS = 1, 0
    try:
        got = best_paths(eco, max_hops=max_hops)
    finally:
        engine._WORDS_PER_PASS, engine._SEQ_BITS = saved
    assert_same_paths(got, ref_best_paths(eco, max_hops=max_hops))


@settings(max_examples=12, **SETTINGS)
@given(eco=ecosystems(dated=False), max_hops=st.integers(1, 5))
def test_simple_engine_matches_brute_force(eco: Ecosystem, max_hops: int) -> None:
    assert_same_paths(_simple_best_paths(eco, max_hops=max_hops), ref_best_paths(eco, max_hops=max_hops))


@settings(max_examples=30, **SETTINGS)
@given(eco=ecosystems(dated=False), max_hops=st.integers(1, 5), k=st.integers(1, 4), data=st.data())
def test_refer_ranking_matches_brute_force(eco: Ecosystem, max_hops: int, k: int, data: st.DataObject) -> None:
    needers = [a for a, kd in eco.actors["kind"].items() if kd in ("enterprise", "network")]
    actor = data.draw(st.sampled_from(needers))
    service = data.draw(st.sampled_from(list(eco.services.index)))
    got = [(r.provider, r.hops, r.strength, r.path) for r in refer(eco, actor, service, k=k, max_hops=max_hops)]
    assert got == ref_refer(eco, actor, service, k=k, max_hops=max_hops)
    for r in refer(eco, actor, service, k=k, max_hops=max_hops):
        assert [s.id for s in r.steps] == list(r.path[1:])


@settings(max_examples=40, **SETTINGS)
@given(eco=ecosystems(dated=False), max_hops=st.integers(1, 5), k=st.integers(1, 4))
def test_refer_with_every_layer_pruned_matches_brute_force(eco: Ecosystem, max_hops: int, k: int) -> None:
    # national layers are pruned to the nodes that can still reach a provider not found yet;
    # small ones never reach the size where that starts, so here every layer is pruned
    needers = [a for a, kd in eco.actors["kind"].items() if kd in ("enterprise", "network")]
    with mock.patch.object(_paths_search, "_PRUNE_FROM", 0):
        for actor in needers:
            for service in eco.services.index:
                got = [(r.provider, r.hops, r.strength, r.path)
                       for r in refer(eco, actor, service, k=k, max_hops=max_hops)]
                assert got == ref_refer(eco, actor, service, k=k, max_hops=max_hops), (actor, service)


def _tiny(**kw) -> Ecosystem:
    return Ecosystem.from_records(**kw)


def test_never_through_an_enterprise_and_both_way_channels() -> None:
    eco = _tiny(
        actors=[{"id": "e1", "name": "E1", "kind": "enterprise"},
                {"id": "e2", "name": "E2", "kind": "enterprise"},
                {"id": "c", "name": "Centre", "kind": "specialized_centre"},
                {"id": "pb", "name": "Agency", "kind": "policy_body"},
                {"id": "p", "name": "Lab", "kind": "bds_provider"}],
        services=[{"id": "s", "name": "S", "category": "technology"}],
        offers=[{"actor": "pb", "service": "s"}],
        needs=[{"actor": "e1", "service": "s"}],
        links=[{"source": "e1", "target": "c", "type": "client_of"},
               # pb coordinates c: usable as c -> pb too
               {"source": "pb", "target": "c", "type": "coordinates", "weight": 0.5},
               {"source": "e1", "target": "p", "type": "supplies" if False else "client_of"}])
    row = best_paths(eco).iloc[0]
    assert row.path == ("e1", "c", "pb") and row.strength == 0.5


def test_unknown_ids_and_usage() -> None:
    eco = _tiny(actors=[{"id": "shop", "name": "Shop", "kind": "enterprise"}],
                services=[{"id": "testing", "name": "T", "category": "technology"}])
    with pytest.raises(UnknownIdError) as exc:
        refer(eco, "shp", "testing")
    assert exc.value.suggestions == ("shop",)
    with pytest.raises(UnknownIdError):
        refer(eco, "shop", "tsting")
    with pytest.raises(UsageError):
        best_paths(eco, max_hops=0)
    assert refer(eco, "shop", "testing") == []
    assert unreachable_providers(eco, "shop", "testing") == []


@st.composite
def _dense_ecosystems(draw) -> Ecosystem:
    """Layered ecosystems with many hop-shortest paths and repeated weights (near ties)."""
    from strategies import WEIGHTS

    rnd = draw(st.randoms(use_true_random=False))
    # (0.1, 0.2, 0.3): products of the same weights in another order differ in their last bits
    weights = draw(st.sampled_from([WEIGHTS, (0.1, 0.2, 0.3), (0.7, 0.1, 0.3, 0.9)]))
    density = draw(st.sampled_from([0.3, 0.5, 0.8]))
    pool = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "m", "x1", "x10", "x2", "z", "y", "Q"]
    rnd.shuffle(pool)
    ents, nets, insts = pool[:3], pool[3:5], pool[5:5 + rnd.randint(3, 9)]
    kinds = ["broker", "specialized_centre", "bds_provider", "policy_body", "association"]
    actors = ([{"id": e, "name": e, "kind": "enterprise", "region": rnd.choice(["r1", "r2"])} for e in ents]
              + [{"id": x, "name": x, "kind": "network"} for x in nets]
              + [{"id": x, "name": x, "kind": rnd.choice(kinds)} for x in insts])
    links = []

    def link(u: str, v: str, t: str) -> None:
        if rnd.random() < density:
            links.append({"source": u, "target": v, "type": t, "weight": rnd.choice(weights)})

    for e in ents:
        for x in insts[: len(insts) // 2]:
            link(e, x, "client_of")
        for x in nets:
            link(e, x, "member_of")
    for x in nets:
        for y in insts:
            link(x, y, "brokered_by")
    for x in insts:
        for y in insts:
            if x != y:
                link(x, y, rnd.choice(["refers_to", "refers_to", "partners_with"]))
    offers = [{"actor": p, "service": "s", "regions": rnd.choice(["", "r1", "r2"])}
              for p in insts if rnd.random() < 0.4]
    needs = [{"actor": a, "service": "s"} for a in ents + nets]
    return Ecosystem.from_records(actors=actors, services=[{"id": "s", "name": "S", "category": "technology"}],
                                  offers=offers, needs=needs, links=links)


@settings(max_examples=40, **SETTINGS)
@given(eco=_dense_ecosystems(), max_hops=st.integers(1, 5), unpacked=st.booleans())
def test_fast_engine_near_ties_match_brute_force(eco: Ecosystem, max_hops: int, unpacked: bool) -> None:
    """Many equal-hop paths whose strengths tie or nearly tie (the exact fallback at work)."""
    import instnet.analysis._paths_engine as engine

    saved = engine._SEQ_BITS
    engine._SEQ_BITS = 0 if unpacked else saved
    try:
        got = best_paths(eco, max_hops=max_hops)
    finally:
        engine._SEQ_BITS = saved
    assert_same_paths(got, ref_best_paths(eco, max_hops=max_hops))
    for a in eco.needs["actor"]:
        want = ref_refer(eco, a, "s", k=3, max_hops=max_hops)
        assert [(r.provider, r.hops, r.strength, r.path) for r in refer(eco, a, "s", k=3, max_hops=max_hops)] == want

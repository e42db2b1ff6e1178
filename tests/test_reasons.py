"""Every unmet need has one reason, equal to the brute-force classification of tests/reference.py."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instnet.analysis.paths import best_paths, unreachable_providers
from instnet.analysis.reasons import REASONS, Reason, describe_reason, need_reason, unmet_reasons
from instnet.graph import referral_graph
from instnet.io.read import read_dataset
from instnet.model import Ecosystem

from reference import ref_covers, ref_unmet_reason
from strategies import ecosystems

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_reasons_match(eco: Ecosystem, max_hops: int, *, exhaustive: bool) -> None:
    got = unmet_reasons(eco, max_hops=max_hops)  # reusing the best-paths run's classes
    paths = best_paths(eco, max_hops=max_hops)
    pd.testing.assert_frame_equal(unmet_reasons(eco, max_hops=max_hops, paths=paths), got)  # computing them
    G = referral_graph(eco)
    served = paths["served"]
    assert list(got.index) == list(served.index[~served.to_numpy(dtype=bool)])
    for label, row in got.iterrows():
        want = ref_unmet_reason(eco, row.actor, row.service, max_hops=max_hops, G=G, exhaustive=exhaustive)
        hops = None if pd.isna(row.hops) else int(row.hops)
        assert (row.reason, hops) == want, (label, row.actor, row.service)
        assert need_reason(eco, row.actor, row.service, max_hops=max_hops) == Reason(*want)
    for a, s in zip(eco.needs.loc[served.to_numpy(dtype=bool), "actor"],
                    eco.needs.loc[served.to_numpy(dtype=bool), "service"]):
        assert ref_unmet_reason(eco, a, s, max_hops=max_hops, G=G) is None
        assert need_reason(eco, a, s, max_hops=max_hops) is None


@settings(max_examples=40, **SETTINGS)
@given(eco=ecosystems(), max_hops=st.integers(1, 4), as_of=st.sampled_from([None, 2004, 2011]))
def test_reasons_match_brute_force_on_random_ecosystems(eco: Ecosystem, max_hops: int, as_of: int | None) -> None:
    assert_reasons_match(eco.as_of(as_of), max_hops, exhaustive=True)


@pytest.mark.parametrize("name", ["jamaica", "honduras", "nicaragua", "mexico"])
@pytest.mark.parametrize("max_hops", [1, 2, 4])
def test_reasons_match_brute_force_on_built_in_datasets(name: str, max_hops: int) -> None:
    eco = read_dataset(name)
    assert_reasons_match(eco.as_of(eco.data_year), max_hops, exhaustive=False)


def test_each_reason_by_hand() -> None:
    eco = Ecosystem.from_records(
        actors=[{"id": "e", "name": "Shop", "kind": "enterprise", "region": "north", "sector": "food"},
                {"id": "f", "name": "Other shop", "kind": "enterprise", "region": "north"},
                {"id": "b", "name": "Broker", "kind": "broker"},
                {"id": "c", "name": "Centre", "kind": "specialized_centre"},
                {"id": "p", "name": "Lab", "kind": "bds_provider"},
                {"id": "q", "name": "Bank", "kind": "bds_provider"}],
        services=[{"id": s, "name": s, "category": "technology"} for s in ("test", "loan", "map", "law")],
        offers=[{"actor": "p", "service": "test"}, {"actor": "q", "service": "loan", "sectors": "wood"},
                {"actor": "q", "service": "map"}],
        needs=[{"actor": "e", "service": s} for s in ("test", "loan", "map", "law")],
        links=[{"source": "e", "target": "b", "type": "client_of"},
               {"source": "b", "target": "c", "type": "refers_to"},
               {"source": "c", "target": "p", "type": "refers_to"},
               {"source": "f", "target": "q", "type": "client_of"}])  # q is no route for e
    got = unmet_reasons(eco, max_hops=2)
    assert list(zip(got["service"], got["reason"], got["hops"].astype(object).where(got["hops"].notna(), None))) \
        == [("test", "too_far", 3), ("loan", "out_of_scope", None), ("map", "no_path", None),
            ("law", "no_provider", None)]
    assert unmet_reasons(eco, max_hops=3)["service"].tolist() == ["loan", "map", "law"]
    why = {u.provider: u for u in unreachable_providers(eco, "e", "map", max_hops=2)}
    assert why["q"].reason == "no_path" and why["q"].hops is None
    assert [u.reason for u in unreachable_providers(eco, "e", "test", max_hops=2)] == ["too_far"]
    assert "3 links away" in describe_reason("too_far", 3, max_hops=2)
    assert set(REASONS) == {"no_provider", "out_of_scope", "no_path", "too_far"}


@settings(max_examples=30, **SETTINGS)
@given(eco=ecosystems(), max_hops=st.integers(1, 4))
def test_every_provider_is_a_candidate_or_says_why_not(eco: Ecosystem, max_hops: int) -> None:
    from instnet.analysis.paths import refer

    G = referral_graph(eco)
    kinds = eco.actors["kind"]
    for actor, service in zip(eco.needs["actor"], eco.needs["service"]):
        keep = [n for n in G if n == actor or kinds.at[n] != "enterprise"]
        dist = nx.single_source_shortest_path_length(G.subgraph(keep), actor)
        providers = set(eco.offers.loc[eco.offers["service"] == service, "actor"])
        cands = {r.provider for r in refer(eco, actor, service, k=len(providers) or 1, max_hops=max_hops)}
        why = {u.provider: u for u in unreachable_providers(eco, actor, service, max_hops=max_hops, limit=None)}
        assert cands | set(why) == providers and not cands & set(why)
        for p, u in why.items():
            covers = ref_covers(eco, p, service, actor)
            want = ("out_of_scope" if not covers else "no_path" if p not in dist else "too_far")
            assert (u.reason, u.hops) == (want, dist.get(p)), (actor, service, p)

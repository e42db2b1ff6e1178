"""Providers out of reach and the reason of an unmet need, against brute force with networkx."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from instnet.analysis.answer import answer
from instnet.analysis.paths import unreachable_providers
from instnet.graph import referral_graph

from reference import PASSABLE, ref_covers
from strategies import ecosystems


def _hops(G: nx.DiGraph, actor: str, provider: str) -> int | None:
    """Fewest links from actor to provider, every node in between an institution or a network."""
    keep = [n for n, k in G.nodes(data="kind") if k in PASSABLE or n == actor]
    try:
        return nx.shortest_path_length(G.subgraph(keep), actor, provider)
    except nx.NetworkXNoPath:
        return None


@settings(max_examples=120, deadline=None)
@given(eco=ecosystems(dated=False), max_hops=st.integers(1, 4))
def test_out_of_reach_and_reasons_match_brute_force(eco, max_hops: int) -> None:
    G = referral_graph(eco)
    needers = [a for a, k in eco.actors["kind"].items() if k in ("enterprise", "network")]
    for actor in needers:
        for service in eco.services.index:
            providers = sorted(set(eco.offers.loc[eco.offers["service"] == service, "actor"]))
            want = []
            for p in providers:
                h = _hops(G, actor, p)
                covers = ref_covers(eco, p, service, actor)
                if not covers:
                    want.append((p, "out_of_scope", h))
                elif h is None:
                    want.append((p, "no_path", h))
                elif h > max_hops:
                    want.append((p, "too_far", h))
            got = unreachable_providers(eco, actor, service, max_hops=max_hops, limit=None)
            # nearest first (no route last), then by id
            assert [(u.provider, u.reason, u.hops) for u in got] == sorted(
                want, key=lambda w: (w[2] is None, w[2] or 0, w[0]))
            ans = answer(eco, actor, service, max_hops=max_hops)
            if ans.referrals:
                assert ans.reason is None
                continue
            covering = [h for p, r, h in want if r in ("no_path", "too_far")]
            if not providers:
                expected = ("no_provider", None)
            elif not covering:
                expected = ("out_of_scope", None)
            elif all(h is None for h in covering):
                expected = ("no_path", None)
            else:
                expected = ("too_far", min(h for h in covering if h is not None))
            assert (ans.reason, ans.hops) == expected

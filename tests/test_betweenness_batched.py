"""The batched target-rooted subset betweenness (instnet/analysis/cuts.py) against networkx.

Blocks of 1, 3 and all targets at once must give the same figures, and the
fast path must actually run on valid data (needs are only ever held by
enterprises and networks).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings

from instnet import read_dataset
from instnet.analysis.betweenness import _betweenness_tiered, _sources_and_targets
from instnet.graph import coded_graph
from instnet.graph import referral_graph
from instnet.model import Ecosystem

from strategies import ecosystems


def nx_betweenness(eco: Ecosystem) -> dict[str, float]:
    G = referral_graph(eco)
    sources = sorted(set(eco.needs["actor"]))
    targets = sorted({a for a in eco.offers["actor"] if eco.is_institution(a)})
    return nx.betweenness_centrality_subset(G, sources, targets, normalized=False, weight=None)


def batched(eco: Ecosystem, batch: int) -> dict[str, float]:
    g = coded_graph(eco)
    sources, targets = _sources_and_targets(eco, g)
    bet = np.zeros(g.n)
    if len(sources) and len(targets) and len(g.src):
        assert _betweenness_tiered(g, sources, targets, bet, batch=batch)
    return dict(zip(g.ids, bet.tolist()))


def check(eco: Ecosystem, batch: int) -> None:
    got = batched(eco, batch)
    for node, value in nx_betweenness(eco).items():
        assert got[node] == pytest.approx(value, rel=1e-9, abs=1e-9), node


@settings(max_examples=25, deadline=None)
@given(eco=ecosystems(max_enterprises=12, max_networks=4, max_institutions=8, max_links=45, dated=False))
def test_batched_matches_networkx(eco: Ecosystem) -> None:
    for batch in (1, 3):
        check(eco, batch)


def test_batched_on_generated_matches_networkx(tmp_path) -> None:
    from instnet.generate import generate

    generate(tmp_path / "eco", enterprises=600, institutions=30, seed=11)
    eco = read_dataset(tmp_path / "eco")
    check(eco, 7)

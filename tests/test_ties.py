"""Strengths equal up to floating rounding tie, and the id order decides (docs/semantics.md)."""

from __future__ import annotations

from instnet.analysis.paths import _simple_best_paths, best_paths, refer
from instnet.model import Ecosystem

from reference import ref_best_paths, ref_refer


def _two_routes(first: tuple[float, float, float], second: tuple[float, float, float]) -> Ecosystem:
    """Shop ``e`` reaches provider ``p`` by ``a1-a2`` (weights ``first``) or ``z1-z2`` (``second``)."""
    actors = [{"id": "e", "name": "Shop", "kind": "enterprise"}] + [
        {"id": i, "name": i.upper(), "kind": "bds_provider"} for i in ("a1", "a2", "z1", "z2", "p", "q")]
    links = []
    for (u, v), w in zip([("e", "a1"), ("a1", "a2"), ("a2", "p")], first):
        links.append({"source": u, "target": v, "type": "client_of" if u == "e" else "refers_to", "weight": w})
    for (u, v), w in zip([("e", "z1"), ("z1", "z2"), ("z2", "q")], second):
        links.append({"source": u, "target": v, "type": "client_of" if u == "e" else "refers_to", "weight": w})
    return Ecosystem.from_records(
        actors=actors, services=[{"id": "s", "name": "S", "category": "technology"}],
        offers=[{"actor": "p", "service": "s"}, {"actor": "q", "service": "s"}],
        needs=[{"actor": "e", "service": "s"}], links=links)


def test_same_weights_in_another_order_tie_and_ids_decide() -> None:
    # 0.1*0.2*0.3 is 0.006000000000000001 in floating point and 0.3*0.2*0.1 is 0.006:
    # the same strength, so the smaller path (through a1) must win, whichever order is noisier.
    for first, second in (((0.3, 0.2, 0.1), (0.1, 0.2, 0.3)), ((0.1, 0.2, 0.3), (0.3, 0.2, 0.1))):
        eco = _two_routes(first, second)
        for engine in (best_paths, _simple_best_paths):
            row = engine(eco, max_hops=3).iloc[0]
            assert row.path == ("e", "a1", "a2", "p"), (first, engine.__name__)
        assert ref_best_paths(eco, max_hops=3).iloc[0].path == ("e", "a1", "a2", "p")
        got = [(r.provider, r.path) for r in refer(eco, "e", "s", k=2, max_hops=3)]
        assert got == [("p", ("e", "a1", "a2", "p")), ("q", ("e", "z1", "z2", "q"))]
        assert [r[0] for r in ref_refer(eco, "e", "s", k=2, max_hops=3)] == ["p", "q"]


def test_a_real_difference_still_wins() -> None:
    eco = _two_routes((0.3, 0.2, 0.1), (0.3, 0.2, 0.11))
    assert best_paths(eco, max_hops=3).iloc[0].provider == "q"
    assert [r.provider for r in refer(eco, "e", "s", k=2, max_hops=3)] == ["q", "p"]

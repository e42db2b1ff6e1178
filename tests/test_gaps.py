"""Gaps and best paths: hand-checked expectations on the built-in datasets, and
property-based comparison of coverage with the brute force."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instnet import read_dataset
from instnet.errors import UsageError
from instnet.analysis.gaps import coverage, parse_by
from instnet.analysis.paths import best_paths, refer, unreachable_providers

from reference import ref_best_paths, ref_coverage
from strategies import ecosystems


@pytest.fixture(scope="module")
def jamaica():
    return read_dataset("jamaica")


def _path(bp, actor, service):
    row = bp[(bp.actor == actor) & (bp.service == service)].iloc[0]
    return row


def test_jamaica_gaps(jamaica) -> None:
    r = coverage(jamaica)
    assert (r.needs, r.served) == (71, 60)
    unmet = set(map(tuple, r.unmet.to_numpy()))
    credit = {(a, "credit") for a in ["ent_kgn_g01", "ent_kgn_g03", "ent_kgn_m01", "ent_mby_h03",
                                      "ent_stc_f01", "ent_stc_fd02"]}
    assert unmet == credit | {("ent_man_g01", "pattern_making"), ("ent_man_g02", "pattern_making"),
                              ("ent_mby_g01", "flexible_manufacturing"),
                              ("ent_mby_g03", "flexible_manufacturing"),
                              ("ent_stc_m03", "quality_certification")}
    assert r.groups.iloc[0]["service"] == "credit"
    assert list(r.groups["unmet"]) == sorted(r.groups["unmet"], reverse=True)


def test_jamaica_through_design_centre_only(jamaica) -> None:
    bp = best_paths(jamaica)
    expected = {
        ("ent_kgn_g06", "pattern_making"): (("ent_kgn_g06", "jampro_design_centre", "kingston_atc"), 0.72),
        ("ent_kgn_g07", "product_development"):
            (("ent_kgn_g07", "net_fashion_designers", "jampro_design_centre", "kingston_atc"), 0.648),
        ("ent_kgn_g08", "pattern_making"): (("ent_kgn_g08", "jampro_design_centre", "kingston_atc"), 0.63),
        ("ent_kgn_g08", "flexible_manufacturing"):
            (("ent_kgn_g08", "jampro_design_centre", "kingston_atc"), 0.63),
        ("ent_mby_g04", "product_development"):
            (("ent_mby_g04", "jampro_design_centre", "montego_bay_atc"), 0.42),
    }
    for (a, s), (path, strength) in expected.items():
        row = _path(bp, a, s)
        assert row.path == path and row.strength == pytest.approx(strength)
    # without the Design Centre all five become gaps
    bp2 = best_paths(jamaica.without(["jampro_design_centre"]))
    for a, s in expected:
        assert not _path(bp2, a, s).served


def test_jamaica_as_of_trend(jamaica) -> None:
    for year, (served, needs) in {1993: (0, 67), 1995: (13, 68), 1997: (52, 70), 1998: (60, 71)}.items():
        r = coverage(jamaica.as_of(year))
        assert (r.served, r.needs) == (served, needs), year


def test_jamaica_alternative_routes_and_scope(jamaica) -> None:
    refs = refer(jamaica, "ent_stc_f01", "furniture_technology", k=5)
    assert refs[0].path == ("ent_stc_f01", "furniture_centre") and refs[0].strength == pytest.approx(0.9)
    why = unreachable_providers(jamaica, "ent_man_g01", "pattern_making")
    assert {u.provider for u in why} >= {"kingston_atc", "montego_bay_atc"}
    assert all(u.reason == "scope" for u in why)


@pytest.mark.parametrize("name,unmet", [("honduras", 42), ("nicaragua", 12), ("mexico", 6)])
def test_other_datasets_gap_counts(name: str, unmet: int) -> None:
    eco = read_dataset(name)
    r = coverage(eco)
    assert r.needs - r.served == unmet
    bp = ref_best_paths(eco) if len(eco.needs) < 120 else None
    if bp is not None:
        assert list(best_paths(eco)["path"]) == list(bp["path"])


def test_honduras_and_mexico_paths() -> None:
    bp = best_paths(read_dataset("honduras"))
    row = _path(bp, "ent_fm_ga_01", "credit")
    assert row.path == ("ent_fm_ga_01", "net_fm_garments", "broker_fm2", "certec", "credit_fund")
    assert row.strength == pytest.approx(0.3402)
    bp = best_paths(read_dataset("mexico"))
    row = _path(bp, "sub_jal_02", "management_training")
    assert row.path == ("sub_jal_02", "cie_jalisco", "crece_jalisco") and row.strength == pytest.approx(0.54)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(eco=ecosystems(), max_hops=st.integers(1, 5),
       by=st.sampled_from([("service",), ("region",), ("sector", "service"), ("service", "region", "sector")]),
       as_of=st.sampled_from([None, 2004, 2011]))
def test_coverage_matches_brute_force(eco, max_hops, by, as_of) -> None:
    eco = eco.as_of(as_of)
    r = coverage(eco, by=by, max_hops=max_hops)
    want = ref_coverage(eco, by=by, max_hops=max_hops)
    assert (r.needs, r.served) == want[()]
    got = {tuple(g[k] for k in by): (g["needs"], g["served"]) for g in r.to_dict()["groups"]}
    assert got == {k: v for k, v in want.items() if k != ()}
    assert list(r.groups["unmet"]) == sorted(r.groups["unmet"], reverse=True)


def test_parse_by_and_empty() -> None:
    with pytest.raises(UsageError):
        parse_by("service,colour")
    with pytest.raises(UsageError):
        parse_by("service,service")
    from instnet.model import Ecosystem
    eco = Ecosystem.from_records(actors=[{"id": "a", "name": "A", "kind": "enterprise"}])
    r = coverage(eco, by=())
    assert (r.needs, r.served, r.coverage) == (0, 0, 1.0)

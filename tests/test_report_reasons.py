"""The report and the map: the year they describe, the reasons of unmet needs, the title, the coverage colour."""

from __future__ import annotations

from instnet.analysis.reasons import unmet_reasons
from instnet.io.read import read_dataset
from instnet.model import Ecosystem
from instnet.render.report import coverage_level, report_data, report_html
from instnet.render.views import build_view


def _small(name: str, country: str) -> Ecosystem:
    """Two shops, one served (53 % is not possible with two: 1 of 2 is 50 %, amber)."""
    return Ecosystem.from_records(
        actors=[{"id": "e1", "name": "Textiles Ltd.", "kind": "enterprise", "region": "Choloma"},
                {"id": "e2", "name": "Costura", "kind": "enterprise", "region": "San Pedro Sula"},
                {"id": "p", "name": "Lab", "kind": "bds_provider"}],
        services=[{"id": "s", "name": "Testing", "category": "technology"}],
        offers=[{"actor": "p", "service": "s", "regions": "Choloma"}],
        needs=[{"actor": "e1", "service": "s"}, {"actor": "e2", "service": "s"}],
        links=[{"source": "e1", "target": "p", "type": "client_of"},
               {"source": "e2", "target": "p", "type": "client_of"}],
        meta={"name": name, "country": country, "year": 2024, "description": "Apparel suppliers of the valley."})


def test_report_names_the_ecosystem_the_year_and_the_reasons() -> None:
    eco = _small("San Pedro Sula apparel", "Honduras")
    eco = eco.as_of(eco.data_year)
    html = report_html(eco)
    assert "<title>San Pedro Sula apparel: SME support ecosystem report</title>" in html
    assert "Apparel suppliers of the valley." in html
    assert "Analysed as of 2024, the data year." in html
    assert '<div class="big mid">50' in html
    assert 'id="unmet-reasons"' in html and "<code>out_of_scope</code>" in html
    assert "1 need is a gap" in html
    everything = report_html(_small("San Pedro Sula apparel", "Honduras"))
    assert "Every row is active, whatever its dates (all years)." in everything


def test_report_reasons_equal_the_library_on_a_built_in_dataset() -> None:
    eco = read_dataset("nicaragua")
    eco = eco.as_of(eco.data_year)
    d = report_data(eco)
    want = unmet_reasons(eco)["reason"].value_counts().to_dict()
    assert {r["reason"]: r["count"] for r in d["reasons"]} == want
    assert d["title"] == "Nicaragua: SME support ecosystem report"  # the name only repeats the country
    assert d["coverage"]["level"] == coverage_level(d["coverage"]["served"] / d["coverage"]["needs"]) == "high"


def test_coverage_levels() -> None:
    assert [coverage_level(x) for x in (0.0, 0.49, 0.5, 0.53, 0.79, 0.8, 1.0)] == \
        ["low", "low", "mid", "mid", "mid", "high", "high"]


def test_map_focus_gives_the_reason_and_the_year() -> None:
    eco = read_dataset("nicaragua")
    eco = eco.as_of(eco.data_year)
    why = unmet_reasons(eco)
    far = why[why["reason"] == "too_far"].iloc[0]
    view = build_view(eco, focus=far["actor"])
    assert any(f"{int(far['hops'])} links away, more than the limit of 4" in d for d in view.details)
    assert "no provider reachable" not in " ".join(view.details)
    assert "as of 1999" in view.subtitle
    scope = why[why["reason"] == "out_of_scope"].iloc[0]
    assert any("no provider's offer covers the client's region and sector" in d
               for d in build_view(eco, focus=scope["actor"]).details)
    assert "as of 1999" in build_view(eco).subtitle

"""The map and report pages cannot be injected into, leak nothing private and load nothing remote."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from instnet import Ecosystem, read_dataset
from instnet.cli import main
from instnet.errors import UnknownIdError
from instnet.render.html import csp, map_html, safe_json, to_pyvis
from instnet.render.report import report_html, report_markdown
from instnet.render.views import build_view

A = "<img src=x onerror=alert(1)>"
B = "</script><script>alert(1)</script>"
SECRET = "Secret Holdings Confidential"


def hostile() -> Ecosystem:
    return Ecosystem.from_records(
        actors=[
            {"id": A, "name": A, "kind": "enterprise", "region": B, "sector": A, "description": B},
            {"id": "e2", "name": B, "kind": "enterprise", "region": "North"},
            {"id": "secret_co", "name": SECRET, "kind": "enterprise", "region": "North", "private": "true",
             "description": "about " + SECRET, "lat": "12.5", "lon": "-70"},
            {"id": "brk", "name": "Broker href <a href='javascript:alert(1)'>x</a>", "kind": "broker"},
            {"id": "prov", "name": "Provider & Co", "kind": "bds_provider", "region": "North"},
        ],
        services=[{"id": "s1", "name": A, "category": "training"}, {"id": "s2", "name": B, "category": "finance"}],
        offers=[{"actor": "prov", "service": "s1"}],
        needs=[{"actor": A, "service": "s1"}, {"actor": "e2", "service": "s2"}, {"actor": "secret_co", "service": "s1"}],
        links=[{"source": A, "target": "brk", "type": "client_of"},
               {"source": "secret_co", "target": "brk", "type": "client_of"},
               {"source": "e2", "target": "brk", "type": "client_of"},
               {"source": "brk", "target": "prov", "type": "refers_to"}],
        meta={"name": A, "country": B, "description": A + B},
    )


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict]]:
    p = Tags()
    p.feed(page)
    return p.tags


def test_safe_json_cannot_close_a_script():
    text = safe_json({"a": B, "b": "x\u2028y", "c": "&amp;"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": B, "b": "x\u2028y", "c": "&amp;"}


@pytest.mark.parametrize("render", [lambda e: map_html(e), lambda e: report_html(e)], ids=["map", "report"])
def test_injected_text_is_escaped_everywhere(render):
    page = render(hostile())
    assert A not in page and B not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # shown as text
    tags = _tags(page)
    names = [t for t, _ in tags]
    assert names.count("script") == 4 and "img" not in names and "a" not in names and "iframe" not in names
    for tag, attrs in tags:
        for k, v in attrs.items():
            assert not k.startswith("on"), (tag, k)
            if k in ("src", "href", "action"):
                pytest.fail(f"{tag} loads {v}")
    # exactly the page's scripts are allowed, by hash, and nothing remote
    policy = next(a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert not re.search(r"https?://", page.split("<script>")[0])


def test_private_actor_is_neutral_unless_included():
    eco = hostile()
    for page in (map_html(eco), report_html(eco), report_markdown(eco)):
        assert SECRET not in page and "secret_co" not in page
    assert "Enterprise (private)" in map_html(eco)
    assert SECRET in map_html(eco, include_private=True)


def test_pyvis_is_filled_from_the_allow_list_in_bulk(monkeypatch):
    from pyvis.network import Network

    def boom(*a, **k):
        raise AssertionError("must not be used")

    monkeypatch.setattr(Network, "from_nx", boom)
    monkeypatch.setattr(Network, "add_edge", boom)
    monkeypatch.setattr(Network, "add_node", boom)
    view = build_view(hostile())
    net = to_pyvis(view)
    allowed = {"id", "label", "kind", "region", "sector", "shape", "size", "borderWidth", "color",
               "shapeProperties", "offers", "needs", "unmet", "count", "mark", "tip"}
    assert all(set(n) <= allowed for n in net.nodes)
    assert len(net.nodes) == 5 and len(net.edges) == 4
    assert not any("description" in n or "lat" in n for n in net.nodes)


def test_csp_hashes_scripts():
    assert csp(["x"]).startswith("default-src 'none'; script-src 'sha256-")


def test_views_reject_unknown_ids_and_cli_exits_2(tmp_path):
    eco = read_dataset("jamaica")
    for kw in ({"service": "nope"}, {"focus": "nope"}, {"remove": "nope"}):
        with pytest.raises(UnknownIdError):
            build_view(eco, **kw)
    r = CliRunner().invoke(main, ["export", "html", "jamaica", "-o", str(tmp_path / "m.html"), "--focus", "nope"])
    assert r.exit_code == 2 and "unknown actor" in r.output


def test_views_say_what_they_show():
    eco = read_dataset("jamaica")
    v = build_view(eco)
    assert v.title.startswith("Jamaica") and "Shows all" in v.subtitle and len(v.nodes) == len(eco.actors)
    svc = eco.needs["service"].iloc[0]
    v = build_view(eco, service=svc)
    assert v.preselect_service == svc and v.service_nodes[svc]
    actor = eco.needs["actor"].iloc[0]
    v = build_view(eco, focus=actor)
    assert len(v.details) == int((eco.needs["actor"] == actor).sum())
    v = build_view(eco, remove="jampro_pc")
    assert "without" in v.title and any(n["mark"] == "cutoff" for n in v.nodes)


def test_grouping_above_threshold():
    eco = read_dataset("jamaica")
    v = build_view(eco, group_threshold=5)
    kinds = {n["kind"] for n in v.nodes}
    assert v.grouped and "enterprise_group" in kinds and "enterprise" not in kinds
    groups = [n for n in v.nodes if n["kind"] == "enterprise_group"]
    assert sum(n["count"] for n in groups) == int((eco.actors["kind"] == "enterprise").sum())


def test_cli_report_html_and_md(tmp_path):
    r = CliRunner().invoke(main, ["report", "jamaica", "-o", str(tmp_path / "r.html")])
    assert r.exit_code == 0, r.output
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'id="gap-heatmap"' in page and "@page" in page and "size: A4" in page
    r = CliRunner().invoke(main, ["report", "jamaica", "-o", str(tmp_path / "r.md"), "--format", "md"])
    assert r.exit_code == 0, r.output
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert md.startswith("# Jamaica") and "## Coverage" in md and "| service |" in md

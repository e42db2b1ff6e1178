"""The map and the report in a real (headless) browser: offline, drawn, filterable, safe."""

from __future__ import annotations

from pathlib import Path

import pytest

from instnet import read_dataset
from instnet.render.html import render_map, write_map
from instnet.render.report import write_report
from instnet.io.resources import datasets_dir
from instnet.analysis.core import Analysis
from instnet.render.views import build_view

from .conftest import BUILTINS, INJECTIONS, SECRET, hostile_ecosystem

pytestmark = pytest.mark.browser

AVAILABLE = [n for n in BUILTINS if (Path(datasets_dir()) / n / "actors.csv").exists()]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Map and report of every built-in dataset, written once."""
    out = tmp_path_factory.mktemp("pages")
    files = {}
    for name in AVAILABLE:
        eco = read_dataset(name)
        a = Analysis(eco)
        view = build_view(eco, analysis=a)
        (out / f"{name}-map.html").write_text(render_map(view), encoding="utf-8")
        write_report(eco, out / f"{name}-report.html")
        files[name] = (out / f"{name}-map.html", out / f"{name}-report.html", view, eco)
    return files


def _check_clean(o):
    assert o.external == [], f"requests leaving the file: {o.external}"
    assert o.console_errors == []
    assert o.dialogs == []


def _check_drawn(o, view):
    assert o.js("window.instnetMap.nodes.length") == len(view.nodes)
    assert o.js("window.instnetMap.edges.length") == len(view.edges)
    # vis-network itself holds the drawn nodes, with positions
    assert o.js("Object.keys(window.instnetMap.network.body.nodes).length") >= len(view.nodes)
    positions = o.js("Object.values(window.instnetMap.network.getPositions())")
    assert len(positions) == len(view.nodes)
    # the canvas is there, sized and not blank
    size = o.js("(() => { const c = document.querySelector('#instnet-canvas canvas');"
                " return c ? [c.width, c.height] : null })()")
    assert size and size[0] > 300 and size[1] > 200
    inked = o.js("(() => { const c = document.querySelector('#instnet-canvas canvas');"
                 " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
                 " for (let i = 0; i < d.length; i += 16) { if (d[i+3] > 0 && (d[i] < 200 || d[i+1] < 200)) n++; }"
                 " return n })()")
    assert inked > 100


def _check_legend_and_filters(o, view):
    page = o.page
    kinds = page.locator("#instnet-legend input[data-kind]")
    assert kinds.count() == len(view.legend_kinds) > 0
    assert page.locator("#instnet-legend input[data-link]").count() == len(view.legend_links)
    assert page.locator("#instnet-service option").count() == len(view.services) + 1
    assert page.locator("#instnet-region option").count() == len(view.regions) + 1
    assert page.locator("#instnet-search").count() == 1
    total = len(view.nodes)
    assert o.js("window.instnetMap.shown") == total
    # kind filter: untick the first kind in the legend
    first = view.legend_kinds[0]["kind"]
    n_first = sum(1 for n in view.nodes if n["kind"] == first)
    kinds.first.uncheck()
    assert o.js("window.instnetMap.shown") == total - n_first
    assert o.js("window.instnetMap.nodes.get({filter: n => n.hidden}).length") == n_first
    page.click("#instnet-reset")
    assert o.js("window.instnetMap.shown") == total
    # service filter: only who offers, needs or routes it
    svc = next((s for s, _ in view.services if view.service_nodes.get(s)), None)
    if svc is not None:
        page.select_option("#instnet-service", svc)
        assert o.js("window.instnetMap.shown") == len(view.service_nodes[svc]) < total or total == len(
            view.service_nodes[svc])
        page.click("#instnet-reset")
    # region filter
    if len(view.regions) > 1:
        page.select_option("#instnet-region", view.regions[0])
        expect = sum(1 for n in view.nodes if n["region"] in ("", view.regions[0]))
        assert o.js("window.instnetMap.shown") == expect < total
        page.click("#instnet-reset")
    # search box selects and focuses an actor
    target = next(n for n in view.nodes if n["kind"] not in ("enterprise", "enterprise_group"))
    page.fill("#instnet-search", target["label"])
    page.press("#instnet-search", "Enter")
    assert o.js("window.instnetMap.network.getSelectedNodes()") == [target["id"]]


@pytest.mark.parametrize("name", AVAILABLE)
def test_map_of_builtin_dataset(built, open_page, name):
    path, _, view, eco = built[name]
    o = open_page(path)
    assert len(view.nodes) == len(eco.actors)  # small: one node per actor
    _check_drawn(o, view)
    _check_legend_and_filters(o, view)
    _check_clean(o)


@pytest.mark.parametrize("name", AVAILABLE)
def test_report_of_builtin_dataset(built, open_page, name):
    _, path, view, eco = built[name]
    o = open_page(path)
    page = o.page
    for section in ("numbers", "coverage", "unmet", "bottlenecks", "recommendations", "indicators", "map"):
        assert page.locator(f"section#{section} h2").count() == 1
    assert page.locator("#gap-heatmap rect.cell").count() > 0
    assert page.locator("table.bottlenecks rect").count() > 0
    _check_drawn(o, view)
    _check_clean(o)


def test_views_service_focus_remove(open_page, tmp_path):
    eco = read_dataset("jamaica")
    a = Analysis(eco)
    svc = eco.needs["service"].iloc[0]
    p = write_map(eco, tmp_path / "svc.html", service=svc, analysis=a)
    o = open_page(p)
    assert o.page.locator("#instnet-service").input_value() == svc
    view = build_view(eco, service=svc, analysis=a)
    assert o.js("window.instnetMap.shown") == len(view.service_nodes[svc])
    _check_clean(o)
    actor = eco.needs["actor"].iloc[0]
    o = open_page(write_map(eco, tmp_path / "focus.html", focus=actor, analysis=a))
    view = build_view(eco, focus=actor, analysis=a)
    assert o.js("window.instnetMap.nodes.length") == len(view.nodes) < len(eco.actors)
    assert o.page.locator(".instnet-details li").count() == int((eco.needs["actor"] == actor).sum())
    _check_clean(o)
    o = open_page(write_map(eco, tmp_path / "remove.html", remove="jampro_pc", analysis=a))
    assert o.js("window.instnetMap.nodes.get({filter: n => n.mark === 'cutoff'}).length") > 0
    assert o.js("window.instnetMap.nodes.get('jampro_pc').mark") == "removed"
    _check_clean(o)


def test_injected_names_are_text_and_run_nothing(open_page, tmp_path):
    eco = hostile_ecosystem()
    map_path = write_map(eco, tmp_path / "hostile-map.html")
    rep_path = write_report(eco, tmp_path / "hostile-report.html")
    for path in (map_path, rep_path):
        o = open_page(path)
        page = o.page
        _check_clean(o)  # no dialog: nothing ran
        assert o.js("document.querySelectorAll('img, iframe, object, embed').length") == 0
        assert o.js("document.querySelectorAll('script').length") == 4  # data, options, vis, map
        assert o.js("document.querySelectorAll('a').length") == 0
        text = o.js("document.body.innerText")
        title = o.js("document.title")
        for inj in INJECTIONS:
            assert inj in title or inj in text
        labels = o.js("window.instnetMap.nodes.map(n => n.label)")
        for inj in INJECTIONS:
            assert inj in labels
        # tooltips are elements holding plain text
        tips = o.js("window.instnetMap.nodes.map(n => [n.title.tagName, n.title.children.length,"
                    " n.title.textContent])")
        assert all(t[0] == "DIV" and t[1] == 0 for t in tips)
        assert any(INJECTIONS[0] in t[2] for t in tips)
        # hovering a node shows the tooltip as text
        pos = o.js("(() => { const net = window.instnetMap.network; const id = window.instnetMap.nodes.getIds()[0];"
                   " const p = net.canvasToDOM(net.getPositions([id])[id]); const r = document.querySelector("
                   "'#instnet-canvas').getBoundingClientRect(); return [r.left + p.x, r.top + p.y] })()")
        page.mouse.move(pos[0], pos[1])
        page.wait_for_timeout(400)
        assert o.js("document.querySelectorAll('img').length") == 0
        # the private actor: neither name nor description anywhere
        html = page.content()
        assert SECRET not in html and SECRET not in text
        assert "secret_co" not in html
        assert o.dialogs == []


def test_large_ecosystem_is_grouped_and_stabilises(open_page, tmp_path):
    from instnet.generate import generate

    eco = read_dataset(generate(tmp_path / "syn", enterprises=3000, institutions=60, seed=3))
    view = build_view(eco, group_threshold=500)
    assert view.grouped
    assert len(view.nodes) < len(eco.actors) / 3
    o = open_page(Path(tmp_path / "syn.html").resolve() if (tmp_path / "syn.html").write_text(
        render_map(view), encoding="utf-8") else None)
    _check_drawn(o, view)
    # physics is off once the layout is stable: nothing moves any more
    assert o.js("window.instnetMap.network.physics.options.enabled") is False
    groups = o.js("window.instnetMap.nodes.get({filter: n => n.kind === 'enterprise_group'}).length")
    assert groups > 0
    _check_clean(o)

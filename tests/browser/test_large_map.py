"""A large synthetic ecosystem in the browser: grouped, laid out in Python, no physics, quick filters.

The dataset is big enough to take the large-map path (region x sector groups and,
above ``LAYOUT_THRESHOLD`` drawn nodes, the precomputed by-region layout) and small
enough for CI. The time bounds are generous correctness bounds (a page that runs
a force layout over a thousand nodes, or redraws every edge on each filter change,
misses them on a slow runner), not benchmarks; docs/views.md has the national figures.
"""

from __future__ import annotations

import time

import pytest

from instnet import read_dataset
from instnet.render.html import render_map
from instnet.render.views import build_view
from instnet.render.views.layout import LAYOUT_THRESHOLD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    from instnet.generate import generate

    out = tmp_path_factory.mktemp("large")
    eco = read_dataset(generate(out / "eco", enterprises=30000, institutions=600, seed=1))
    view = build_view(eco, max_institutions=300)  # exercise the pooling of smaller institutions too
    path = out / "large-map.html"
    path.write_text(render_map(view), encoding="utf-8")
    return path, view, eco


def _frame(page):
    # two animation frames: the change has been drawn
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def test_large_map_is_grouped_laid_out_and_quick(open_page, large):
    path, view, eco = large
    assert view.grouped and view.layout == "regions"
    assert LAYOUT_THRESHOLD < len(view.nodes) < len(eco.actors) / 10
    assert all("x" in n and "y" in n for n in view.nodes)
    assert "laid out by region" in view.subtitle
    # smaller institutions pooled by kind x region; their names stay searchable
    pools = [n for n in view.nodes if str(n["id"]).startswith("pool:")]
    assert pools and len(view.pooled) == sum(n["count"] for n in pools) == 600 - 300

    t0 = time.perf_counter()
    o = open_page(path)
    assert time.perf_counter() - t0 < 30
    js = o.js
    assert js("window.instnetMap.nodes.length") == len(view.nodes)
    assert js("window.instnetMap.edges.length") == len(view.edges)
    # grouping: one node per region x sector, sized by count
    groups = [n for n in view.nodes if n["kind"] == "enterprise_group"]
    assert js("window.instnetMap.nodes.get({filter: n => n.kind === 'enterprise_group'}).length") == len(groups) > 0
    assert sum(n["count"] for n in groups) == int((eco.actors["kind"] == "enterprise").sum())
    # no physics in the browser: the drawn positions are the precomputed ones
    assert js("window.instnetMap.network.physics.options.enabled") is False
    first = view.nodes[0]
    pos = js(f"window.instnetMap.network.getPositions([{first['id']!r}])")[first["id"]]
    assert abs(pos["x"] - first["x"]) <= 1 and abs(pos["y"] - first["y"]) <= 1  # vis rounds positions
    # region names are drawn on the canvas from the data island
    assert js("JSON.parse(document.getElementById('instnet-data').textContent).regionLabels.length") == len(
        {n["region"] for n in view.nodes})

    # links that are not referral channels start hidden (unticked in the legend)
    hidden = [e for e in view.edges if e.get("hidden")]
    assert hidden and all(e["type"] in view.hidden_types for e in hidden)
    assert js("window.instnetMap.edges.get({filter: e => e.hidden}).length") == len(hidden)
    assert o.page.locator("#instnet-legend input[data-link]:not(:checked)").count() == len(view.hidden_types)

    page = o.page
    total = len(view.nodes)
    region = view.regions[0]
    t = time.perf_counter()
    page.select_option("#instnet-region", region)
    _frame(page)
    assert time.perf_counter() - t < 5
    expect = sum(1 for n in view.nodes if n["region"] in ("", region))
    assert js("window.instnetMap.shown") == expect < total
    svc = next(s for s, _ in view.services if view.service_nodes.get(s))
    t = time.perf_counter()
    page.select_option("#instnet-service", svc)
    _frame(page)
    assert time.perf_counter() - t < 5
    assert js("window.instnetMap.shown") <= expect
    t = time.perf_counter()
    page.click("#instnet-reset")
    _frame(page)
    assert time.perf_counter() - t < 5
    assert js("window.instnetMap.shown") == total
    assert js("window.instnetMap.edges.get({filter: e => e.hidden}).length") == 0  # "Show all": every link type
    target = next(n for n in view.nodes if n["kind"] == "bds_provider" and "count" not in n)
    page.fill("#instnet-search", target["id"])
    page.press("#instnet-search", "Enter")
    assert js("window.instnetMap.network.getSelectedNodes()") == [target["id"]]
    label, _, pool = view.pooled[0]
    page.fill("#instnet-search", label)
    page.press("#instnet-search", "Enter")
    assert js("window.instnetMap.network.getSelectedNodes()") == [pool]
    assert "drawn in the pool" in page.locator("#instnet-status").inner_text()
    assert o.external == [] and o.console_errors == [] and o.dialogs == []

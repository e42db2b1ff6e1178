"""--focus renders for every actor of every built-in dataset, and the browser draws each one.

One page load per dataset: the focus page of its first actor. Every other actor's
focus view (the very nodes and edges its own page would carry) is then drawn into
the same vis-network in the page, and the page must stay free of errors.
"""

from __future__ import annotations

import pytest

from instnet import read_dataset
from instnet.render.html import to_pyvis, write_map
from instnet import Analysis
from instnet.render.views import build_view

from .conftest import BUILTINS

pytestmark = pytest.mark.browser

SWAP = """([nodes, edges]) => {
  const map = window.instnetMap;
  map.edges.clear(); map.nodes.clear();
  map.nodes.add(nodes); map.edges.add(edges);
  map.network.redraw();
  return [map.nodes.length, map.edges.length];
}"""


@pytest.mark.parametrize("name", BUILTINS)
def test_focus_on_every_actor_draws(open_page, tmp_path, name):
    eco = read_dataset(name)
    a = Analysis(eco)
    actors = list(eco.actors.index)
    o = open_page(write_map(eco, tmp_path / "focus.html", focus=actors[0], analysis=a))
    for actor in actors:
        view = build_view(eco, focus=actor, analysis=a)
        nodes, edges, *_ = to_pyvis(view).get_network_data()
        assert any(n.get("mark") == "focus" for n in view.nodes), actor
        drawn = o.page.evaluate(SWAP, [nodes, edges])
        assert drawn == [len(nodes), len(edges)], actor
    assert o.console_errors == [] and o.dialogs == [] and o.external == []


"""--focus builds a view for the actors none of whose needs is served (they used to crash it).

Every actor of every built-in dataset is drawn in Chromium by tests/browser/test_focus.py.
"""

from __future__ import annotations

import pytest

from instnet import read_dataset
from instnet.io.read import BUILTIN_NAMES
from instnet.render.html import to_pyvis
from instnet import Analysis
from instnet.render.views import build_view


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_focus_view_of_unserved_actors(name):
    eco = read_dataset(name)
    a = Analysis(eco)
    served = a.paths.groupby("actor")["served"].any()
    unserved = list(served.index[~served.to_numpy()])
    if name == "mexico":
        assert "sub_chih_09" in unserved
    for actor in unserved + list(served.index[served.to_numpy()][:1]):
        view = build_view(eco, focus=actor, analysis=a)
        nodes, edges, *_ = to_pyvis(view).get_network_data()
        assert [n["mark"] for n in view.nodes if n.get("mark") == "focus"] == ["focus"]
        assert len(nodes) == len(view.nodes) and len(edges) == len(view.edges)

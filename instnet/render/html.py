"""The interactive map: a pyvis network rendered by instnet's own safe template.

pyvis 0.3.2 is pinned and wrapped, never used for the page itself:

* the pyvis :class:`~pyvis.network.Network` is filled in bulk from the allow-listed
  view of :mod:`instnet.render.views` (never ``Network.from_nx``, which copies every node
  attribute, and never ``add_edge``, which is quadratic, pyvis issue #304);
* the page is rendered by ``instnet/render/templates/map.html`` with jinja2 autoescape on
  (pyvis's template writes ``heading`` and ``select_menu`` raw and switches tooltips
  containing ``href`` to ``innerHTML``); tooltips are built in the page with
  ``textContent``;
* node and edge data travel as a JSON data island with ``<``, ``>``, ``&`` and the
  JavaScript line separators escaped as ``\\uXXXX``, so no text can close the
  script element;
* vis-network's JavaScript and CSS are read from pyvis's package and inlined (pyvis's
  ``cdn_resources="in_line"`` still loads bootstrap from a CDN, pyvis issues #228 and
  #229), and a Content-Security-Policy allows only the page's own scripts (by hash),
  inline styles and ``data:`` images: the file makes no network request at all.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .. import __version__
from ..io.outfile import atomic_file
from ..i18n import _, current_language, ngettext
from ..labels import label as vocab_label
from ..model import Ecosystem
from ..analysis.core import Analysis
from .views import DEFAULT_GROUP_THRESHOLD, DEFAULT_MAX_INSTITUTIONS, View, build_view

VIS_VERSION = "9.1.2"
_TEMPLATES = Path(__file__).with_name("templates")


def safe_json(value: Any) -> str:
    """JSON text that is safe inside a ``<script>`` element (and in HTML generally).

    Examples
    --------
    >>> safe_json({"name": "</script><b>&"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=_default)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def raw_text(text: str, element: str) -> Markup:
    """Mark trusted asset text as safe for a raw-text element after checking it cannot end it."""
    if f"</{element}" in text.lower():
        raise ValueError(f"asset text would close its <{element}> element")
    return Markup(text)


@lru_cache(maxsize=1)
def vendor_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS as shipped inside the pinned pyvis package."""
    import pyvis

    lib = Path(pyvis.__file__).with_name("templates") / "lib" / f"vis-{VIS_VERSION}"
    return ((lib / "vis-network.min.js").read_text(encoding="utf-8"),
            (lib / "vis-network.css").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The jinja2 environment of instnet's templates (autoescape on for every file)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        extensions=["jinja2.ext.i18n"],
    )
    # {{ _("…") }} in a template looks the text up in the language in force when it renders
    env.install_gettext_callables(gettext=_, ngettext=ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["label"] = vocab_label
    return env


def asset(name: str) -> str:
    """The text of one of instnet's own template assets (``map.js``, ``map.css``...)."""
    return (_TEMPLATES / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def csp(scripts: list[str]) -> str:
    """A Content-Security-Policy allowing exactly ``scripts`` (inline) and nothing remote."""
    hashes = " ".join(_sha256(s) for s in scripts)
    return ("default-src 'none'; " f"script-src {hashes}; " "style-src 'unsafe-inline'; "
            "img-src data: blob:; font-src data:; connect-src 'none'; frame-src 'none'; "
            "base-uri 'none'; form-action 'none'")


def vis_options(view: View) -> dict[str, Any]:
    """vis-network options: physics stabilised before display, then switched off."""
    n = len(view.nodes)
    iterations = 300 if n <= 200 else 200 if n <= 1500 else 120
    fixed = view.layout != "physics"  # laid out in Python (big maps): no physics in the browser
    return {
        "autoResize": True,
        "nodes": {"font": {"size": 13, "face": "system-ui, Arial, sans-serif", "strokeWidth": 3,
                           "strokeColor": "#ffffff"}, "scaling": {"label": {"enabled": False}}},
        "edges": {"smooth": {"enabled": n <= 600, "type": "continuous", "roundness": 0.3},
                  "arrows": {"to": {"scaleFactor": 0.5}}, "selectionWidth": 2},
        "physics": {
            "enabled": not fixed,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -70, "centralGravity": 0.012,
                                 "springLength": 120 if n <= 200 else 80, "springConstant": 0.06,
                                 "avoidOverlap": 0.5 if n <= 600 else 0.1},
            "stabilization": {"enabled": not fixed, "iterations": iterations, "updateInterval": 25, "fit": True},
            "minVelocity": 1.0,
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": n > 300,
                        "hideEdgesOnZoom": n > 1500, "navigationButtons": False, "keyboard": False},
        "layout": {"improvedLayout": n <= 150 and not fixed, "randomSeed": 7},
    }


def to_pyvis(view: View):
    """The view as a pyvis Network, filled in bulk from allow-listed fields only."""
    from pyvis.network import Network

    net = Network(height="720px", width="100%", directed=True, cdn_resources="in_line", heading="")
    keep_n = ("id", "label", "kind", "region", "sector", "shape", "size", "borderWidth", "color",
              "shapeProperties", "offers", "needs", "unmet", "count", "mark", "tip", "x", "y")
    keep_e = ("id", "from", "to", "type", "width", "color", "dashes", "arrows", "tip", "hidden")
    net.nodes = [{k: n[k] for k in keep_n if k in n} for n in view.nodes]
    net.node_ids = [n["id"] for n in net.nodes]
    net.node_map = {n["id"]: n for n in net.nodes}
    net.edges = [{k: e[k] for k in keep_e if k in e} for e in view.edges]
    net.set_options(json.dumps(vis_options(view)))
    return net


def map_messages() -> dict[str, str]:
    """The sentences map.js writes into the page, in the language in force (``{name}``-style slots)."""
    return {
        "layout": _("Laying out the network…"),
        "showing": _("Showing {shown} of {nodes} nodes and {shownEdges} of {edges} links"),
        "unmet": _("{service}: {n} with the need unmet"),
        "foundPool": _("Found: {name}, drawn in the pool {pool}."),
        "notFound": _("No actor matches “{query}”."),
        "found": _("Found: {name}."),
        "locale": current_language(),
    }


def map_context(view: View, *, height: str = "72vh") -> dict[str, Any]:
    """Template variables for the map partial (shared by the map page and the report)."""
    net = to_pyvis(view)
    nodes, edges, _heading, _h, _w, options = net.get_network_data()
    data = view.data()
    data["nodes"], data["edges"] = nodes, edges
    data["text"] = map_messages()
    data_json = safe_json(data)
    options_json = safe_json(json.loads(options))
    vis_js, vis_css = vendor_assets()
    map_js = asset("map.js")
    return {
        "view": view,
        "height": height,
        "data_json": raw_text(data_json, "script"),
        "options_json": raw_text(options_json, "script"),
        "vis_js": raw_text(vis_js, "script"),
        "vis_css": raw_text(vis_css, "style"),
        "map_js": raw_text(map_js, "script"),
        "map_css": raw_text(asset("map.css"), "style"),
        "csp": csp([vis_js, map_js]),
        "version": __version__,
        "lang": current_language(),
    }


def render_map(view: View, *, source: str = "") -> str:
    """The self-contained HTML page of one map view."""
    ctx = map_context(view)
    ctx["source"] = source
    return environment().get_template("map.html").render(**ctx)


def map_html(
    eco: Ecosystem,
    *,
    analysis: Analysis | None = None,
    max_hops: int = 4,
    service: str | None = None,
    focus: str | None = None,
    remove: str | None = None,
    include_private: bool = False,
    group_threshold: int = DEFAULT_GROUP_THRESHOLD,
    max_institutions: int = DEFAULT_MAX_INSTITUTIONS,
) -> str:
    """Build and render the interactive map of ``eco`` (see :func:`instnet.render.views.build_view`).

    Examples
    --------
    >>> from instnet import read_dataset
    >>> page = map_html(read_dataset("jamaica"))
    >>> page.startswith("<!DOCTYPE html>") and "https://" not in page.split("<script")[0]
    True
    """
    view = build_view(eco, analysis=analysis, max_hops=max_hops, service=service, focus=focus, remove=remove,
                      include_private=include_private, group_threshold=group_threshold,
                      max_institutions=max_institutions)
    return render_map(view, source=_source_line(eco))


def _source_line(eco: Ecosystem) -> str:
    meta = eco.meta
    bits = [str(meta.get("name") or eco.name)]
    if meta.get("year"):
        bits.append(str(meta["year"]))
    if eco.year is not None:
        bits.append(_("as of {year}").format(year=eco.year))
    return ", ".join(bits)


def write_map(eco: Ecosystem, path: str | Path, **kwargs: Any) -> Path:
    """Write the interactive map of ``eco`` to ``path`` (keyword arguments as :func:`map_html`).

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem.
    path : str or Path
        The HTML file to write (one self-contained page).
    **kwargs
        ``analysis`` (a precomputed :class:`~instnet.analysis.core.Analysis`),
        ``max_hops``, ``service``, ``focus``, ``remove``, ``include_private``,
        ``group_threshold``, ``max_institutions``: see :func:`map_html`.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> from instnet import read_dataset
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     page = write_map(read_dataset("jamaica"), Path(tmp) / "map.html").read_text(encoding="utf-8")
    >>> page.startswith("<!DOCTYPE html>")
    True
    """
    path = Path(path)
    text = map_html(eco, **kwargs)
    with atomic_file(path) as handle:
        handle.write(text)
    return path


__all__ = ["csp", "map_context", "map_html", "raw_text", "render_map", "safe_json", "to_pyvis", "vendor_assets",
           "vis_options", "write_map"]

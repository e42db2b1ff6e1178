"""GraphML, GEXF and JSON exports of an ecosystem with its analysis results.

Every export carries the same allow-listed actor attributes as the interactive map
(:func:`instnet.render.views.actor_frame`): private actors appear under a neutral id and
label, without name, description or coordinates, unless ``include_private``.
Links keep ``type``, ``weight``, ``since``, ``until`` and whether they are a referral
channel; the JSON export adds the best referral path of every need.
"""

from __future__ import annotations

import json
import re
import math
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from .. import __version__
from ..model import Ecosystem
from ..schema import LINK_RULES
from ..analysis.core import Analysis
from ..io.outfile import atomic_file
from .views import actor_frame, display_ids, display_name

#: Node attributes in export order (those present for an ecosystem are written).
NODE_FIELDS = ("label", "kind", "region", "sector", "size", "capacity", "description", "lat", "lon",
               "private", "offers", "needs", "needs_served", "needs_unmet", "coverage", "unmet_services",
               "impact", "load", "utilisation", "betweenness", "articulation")
FORMATS = ("graphml", "gexf", "json")


def _clean(value: Any) -> Any:
    """A plain Python scalar (or list) for an attribute; ``None`` when empty."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, tuple | list):
        return [str(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def node_records(eco: Ecosystem, analysis: Analysis | None, *, include_private: bool = False) -> list[dict]:
    """One dict per actor: ``id`` plus the allow-listed fields (empty ones left out).

    Examples
    --------
    >>> from instnet import read_dataset
    >>> recs = node_records(read_dataset("jamaica"), None)
    >>> recs[0]["id"], recs[0]["kind"]
    ('jampro', 'policy_body')
    """
    frame = actor_frame(eco, analysis, include_private=include_private)
    out = []
    cols = [c for c in NODE_FIELDS if c in frame.columns]
    for disp_id, row in zip(frame.index, frame[cols].itertuples(index=False, name=None)):
        rec: dict[str, Any] = {"id": str(disp_id)}
        for col, value in zip(cols, row):
            v = _clean(value)
            if v is None or v == "":
                continue
            if col in ("needs_served", "needs_unmet", "capacity"):
                v = int(v)
            elif col in ("impact", "load") and isinstance(v, float) and v.is_integer():
                v = int(v)
            rec[col] = v
        out.append(rec)
    return out


def link_records(eco: Ecosystem, *, include_private: bool = False) -> list[dict]:
    """One dict per link, endpoints as display ids."""
    disp = display_ids(eco, include_private=include_private)
    links = eco.links
    out = []
    for s, t, typ, w, since, until in zip(links["source"], links["target"], links["type"], links["weight"],
                                         links["since"], links["until"]):
        rec = {"source": str(disp[s]), "target": str(disp[t]), "type": str(typ), "weight": float(w),
               "referral": LINK_RULES[typ][2] is not None}
        for k, v in (("since", since), ("until", until)):
            v = _clean(v)
            if v is not None:
                rec[k] = int(v)
        out.append(rec)
    return out


def export_graph(eco: Ecosystem, analysis: Analysis | None = None, *, include_private: bool = False,
                 max_hops: int = 4) -> nx.MultiDiGraph:
    """The ecosystem as a networkx MultiDiGraph with GraphML/GEXF-friendly attributes.

    Lists become semicolon-separated text; empty values are left out.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> G = export_graph(read_dataset("jamaica"))
    >>> G.nodes["jampro"]["kind"], G.graph["country"]
    ('policy_body', 'Jamaica')
    """
    if analysis is None:
        analysis = Analysis(eco, max_hops=max_hops)
    G = nx.MultiDiGraph()
    G.graph.update(_graph_meta(eco, analysis))
    types: dict[str, type] = {}
    nodes = node_records(eco, analysis, include_private=include_private)
    for rec in nodes:
        attrs = {}
        for k, v in rec.items():
            if k == "id":
                continue
            if isinstance(v, list):
                v = ";".join(v)
            elif isinstance(v, bool):
                pass
            elif isinstance(v, int) and k in ("lat", "lon", "coverage", "utilisation", "betweenness"):
                v = float(v)
            types.setdefault(k, type(v))
            if types[k] is float and isinstance(v, int) and not isinstance(v, bool):
                v = float(v)
            attrs[k] = v
        G.add_node(rec["id"], **attrs)
    for i, rec in enumerate(link_records(eco, include_private=include_private)):
        G.add_edge(rec["source"], rec["target"], key=i, **{k: v for k, v in rec.items()
                                                          if k not in ("source", "target")})
    return G


def _graph_meta(eco: Ecosystem, analysis: Analysis) -> dict[str, Any]:
    meta = {"name": eco.name, "country": str(eco.meta.get("country") or display_name(eco)),
            "generator": f"instnet {__version__}", "max_hops": analysis.max_hops}
    if eco.meta.get("year"):
        meta["year"] = int(eco.meta["year"])
    meta["as_of"] = "all" if eco.year is None else int(eco.year)  # the year the analysis describes
    p = analysis.paths
    meta["needs"] = len(p)
    meta["served"] = int(p["served"].sum())
    meta["coverage"] = float(meta["served"] / len(p)) if len(p) else 0.0
    return meta


def export_json(eco: Ecosystem, analysis: Analysis | None = None, *, include_private: bool = False,
                max_hops: int = 4) -> dict[str, Any]:
    """The ecosystem, its analysis and every need's best referral path as a JSON-able dict."""
    if analysis is None:
        analysis = Analysis(eco, max_hops=max_hops)
    disp = display_ids(eco, include_private=include_private)
    out: dict[str, Any] = {
        **_graph_meta(eco, analysis),
        "meta": {k: _clean(v) for k, v in eco.meta.items()},
        "services": [{"id": str(i), "name": str(n), "category": str(c)}
                     for i, n, c in zip(eco.services.index, eco.services["name"], eco.services["category"])],
        "nodes": node_records(eco, analysis, include_private=include_private),
        "links": link_records(eco, include_private=include_private),
    }
    p = analysis.paths
    out["referrals"] = [
        {"actor": str(disp[a]), "service": str(s), "served": bool(ok),
         "provider": str(disp[prov]) if prov else "", "hops": _clean(h), "strength": _clean(st),
         "path": [str(disp[n]) for n in path]}
        for a, s, ok, prov, h, st, path in zip(p["actor"], p["service"], p["served"], p["provider"],
                                              p["hops"], p["strength"], p["path"])
    ]
    return out


def write_export(eco: Ecosystem, fmt: str, path: str | Path, *, include_private: bool = False,
                 max_hops: int = 4, analysis: Analysis | None = None) -> Path:
    """Write ``eco`` as ``graphml``, ``gexf`` or ``json`` to ``path``."""
    path = Path(path)
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if analysis is None:
        analysis = Analysis(eco, max_hops=max_hops)
    if fmt == "json":
        data = export_json(eco, analysis, include_private=include_private)
        text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        with atomic_file(path) as handle:
            handle.write(text)
        return path
    G = xml_safe(export_graph(eco, analysis, include_private=include_private))
    with atomic_file(path, mode="wb") as handle:
        if fmt == "graphml":
            nx.write_graphml(G, handle, encoding="utf-8")
        else:
            nx.write_gexf(G, handle, encoding="utf-8")
    return path


# Characters XML 1.0 cannot carry, even escaped: C0 controls but tab, LF and CR;
# lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: Any) -> Any:
    r"""``value`` with every character XML 1.0 forbids written out as ``\xNN`` (other values unchanged).

    Examples
    --------
    >>> xml_text("a\x01b\x1b"), xml_text(3)
    ('a\\x01b\\x1b', 3)
    """
    if isinstance(value, str) and _NOT_XML.search(value):
        return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                            else f"\\u{ord(m.group()):04x}", value)
    return value


def xml_safe(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``G`` whose ids and text attributes are all :func:`xml_text` (GraphML and GEXF parse)."""
    H = nx.MultiDiGraph()
    H.graph.update({xml_text(k): xml_text(v) for k, v in G.graph.items()})
    H.add_nodes_from((xml_text(n), {k: xml_text(v) for k, v in d.items()}) for n, d in G.nodes(data=True))
    H.add_edges_from((xml_text(u), xml_text(v), key, {k: xml_text(x) for k, x in d.items()})
                     for u, v, key, d in G.edges(keys=True, data=True))
    return H

"""What the interactive map and the exports draw: allow-listed, analysed actor data.

Nothing here writes HTML. :func:`analyse` runs the analytics the views need (best
referral paths, bottlenecks) and degrades to a note when a module is missing;
:func:`actor_frame` is the one allow-list of actor fields every output uses (the
map, GraphML, GEXF, JSON); :func:`build_view` turns an ecosystem into the nodes and
edges of one map view (plain dicts in vis-network's vocabulary) plus the legend,
filter choices and the sentences that say what the view shows.

Private actors (``private`` true) get a neutral id (``private-N``) and label
(``Enterprise (private)``) and lose their name, description and coordinates unless
``include_private`` is given.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import UnknownIdError
from .model import Ecosystem
from .schema import INSTITUTION_KINDS, KINDS, LINK_RULES, LINK_TYPES

log = logging.getLogger(__name__)

#: Colour (Okabe-Ito, colour-blind safe), vis-network shape and legend text per kind.
KIND_STYLE: dict[str, tuple[str, str, str]] = {
    "enterprise": ("#56B4E9", "dot", "Enterprise"),
    "network": ("#0072B2", "diamond", "Network / cluster"),
    "broker": ("#E69F00", "star", "Network broker"),
    "bds_provider": ("#009E73", "square", "BDS provider"),
    "specialized_centre": ("#CC79A7", "triangle", "Specialised centre"),
    "policy_body": ("#D55E00", "hexagon", "Policy body"),
    "association": ("#F0E442", "triangleDown", "Association"),
    "donor": ("#999999", "dot", "Donor"),
}
GROUP_KINDS = {"enterprise": "enterprise_group", "network": "network_group"}
GROUP_STYLE: dict[str, tuple[str, str, str]] = {
    "enterprise_group": ("#56B4E9", "dot", "Enterprises of a region × sector"),
    "network_group": ("#0072B2", "diamond", "Networks of a region × sector"),
}

#: vis-network edge style and legend text per link type. Referral channels are
#: solid (or long-dashed when both ways); other links are dotted and lighter.
LINK_STYLE: dict[str, dict[str, Any]] = {
    "member_of": {"color": "#7f7f7f", "dashes": False, "width": 1, "arrows": "to", "label": "member of"},
    "client_of": {"color": "#3a6fd8", "dashes": False, "width": 1.5, "arrows": "to", "label": "client of"},
    "brokered_by": {"color": "#8e44ad", "dashes": False, "width": 1.5, "arrows": "to", "label": "brokered by"},
    "refers_to": {"color": "#c77c00", "dashes": False, "width": 2, "arrows": "to", "label": "refers to"},
    "coordinates": {"color": "#b34700", "dashes": [10, 4], "width": 3, "arrows": "to",
                    "label": "coordinates (both ways)"},
    "partners_with": {"color": "#00795a", "dashes": [10, 4], "width": 2, "arrows": "",
                      "label": "partners with (both ways)"},
    "funds": {"color": "#b8a000", "dashes": [2, 5], "width": 1, "arrows": "to", "label": "funds (not a referral)"},
    "trains": {"color": "#1aa3b5", "dashes": [2, 5], "width": 1, "arrows": "to", "label": "trains (not a referral)"},
    "supplies": {"color": "#8d6e63", "dashes": [2, 5], "width": 1, "arrows": "to",
                 "label": "supplies (not a referral)"},
}
UNMET_BORDER = "#c00000"
CUTOFF_BORDER = "#ff00aa"
PATH_COLOUR = "#202020"

#: Above this many enterprises the map draws region × sector groups instead.
DEFAULT_GROUP_THRESHOLD = 300


# --------------------------------------------------------------------------------------
# analysis


@dataclass
class Analysis:
    """The analytic results a view or export shows (``None`` where not available)."""

    max_hops: int
    paths: pd.DataFrame | None = None
    institutions: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def size_by(self) -> str:
        if self.institutions is not None and "impact" in self.institutions:
            return "impact"
        if self.paths is not None:
            return "load"
        return "degree"


def analyse(eco: Ecosystem, *, max_hops: int = 4, bottlenecks: bool = True) -> Analysis:
    """Run the analytics a view needs; a missing analytics module becomes a note.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> a = analyse(read_dataset("jamaica"))
    >>> a.max_hops
    4
    """
    out = Analysis(max_hops=max_hops)
    try:
        from .referrals import best_paths
    except ImportError:  # the referral engine has not landed
        out.notes.append("Referral analysis is not available in this installation: "
                         "coverage and unmet needs are not shown.")
        return out
    out.paths = best_paths(eco, max_hops=max_hops)
    if bottlenecks:
        out.institutions = _bottlenecks(eco, max_hops, out)
    return out


def _bottlenecks(eco: Ecosystem, max_hops: int, out: Analysis) -> pd.DataFrame | None:
    try:
        from .bottlenecks import bottlenecks
    except ImportError:
        out.notes.append("Bottleneck analysis is not available: institutions are sized by load.")
        return None
    frame = bottlenecks(eco, max_hops=max_hops, paths=out.paths)
    if "id" in frame.columns:
        frame = frame.set_index("id")
    return frame


def load_from_paths(paths: pd.DataFrame) -> pd.Series:
    """Load per institution: served needs whose best path passes through or ends at it.

    Examples
    --------
    >>> p = pd.DataFrame({"served": [True, True, False],
    ...                   "path": [("e", "b", "p"), ("e", "p"), ()]})
    >>> load_from_paths(p).to_dict()
    {'b': 1, 'p': 2}
    """
    counts: dict[str, int] = defaultdict(int)
    for path in paths.loc[paths["served"].to_numpy(dtype=bool), "path"]:
        for node in path[1:]:
            counts[node] += 1
    return pd.Series(dict(sorted(counts.items())), dtype="int64")


# --------------------------------------------------------------------------------------
# the allow-list of actor fields


def display_ids(eco: Ecosystem, *, include_private: bool) -> pd.Series:
    """Map actor id -> id shown in outputs (``private-N`` for private actors).

    Examples
    --------
    >>> eco = Ecosystem.from_records(actors=[
    ...     {"id": "a", "name": "A", "kind": "enterprise", "private": "true"},
    ...     {"id": "b", "name": "B", "kind": "enterprise"}])
    >>> display_ids(eco, include_private=False).to_dict()
    {'a': 'private-1', 'b': 'b'}
    """
    ids = pd.Series(eco.actors.index.to_numpy(dtype=object), index=eco.actors.index, dtype=object)
    if include_private:
        return ids
    private = eco.actors["private"].to_numpy(dtype=bool)
    if private.any():
        ids = ids.copy()
        ids[private] = [f"private-{i}" for i in range(1, int(private.sum()) + 1)]
    return ids


def actor_frame(eco: Ecosystem, analysis: Analysis | None = None, *, include_private: bool = False) -> pd.DataFrame:
    """The allow-listed attributes and analysis results of every actor.

    Index: the actor's display id. Columns: ``actor`` (the real id, for internal
    joins; drop before output), ``label``, ``kind``, ``region``, ``sector``, ``size``,
    ``capacity``, ``description``, ``lat``, ``lon``, ``private``, ``offers`` and
    ``needs`` (tuples of service ids), and where analysed ``needs_served``,
    ``needs_unmet``, ``coverage``, ``unmet_services``, ``impact``, ``load``,
    ``utilisation``, ``betweenness``, ``articulation``. A private actor's label is
    its kind and ``(private)``; its description and coordinates are blank.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> f = actor_frame(read_dataset("jamaica"))
    >>> f.loc["jampro", "kind"]
    'policy_body'
    """
    a = eco.actors
    disp = display_ids(eco, include_private=include_private)
    private = a["private"].to_numpy(dtype=bool)
    hide = private & (not include_private)
    kind_label = a["kind"].map(lambda k: KIND_STYLE[k][2])
    label = np.where(hide, (kind_label + " (private)").to_numpy(dtype=object), a["name"].to_numpy(dtype=object))
    frame = pd.DataFrame({
        "actor": a.index.to_numpy(dtype=object),
        "label": label,
        "kind": a["kind"].to_numpy(dtype=object),
        "region": a["region"].to_numpy(dtype=object),
        "sector": a["sector"].to_numpy(dtype=object),
        "size": a["size"].to_numpy(dtype=object),
        "capacity": a["capacity"].to_numpy(),
        "description": np.where(hide, "", a["description"].to_numpy(dtype=object)),
        "lat": np.where(hide, np.nan, a["lat"].to_numpy(dtype=float)),
        "lon": np.where(hide, np.nan, a["lon"].to_numpy(dtype=float)),
        "private": private,
    }, index=pd.Index(disp.to_numpy(dtype=object), name="id"))
    frame["capacity"] = frame["capacity"].astype("Int64")
    offers = eco.offers.groupby("actor", sort=False)["service"].agg(lambda s: tuple(sorted(set(s))))
    needs = eco.needs.groupby("actor", sort=False)["service"].agg(lambda s: tuple(sorted(set(s))))
    frame["offers"] = _tuples(frame["actor"].map(offers))
    frame["needs"] = _tuples(frame["actor"].map(needs))
    if analysis is None or analysis.paths is None:
        return frame
    p = analysis.paths
    served = p["served"].to_numpy(dtype=bool)
    n_needs = p.groupby("actor", sort=False).size()
    n_served = pd.Series(served, index=p.index).groupby(p["actor"].to_numpy(), sort=False).sum()
    frame["needs_served"] = frame["actor"].map(n_served).fillna(0).astype("int64")
    total = frame["actor"].map(n_needs).fillna(0).astype("int64")
    frame["needs_unmet"] = total - frame["needs_served"]
    frame["coverage"] = np.where(total > 0, frame["needs_served"] / total.where(total > 0, 1), np.nan)
    unmet = p[~served].groupby("actor", sort=False)["service"].agg(lambda s: tuple(sorted(set(s))))
    frame["unmet_services"] = _tuples(frame["actor"].map(unmet))
    inst = analysis.institutions
    if inst is not None:
        for col in ("impact", "load", "utilisation", "betweenness", "articulation"):
            if col in inst.columns:
                frame[col] = frame["actor"].map(inst[col])
    if "load" not in frame.columns:
        frame["load"] = frame["actor"].map(load_from_paths(p))
    is_inst = frame["kind"].isin(INSTITUTION_KINDS).to_numpy()
    load = frame["load"].astype("float64")
    frame["load"] = np.where(is_inst, load.fillna(0.0), np.nan)
    if "utilisation" not in frame.columns:
        cap = frame["capacity"].astype("float64")
        frame["utilisation"] = np.where(is_inst & (cap > 0), frame["load"].astype(float) / cap, np.nan)
    return frame


def _tuples(series: pd.Series) -> list[tuple]:
    return [v if isinstance(v, tuple) else () for v in series.to_numpy(dtype=object)]


# --------------------------------------------------------------------------------------
# map views


@dataclass
class View:
    """One map view: vis-network nodes and edges plus everything around them."""

    title: str
    subtitle: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    services: list[tuple[str, str]]
    regions: list[str]
    legend_kinds: list[dict[str, str]]
    legend_links: list[dict[str, Any]]
    service_nodes: dict[str, list[str]] = field(default_factory=dict)
    service_edges: dict[str, list[int]] = field(default_factory=dict)
    preselect_service: str = ""
    grouped: bool = False
    size_by: str = "degree"
    details: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    marks: list[dict[str, str]] = field(default_factory=list)

    def data(self) -> dict[str, Any]:
        """The JSON-able data the page script reads."""
        return {
            "nodes": self.nodes, "edges": self.edges,
            "serviceNodes": self.service_nodes, "serviceEdges": self.service_edges,
            "serviceNames": dict(self.services),
            "preselectService": self.preselect_service, "grouped": self.grouped,
        }


def _suggest(value: str, choices: Iterable[str]) -> list[str]:
    import difflib

    return difflib.get_close_matches(value, [str(c) for c in choices], n=3)


def build_view(
    eco: Ecosystem,
    *,
    analysis: Analysis | None = None,
    max_hops: int = 4,
    service: str | None = None,
    focus: str | None = None,
    remove: str | None = None,
    include_private: bool = False,
    group_threshold: int = DEFAULT_GROUP_THRESHOLD,
) -> View:
    """Build one view of the map.

    ``service`` preselects the service filter (its providers, needs and referral
    paths); ``focus`` draws one actor's best referral paths only; ``remove`` draws the
    ecosystem without one institution and marks who is cut off. Above
    ``group_threshold`` enterprises (or networks), they are drawn as one node per
    region x sector.

    Raises
    ------
    UnknownIdError
        For a service or actor id that is not in the ecosystem.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> v = build_view(read_dataset("jamaica"))
    >>> len(v.nodes) == len(read_dataset("jamaica").actors)
    True
    """
    if service is not None and service not in eco.services.index:
        raise UnknownIdError("service", service, _suggest(service, eco.services.index))
    for what, actor in (("actor", focus), ("actor", remove)):
        if actor is not None and actor not in eco.actors.index:
            raise UnknownIdError(what, actor, _suggest(actor, eco.actors.index))
    if focus is not None and remove is not None:
        from .errors import UsageError

        raise UsageError("--focus and --remove draw different views; give one of them")
    if analysis is None:
        analysis = analyse(eco, max_hops=max_hops)
    frame = actor_frame(eco, analysis, include_private=include_private)
    disp = pd.Series(frame.index.to_numpy(dtype=object), index=frame["actor"].to_numpy(dtype=object))
    services = [(str(i), str(n)) for i, n in zip(eco.services.index, eco.services["name"])]
    svc_name = dict(services)
    notes = list(analysis.notes)
    name = display_name(eco)
    details: list[str] = []
    marks: dict[str, str] = {}   # real actor id -> mark ("focus", "removed", "cutoff")
    cut_needs: dict[str, list[str]] = {}

    if focus is not None:
        return _focus_view(eco, analysis, frame, disp, focus, svc_name, services, notes)

    if remove is not None:
        if analysis.paths is None:
            notes.append("Who is cut off cannot be computed without the referral analysis.")
        else:
            from .referrals import best_paths

            after = best_paths(eco.without([remove]), max_hops=analysis.max_hops)
            before = analysis.paths
            key_b = before[before["served"].to_numpy(dtype=bool)][["actor", "service"]]
            key_a = after[after["served"].to_numpy(dtype=bool)][["actor", "service"]]
            lost = key_b.merge(key_a, how="left", indicator=True)
            lost = lost[lost["_merge"] == "left_only"]
            lost = lost[lost["actor"] != remove]
            for actor, svc in zip(lost["actor"], lost["service"]):
                cut_needs.setdefault(actor, []).append(svc)
        marks[remove] = "removed"
        for actor in cut_needs:
            marks[actor] = "cutoff"

    n_ent = int((eco.actors["kind"] == "enterprise").sum())
    n_net = int((eco.actors["kind"] == "network").sum())
    group = {k for k, n in (("enterprise", n_ent), ("network", n_net)) if n > group_threshold}
    nodes, node_of = _nodes(frame, analysis, group, marks, cut_needs, svc_name)
    edges = _edges(eco, disp, node_of)
    service_nodes, service_edges = _service_highlights(eco, analysis, frame, disp, node_of, edges)

    n_act = len(eco.actors)
    if group:
        what = " and ".join(sorted(f"{k}s" for k in group))
        shown = (f"{len(nodes)} nodes: institutions one by one, {what} grouped by region × sector "
                 f"(more than {group_threshold}); group size = count, colour = share of needs served")
    else:
        shown = f"all {n_act} actors and {len(eco.links)} links"
    sized = {"impact": "institutions sized by impact (needs lost if removed)",
             "load": "institutions sized by load (served needs routed through them)",
             "degree": "institutions sized by number of links"}[analysis.size_by]
    if analysis.paths is not None:
        p = analysis.paths
        served = int(p["served"].sum())
        cov = f"{served} of {len(p)} needs served ({_pct(served, len(p))}) within {analysis.max_hops} hops"
        unmet_line = "red ring = actor with unmet needs"
    else:
        cov, unmet_line = "coverage not analysed", ""
    title = f"{name}: SME support network"
    subtitle = "; ".join(x for x in (f"Shows {shown}", sized, cov, unmet_line) if x) + "."
    if service is not None:
        title = f"{name}: {svc_name[service]}"
        subtitle = (f"Shows who offers {svc_name[service]} (green ring), who needs it (red ring = unmet) "
                    f"and the best referral paths (dark links); clear the service filter to see all actors. "
                    + subtitle)
    if remove is not None:
        rlabel = frame.loc[disp[remove], "label"]
        n_cut = sum(len(v) for v in cut_needs.values())
        title = f"{name} without {rlabel}"
        subtitle = (f"Shows the network with {rlabel} removed (grey, dashed): {n_cut} needs of "
                    f"{len(cut_needs)} actors lose their referral path (magenta ring). " + subtitle)
        for actor, svcs in sorted(cut_needs.items(), key=lambda kv: str(disp[kv[0]])):
            details.append(f"{frame.loc[disp[actor], 'label']}: "
                           + ", ".join(svc_name.get(s, s) for s in sorted(svcs)))
        if not cut_needs and analysis.paths is not None:
            details.append("Nobody is cut off: every need served before is still served.")
    return View(
        title=title, subtitle=subtitle, nodes=nodes, edges=edges, services=services,
        regions=sorted({str(r) for r in eco.actors["region"] if str(r)}),
        legend_kinds=_legend_kinds(eco, group), legend_links=_legend_links(eco),
        service_nodes=service_nodes, service_edges=service_edges,
        preselect_service=service or "", grouped=bool(group), size_by=analysis.size_by,
        details=details, notes=notes, marks=_legend_marks(analysis, remove is not None),
    )


def display_name(eco: Ecosystem) -> str:
    """The name a reader sees: the country when known, else the ecosystem's name.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> display_name(read_dataset("jamaica"))
    'Jamaica'
    """
    return str(eco.meta.get("country") or eco.name)


def _pct(a: float, b: float) -> str:
    return f"{100.0 * a / b:.0f} %" if b else "n/a"


def coverage_colour(cov: float | None) -> str:
    """Red (0) - amber (0.5) - green (1); grey when unknown."""
    if cov is None or (isinstance(cov, float) and math.isnan(cov)):
        return "#bdbdbd"
    stops = [(0.0, (0xd7, 0x30, 0x27)), (0.5, (0xfe, 0xe0, 0x8b)), (1.0, (0x1a, 0x98, 0x50))]
    for (x0, c0), (x1, c1) in zip(stops, stops[1:]):
        if cov <= x1:
            t = (cov - x0) / (x1 - x0)
            rgb = [round(a + (b - a) * t) for a, b in zip(c0, c1)]
            return "#%02x%02x%02x" % tuple(rgb)
    return "#1a9850"


def _num(v: Any) -> float | None:
    if v is None or v is pd.NA:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _tooltip(row: pd.Series, svc_name: dict[str, str], size_by: str, extra: Sequence[str] = ()) -> str:
    kind = KIND_STYLE[row["kind"]][2]
    where = " · ".join(x for x in (kind, str(row["region"]), str(row["sector"])) if x)
    lines = [str(row["label"]), where]
    if row["offers"]:
        lines.append("Offers: " + ", ".join(svc_name.get(s, s) for s in row["offers"]))
    if row["needs"]:
        unmet = set(row.get("unmet_services", ()) or ())
        lines.append("Needs: " + ", ".join(svc_name.get(s, s) + (" (unmet)" if s in unmet else "")
                                           for s in row["needs"]))
        cov = _num(row.get("coverage"))
        if cov is not None:
            lines.append(f"Coverage: {int(row['needs_served'])} of {int(row['needs_served'] + row['needs_unmet'])}"
                         f" needs served ({cov * 100:.0f} %)")
    for col, text in (("impact", "Impact: {:.0f} needs lost if removed"),
                      ("load", "Load: {:.0f} served needs routed through it"),
                      ("utilisation", "Utilisation: {:.0%} of capacity")):
        v = _num(row.get(col))
        if v is not None and row["kind"] in INSTITUTION_KINDS:
            lines.append(text.format(v))
    lines.extend(extra)
    return "\n".join(lines)


def _size(value: float | None, top: float, lo: float = 14, hi: float = 42) -> float:
    if value is None or top <= 0:
        return lo
    return round(lo + (hi - lo) * math.sqrt(max(value, 0) / top), 1)


def _nodes(frame: pd.DataFrame, analysis: Analysis, group: set[str], marks: dict[str, str],
           cut_needs: dict[str, list[str]], svc_name: dict[str, str]) -> tuple[list[dict], dict[str, str]]:
    """vis nodes (allow-listed fields only) and real actor id -> drawn node id."""
    size_by = analysis.size_by
    is_inst = frame["kind"].isin(INSTITUTION_KINDS).to_numpy()
    if size_by in frame.columns:
        metric = frame[size_by].astype("float64")
    else:  # degree: number of links
        metric = pd.Series(0.0, index=frame.index)
    top = float(metric[is_inst].max()) if is_inst.any() and metric[is_inst].notna().any() else 0.0
    nodes: list[dict] = []
    node_of: dict[str, str] = {}
    grouped_mask = frame["kind"].isin(group).to_numpy()
    for disp_id, row in frame[~grouped_mask].iterrows():
        kind = row["kind"]
        colour, shape, _ = KIND_STYLE[kind]
        unmet = tuple(row.get("unmet_services", ()) or ())
        mark = marks.get(row["actor"], "")
        border, bw = "#333333", 1
        if unmet:
            border, bw = UNMET_BORDER, 4
        extra: list[str] = []
        if mark == "cutoff":
            border, bw = CUTOFF_BORDER, 5
            extra.append("Cut off from: " + ", ".join(svc_name.get(s, s) for s in sorted(cut_needs[row["actor"]])))
        if kind in INSTITUTION_KINDS:
            size = _size(_num(metric.get(disp_id)), top)
        else:
            size = 10 if kind == "enterprise" else 14
        node = {
            "id": str(disp_id), "label": str(row["label"]), "kind": kind, "region": str(row["region"]),
            "sector": str(row["sector"]), "shape": shape, "size": size, "borderWidth": bw,
            "color": {"background": colour, "border": border,
                      "highlight": {"background": colour, "border": "#000000"}},
            "offers": list(row["offers"]), "needs": list(row["needs"]), "unmet": list(unmet),
            "mark": mark, "tip": _tooltip(row, svc_name, size_by, extra),
        }
        if mark == "removed":
            node["color"] = {"background": "#e0e0e0", "border": "#777777",
                             "highlight": {"background": "#e0e0e0", "border": "#000000"}}
            node["shapeProperties"] = {"borderDashes": [4, 3]}
            node["borderWidth"] = 3
            node["tip"] += "\nREMOVED in this view"
        nodes.append(node)
        node_of[row["actor"]] = str(disp_id)
    if grouped_mask.any():
        g = frame[grouped_mask]
        reg = g["region"].astype(str)
        sec = g["sector"].astype(str)
        gid = ("group:" + g["kind"].map(GROUP_KINDS) + ":" + reg + "|" + sec).to_numpy(dtype=object)
        node_of.update(zip(g["actor"].to_numpy(dtype=object), gid))
        has = "needs_served" in g.columns
        agg_cols = {"count": ("actor", "size")}
        if has:
            agg_cols.update(served=("needs_served", "sum"), unmet_n=("needs_unmet", "sum"))
        tab = g.assign(gid=gid).groupby("gid", sort=True).agg(kind=("kind", "first"), region=("region", "first"),
                                                              sector=("sector", "first"), **agg_cols)
        needs = g.assign(gid=gid).groupby("gid", sort=True)["needs"].agg(lambda s: sorted(set().union(*s)))
        if has:
            unm = g.assign(gid=gid).groupby("gid", sort=True)["unmet_services"].agg(
                lambda s: sorted(set().union(*s)))
        cut_by_gid: dict[str, int] = defaultdict(int)
        for actor in cut_needs:
            if actor in node_of and str(node_of[actor]).startswith("group:"):
                cut_by_gid[node_of[actor]] += 1
        top_count = float(tab["count"].max())
        for gid_, row in tab.iterrows():
            gkind = GROUP_KINDS[row["kind"]]
            _, shape, _ = GROUP_STYLE[gkind]
            count = int(row["count"])
            n_needs = int(row["served"] + row["unmet_n"]) if has else 0
            cov = (row["served"] / n_needs) if has and n_needs else None
            kind_word = "enterprises" if row["kind"] == "enterprise" else "networks"
            label = f"{row['region'] or 'no region'} · {row['sector'] or 'no sector'} ({count})"
            lines = [f"{count} {kind_word}", f"Region: {row['region'] or '—'} · sector: {row['sector'] or '—'}"]
            if needs[gid_]:
                lines.append("Needs: " + ", ".join(svc_name.get(s, s) for s in needs[gid_][:12])
                             + (" …" if len(needs[gid_]) > 12 else ""))
            if cov is not None:
                lines.append(f"Coverage: {int(row['served'])} of {n_needs} needs served ({cov * 100:.0f} %)")
            unmet = unm[gid_] if has else []
            border, bw = ("#333333", 1)
            if unmet:  # colour already shows coverage: no red ring on groups
                lines.append("Unmet: " + ", ".join(svc_name.get(s, s) for s in unmet[:12])
                             + (" …" if len(unmet) > 12 else ""))
            if cut_by_gid.get(gid_):
                border, bw = CUTOFF_BORDER, 5
                lines.append(f"{cut_by_gid[gid_]} {kind_word} cut off")
            fill = coverage_colour(cov)
            nodes.append({
                "id": str(gid_), "label": label, "kind": gkind, "region": str(row["region"]),
                "sector": str(row["sector"]), "shape": shape,
                "size": _size(count, top_count, 10, 48), "borderWidth": bw,
                "color": {"background": fill, "border": border,
                          "highlight": {"background": fill, "border": "#000000"}},
                "offers": [], "needs": list(needs[gid_]), "unmet": list(unmet), "count": count,
                "mark": "cutoff" if cut_by_gid.get(gid_) else "", "tip": "\n".join(lines),
            })
    return nodes, node_of


def _edges(eco: Ecosystem, disp: pd.Series, node_of: dict[str, str]) -> list[dict]:
    """One vis edge per link (aggregated between groups, with a count)."""
    links = eco.links
    src = links["source"].map(node_of).to_numpy(dtype=object)
    tgt = links["target"].map(node_of).to_numpy(dtype=object)
    df = pd.DataFrame({"from": src, "to": tgt, "type": links["type"].to_numpy(dtype=object),
                       "weight": links["weight"].to_numpy(dtype=float)})
    df = df[df["from"] != df["to"]]
    agg = (df.groupby(["from", "to", "type"], sort=False)
             .agg(count=("weight", "size"), weight=("weight", "max")).reset_index())
    order = {t: i for i, t in enumerate(LINK_TYPES)}
    agg = agg.assign(o=agg["type"].map(order)).sort_values(["o", "from", "to"], kind="stable")
    edges = []
    for i, (f, t, typ, count, w) in enumerate(zip(agg["from"], agg["to"], agg["type"], agg["count"],
                                                   agg["weight"])):
        st = LINK_STYLE[typ]
        width = st["width"] if count == 1 else round(st["width"] + 1.5 * math.log2(count), 1)
        tip = st["label"].split(" (")[0] + (f" · {count} links" if count > 1 else "") + f" · weight {w:.2f}"
        e = {"id": i, "from": str(f), "to": str(t), "type": typ, "width": width,
             "color": {"color": st["color"], "highlight": "#000000", "opacity": 0.85},
             "dashes": st["dashes"], "arrows": st["arrows"], "tip": tip}
        edges.append(e)
    return edges


def _service_highlights(eco: Ecosystem, analysis: Analysis, frame: pd.DataFrame, disp: pd.Series,
                        node_of: dict[str, str], edges: list[dict]) -> tuple[dict, dict]:
    """Per service: drawn nodes involved (offer, need, on a best path) and path edges."""
    nodes: dict[str, set[str]] = defaultdict(set)
    for actor, svc in zip(eco.offers["actor"], eco.offers["service"]):
        if actor in node_of:
            nodes[svc].add(node_of[actor])
    for actor, svc in zip(eco.needs["actor"], eco.needs["service"]):
        if actor in node_of:
            nodes[svc].add(node_of[actor])
    edge_ids: dict[str, set[int]] = defaultdict(set)
    if analysis.paths is not None:
        by_pair: dict[tuple[str, str], list[int]] = defaultdict(list)
        both = {t for t, r in LINK_RULES.items() if r[2] == "both"}
        for e in edges:
            if LINK_RULES[e["type"]][2] is None:
                continue
            by_pair[(e["from"], e["to"])].append(e["id"])
            if e["type"] in both:
                by_pair[(e["to"], e["from"])].append(e["id"])
        p = analysis.paths
        served = p[p["served"].to_numpy(dtype=bool)]
        seen: set[tuple[str, tuple]] = set()
        for svc, path in zip(served["service"], served["path"]):
            mapped = tuple(node_of.get(n, "") for n in path)
            if (svc, mapped) in seen:
                continue
            seen.add((svc, mapped))
            nodes[svc].update(m for m in mapped if m)
            for u, v in zip(mapped, mapped[1:]):
                edge_ids[svc].update(by_pair.get((u, v), ()))
    return ({s: sorted(v) for s, v in sorted(nodes.items())},
            {s: sorted(v) for s, v in sorted(edge_ids.items())})


def _focus_view(eco: Ecosystem, analysis: Analysis, frame: pd.DataFrame, disp: pd.Series, focus: str,
                svc_name: dict[str, str], services: list, notes: list[str]) -> View:
    label = frame.loc[disp[focus], "label"]
    keep = {focus}
    details: list[str] = []
    if analysis.paths is None:
        notes.append("Referral paths cannot be drawn without the referral analysis.")
        rows = []
    else:
        p = analysis.paths
        rows = p[p["actor"] == focus]
    for svc, served, path, hops, strength in (
        (r["service"], bool(r["served"]), r["path"], r["hops"], r["strength"]) for _, r in
        (rows.iterrows() if len(rows) else iter(()))
    ):
        if served:
            keep.update(path)
            route = " → ".join(str(frame.loc[disp[n], "label"]) for n in path)
            details.append(f"{svc_name.get(svc, svc)}: {route} ({int(hops)} hops, strength {float(strength):.2f})")
        else:
            details.append(f"{svc_name.get(svc, svc)}: UNMET — no provider reachable within "
                           f"{analysis.max_hops} hops")
    if not details and analysis.paths is not None:
        kind = eco.actors.at[focus, "kind"]
        if kind in INSTITUTION_KINDS:
            # an institution: show the needs it serves (best paths ending or passing here)
            p = analysis.paths
            through = p[[focus in path[1:] for path in p["path"]]]
            for path in through["path"]:
                keep.update(path)
            details.append(f"{label} is on the best referral path of {len(through)} served needs.")
        else:
            details.append(f"{label} has no needs recorded.")
    sub = frame[frame["actor"].isin(keep)]
    nodes, node_of = _nodes(sub, analysis, set(), {focus: "focus"}, {}, svc_name)
    for n in nodes:
        if n["id"] == disp[focus]:
            n["borderWidth"] = 6
            n["color"]["border"] = "#000000"
            n["size"] = max(n["size"], 22)
    sub_eco = eco.replace_tables(links=eco.links[eco.links["source"].isin(keep) & eco.links["target"].isin(keep)]
                                 .reset_index(drop=True))
    edges = _edges(sub_eco, disp, node_of)
    s_nodes, s_edges = _service_highlights(
        eco.replace_tables(offers=eco.offers[eco.offers["actor"].isin(keep)],
                           needs=eco.needs[eco.needs["actor"] == focus]),
        Analysis(analysis.max_hops, analysis.paths[analysis.paths["actor"] == focus]
                 if analysis.paths is not None else None),
        sub, disp, node_of, edges)
    on_path = {i for ids in s_edges.values() for i in ids}
    for e in edges:
        if e["id"] in on_path:
            e["width"] = max(e["width"], 3) + 1
            e["color"] = {"color": PATH_COLOUR, "highlight": "#000000", "opacity": 1.0}
        else:
            e["color"]["opacity"] = 0.35
    n_served = sum(1 for d in details if "UNMET" not in d)
    return View(
        title=f"{display_name(eco)}: referral paths of {label}",
        subtitle=(f"Shows the best referral path (dark links) to a provider for each need of {label} "
                  f"(thick black ring), within {analysis.max_hops} hops; {len(details) - n_served} needs unmet."),
        nodes=nodes, edges=edges, services=services,
        regions=sorted({n["region"] for n in nodes if n["region"]}),
        legend_kinds=_legend_kinds(eco.replace_tables(actors=eco.actors.loc[sorted(keep)]), set()),
        legend_links=_legend_links(sub_eco), service_nodes=s_nodes, service_edges=s_edges,
        size_by=analysis.size_by, details=details, notes=notes, marks=_legend_marks(analysis, False),
    )


def _legend_kinds(eco: Ecosystem, group: set[str]) -> list[dict[str, str]]:
    present = set(eco.actors["kind"])
    out = []
    for k in KINDS:
        if k not in present:
            continue
        if k in group:
            gk = GROUP_KINDS[k]
            colour, shape, text = GROUP_STYLE[gk]
            out.append({"kind": gk, "colour": "#fee08b", "shape": shape, "text": text})
        else:
            colour, shape, text = KIND_STYLE[k]
            out.append({"kind": k, "colour": colour, "shape": shape, "text": text})
    return out


def _legend_links(eco: Ecosystem) -> list[dict[str, Any]]:
    present = set(eco.links["type"])
    return [{"type": t, "colour": LINK_STYLE[t]["color"], "width": LINK_STYLE[t]["width"],
             "dash": " ".join(str(x) for x in LINK_STYLE[t]["dashes"]) if LINK_STYLE[t]["dashes"] else "",
             "text": LINK_STYLE[t]["label"]} for t in LINK_TYPES if t in present]


def _legend_marks(analysis: Analysis, remove: bool) -> list[dict[str, str]]:
    out = []
    if analysis.paths is not None:
        out.append({"colour": UNMET_BORDER, "text": "ring: has needs no reachable provider serves"})
    if remove:
        out.append({"colour": CUTOFF_BORDER, "text": "ring: cut off by the removal"})
    out.append({"colour": "", "text": {"impact": "institution size: impact (needs lost if it is removed)",
                                       "load": "institution size: load (served needs routed through it)",
                                       "degree": "institution size: number of links"}[analysis.size_by]})
    return out

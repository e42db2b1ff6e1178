"""Map views: the whole ecosystem, one service, one actor's referral paths, or one institution removed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ...errors import UsageError, unknown_id
from ...analysis.reasons import describe_reason, unmet_reasons
from ...i18n import _, format_decimal, format_int, format_percent, ngettext
from ...model import Ecosystem, as_of_phrase as as_of_words
from ...schema import INSTITUTION_KINDS, REFERRAL_TYPES
from .actors import actor_frame, display_name
from ...analysis.core import Analysis
from .draw import service_highlights, vis_edges, vis_nodes
from .layout import LAYOUT_THRESHOLD, region_layout
from .style import (
    DEFAULT_GROUP_THRESHOLD, DEFAULT_MAX_INSTITUTIONS, PATH_COLOUR, legend_kinds, legend_links, legend_marks,
)


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
    layout: str = "physics"
    pooled: list[list[str]] = field(default_factory=list)
    hidden_types: list[str] = field(default_factory=list)
    region_labels: list[dict[str, Any]] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    marks: list[dict[str, str]] = field(default_factory=list)

    def data(self) -> dict[str, Any]:
        """The JSON-able data the page script reads."""
        return {
            "nodes": self.nodes, "edges": self.edges,
            "serviceNodes": self.service_nodes, "serviceEdges": self.service_edges,
            "serviceNames": dict(self.services),
            "preselectService": self.preselect_service, "grouped": self.grouped,
            "layout": self.layout, "regionLabels": self.region_labels, "pooled": self.pooled,
            "hiddenTypes": self.hidden_types,
        }


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
    max_institutions: int = DEFAULT_MAX_INSTITUTIONS,
) -> View:
    """Build one view of the map.

    ``service`` preselects the service filter (its providers, needs and referral
    paths); ``focus`` draws one actor's best referral paths only; ``remove`` draws the
    ecosystem without one actor and marks who is cut off (:meth:`Analysis.cut_off`).
    ``analysis`` is the :class:`~instnet.analysis.core.Analysis` of ``eco`` to draw
    (else one is made at ``max_hops``). Above
    ``group_threshold`` enterprises (or networks), they are drawn as one node per
    region x sector; above ``max_institutions`` institutions (0: no limit), only the
    ``max_institutions`` with the highest impact are drawn one by one and the others are pooled into one node per kind x region
    (their names stay searchable).

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
        raise unknown_id("service", service, eco.services.index)
    for what, actor in (("actor", focus), ("actor", remove)):
        if actor is not None and actor not in eco.actors.index:
            eco.require_active(actor, what=what)
            raise unknown_id(what, actor, eco.actors.index)
    if focus is not None and remove is not None:
        raise UsageError(_("focus and remove draw different views; give one of them"),
                         argument=("focus", "remove"))
    if analysis is None:
        analysis = Analysis(eco, max_hops=max_hops)
    frame = actor_frame(eco, analysis, include_private=include_private)
    disp = pd.Series(frame.index.to_numpy(dtype=object), index=frame["actor"].to_numpy(dtype=object))
    services = [(str(i), str(n)) for i, n in zip(eco.services.index, eco.services["name"])]
    svc_name = dict(services)
    name = display_name(eco)
    details: list[str] = []
    marks: dict[str, str] = {}   # real actor id -> mark ("focus", "removed", "cutoff")
    cut_needs: dict[str, list[str]] = {}

    if focus is not None:
        return _focus_view(eco, analysis, frame, disp, focus, svc_name, services)

    if remove is not None:
        lost = analysis.cut_off(remove)
        for actor, svc in zip(lost["actor"], lost["service"]):
            cut_needs.setdefault(actor, []).append(svc)
        marks[remove] = "removed"
        for actor in cut_needs:
            marks[actor] = "cutoff"

    n_ent = int((eco.actors["kind"] == "enterprise").sum())
    n_net = int((eco.actors["kind"] == "network").sum())
    group = {k for k, n in (("enterprise", n_ent), ("network", n_net)) if n > group_threshold}
    pooled = _pooled(frame, max_institutions, keep=set(marks) - set(cut_needs))
    nodes, node_of = vis_nodes(frame, group, marks, cut_needs, svc_name, pooled)
    edges = vis_edges(eco, node_of)
    service_nodes, service_edges = service_highlights(eco, analysis.paths, node_of, edges)
    layout, region_labels, hidden_types = "physics", [], []
    links_legend = legend_links(eco)
    if len(nodes) > LAYOUT_THRESHOLD:
        layout, region_labels = "regions", region_layout(nodes, region_centres(eco))
        _fade_long_edges(nodes, edges)
        hidden_types = [t["type"] for t in links_legend if t["type"] not in REFERRAL_TYPES]
        for e in edges:
            if e["type"] in hidden_types:
                e["hidden"] = True
        for t in links_legend:
            t["dash"] = ""

    n_act = len(eco.actors)
    if group:
        what = _(" and ").join(sorted(_("enterprises") if k == "enterprise" else _("networks") for k in group))
        shown = _("{n} nodes: institutions one by one, {what} grouped by region × sector (more than {limit}); "
                  "group size = count, colour = share of needs served").format(
            n=format_int(len(nodes)), what=what, limit=format_int(group_threshold))
    else:
        shown = _("all {actors} actors and {links} links").format(actors=format_int(n_act),
                                                                 links=format_int(len(eco.links)))
    if pooled:
        n_inst = int(frame["kind"].isin(INSTITUTION_KINDS).sum())
        shown += _("; the {n} institutions with the highest {rank} one by one, the other {pooled} pooled into one "
                   "dashed node per kind × region (more than {limit} institutions; the search box finds their "
                   "names)").format(n=format_int(n_inst - len(pooled)), rank=_("impact"),
                                    pooled=format_int(len(pooled)), limit=format_int(max_institutions))
    if layout == "regions":
        shown += _("; laid out by region (one disc per region, placed by its actors' mean coordinates; more than "
                   "{limit} nodes, so no force layout in the browser)").format(limit=format_int(LAYOUT_THRESHOLD))
        if hidden_types:
            shown += _("; links that are not referral channels are hidden at first (tick them in the legend)")
    sized = _("institutions sized by impact (needs lost if removed)")
    p = analysis.paths
    served = int(p["served"].sum())
    cov = ngettext("{served} of {needs} need served ({share}) within {hops} hops",
                   "{served} of {needs} needs served ({share}) within {hops} hops", len(p)).format(
        served=format_int(served), needs=format_int(len(p)), share=_pct(served, len(p)), hops=analysis.max_hops
    ) + ", " + as_of_words(eco)
    unmet_line = _("red ring = actor with unmet needs")
    title = _("{name}: SME support network").format(name=name)
    subtitle = "; ".join(x for x in (_("Shows {what}").format(what=shown), sized, cov, unmet_line) if x) + "."
    if service is not None:
        title = f"{name}: {svc_name[service]}"
        subtitle = _("Shows who offers {service} (green ring), who needs it (red ring = unmet) and the best "
                     "referral paths (dark links); clear the service filter to see all actors. ").format(
            service=svc_name[service]) + subtitle
    if remove is not None:
        rlabel = frame.loc[disp[remove], "label"]
        n_cut = sum(len(v) for v in cut_needs.values())
        title = _("{name} without {removed}").format(name=name, removed=rlabel)
        subtitle = _("Shows the network with {removed} removed (grey, dashed): {n} needs of {actors} actors lose "
                     "their referral path (magenta ring). ").format(
            removed=rlabel, n=format_int(n_cut), actors=format_int(len(cut_needs))) + subtitle
        for actor, svcs in sorted(cut_needs.items(), key=lambda kv: str(disp[kv[0]])):
            details.append(f"{frame.loc[disp[actor], 'label']}: "
                           + ", ".join(svc_name.get(s, s) for s in sorted(svcs)))
        if not cut_needs:
            details.append(_("Nobody is cut off: every need served before is still served."))
    return View(
        title=title, subtitle=subtitle, nodes=nodes, edges=edges, services=services,
        regions=sorted({str(r) for r in eco.actors["region"] if str(r)}),
        legend_kinds=legend_kinds(eco, group), legend_links=links_legend, hidden_types=hidden_types,
        service_nodes=service_nodes, service_edges=service_edges,
        preselect_service=service or "", grouped=bool(group),
        layout=layout, region_labels=region_labels,
        pooled=sorted([str(lab), str(d), node_of[a]] for d, a, lab in
                      frame.loc[frame["actor"].isin(pooled), ["actor", "label"]].itertuples()
                      ) if pooled else [],
        details=details,
        marks=legend_marks(remove is not None) + ([{"colour": "", "text": _(
            "dashed symbol with a count: the smaller institutions of one kind in one region, pooled")}]
            if pooled else []),
    )


def _pooled(frame: pd.DataFrame, limit: int, keep: set[str]) -> set[str]:
    """Real ids of the institutions pooled by kind x region: all but the ``limit`` highest ranked."""
    inst = frame[frame["kind"].isin(INSTITUTION_KINDS).to_numpy()]
    if not limit or len(inst) <= limit:
        return set()
    rank = inst["impact"].astype("float64").fillna(0.0).to_numpy()
    ids = inst["actor"].to_numpy(dtype=object)
    order = sorted(range(len(ids)), key=lambda i: (-rank[i], str(ids[i])))
    top = {ids[i] for i in order[:limit]} | (keep & set(ids))
    return set(ids) - top


def _fade_long_edges(nodes: list[dict], edges: list[dict]) -> None:
    """On a by-region layout, links between regions are drawn faint and thin, so the regions stay readable."""
    region = {n["id"]: n["region"] for n in nodes}
    for e in edges:
        across = region.get(e["from"]) != region.get(e["to"])
        e["color"] = dict(e["color"], opacity=0.18 if across else 0.5)
        e["width"] = min(e["width"], 2.5 if across else 5.0)
        e["dashes"] = False  # dashed lines are slow to draw by the ten thousand; colour tells the type


def region_centres(eco: Ecosystem) -> dict[str, tuple[float, float]]:
    """Mean (longitude, latitude) of each region's actors with coordinates."""
    a = eco.actors
    ll = pd.DataFrame({"region": a["region"].astype(str).to_numpy(dtype=object),
                       "lon": a["lon"].to_numpy(dtype=float), "lat": a["lat"].to_numpy(dtype=float)}).dropna()
    ll = ll[ll["region"] != ""]
    mean = ll.groupby("region", sort=True)[["lon", "lat"]].mean()
    return {str(r): (float(x), float(y)) for r, x, y in zip(mean.index, mean["lon"], mean["lat"])}


def _pct(a: float, b: float) -> str:
    return format_percent(a / b) if b else _("n/a")


def _focus_view(eco: Ecosystem, analysis: Analysis, frame: pd.DataFrame, disp: pd.Series, focus: str,
                svc_name: dict[str, str], services: list) -> View:
    label = frame.loc[disp[focus], "label"]
    keep = {focus}
    details: list[str] = []
    p = analysis.paths
    rows = p[p["actor"] == focus]
    why = (unmet_reasons(eco, max_hops=analysis.max_hops, paths=rows) if len(rows) else None)
    n_unmet = 0
    for svc, served, path, hops, strength in (
        (r["service"], bool(r["served"]), r["path"], r["hops"], r["strength"]) for _, r in
        (rows.iterrows() if len(rows) else iter(()))
    ):
        if served:
            keep.update(path)
            route = " → ".join(str(frame.loc[disp[n], "label"]) for n in path)
            details.append(f"{svc_name.get(svc, svc)}: {route} " + _("({hops} hops, strength {strength})").format(
                hops=int(hops), strength=format_decimal(float(strength), 2)))
        else:
            n_unmet += 1
            r = why[why["service"] == svc].iloc[0]
            details.append(_("{service}: UNMET — {why}").format(
                service=svc_name.get(svc, svc),
                why=describe_reason(r["reason"], None if pd.isna(r["hops"]) else int(r["hops"]),
                                    max_hops=analysis.max_hops)))
    if not details:
        kind = eco.actors.at[focus, "kind"]
        if kind in INSTITUTION_KINDS:
            # an institution: show the needs it serves (best paths ending or passing here)
            through = p[[focus in path[1:] for path in p["path"]]]
            for path in through["path"]:
                keep.update(path)
            details.append(_("{name} is on the best referral path of {n} served needs.").format(
                name=label, n=format_int(len(through))))
        else:
            details.append(_("{name} has no needs recorded.").format(name=label))
    sub = frame[frame["actor"].isin(keep)]
    nodes, node_of = vis_nodes(sub, set(), {focus: "focus"}, {}, svc_name)
    for n in nodes:
        if n["id"] == disp[focus]:
            n["borderWidth"] = 6
            n["color"]["border"] = "#000000"
            n["size"] = max(n["size"], 22)
    sub_eco = eco.replace_tables(links=eco.links[eco.links["source"].isin(keep) & eco.links["target"].isin(keep)]
                                 .reset_index(drop=True))
    edges = vis_edges(sub_eco, node_of)
    s_nodes, s_edges = service_highlights(
        eco.replace_tables(offers=eco.offers[eco.offers["actor"].isin(keep)],
                           needs=eco.needs[eco.needs["actor"] == focus]),
        rows, node_of, edges)
    on_path = {i for ids in s_edges.values() for i in ids}
    for e in edges:
        if e["id"] in on_path:
            e["width"] = max(e["width"], 3) + 1
            e["color"] = {"color": PATH_COLOUR, "highlight": "#000000", "opacity": 1.0}
        else:
            e["color"]["opacity"] = 0.35
    return View(
        title=_("{name}: referral paths of {actor}").format(name=display_name(eco), actor=label),
        subtitle=ngettext("Shows the best referral path (dark links) to a provider for each need of {actor} (thick "
                          "black ring), within {hops} hops; {n} need unmet; {as_of}.",
                          "Shows the best referral path (dark links) to a provider for each need of {actor} (thick "
                          "black ring), within {hops} hops; {n} needs unmet; {as_of}.", n_unmet).format(
            actor=label, hops=analysis.max_hops, n=n_unmet, as_of=as_of_words(eco)),
        nodes=nodes, edges=edges, services=services,
        regions=sorted({n["region"] for n in nodes if n["region"]}),
        legend_kinds=legend_kinds(eco.replace_tables(actors=eco.actors.loc[sorted(keep)]), set()),
        legend_links=legend_links(sub_eco), service_nodes=s_nodes, service_edges=s_edges,
        details=details, marks=legend_marks(False),
    )

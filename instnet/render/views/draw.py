"""The nodes and edges of a map view, in vis-network's vocabulary, with their tooltips."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from ...i18n import N_, _, format_decimal, format_int, format_percent, ngettext
from ...labels import label as vocab_label
from ...model import Ecosystem
from ...schema import INSTITUTION_KINDS, LINK_RULES, LINK_TYPES
from .style import (CUTOFF_BORDER, GROUP_KINDS, GROUP_STYLE, KIND_PLURAL, KIND_STYLE, LINK_STYLE, kind_text, UNMET_BORDER,
                    coverage_colour)


def _num(v: Any) -> float | None:
    if v is None or v is pd.NA:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _tooltip(row: pd.Series, svc_name: dict[str, str], extra: Sequence[str] = ()) -> str:
    kind = kind_text(row["kind"])
    where = " · ".join(x for x in (kind, str(row["region"]), str(row["sector"])) if x)
    lines = [str(row["label"]), where]
    if row["offers"]:
        lines.append(_("Offers: {services}").format(services=", ".join(svc_name.get(s, s) for s in row["offers"])))
    if row["needs"]:
        unmet = set(row.get("unmet_services", ()) or ())
        lines.append(_("Needs: {services}").format(services=", ".join(
            svc_name.get(s, s) + (" " + _("(unmet)") if s in unmet else "") for s in row["needs"])))
        cov = _num(row.get("coverage"))
        if cov is not None:
            n_needs = int(row["needs_served"] + row["needs_unmet"])
            lines.append(ngettext("Coverage: {served} of {needs} need served ({share})",
                                  "Coverage: {served} of {needs} needs served ({share})", n_needs).format(
                served=format_int(row["needs_served"]), needs=format_int(n_needs), share=format_percent(cov)))
    for col, text in (("impact", N_("Impact: {value} needs lost if removed")),
                      ("load", N_("Load: {value} served needs routed through it")),
                      ("utilisation", N_("Utilisation: {value} of capacity"))):
        v = _num(row.get(col))
        if v is not None and row["kind"] in INSTITUTION_KINDS:
            lines.append(_(text).format(value=format_percent(v) if col == "utilisation" else format_int(round(v))))
    lines.extend(extra)
    return "\n".join(lines)


def _size(value: float | None, top: float, lo: float = 14, hi: float = 42) -> float:
    if value is None or top <= 0:
        return lo
    return round(lo + (hi - lo) * math.sqrt(max(value, 0) / top), 1)


def vis_nodes(frame: pd.DataFrame, group: set[str], marks: dict[str, str],
              cut_needs: dict[str, list[str]], svc_name: dict[str, str],
              pooled: set[str] | frozenset[str] = frozenset()) -> tuple[list[dict], dict[str, str]]:
    """vis nodes (allow-listed fields only) and real actor id -> drawn node id.

    Enterprises and networks of the kinds in ``group`` become region x sector groups;
    the institutions whose real id is in ``pooled`` become one node per kind x region.
    Institutions are sized by impact (``frame`` comes from an analysed :func:`actor_frame`).
    """
    is_inst = frame["kind"].isin(INSTITUTION_KINDS).to_numpy()
    metric = frame["impact"].astype("float64")
    top = float(metric[is_inst].max()) if is_inst.any() and metric[is_inst].notna().any() else 0.0
    nodes: list[dict] = []
    node_of: dict[str, str] = {}
    grouped_mask = frame["kind"].isin(group).to_numpy()
    pooled_mask = frame["actor"].isin(pooled).to_numpy() & is_inst if pooled else np.zeros(len(frame), bool)
    for disp_id, row in frame[~grouped_mask & ~pooled_mask].iterrows():
        kind = row["kind"]
        colour, shape, _text = KIND_STYLE[kind]
        unmet = tuple(row.get("unmet_services", ()) or ())
        mark = marks.get(row["actor"], "")
        border, bw = "#333333", 1
        if unmet:
            border, bw = UNMET_BORDER, 4
        extra: list[str] = []
        if mark == "cutoff":
            border, bw = CUTOFF_BORDER, 5
            extra.append(_("Cut off from: {services}").format(
                services=", ".join(svc_name.get(s, s) for s in sorted(cut_needs[row["actor"]]))))
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
            "mark": mark, "tip": _tooltip(row, svc_name, extra),
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
        nodes += _group_nodes(frame[grouped_mask], node_of, cut_needs, svc_name)
    if pooled_mask.any():
        nodes += _pooled_nodes(frame[pooled_mask], metric[pooled_mask], node_of, svc_name)
    return nodes, node_of


def _pooled_nodes(g: pd.DataFrame, metric: pd.Series, node_of: dict[str, str],
                  svc_name: dict[str, str]) -> list[dict]:
    """One node per (kind, region) of the smaller institutions ``g``, sized by count; records ``node_of``."""
    nodes: list[dict] = []
    reg = g["region"].astype(str)
    gid = ("pool:" + g["kind"].astype(str) + ":" + reg).to_numpy(dtype=object)
    node_of.update(zip(g["actor"].to_numpy(dtype=object), gid))
    by = g.assign(gid=gid, metric=metric.to_numpy(dtype=float)).groupby("gid", sort=True)
    tab = by.agg(kind=("kind", "first"), region=("region", "first"), count=("actor", "size"),
                 metric=("metric", "sum"))
    offers = by["offers"].agg(_union)
    top = float(tab["count"].max())
    for gid_, row in tab.iterrows():
        kind = row["kind"]
        colour, shape, _text = KIND_STYLE[kind]
        count = int(row["count"])
        region = str(row["region"])
        plural = _(KIND_PLURAL[kind])
        lines = [_("{count} smaller {kinds} (pooled)").format(count=format_int(count), kinds=plural.lower()),
                 _("Region: {region}").format(region=region or "—")]
        if offers[gid_]:
            lines.append(_("Offer: {services}").format(services=", ".join(
                svc_name.get(s, s) for s in offers[gid_][:12])) + (" …" if len(offers[gid_]) > 12 else ""))
        if not math.isnan(row["metric"]):
            lines.append(_("Impact of all: {value} needs").format(value=format_int(round(row["metric"]))))
        lines.append(_("Search a name to find which pool holds it."))
        nodes.append({
            "id": str(gid_), "label": f"{plural} · {region or _('national')} ({format_int(count)})", "kind": kind,
            "region": region, "sector": "", "shape": shape, "size": _size(count, top, 12, 34),
            "borderWidth": 2, "shapeProperties": {"borderDashes": [5, 3]},
            "color": {"background": colour, "border": "#333333",
                      "highlight": {"background": colour, "border": "#000000"}},
            "offers": list(offers[gid_]), "needs": [], "unmet": [], "count": count, "mark": "",
            "tip": "\n".join(lines),
        })
    return nodes


def _group_nodes(g: pd.DataFrame, node_of: dict[str, str], cut_needs: dict[str, list[str]],
                 svc_name: dict[str, str]) -> list[dict]:
    """One vis node per (kind, region, sector) group of the actors ``g``; records each actor's in ``node_of``."""
    nodes: list[dict] = []
    reg = g["region"].astype(str)
    sec = g["sector"].astype(str)
    gid = ("group:" + g["kind"].map(GROUP_KINDS) + ":" + reg + "|" + sec).to_numpy(dtype=object)
    node_of.update(zip(g["actor"].to_numpy(dtype=object), gid))
    has = "needs_served" in g.columns
    agg_cols = {"count": ("actor", "size")}
    if has:
        agg_cols.update(served=("needs_served", "sum"), unmet_n=("needs_unmet", "sum"))
    by_gid = g.assign(gid=gid).groupby("gid", sort=True)
    tab = by_gid.agg(kind=("kind", "first"), region=("region", "first"), sector=("sector", "first"), **agg_cols)
    needs = by_gid["needs"].agg(_union)
    if has:
        unm = by_gid["unmet_services"].agg(_union)
    cut_by_gid: dict[str, int] = defaultdict(int)
    for actor in cut_needs:
        if actor in node_of and str(node_of[actor]).startswith("group:"):
            cut_by_gid[node_of[actor]] += 1
    top_count = float(tab["count"].max())
    for gid_, row in tab.iterrows():
        gkind = GROUP_KINDS[row["kind"]]
        _colour, shape, _text = GROUP_STYLE[gkind]
        count = int(row["count"])
        n_needs = int(row["served"] + row["unmet_n"]) if has else 0
        cov = (row["served"] / n_needs) if has and n_needs else None
        kind_word = _("enterprises") if row["kind"] == "enterprise" else _("networks")
        label = f"{row['region'] or _('no region')} · {row['sector'] or _('no sector')} ({format_int(count)})"
        lines = [f"{format_int(count)} {kind_word}",
                 _("Region: {region} · sector: {sector}").format(region=row["region"] or "—",
                                                                 sector=row["sector"] or "—")]
        if needs[gid_]:
            lines.append(_("Needs: {services}").format(services=", ".join(
                svc_name.get(s, s) for s in needs[gid_][:12])) + (" …" if len(needs[gid_]) > 12 else ""))
        if cov is not None:
            lines.append(ngettext("Coverage: {served} of {needs} need served ({share})",
                                  "Coverage: {served} of {needs} needs served ({share})", int(n_needs)).format(
                served=format_int(row["served"]), needs=format_int(n_needs), share=format_percent(cov)))
        unmet = unm[gid_] if has else []
        border, bw = ("#333333", 1)
        if unmet:  # colour already shows coverage: no red ring on groups
            lines.append(_("Unmet: {services}").format(services=", ".join(svc_name.get(s, s) for s in unmet[:12]))
                         + (" …" if len(unmet) > 12 else ""))
        if cut_by_gid.get(gid_):
            border, bw = CUTOFF_BORDER, 5
            lines.append(_("{n} {kinds} cut off").format(n=format_int(cut_by_gid[gid_]), kinds=kind_word))
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
    return nodes


def _union(tuples: pd.Series) -> list[str]:
    return sorted(set().union(*tuples))


def vis_edges(eco: Ecosystem, node_of: dict[str, str]) -> list[dict]:
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
        tip = (vocab_label("type", typ) + (" · " + _("{n} links").format(n=format_int(count)) if count > 1 else "")
               + " · " + _("weight {weight}").format(weight=format_decimal(w, 2)))
        e = {"id": i, "from": str(f), "to": str(t), "type": typ, "width": width,
             "color": {"color": st["color"], "highlight": "#000000", "opacity": 0.85},
             "dashes": st["dashes"], "arrows": st["arrows"], "tip": tip}
        edges.append(e)
    return edges


def service_highlights(eco: Ecosystem, paths: pd.DataFrame, node_of: dict[str, str],
                       edges: list[dict]) -> tuple[dict, dict]:
    """Per service: drawn nodes involved (offer, need, on a best path of ``paths``) and path edges.

    Vectorised over the (actor, service) rows and the flattened best paths: a
    national ecosystem has millions of needs.
    """
    to_node = pd.Series(node_of, dtype=object)
    parts = [pd.DataFrame({"svc": t["service"].to_numpy(dtype=object),
                           "node": pd.Index(t["actor"].to_numpy(dtype=object)).map(to_node).to_numpy(dtype=object)})
             for t in (eco.offers, eco.needs)]
    served = paths[paths["served"].to_numpy(dtype=bool)]
    best = served["path"].tolist()
    lens = np.fromiter((len(x) for x in best), dtype=np.int64, count=len(best))
    flat = pd.Index(list(chain.from_iterable(best)), dtype=object)
    mapped = flat.map(to_node).to_numpy(dtype=object) if len(flat) else np.array([], dtype=object)
    svc = np.repeat(served["service"].to_numpy(dtype=object), lens)
    row = np.repeat(np.arange(len(best)), lens)
    parts.append(pd.DataFrame({"svc": svc, "node": mapped}))
    same = row[1:] == row[:-1]
    hops = pd.DataFrame({"svc": svc[1:][same], "from": mapped[:-1][same], "to": mapped[1:][same]})
    hops = hops.dropna().drop_duplicates()
    both = {t for t, r in LINK_RULES.items() if r[2] == "both"}
    ref = [e for e in edges if LINK_RULES[e["type"]][2] is not None]
    ends = pd.DataFrame({"from": [e["from"] for e in ref] + [e["to"] for e in ref if e["type"] in both],
                         "to": [e["to"] for e in ref] + [e["from"] for e in ref if e["type"] in both],
                         "id": [e["id"] for e in ref] + [e["id"] for e in ref if e["type"] in both]},
                        columns=["from", "to", "id"])
    # Empty frames (no drawn referral edge, no served path) would get float columns
    # and refuse to merge with text ones: the keys are text whatever the length.
    key = {"from": object, "to": object}
    pairs = hops.astype(key).merge(ends.astype(key), on=["from", "to"])[["svc", "id"]].drop_duplicates()
    nodes = pd.concat(parts, ignore_index=True).dropna().drop_duplicates()
    nodes = nodes[nodes["node"] != ""]
    node_sets = {str(s): sorted(g.tolist()) for s, g in nodes.groupby("svc", sort=True)["node"]}
    edge_sets = {str(s): sorted(int(i) for i in g) for s, g in pairs.groupby("svc", sort=True)["id"]}
    return node_sets, edge_sets

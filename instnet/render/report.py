"""The ecosystem report: one self-contained HTML file (or Markdown) a ministry can read.

Sections: the ecosystem in numbers, coverage overall, the gap heatmap (service x
region, an inline SVG chart), the top unmet groups, the referral bottlenecks (bars),
the recommendations, the indicators and the embedded interactive map, all drawn
from one :class:`~instnet.analysis.core.Analysis`. The HTML is rendered by
``templates/report.html`` with autoescape on, shares the map's safety measures (see :mod:`instnet.render.html`) and
carries print CSS for A4.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import __version__
from ..analysis.core import Analysis
from ..i18n import _, format_decimal, format_int, format_percent, ngettext
from ..labels import column_label, label as vocab_label
from ..analysis.info import counts
from ..analysis.reasons import REASONS, describe_reason
from ..analysis.recommend.actions import brokering
from ..errors import UsageError
from ..io.outfile import atomic_file
from ..model import Ecosystem
from ..schema import INSTITUTION_KINDS, KINDS
from .views import KIND_STYLE, kind_text, coverage_colour, actor_frame, build_view, display_name

MAX_HEAT_REGIONS = 14
MAX_HEAT_SERVICES = 40
TOP_GROUPS = 12
TOP_BOTTLENECKS = 12


@dataclass
class Section:
    """A section of the report: its rows, and the values around them."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def _pct(x: float | None) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else format_percent(x)


def numbers(eco: Ecosystem) -> list[dict[str, Any]]:
    """Headline counts."""
    c = counts(eco)
    inst = sum(n for k, n in c["actors"].items() if k in INSTITUTION_KINDS)
    return [
        {"label": _("enterprises"), "value": format_int(c["actors"]["enterprise"])},
        {"label": _("networks and clusters"), "value": format_int(c["actors"]["network"])},
        {"label": _("support institutions"), "value": format_int(inst)},
        {"label": _("services"), "value": format_int(c["totals"]["services"])},
        {"label": _("service offers"), "value": format_int(c["totals"]["offers"])},
        {"label": _("enterprise needs"), "value": format_int(c["totals"]["needs"])},
        {"label": _("links"), "value": format_int(c["totals"]["links"])},
    ]


#: Coverage at or above these shares is shown amber, then green (below the first: red).
COVERAGE_LEVELS = (0.5, 0.8)


def coverage_level(share: float | None) -> str:
    """``"low"``, ``"mid"`` or ``"high"``: the colour class of a coverage figure.

    Examples
    --------
    >>> coverage_level(0.53), coverage_level(0.2), coverage_level(0.9)
    ('mid', 'low', 'high')
    """
    if share is None or share < COVERAGE_LEVELS[0]:
        return "low"
    return "mid" if share < COVERAGE_LEVELS[1] else "high"


def reason_rows(eco: Ecosystem, analysis: Analysis) -> list[dict[str, Any]]:
    """Unmet needs by reason (most first), each with the reason in words."""
    why = analysis.reasons
    counts_by = why["reason"].value_counts()
    rows = []
    for reason in REASONS:
        n = int(counts_by.get(reason, 0))
        if n:
            explain = (_("a provider in scope is reachable, but only by more than {max_hops} links").format(
                max_hops=analysis.max_hops) if reason == "too_far" else
                describe_reason(reason, None, max_hops=analysis.max_hops))
            rows.append({"reason": reason, "label": vocab_label("reason", reason), "count": n, "explain": explain})
    rows.sort(key=lambda r: -r["count"])
    return rows


def coverage_sentence(served: int, needs: int, max_hops: int) -> str:
    """What the coverage figure means, with the counts (nouns agreeing with them).

    Examples
    --------
    >>> coverage_sentence(1, 2, 4)
    'of enterprise and network needs are served: 1 of 2 needs have a referral path to a provider of the service whose scope covers them, within 4 links; 1 need is a gap.'
    """
    gaps = ngettext("{n} need is a gap", "{n} needs are gaps", needs - served).format(n=needs - served)
    return ngettext("of enterprise and network needs are served: {served} of {needs} need has a referral path to "
                    "a provider of the service whose scope covers it, within {max_hops} links; {gaps}.",
                    "of enterprise and network needs are served: {served} of {needs} needs have a referral path "
                    "to a provider of the service whose scope covers them, within {max_hops} links; {gaps}.",
                    needs).format(served=served, needs=needs, max_hops=max_hops, gaps=gaps)


def as_of_sentence(eco: Ecosystem) -> str:
    """Which year the report describes, in words."""
    if eco.year is None:
        return _("Every row is active, whatever its dates (all years).")
    if eco.year == eco.data_year:
        return _("Analysed as of {year}, the data year.").format(year=eco.year)
    return _("Analysed as of {year} (the data year is {data_year}).").format(year=eco.year,
                                                                              data_year=eco.data_year)


def kind_rows(eco: Ecosystem) -> list[dict[str, Any]]:
    c = counts(eco)["actors"]
    top = max(c.values()) or 1
    return [{"kind": kind_text(k), "count": format_int(c[k]), "colour": KIND_STYLE[k][0], "frac": c[k] / top}
            for k in KINDS if c[k]]


def coverage_groups(eco: Ecosystem, analysis: Analysis, by: tuple[str, ...]) -> pd.DataFrame:
    """Needs, served, unmet and coverage per group of ``by`` (service, region, sector).

    Computed from the best referral paths (docs/semantics.md: coverage of a group
    is served needs / needs).
    """
    g = analysis.gaps(by=by).groups
    g = g[[*by, "needs", "served", "unmet", "coverage"]].copy()
    return g.sort_values(list(by), kind="stable").reset_index(drop=True)


def heatmap(eco: Ecosystem, analysis: Analysis) -> dict[str, Any]:
    """Geometry of the service x region coverage heatmap (an SVG drawn by the template)."""
    g = coverage_groups(eco, analysis, ("service", "region"))
    region_needs = g.groupby("region")["needs"].sum().sort_values(ascending=False, kind="stable")
    regions = list(region_needs.index[:MAX_HEAT_REGIONS])
    other = len(region_needs) > MAX_HEAT_REGIONS
    if other:
        g = g.assign(region=g["region"].where(g["region"].isin(regions), _("(other regions)")))
        g = g.groupby(["service", "region"], sort=True)[["needs", "served"]].sum().reset_index()
        g["unmet"] = g["needs"] - g["served"]
        g["coverage"] = g["served"] / g["needs"]
        regions.append(_("(other regions)"))
    svc_needs = g.groupby("service")["needs"].sum()
    svc_cov = g.groupby("service")["served"].sum() / svc_needs
    services = list(svc_cov.sort_values(kind="stable").index[:MAX_HEAT_SERVICES])
    names = eco.services["name"]
    label_w, cell_w, cell_h, head_h = 300, 58, 22, 80
    cells = []
    cellmap = {(s, r): (n, sv, c) for s, r, n, sv, c in
               zip(g["service"], g["region"], g["needs"], g["served"], g["coverage"])}
    for i, s in enumerate(services):
        for j, r in enumerate(regions):
            x, y = label_w + j * cell_w, head_h + i * cell_h
            if (s, r) in cellmap:
                n, sv, c = cellmap[(s, r)]
                fill = coverage_colour(float(c))
                dark = c < 0.2 or c > 0.85
                cells.append({"x": x, "y": y, "fill": fill, "text": f"{sv}/{n}",
                              "ink": "#ffffff" if dark else "#000000",
                              "title": ngettext("{service} in {region}: {served} of {needs} need served ({share})",
                                                "{service} in {region}: {served} of {needs} needs served ({share})",
                                                int(n)).format(
                                  service=names.get(s, s), region=r or _("no region"), served=format_int(sv),
                                  needs=format_int(n), share=_pct(float(c)))})
            else:
                cells.append({"x": x, "y": y, "fill": "#f3f3f3", "text": "", "ink": "#000000",
                              "title": _("{service} in {region}: no needs").format(
                                  service=names.get(s, s), region=r or _("no region"))})
    rows = [{"y": head_h + i * cell_h + cell_h * 0.68, "label": _short(str(names.get(s, s)), 46),
             "full": str(names.get(s, s)), "cov": _pct(float(svc_cov[s]))} for i, s in enumerate(services)]
    cols = [{"x": label_w + j * cell_w + cell_w / 2, "label": _short(r or _("(no region)"), 16)}
            for j, r in enumerate(regions)]
    return {"cells": cells, "rows": rows, "cols": cols, "cell_w": cell_w, "cell_h": cell_h,
            "width": label_w + len(regions) * cell_w + 60, "height": head_h + len(services) * cell_h + 8,
            "head_h": head_h, "cov_x": label_w + len(regions) * cell_w + 6,
            "truncated": len(svc_cov) > MAX_HEAT_SERVICES, "other": other}


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def unmet_groups(eco: Ecosystem, analysis: Analysis) -> list[dict[str, Any]]:
    g = coverage_groups(eco, analysis, ("service", "region", "sector"))
    g = g[g["unmet"] > 0].sort_values(["unmet", "coverage", "service", "region", "sector"],
                                      ascending=[False, True, True, True, True], kind="stable").head(TOP_GROUPS)
    names = eco.services["name"]
    top = int(g["unmet"].max()) if len(g) else 1
    return [{"service": str(names.get(s, s)), "region": r or "—", "sector": sec or "—", "needs": format_int(n),
             "unmet": format_int(u), "coverage": _pct(float(c)), "frac": u / top}
            for s, r, sec, n, u, c in zip(g["service"], g["region"], g["sector"], g["needs"], g["unmet"],
                                          g["coverage"])]


def bottleneck_rows(eco: Ecosystem, analysis: Analysis, include_private: bool) -> Section:
    frame = actor_frame(eco, analysis, include_private=include_private)
    metric = "impact"
    inst = frame[frame["kind"].isin(INSTITUTION_KINDS)].copy()
    inst["m"] = inst[metric].astype("float64").fillna(0)
    inst = inst[inst["m"] > 0].sort_values(["m", "label"], ascending=[False, True], kind="stable")
    inst = inst.head(TOP_BOTTLENECKS)
    top = float(inst["m"].max()) if len(inst) else 1.0
    rows = []
    for disp_id, r in inst.iterrows():
        util = r.get("utilisation")
        rows.append({"label": str(r["label"]), "kind": kind_text(r["kind"]), "colour": KIND_STYLE[r["kind"]][0],
                     "value": format_int(r["m"]), "frac": float(r["m"]) / top,
                     "load": "" if pd.isna(r.get("load")) else format_int(r["load"]),
                     "impact": "" if "impact" not in r or pd.isna(r.get("impact")) else format_int(r["impact"]),
                     "utilisation": "" if util is None or pd.isna(util) else _pct(float(util)),
                     "articulation": bool(r.get("articulation")) if "articulation" in r and not pd.isna(
                         r.get("articulation")) else False})
    what = _("impact: needs that would lose their only referral path if the institution were removed")
    return Section(rows=rows, extra={"metric": metric, "what": what})


def recommendations(eco: Ecosystem, analysis: Analysis, include_private: bool = False,
                    budget: float = 10) -> Section:
    """The plan of :func:`instnet.analysis.recommend.recommend` within ``budget`` cost units
    (the ecosystem's costs, else the defaults), described with display names."""
    plan = analysis.recommend(budget=budget)
    frame = actor_frame(eco, None, include_private=include_private)
    label = dict(zip(frame["actor"], frame["label"]))
    svc = eco.services["name"]
    private = set(eco.actors.index[eco.actors["private"].to_numpy(dtype=bool)])

    def who(actor_id: str) -> str:
        return str(label.get(actor_id, actor_id))

    rows = []
    for r in plan.recommendations:
        a = r.action
        if a.kind == "link":
            text = _("Referral link from {source} to {target}").format(source=who(a.source), target=who(a.target))
        elif a.kind == "scope":
            text = (_("{source} extends its {service} offer to region {value}") if a.axis == "region" else
                    _("{source} extends its {service} offer to sector {value}")).format(
                source=who(a.source), service=svc.get(a.service, a.service), value=a.value)
        elif a.kind == "offer":
            where = ", ".join(x for x in (a.regions and _("regions {list}").format(list=a.regions),
                                          a.sectors and _("sectors {list}").format(list=a.sectors)) if x)
            text = _("{source} offers {service}").format(source=who(a.source), service=svc.get(a.service, a.service)) \
                + (f" ({where})" if where else "")
        else:
            text = _("New specialised centre for {sector} in {region} offering {services}").format(
                sector=a.sectors, region=a.value, services=", ".join(str(svc.get(x, x)) for x in a.services))
            if a.source:
                text += _(", coordinated by {source}").format(source=who(a.source))
            text += ", " + brokering(len(a.networks))
        merged: dict[tuple[str, str], int] = {}
        for g in r.groups:
            k = (str(svc.get(g["service"], g["service"])), g["region"] or _("any region"))
            merged[k] = merged.get(k, 0) + int(g["needs"])
        groups = ", ".join(_("{service} in {region} ({n})").format(service=s_, region=r_, n=n_)
                           for (s_, r_), n_ in list(merged.items())[:3])
        hidden = not include_private and bool(private.intersection((a.source, *a.touches())))
        rows.append({"rank": r.rank, "action": text, "cost": r.cost, "newly served": r.gain, "absorbed": r.absorbed,
                     "where": groups + (_(" and {n} more").format(n=len(merged) - 3) if len(merged) > 3 else ""),
                     "why feasible": _("(withheld: it names a private actor)") if hidden else r.reason})
    n = plan.needs
    top = max((row["newly served"] for row in rows), default=1) or 1
    for row in rows:
        row["frac"] = row["newly served"] / top
    return Section(rows=rows, extra={
        "before": _pct(plan.served_before / n) if n else "—",
        "after": _pct(plan.served_after / n) if n else "—", "budget": f"{plan.budget:g}",
        "cost_total": f"{plan.cost_total:g}", "costs": ", ".join(f"{k} {v:g}" for k, v in plan.costs.items())})


def indicators(eco: Ecosystem, analysis: Analysis) -> Section:
    """The indicators panel of :mod:`instnet.analysis.indicators`: overall, and key ones per region."""
    pan = analysis.panel
    defs = pan.get("definitions", {})
    rows = [{"indicator": vocab_label("indicator", k), "value": _fmt(v), "definition": _(str(defs.get(k, ""))) if defs.get(k) else ""}
            for k, v in pan["overall"].items()]
    key = [k for k in ("needs", "coverage", "avg_hops", "network_share", "institutions_per_100")
           if k in pan["overall"]]
    regions = [{"region": r or "—", **{k: _fmt(vals.get(k)) for k in key}}
               for r, vals in sorted(pan.get("regions", {}).items())]
    return Section(rows=rows, extra={"regions": regions, "region_cols": key})


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "" if math.isnan(v) else (format_decimal(v, 3).rstrip("0").rstrip(".,") if not v.is_integer()
                                         else format_int(int(v)))
    if isinstance(v, list | tuple):
        return " → ".join(str(x) for x in v) if v else ""
    if v is None or v is pd.NA:
        return ""
    return str(v)


def report_data(eco: Ecosystem, *, max_hops: int = 4, include_private: bool = False,
                analysis: Analysis | None = None) -> dict[str, Any]:
    """Everything the report shows, as plain values (shared by HTML and Markdown)."""
    if analysis is None:
        analysis = Analysis(eco, max_hops=max_hops)
    data: dict[str, Any] = {
        "title": _("{name}: SME support ecosystem report").format(name=display_name(eco)),
        "as_of_text": as_of_sentence(eco),
        "meta": {k: str(v) for k, v in eco.meta.items() if v not in (None, "")},
        "as_of": eco.year, "max_hops": analysis.max_hops, "numbers": numbers(eco), "kinds": kind_rows(eco),
        "version": __version__,
    }
    p = analysis.paths
    served = int(p["served"].sum())
    data["coverage"] = {"needs": len(p), "served": served, "unmet": len(p) - served,
                        "value": served / len(p) if len(p) else None,
                        "text": _pct(served / len(p)) if len(p) else "—",
                        "level": coverage_level(served / len(p) if len(p) else None),
                        "sentence": coverage_sentence(served, len(p), analysis.max_hops)}
    data["reasons"] = reason_rows(eco, analysis)
    data["heatmap"] = heatmap(eco, analysis) if len(p) else None
    data["unmet_groups"] = unmet_groups(eco, analysis)
    data["bottlenecks"] = bottleneck_rows(eco, analysis, include_private)
    data["recommendations"] = recommendations(eco, analysis, include_private)
    data["indicators"] = indicators(eco, analysis)
    return data


def report_html(eco: Ecosystem, *, max_hops: int = 4, include_private: bool = False,
                analysis: Analysis | None = None) -> str:
    """The self-contained HTML report (with the interactive map embedded)."""
    from .html import asset, environment, map_context, raw_text

    if analysis is None:
        analysis = Analysis(eco, max_hops=max_hops)
    data = report_data(eco, analysis=analysis, include_private=include_private)
    view = build_view(eco, analysis=analysis, include_private=include_private)
    ctx = map_context(view, height="640px")
    ctx.update(report=data, report_css=raw_text(asset("report.css"), "style"))
    return environment().get_template("report.html").render(**ctx)


def report_markdown(eco: Ecosystem, *, max_hops: int = 4, include_private: bool = False,
                    analysis: Analysis | None = None) -> str:
    """The report as Markdown (tables; the heatmap as a table of served/needs)."""
    d = report_data(eco, max_hops=max_hops, include_private=include_private, analysis=analysis)
    out = [f"# {_md(d['title'])}", ""]
    if d["meta"].get("description"):
        out += [_md(d["meta"]["description"]), ""]
    out += [_md(d["as_of_text"]), ""]
    out += ["## " + _("The ecosystem in numbers"), "", "| | " + _("count") + " |", "|---|---:|"]
    out += [f"| {_md(n['label'])} | {n['value']} |" for n in d["numbers"]]
    out += [""]
    cov = d["coverage"]
    out += ["## " + _("Coverage"), ""]
    out += [f"**{cov['text']}** {cov['sentence']}", ""]
    if d["reasons"]:
        out += ["### " + _("Unmet needs by reason"), "",
                "| " + _("reason") + " | " + _("needs") + " | |", "|---|---:|---|"]
        out += [f"| {r['label']} | {r['count']} | {_md(r['explain'])} |" for r in d["reasons"]]
        out += [""]
    hm = d["heatmap"]
    if hm:
        out += ["### " + _("Gaps by service and region (served / needs)"), ""]
        cols = [c["label"] for c in hm["cols"]]
        out += ["| " + _("service") + " | " + " | ".join(_md(c) for c in cols) + " | " + _("coverage") + " |",
                "|---|" + "---:|" * len(cols) + "---:|"]
        n = len(cols)
        for i, row in enumerate(hm["rows"]):
            cells = [c["text"] or "" for c in hm["cells"][i * n:(i + 1) * n]]
            out.append(f"| {_md(row['full'])} | " + " | ".join(cells) + f" | {row['cov']} |")
        out += [""]
    if d["unmet_groups"]:
        out += ["## " + _("Top unmet groups"), "", "| " + " | ".join(
            column_label(c) for c in ("service", "region", "sector", "needs", "unmet", "coverage")) + " |",
                "|---|---|---|---:|---:|---:|"]
        out += [f"| {_md(g['service'])} | {_md(g['region'])} | {_md(g['sector'])} | {g['needs']} | {g['unmet']} | "
                f"{g['coverage']} |" for g in d["unmet_groups"]]
        out += [""]
    b = d["bottlenecks"]
    out += ["## " + _("Referral bottlenecks"), ""]
    out += [_("Ranked by {what}.").format(what=_md(b.extra["what"])), "", "| " + " | ".join(
        column_label(c) for c in ("institution", "kind", "impact", "load", "utilisation")) + " |",
            "|---|---|---:|---:|---:|"]
    out += [f"| {_md(r['label'])} | {r['kind']} | {r['impact']} | {r['load']} | {r['utilisation']} |"
            for r in b.rows]
    out += [""]
    for key, title in (("recommendations", _("Recommendations")), ("indicators", _("Indicators"))):
        s = d[key]
        out += [f"## {title}", ""]
        if s.rows:
            if s.extra.get("before"):
                out += [_("Coverage {before} → {after} with these actions.").format(
                    before=s.extra["before"], after=s.extra["after"]), ""]
            cols = [c for c in s.rows[0] if c != "frac"]
            out += ["| " + " | ".join(_md(column_label(c)) for c in cols) + " |", "|" + "---|" * len(cols)]
            out += ["| " + " | ".join(_md(r.get(c, "")) for c in cols) + " |" for r in s.rows]
        else:
            out += [_("Nothing to report.")]
        out += [""]
    out += ["*" + _("Made with instnet {version}. The interactive map is in the HTML report "
                    "(`instnet report DATASET -o FILE.html`).").format(version=d["version"]) + "*", ""]
    return "\n".join(out)


def _md(text: Any) -> str:
    """Text safe inside a Markdown table cell (no markup, no raw HTML)."""
    s = str(text).replace("\r", " ").replace("\n", " ")
    for ch in "\\`*_[]<>|#":
        s = s.replace(ch, "\\" + ch)
    return s


def write_report(eco: Ecosystem, path: str | Path, *, fmt: str = "html", max_hops: int = 4,
                 include_private: bool = False, analysis: Analysis | None = None) -> Path:
    """Write the report of ``eco`` to ``path`` as ``html`` or ``md``.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem.
    path : str or Path
        The file to write.
    fmt : {"html", "md"}
        A self-contained HTML page (with the interactive map) or Markdown.
    max_hops : int, default 4
        Longest referral path, in links (when no ``analysis`` is given).
    include_private : bool, default False
        Show the names and details of private actors.
    analysis : Analysis, optional
        A precomputed :class:`~instnet.analysis.core.Analysis` of ``eco``.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    UsageError
        For another ``fmt``.

    Examples
    --------
    >>> import tempfile
    >>> from instnet import read_dataset
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     text = write_report(read_dataset("jamaica"), Path(tmp) / "r.md", fmt="md").read_text(encoding="utf-8")
    >>> text.startswith("# ")
    True
    """
    path = Path(path)
    if fmt == "md":
        text = report_markdown(eco, max_hops=max_hops, include_private=include_private, analysis=analysis)
    elif fmt == "html":
        text = report_html(eco, max_hops=max_hops, include_private=include_private, analysis=analysis)
    else:
        raise UsageError(_("unknown report format {fmt!r}; use html or md").format(fmt=fmt), argument="fmt")
    with atomic_file(path) as handle:
        handle.write(text)
    return path

"""``instnet recommend``, ``instnet trend`` and ``instnet diff``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import main
from .common import (DATA_YEAR, analysis_options, as_of_phrase, as_of_value, command_wrapper, emit, err_console, load,
                     masker, max_hops_option, output_options, private_option, rich_table, years_options)
from ..errors import UsageError
from ..i18n import _, format_int, format_percent, ngettext
from ..io.outfile import spreadsheet_safe
from ..labels import column_label

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress


def _families(text: str) -> list[str]:
    from ..analysis.recommend import FAMILIES

    out = [p.strip() for p in text.split(",") if p.strip()]
    bad = [p for p in out if p not in FAMILIES]
    if bad or not out:
        raise UsageError(_("--actions: unknown action family {family!r}; choose from {families} "
                           "(comma-separated)").format(family=bad[0] if bad else text,
                                                       families=", ".join(FAMILIES)))
    return out


def _ids(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


@main.command()
@analysis_options
@click.option("--budget", type=click.FloatRange(0), default=3, show_default=True,
              help=_("Budget in cost units (see --costs)."))
@click.option("--costs", "costs_text", default=None, metavar="KIND=N,...",
              help=_("Cost of each action kind, e.g. link=1,scope=2,offer=3,centre=20 (default: the dataset's "
                     "[costs], else those)."))
@click.option("--actions", "families", default="link,scope,centre", show_default=True,
              help=_("Comma-separated families of actions: link, scope, centre."))
@click.option("--centre-services", type=click.IntRange(1), default=3, show_default=True,
              help=_("Most services a new specialised centre offers."))
@click.option("--centre-min-needs", type=click.IntRange(1), default=10, show_default=True,
              help=_("Unmet needs of one sector in one region needed before a new centre is proposed."))
@click.option("--lock", "lock", default="", metavar="ID,...",
              help=_("Institutions to leave untouched (comma-separated ids)."))
@click.option("--ignore-capacity", is_flag=True,
              help=_("Value every newly served need, whatever the capacity left to its institutions."))
@click.option("--write-dataset", "write_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_("Write the ecosystem after the recommended actions as a dataset folder."))
@command_wrapper
def recommend(dataset: str, ecosystem: str | None, as_of: int | str, max_hops: int, fmt: str,
              output: Path | None, budget: float, costs_text: str | None, families: str, centre_services: int,
              centre_min_needs: int, lock: str, ignore_capacity: bool, write_dir: Path | None) -> None:
    """Feasible interventions that serve the most unmet needs per cost, within a budget."""
    import pandas as pd

    from ..analysis.core import Analysis
    from ..analysis.recommend import Costs
    from ..io.write import write_dataset

    fams = _families(families)
    eco = load(dataset, ecosystem=ecosystem, as_of=as_of)
    costs = Costs.of_meta(eco.meta)
    if costs_text is not None:
        costs = Costs.parse(costs_text, base=costs)
    console = err_console()
    with console.status(_("recommending")) as status:
        plan = Analysis(eco, max_hops=max_hops).recommend(
            budget=_number(budget), actions=fams, centre_services=centre_services, costs=costs, lock=_ids(lock),
            centre_min_needs=centre_min_needs, ignore_capacity=ignore_capacity,
            progress=lambda msg: status.update(msg))
    if write_dir is not None:
        write_dataset(plan.ecosystem, write_dir)
        console.print(ngettext("wrote the ecosystem after {n} action to {path}",
                               "wrote the ecosystem after {n} actions to {path}",
                               len(plan.recommendations)).format(n=len(plan.recommendations), path=write_dir),
                      markup=False)
    m = masker(eco)
    data = {"name": eco.name, "as_of": as_of_value(eco), "actions": fams, **plan.to_dict()}
    for rec, r in zip(data["recommendations"], plan.recommendations):
        rec["description"] = r.action.describe(m.id)
        rec["feasible"] = r.shown_reason(m.id)
    for u in data["utilisation"]:
        u["id"] = m.id(u["id"])
    table = plan.table(m.id)
    if fmt == "csv":
        table = pd.DataFrame([{"rank": r.rank, "kind": r.action.kind, "action": r.action.describe(m.id),
                               "cost": r.cost, "gain": r.gain, "absorbed": r.absorbed,
                               "weighted_gain": r.weighted_gain, "gain_per_cost": r.gain_per_cost,
                               "feasible": r.shown_reason(m.id), "service": g["service"], "region": g["region"],
                               "sector": g["sector"], "needs": g["needs"]}
                              for r in plan.recommendations for g in r.groups],
                             columns=["rank", "kind", "action", "cost", "gain", "absorbed", "weighted_gain",
                                      "gain_per_cost", "feasible", "service", "region", "sector", "needs"])
        table = table.map(spreadsheet_safe)  # ids in descriptions could start like a formula

    def render(c: Console) -> None:
        d = plan.to_dict()
        c.print(f"{eco.name}, {as_of_phrase(eco)}: " + ngettext(
            "{served} of {needs} needs served ({before}); after {n} action costing {cost} of a budget of {budget}: "
            "{after_served} ({after})",
            "{served} of {needs} needs served ({before}); after {n} actions costing {cost} of a budget of {budget}: "
            "{after_served} ({after})",
            len(plan.recommendations)).format(
            served=format_int(plan.served_before), needs=format_int(plan.needs),
            before=format_percent(d["coverage_before"], 1), n=len(plan.recommendations),
            cost=f"{plan.cost_total:g}", budget=f"{plan.budget:g}",
            after_served=format_int(plan.served_after), after=format_percent(d["coverage_after"], 1)), markup=False)
        if not plan.recommendations:
            c.print(_("no feasible, affordable action serves any unmet need"), markup=False)
            return
        if plan.strategy != "greedy":
            c.print(_("the best single affordable action beats the greedy plan by weighted gain"), markup=False)
        view = plan.table(m.id)[["rank", "action", "cost", "gain", "absorbed", "weighted_gain", "gain_per_cost"]]
        c.print(rich_table(view, title=_("Recommended interventions (in order)")), markup=False)
        for r in plan.recommendations:
            c.print(_("{rank}. feasible: {reason}").format(rank=r.rank, reason=r.shown_reason(m.id)), markup=False)
            if r.not_absorbed:
                c.print(_("   {n} newly served need(s) could not be absorbed: {who} has no capacity left for "
                          "them").format(n=r.not_absorbed, who=m.id(r.limited_by)), markup=False)
        util = plan.utilisation()
        util["id"] = util["id"].map(m.id)
        if len(util):
            for col in ("capacity", "load_before", "load_after"):
                util[col] = util[col].astype(object).where(util[col].notna(), None)
            c.print(rich_table(util, title=_("Institutions the plan touches: load and utilisation")),
                    markup=False)

    emit(fmt=fmt, output=output, data=data, table=table, render=render, masker=m)


def _number(value: float) -> float:
    """``value`` as an int when it is whole (budgets read as 3, not 3.0)."""
    return int(value) if float(value).is_integer() else value


@main.command()
@years_options
@click.option("--from", "start", type=int, required=True, metavar="YEAR")
@click.option("--to", "end", type=int, required=True, metavar="YEAR")
@click.option("--step", type=click.IntRange(1), default=1, show_default=True)
@click.option("--top", type=click.IntRange(0), default=3, show_default=True, help="Bottlenecks shown per year.")
@command_wrapper
def trend(dataset: str, ecosystem: str | None, max_hops: int, fmt: str, output: Path | None,
          start: int, end: int, step: int, top: int) -> None:
    """Indicators, coverage and top bottlenecks at each year from --from to --to."""
    from ..analysis.trend import trend as run, trend_years

    eco = load(dataset, ecosystem=ecosystem, as_of="all")
    years = trend_years(start, end, step=step)
    with _year_progress() as bar:
        task = bar.add_task(_("years"), total=len(years))
        frame = run(eco, start, end, step=step, max_hops=max_hops, top=top,
                    progress=lambda year: bar.update(task, advance=1, description=str(year)))
    m = masker(eco)
    records = m.data(frame.to_dict("records"))
    data = {"name": eco.name, "max_hops": max_hops, "years": records}
    table = frame.copy()
    table["bottlenecks"] = ["; ".join(f"{b['id']} ({b['name']}) {b['impact']}" for b in r["bottlenecks"])
                            for r in records]

    def render(c: Console) -> None:
        cols = {"year": "year", "needs": "needs", "served": "served", "coverage": _("cover"),
                "avg_hops": "hops", "network_share": _("in net"), "density": _("density"),
                "centralisation": _("central"), "top1_load_share": _("top1"),
                "bottlenecks": _("top bottleneck (impact)")}
        view = table[list(cols)].rename(columns=cols)
        c.print(rich_table(view, title=_("{name}: trend {start}-{end}").format(name=eco.name, start=start, end=end),
                           legend=_trend_legend(cols)))

    emit(fmt=fmt, output=output, data=data, table=table, render=render, masker=m)


def _trend_legend(cols: dict[str, str]) -> dict[str, str]:
    """What trend's short headings mean, keyed by the headings shown."""
    return {
        cols["coverage"]: _("coverage: served needs / needs"),
        cols["avg_hops"]: _("average hops of the best paths of served needs"),
        cols["network_share"]: _("share of enterprises with a member_of link to a network"),
        cols["density"]: _("density of the institution graph"),
        cols["centralisation"]: _("Freeman degree centralisation of the institution graph"),
        cols["top1_load_share"]: _("load of the most loaded institution / total load of all institutions"),
        cols["bottlenecks"]: _("id (name) and impact of the institutions with the highest impact"),
    }


def _year_progress() -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description:>6}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err_console(), transient=True)


@main.command()
@click.argument("dataset")
@click.argument("other", required=False)
@click.option("--from", "start", type=int, default=None, metavar="YEAR")
@click.option("--to", "end", type=int, default=None, metavar="YEAR")
@click.option("--ecosystem", default=None, metavar="NAME", help="Ecosystem name in Neo4j (DATASET 'neo4j').")
@max_hops_option
@private_option
@click.option("--limit", type=click.IntRange(1), default=None,
              help="Rows shown per kind of change in the table [default: 20 on a terminal, all when piped].")
@output_options
@command_wrapper
def diff(dataset: str, other: str | None, start: int | None, end: int | None, ecosystem: str | None,
         max_hops: int, limit: int | None, fmt: str, output: Path | None) -> None:
    """What changed between two years of DATASET (--from/--to) or two datasets (DATASET OTHER)."""
    import pandas as pd

    from ..analysis.trend import diff as run

    if other is None:
        if start is None or end is None:
            raise UsageError(_("diff needs two datasets, or one dataset with --from YEAR --to YEAR"))
        eco = load(dataset, ecosystem=ecosystem, as_of="all")
        a, b, la, lb = eco.as_of(start), eco.as_of(end), str(start), str(end)
    else:
        if ecosystem and "neo4j" not in (dataset, other):
            raise UsageError(_("--ecosystem names an ecosystem stored in Neo4j; it needs DATASET or OTHER 'neo4j'"))
        # each dataset as of its own data year unless --from/--to say otherwise
        b_year = end if end is not None else start
        a = load(dataset, ecosystem=ecosystem if dataset == "neo4j" else None,
                 as_of=DATA_YEAR if start is None else start)
        b = load(other, ecosystem=ecosystem if other == "neo4j" else None,
                 as_of=DATA_YEAR if b_year is None else b_year)
        la, lb = dataset, other
    d = run(a, b, max_hops=max_hops, label_a=la, label_b=lb)
    data = d.to_dict()
    table = d.summary()
    names = pd.concat([a.actors["name"], b.actors["name"]])
    names = names[~names.index.duplicated(keep="last")]

    def named(f: pd.DataFrame) -> pd.DataFrame:
        return f.assign(name=names.reindex(f["actor"].to_numpy()).to_numpy())

    def render(c: Console) -> None:
        c.print(_("{a} -> {b}: coverage {before} -> {after}").format(
            a=la, b=lb, before=format_percent(d.coverage_a, 1), after=format_percent(d.coverage_b, 1)), markup=False)
        c.print(rich_table(table, title=_("Changes")))
        shown = limit if limit is not None else (20 if c.is_terminal else None)
        for title, f, cols in (
            (_("Actors added"), d.actors_added, ["id", "name", "kind"]),
            (_("Actors removed"), d.actors_removed, ["id", "name", "kind"]),
            (_("Links added"), d.links_added, ["source", "target", "type"]),
            (_("Links removed"), d.links_removed, ["source", "target", "type"]),
            (_("Offers added"), named(d.offers_added), ["actor", "name", "service"]),
            (_("Offers removed"), named(d.offers_removed), ["actor", "name", "service"]),
            (_("Gaps closed"), named(d.gaps_closed), ["actor", "name", "service"]),
            (_("Gaps opened"), named(d.gaps_opened), ["actor", "name", "service"]),
            (_("Bottlenecks that rose"), d.rose, ["id", "name", "impact_a", "impact_b", "load_a", "load_b"]),
            (_("Bottlenecks that fell"), d.fell, ["id", "name", "impact_a", "impact_b", "load_a", "load_b"]),
        ):
            if len(f):
                more = (_(" (first {limit} of {n})").format(limit=shown, n=len(f))
                        if shown is not None and len(f) > shown else "")
                # headings name the two sides (years or datasets), not "_a"/"_b"
                part = f[cols].head(shown).rename(columns=lambda col: _side_heading(col, la, lb))
                c.print(rich_table(part, title=title + more))

    emit(fmt=fmt, output=output, data=data, table=table, render=render, masker=masker(b, a))


def _side_heading(column: str, label_a: str, label_b: str) -> str:
    """``impact_a`` -> ``impact 1996`` (the side's year or dataset name).

    Examples
    --------
    >>> _side_heading("load_b", "1996", "1998"), _side_heading("name", "1996", "1998")
    ('load 1998', 'name')
    """
    for suffix, side in (("_a", label_a), ("_b", label_b)):
        if column.endswith(suffix):
            return _("{measure} {side}").format(measure=column_label(column[: -len(suffix)]), side=side)
    return column

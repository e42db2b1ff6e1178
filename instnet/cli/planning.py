"""``instnet recommend``, ``instnet trend`` and ``instnet diff`` (issue 7)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import main
from .common import analysis_options, command_wrapper, emit, err_console, load, output_options, rich_table
from ..errors import UsageError
from ..i18n import _, format_int, format_percent

if TYPE_CHECKING:
    from rich.console import Console


def _families(text: str) -> list[str]:
    from ..analysis.recommend import FAMILIES

    out = [p.strip() for p in text.split(",") if p.strip()]
    bad = [p for p in out if p not in FAMILIES]
    if bad or not out:
        raise UsageError(_("--actions: unknown action family {family!r}; choose from {families} "
                           "(comma-separated)").format(family=bad[0] if bad else text,
                                                       families=", ".join(FAMILIES)))
    return out


@main.command()
@analysis_options
@click.option("--budget", type=click.IntRange(0), default=3, show_default=True,
              help="Number of interventions to recommend.")
@click.option("--actions", "families", default="link,scope,centre", show_default=True,
              help="Comma-separated families of actions: link, scope, centre.")
@click.option("--centre-services", type=click.IntRange(1), default=3, show_default=True,
              help="Most services a new specialised centre offers.")
@click.option("--write-dataset", "write_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write the ecosystem after the recommended actions as a dataset folder.")
@command_wrapper
def recommend(dataset: str, ecosystem: str | None, as_of: int | None, max_hops: int, fmt: str,
              output: Path | None, budget: int, families: str, centre_services: int,
              write_dir: Path | None) -> None:
    """Interventions that serve the most unmet needs, chosen greedily by marginal gain."""
    import pandas as pd

    from ..analysis.core import Analysis
    from ..io.write import write_dataset

    fams = _families(families)
    eco = load(dataset, ecosystem=ecosystem, as_of=as_of)
    console = err_console()
    with console.status(_("recommending")) as status:
        plan = Analysis(eco, max_hops=max_hops).recommend(
            budget=budget, actions=fams, centre_services=centre_services, progress=lambda msg: status.update(msg))
    if write_dir is not None:
        write_dataset(plan.ecosystem, write_dir)
        console.print(_("wrote the ecosystem after {n} action(s) to {path}").format(
            n=len(plan.recommendations), path=write_dir), markup=False)
    data = {"name": eco.name, "as_of": as_of, "budget": budget, "actions": fams, **plan.to_dict()}
    table = plan.table()
    if fmt == "csv":
        table = pd.DataFrame([{"rank": r.rank, "kind": r.action.kind, "action": r.action.describe(),
                               "gain": r.gain, "service": g["service"], "region": g["region"],
                               "sector": g["sector"], "needs": g["needs"]}
                              for r in plan.recommendations for g in r.groups],
                             columns=["rank", "kind", "action", "gain", "service", "region", "sector", "needs"])

    def render(c: Console) -> None:
        d = plan.to_dict()
        c.print(f"{eco.name}: " + _("{served} of {needs} needs served ({before}); after {n} action(s): "
                                    "{after_served} ({after})").format(
            served=format_int(plan.served_before), needs=format_int(plan.needs),
            before=format_percent(d["coverage_before"], 1), n=len(plan.recommendations),
            after_served=format_int(plan.served_after), after=format_percent(d["coverage_after"], 1)), markup=False)
        if plan.recommendations:
            c.print(rich_table(table, title=_("Recommended interventions (greedy, in order)")), markup=False)
        else:
            c.print(_("no action serves any unmet need"), markup=False)

    emit(fmt=fmt, output=output, data=data, table=table, render=render)


@main.command()
@analysis_options
@click.option("--from", "start", type=int, required=True, metavar="YEAR")
@click.option("--to", "end", type=int, required=True, metavar="YEAR")
@click.option("--step", type=click.IntRange(1), default=1, show_default=True)
@click.option("--top", type=click.IntRange(0), default=3, show_default=True, help="Bottlenecks shown per year.")
@command_wrapper
def trend(dataset: str, ecosystem: str | None, as_of: int | None, max_hops: int, fmt: str, output: Path | None,
          start: int, end: int, step: int, top: int) -> None:
    """Indicators, coverage and top bottlenecks at each year from --from to --to."""
    from ..analysis.trend import trend as run

    if as_of is not None:
        raise UsageError(_("trend takes --from/--to, not --as-of"))
    eco = load(dataset, ecosystem=ecosystem)
    frame = run(eco, start, end, step=step, max_hops=max_hops, top=top)
    records = frame.to_dict("records")
    data = {"name": eco.name, "max_hops": max_hops, "years": records}
    table = frame.copy()
    table["bottlenecks"] = [", ".join(f"{b['id']}({b['impact']})" for b in bs) for bs in frame["bottlenecks"]]

    def render(c: Console) -> None:
        cols = {"year": "year", "needs": "needs", "served": "served", "coverage": _("cover"),
                "avg_hops": "hops", "network_share": _("in net"), "density": _("density"),
                "centralisation": _("central"), "top1_load_share": _("top1"),
                "bottlenecks": _("top bottleneck (impact)")}
        view = table[list(cols)].rename(columns=cols)
        view[cols["bottlenecks"]] = [f"{bs[0]['id']} ({bs[0]['impact']})" if bs else "" for bs in frame["bottlenecks"]]
        c.print(rich_table(view, title=_("{name}: trend {start}-{end}").format(name=eco.name, start=start, end=end)),
                markup=False)

    emit(fmt=fmt, output=output, data=data, table=table, render=render)


@main.command()
@click.argument("dataset")
@click.argument("other", required=False)
@click.option("--from", "start", type=int, default=None, metavar="YEAR")
@click.option("--to", "end", type=int, default=None, metavar="YEAR")
@click.option("--ecosystem", default=None, metavar="NAME", help="Ecosystem name in Neo4j (DATASET 'neo4j').")
@click.option("--max-hops", type=click.IntRange(1, 12), default=4, show_default=True)
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True,
              help="Rows shown per kind of change in the table.")
@output_options
@command_wrapper
def diff(dataset: str, other: str | None, start: int | None, end: int | None, ecosystem: str | None,
         max_hops: int, limit: int, fmt: str, output: Path | None) -> None:
    """What changed between two years of DATASET (--from/--to) or two datasets (DATASET OTHER)."""
    from ..analysis.trend import diff as run

    if other is None:
        if start is None or end is None:
            raise UsageError(_("diff needs two datasets, or one dataset with --from YEAR --to YEAR"))
        eco = load(dataset, ecosystem=ecosystem)
        a, b, la, lb = eco.as_of(start), eco.as_of(end), str(start), str(end)
    else:
        a = load(dataset, ecosystem=ecosystem, as_of=start)
        b = load(other, ecosystem=ecosystem, as_of=end if end is not None else start)
        la, lb = dataset, other
    d = run(a, b, max_hops=max_hops, label_a=la, label_b=lb)
    data = d.to_dict()
    table = d.summary()

    def render(c: Console) -> None:
        c.print(_("{a} -> {b}: coverage {before} -> {after}").format(
            a=la, b=lb, before=format_percent(d.coverage_a, 1), after=format_percent(d.coverage_b, 1)), markup=False)
        c.print(rich_table(table, title=_("Changes")), markup=False)
        for title, f, cols in (
            (_("Actors added"), d.actors_added, ["id", "name", "kind"]),
            (_("Actors removed"), d.actors_removed, ["id", "name", "kind"]),
            (_("Links added"), d.links_added, ["source", "target", "type"]),
            (_("Links removed"), d.links_removed, ["source", "target", "type"]),
            (_("Gaps closed"), d.gaps_closed, ["actor", "service"]),
            (_("Gaps opened"), d.gaps_opened, ["actor", "service"]),
            (_("Bottlenecks that rose"), d.rose, ["id", "name", "impact_a", "impact_b", "load_a", "load_b"]),
            (_("Bottlenecks that fell"), d.fell, ["id", "name", "impact_a", "impact_b", "load_a", "load_b"]),
        ):
            if len(f):
                more = _(" (first {limit} of {n})").format(limit=limit, n=len(f)) if len(f) > limit else ""
                c.print(rich_table(f[cols].head(limit), title=title + more), markup=False)

    emit(fmt=fmt, output=output, data=data, table=table, render=render)

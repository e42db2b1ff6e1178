"""``instnet bottlenecks``: which institutions everything routes through."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..i18n import _, format_decimal, format_int, format_percent
from . import main
from ..errors import UsageError
from .common import analysis_options, as_of_phrase, as_of_value, command_wrapper, emit, err_console, load, masker, rich_table
from .output import markup_safe

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from ..analysis.bottlenecks import Bottlenecks
    from ..analysis.core import Analysis
    from ..render.privacy import Masker


def _display(shown: pd.DataFrame) -> pd.DataFrame:
    """A compact terminal view of the bottleneck table."""
    import pandas as pd

    util = shown["utilisation"]
    return pd.DataFrame({
        "id": shown.index.to_numpy(dtype=object),
        "name": shown["name"].to_numpy(dtype=object),
        "kind": shown["kind"].to_numpy(dtype=object),
        "impact": shown["impact"].to_numpy(),
        "cut": shown["actors_cut"].to_numpy(),
        "load": shown["load"].to_numpy(),
        "cap": ["" if pd.isna(c) else format_int(int(c)) for c in shown["capacity"]],
        "util": ["" if pd.isna(u) else format_percent(u) for u in util],
        "betw": [format_decimal(b, 1) for b in shown["betweenness"]],
        "cutpt": [_("yes") if a else "" for a in shown["articulation"]],
        "brok": shown["brokerage"].to_numpy(),
    })


def _legend() -> dict[str, str]:
    """What the terminal table's short headings mean (printed under it)."""
    return {
        "impact": _("needs no longer served if the institution and its links disappear"),
        "cut": _("enterprises and networks that lose at least one served need without it"),
        "load": _("served needs whose best referral path runs through it or ends at it"),
        "cap": _("capacity: clients a year, from the dataset"),
        "util": _("utilisation: load / capacity"),
        "betw": _("betweenness: shortest referral paths from actors with needs to providers through it"),
        "cutpt": _("articulation point: removing it splits the institution graph"),
        "brok": _("brokerage: Gould-Fernandez roles, all kinds summed"),
    }


def _split_ids(value: str | None) -> list[str]:
    if value is None:
        return []
    ids = [p.strip() for p in value.split(",") if p.strip()]
    if not ids:
        raise click.BadParameter(_("give at least one institution id"), param_hint="--remove")
    return ids


@main.command()
@analysis_options
@click.option("--top", type=click.IntRange(0), default=20, show_default=True, metavar="N",
              help="Show the N worst institutions (0 = all).")
@click.option("--show-lost", is_flag=True,
              help="List the needs (actor, service) each shown institution cuts off.")
@click.option("--remove", "remove", default=None, metavar="ID[,ID...]",
              help="What-if: coverage before and after removing these institutions together, "
                   "and the service/region/sector groups that lose most.")
@command_wrapper
def bottlenecks(dataset: str, ecosystem: str | None, as_of: int | str, max_hops: int, fmt: str,
                output: Path | None, top: int, show_lost: bool, remove: str | None) -> None:
    """System-integrator bottlenecks: impact, load, utilisation, betweenness, brokerage.

    Impact = served needs lost if the institution and its links disappear;
    load = served needs whose best referral path runs through or ends at it.
    Sorted by impact, then load.
    """
    from rich.markup import escape

    import pandas as pd

    from ..analysis.core import Analysis

    eco = load(dataset, ecosystem=ecosystem, as_of=as_of)
    if remove is not None and show_lost:
        raise UsageError(_("--show-lost lists what each institution of the table cuts off; with --remove, "
                           "the needs lost are in the what-if output already: give one of them"))
    analysis = Analysis(eco, max_hops=max_hops)
    m = masker(eco)
    if remove is not None:
        _what_if(analysis, _split_ids(remove), fmt=fmt, output=output, top=top,
                 m=masker(eco, typed=tuple(_split_ids(remove))))
        return
    status = err_console()
    with status.status(_("analysing bottlenecks")):
        result = analysis.bottleneck_analysis
    n = None if top == 0 else top
    records = result.records(n, show_lost=show_lost)
    data = {"name": eco.name, "max_hops": max_hops, "as_of": as_of_value(eco), "institutions": records,
            "bridges": result.bridges.to_dict("records")}
    shown = result.table if n is None else result.table.head(n)
    table = shown.reset_index()
    if fmt == "csv" and show_lost:
        names = eco.actors["name"]
        table = pd.DataFrame(
            [(r["id"], x["actor"], names.at[x["actor"]], x["service"]) for r in records for x in r["lost"]],
            columns=["institution", "actor", "name", "service"])

    def render(console: Console) -> None:
        console.print(f"[bold]{markup_safe(eco.name)}[/]: " + escape(
            _("{institutions} institutions, {served} of {needs} needs served within {hops} hops").format(
                institutions=format_int(len(result.table)), served=format_int(int(result.engine.served.sum())),
                needs=format_int(len(result.engine.served)), hops=max_hops)
            + ", " + as_of_phrase(eco)), markup=True, highlight=False)
        console.print(rich_table(_display(shown), title=_("Bottlenecks (impact = needs lost without it)"),
                                 legend=_legend()))
        for rec in records[: (len(records) if show_lost else 1)]:
            _explain(console, eco, result, rec, full=show_lost, m=m)
        if len(result.bridges):
            pairs = ", ".join(f"{m.id(s)}–{m.id(t)}" for s, t in result.bridges.itertuples(index=False))
            console.print(_("Bridges of the institution graph: {pairs}").format(pairs=pairs), markup=False)

    emit(fmt=fmt, output=output, data=data, table=table, render=render, masker=m)


def _explain(console: Console, eco, result: Bottlenecks, rec: dict, *, full: bool, m: Masker) -> None:
    """Why an institution matters: who it cuts off, by sector and service."""
    ident = m.id(rec["id"])
    if rec["impact"] == 0:
        console.print(_("{id}: removing it cuts off no need (every need it serves has another path).").format(
            id=ident), markup=False)
        return
    lost = result.engine.lost(rec["id"])
    sectors = lost["sector"].replace("", _("(none)")).value_counts()
    services = lost["service"].value_counts()
    line = _("{id} ({name}): removing it cuts off {impact} needs of {actors} enterprises/networks — "
             "sectors {sectors}; services {services}").format(
        id=ident, name=m.name(rec["id"], rec["name"]), impact=format_int(rec["impact"]),
        actors=format_int(lost["actor"].nunique()),
        sectors=", ".join(f"{k} {v}" for k, v in sectors.head(5).items()),
        services=", ".join(f"{k} {v}" for k, v in services.head(5).items()))
    if rec["articulation"]:
        line += _("; it is an articulation point of the institution graph")
    console.print(line, markup=False)
    if full:
        names = eco.actors["name"]
        frame = lost.assign(name=names.reindex(lost["actor"].to_numpy()).to_numpy())
        console.print(rich_table(frame[["actor", "name", "service", "region", "sector"]],
                                 title=_("Needs cut off without {id}").format(id=ident)))


def _what_if(analysis: Analysis, ids: list[str], *, fmt: str, output: Path | None, top: int, m: Masker) -> None:
    eco, max_hops = analysis.eco, analysis.max_hops
    w = analysis.without(ids)
    ids = list(w.removed)
    groups = w.groups if top == 0 else w.groups.head(top)
    data = {"name": eco.name, "max_hops": max_hops, "as_of": as_of_value(eco), "what_if": w.to_dict()}
    data["what_if"]["lost_needs"] = w.lost_needs[["actor", "service"]].to_dict("records")

    def render(console: Console) -> None:
        console.print(f"[bold]{markup_safe(eco.name)}[/]: " + markup_safe(_("without {ids}").format(ids=", ".join(ids))
                                                                         + ", " + as_of_phrase(eco)),
                      markup=True, highlight=False)
        console.print(_("coverage {before} -> {after} ({served_before} -> {served_after} of {needs} needs served, "
                        "{lost} lost)").format(
            before=format_percent(w.coverage_before, 1), after=format_percent(w.coverage_after, 1),
            served_before=format_int(w.served_before), served_after=format_int(w.served_after),
            needs=format_int(w.needs), lost=format_int(w.served_before - w.served_after)), markup=False)
        console.print(rich_table(groups, title=_("Groups that lose most")))
        if len(w.lost_needs):
            lost = w.lost_needs[["actor", "service"]]
            lost = lost.assign(name=eco.actors["name"].reindex(lost["actor"].to_numpy()).to_numpy())
            console.print(rich_table(lost[["actor", "name", "service"]], title=_("Needs lost")))

    emit(fmt=fmt, output=output, data=data, table=groups, render=render, masker=m)

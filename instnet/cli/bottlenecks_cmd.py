"""``instnet bottlenecks`` (issue 5): which institutions everything routes through."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import main
from .common import analysis_options, command_wrapper, emit, err_console, load, rich_table

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from ..analysis.core import Analysis



def _display(shown: pd.DataFrame) -> pd.DataFrame:
    """A compact terminal view of the bottleneck table."""
    import pandas as pd

    util = shown["utilisation"]
    return pd.DataFrame({
        "id": shown.index.to_numpy(dtype=object),
        "kind": shown["kind"].to_numpy(dtype=object),
        "impact": shown["impact"].to_numpy(),
        "cut": shown["actors_cut"].to_numpy(),
        "load": shown["load"].to_numpy(),
        "cap": ["" if pd.isna(c) else str(int(c)) for c in shown["capacity"]],
        "util": ["" if pd.isna(u) else f"{u:.0%}" for u in util],
        "betw": [f"{b:.1f}" for b in shown["betweenness"]],
        "cutpt": ["yes" if a else "" for a in shown["articulation"]],
        "brok": shown["brokerage"].to_numpy(),
    })


def _split_ids(value: str | None) -> list[str]:
    if value is None:
        return []
    ids = [p.strip() for p in value.split(",") if p.strip()]
    if not ids:
        raise click.BadParameter("give at least one institution id", param_hint="--remove")
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
def bottlenecks(dataset: str, ecosystem: str | None, as_of: int | None, max_hops: int, fmt: str,
                output: Path | None, top: int, show_lost: bool, remove: str | None) -> None:
    """System-integrator bottlenecks: impact, load, utilisation, betweenness, brokerage.

    Impact = served needs lost if the institution and its links disappear;
    load = served needs whose best referral path runs through or ends at it.
    Sorted by impact, then load.
    """
    import pandas as pd

    from ..analysis.core import Analysis

    eco = load(dataset, ecosystem=ecosystem, as_of=as_of)
    analysis = Analysis(eco, max_hops=max_hops)
    if remove is not None:
        _what_if(analysis, _split_ids(remove), as_of=as_of, fmt=fmt, output=output, top=top)
        return
    status = err_console()
    with status.status("analysing bottlenecks"):
        result = analysis.bottleneck_analysis
    n = None if top == 0 else top
    records = result.records(n, show_lost=show_lost)
    data = {"name": eco.name, "max_hops": max_hops, "as_of": as_of, "institutions": records,
            "bridges": result.bridges.to_dict("records")}
    shown = result.table if n is None else result.table.head(n)
    table = shown.reset_index()
    if fmt == "csv" and show_lost:
        table = pd.DataFrame(
            [(r["id"], x["actor"], x["service"]) for r in records for x in r["lost"]],
            columns=["institution", "actor", "service"])

    def render(console: Console) -> None:
        console.print(f"[bold]{eco.name}[/]: {len(result.table)} institutions, "
                      f"{int(result.engine.served.sum())} of {len(result.engine.served)} needs served "
                      f"within {max_hops} hops" + (f", as of {as_of}" if as_of else ""),
                      markup=True, highlight=False)
        console.print(rich_table(_display(shown), title="Bottlenecks (impact = needs lost without it)"),
                      markup=False)
        for rec in records[: (len(records) if show_lost else 1)]:
            _explain(console, eco, result, rec, full=show_lost)
        if len(result.bridges):
            pairs = ", ".join(f"{s}–{t}" for s, t in result.bridges.itertuples(index=False))
            console.print(f"Bridges of the institution graph: {pairs}", markup=False)

    emit(fmt=fmt, output=output, data=data, table=table, render=render)


def _explain(console: Console, eco, result, rec: dict, *, full: bool) -> None:
    """Why an institution matters: who it cuts off, by sector and service."""
    ident = rec["id"]
    if rec["impact"] == 0:
        console.print(f"{ident}: removing it cuts off no need (every need it serves has another path).",
                      markup=False)
        return
    lost = result.engine.lost(ident)
    sectors = lost["sector"].replace("", "(none)").value_counts()
    services = lost["service"].value_counts()
    line = (f"{ident} ({rec['name']}): removing it cuts off {rec['impact']} needs of "
            f"{lost['actor'].nunique()} enterprises/networks — sectors "
            + ", ".join(f"{k} {v}" for k, v in sectors.head(5).items())
            + "; services " + ", ".join(f"{k} {v}" for k, v in services.head(5).items()))
    if rec["articulation"]:
        line += "; it is an articulation point of the institution graph"
    console.print(line, markup=False)
    if full:
        names = eco.actors["name"]
        frame = lost.assign(name=names.reindex(lost["actor"].to_numpy()).to_numpy())
        console.print(rich_table(frame[["actor", "name", "service", "region", "sector"]],
                                 title=f"Needs cut off without {ident}"), markup=False)


def _what_if(analysis: Analysis, ids: list[str], *, as_of: int | None, fmt: str, output: Path | None,
             top: int) -> None:
    eco, max_hops = analysis.eco, analysis.max_hops
    w = analysis.without(ids)
    ids = list(w.removed)
    groups = w.groups if top == 0 else w.groups.head(top)
    data = {"name": eco.name, "max_hops": max_hops, "as_of": as_of, "what_if": w.to_dict()}
    data["what_if"]["lost_needs"] = w.lost_needs[["actor", "service"]].to_dict("records")

    def render(console: Console) -> None:
        console.print(f"[bold]{eco.name}[/]: without {', '.join(ids)}", markup=True, highlight=False)
        console.print(f"coverage {w.coverage_before:.1%} -> {w.coverage_after:.1%} "
                      f"({w.served_before} -> {w.served_after} of {w.needs} needs served, "
                      f"{w.served_before - w.served_after} lost)", markup=False)
        console.print(rich_table(groups, title="Groups that lose most"), markup=False)

    emit(fmt=fmt, output=output, data=data, table=groups, render=render)

"""``instnet validate``, ``instnet info`` and ``instnet generate``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..i18n import _, format_int
from . import main
from .common import analysis_options, command_wrapper, dataset_argument, emit, err_console, load, rich_table

if TYPE_CHECKING:
    from rich.console import Console


@main.command()
@dataset_argument
@command_wrapper
def validate(dataset: str, ecosystem: str | None, as_of: int | None) -> None:
    """Check DATASET against the dataset format; exit 2 listing every problem."""
    from rich.markup import escape

    from ..analysis import info as info_mod

    eco = load(dataset, ecosystem=ecosystem, as_of=as_of)
    console = err_console()
    for w in info_mod.warnings(eco):
        console.print("[yellow]" + _("warning:") + "[/] " + escape(w), markup=True, highlight=False)
    c = info_mod.counts(eco)["totals"]
    click.echo(_("{name}: valid ({actors} actors, {services} services, {offers} offers, {needs} needs, "
                 "{links} links)").format(name=eco.name, **{k: format_int(v) for k, v in c.items()}))


@main.command()
@analysis_options
@click.option("--indicators/--no-indicators", "with_indicators", default=True, show_default=True,
              help="Compute the network evaluation indicators (docs/indicators.md).")
@command_wrapper
def info(dataset: str, ecosystem: str | None, as_of: int | None, max_hops: int, fmt: str,
         output: Path | None, with_indicators: bool) -> None:
    """Counts by kind, link type and service category, warnings and indicators."""
    from rich.markup import escape

    import pandas as pd

    from ..analysis import info as info_mod
    from ..analysis.core import Analysis

    eco = load(dataset, ecosystem=ecosystem, as_of=as_of)
    counts = info_mod.counts(eco)
    warns = info_mod.warnings(eco)
    panel = Analysis(eco, max_hops=max_hops).panel if with_indicators else None
    data = {"name": eco.name, "meta": dict(eco.meta), "as_of": as_of, **counts, "warnings": warns,
            "indicators": panel}
    rows = [(group, key, n) for group in ("actors", "links", "services") for key, n in counts[group].items()]
    table = pd.DataFrame(rows, columns=["table", "key", "count"])

    def render(console: Console) -> None:
        meta = eco.meta
        console.print(f"[bold]{escape(eco.name)}[/]" + (f" — {escape(str(meta.get('country')))}" if meta.get("country") else "")
                      + (_(", as of {year}").format(year=as_of) if as_of else ""), markup=True, highlight=False)
        if meta.get("description"):
            console.print(str(meta["description"]), markup=False)
        for group, title, column in (("actors", _("Actors by kind"), "kind"), ("links", _("Links by type"), "type"),
                                     ("services", _("Services by category"), "category")):
            frame = pd.DataFrame([(k, n) for k, n in counts[group].items() if n], columns=[column, "count"])
            console.print(rich_table(frame, title=title), markup=False)
        t = counts["totals"]
        console.print(_("{offers} offers, {needs} needs").format(offers=format_int(t["offers"]),
                                                                  needs=format_int(t["needs"])), markup=False)
        for w in warns:
            console.print("[yellow]" + _("warning:") + "[/] " + escape(w), markup=True, highlight=False)
        if panel is not None:
            from ..analysis.indicators import render as render_panel

            render_panel(console, panel)

    emit(fmt=fmt, output=output, data=data, table=table, render=render)


@main.command()
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the dataset to.")
@click.option("--enterprises", type=click.IntRange(1), default=1000, show_default=True)
@click.option("--institutions", type=click.IntRange(8), default=100, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@command_wrapper
def generate(out_dir: Path, enterprises: int, institutions: int, seed: int) -> None:
    """Write a deterministic synthetic national ecosystem (for benchmarks)."""
    from ..generate import generate as generate_dataset

    console = err_console()
    with console.status(_("generating")) as status:
        path = generate_dataset(out_dir, enterprises=enterprises, institutions=institutions, seed=seed,
                                progress=lambda msg: status.update(msg))
    click.echo(_("wrote {path}").format(path=path))

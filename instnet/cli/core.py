"""``instnet validate``, ``instnet info`` and ``instnet generate``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click
from ..i18n import _, format_int
from . import main
from .common import (DATA_YEAR, analysis_options, as_of_phrase, as_of_value, command_wrapper, dataset_argument, emit,
                     err_console, load, masker, private_option, rich_table)
from .output import markup_safe, visible

if TYPE_CHECKING:
    from rich.console import Console


def _show_warnings(console: Console, warnings: list[str]) -> None:
    for w in warnings:
        console.print("[yellow]" + _("warning:") + "[/] ", end="", markup=True, highlight=False)
        console.print(visible(w), markup=False, highlight=False)


def _problem_rows(problems) -> list[dict]:
    return [{"file": p.file, "row": p.row, "column": p.column, "message": p.message} for p in problems]


@main.command()
@dataset_argument
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table: a summary line and warnings; json: validity, counts, warnings and problems "
                   "(each with file, row, column and message).")
@private_option
@command_wrapper
def validate(dataset: str, ecosystem: str | None, as_of: int | str, fmt: str) -> None:
    """Check DATASET against the dataset format; exit 2 listing every problem."""
    from ..analysis import info as info_mod
    from ..errors import DatasetError

    try:
        # validation reads every row; a year is applied only when one is asked for
        eco = load(dataset, ecosystem=ecosystem, as_of=None if as_of == DATA_YEAR else as_of)
    except DatasetError as exc:
        if fmt == "json":
            click.echo(json.dumps({"valid": False, "problems": _problem_rows(exc.problems), "warnings": []},
                                  indent=2, ensure_ascii=False))
        raise
    located = [str(p) for p in eco.warnings]
    summary = info_mod.warnings(eco, shown=masker(eco).id)
    c = info_mod.counts(eco)["totals"]
    if fmt == "json":
        rows = _problem_rows(eco.warnings) + [{"file": "", "row": 0, "column": "", "message": w} for w in summary]
        click.echo(json.dumps({"name": eco.name, "valid": True, "counts": c, "warnings": rows, "problems": []},
                              indent=2, ensure_ascii=False))
        return
    _show_warnings(err_console(), located + summary)
    click.echo(_("{name}: valid ({actors} actors, {services} services, {offers} offers, {needs} needs, "
                 "{links} links)").format(name=visible(eco.name), **{k: format_int(v) for k, v in c.items()}))


@main.command()
@analysis_options
@click.option("--indicators/--no-indicators", "with_indicators", default=True, show_default=True,
              help="Compute the network evaluation indicators (docs/indicators.md).")
@command_wrapper
def info(dataset: str, ecosystem: str | None, as_of: int | str, max_hops: int, fmt: str,
         output: Path | None, with_indicators: bool) -> None:
    """Counts by kind, link type and service category, warnings and indicators."""
    import pandas as pd

    from ..analysis import info as info_mod
    from ..analysis.core import Analysis

    eco = load(dataset, ecosystem=ecosystem, as_of=as_of)
    counts = info_mod.counts(eco)
    warns = [str(p) for p in eco.warnings] + info_mod.warnings(eco, shown=masker(eco).id)
    panel = Analysis(eco, max_hops=max_hops).panel if with_indicators else None
    data = {"name": eco.name, "meta": dict(eco.meta), "as_of": as_of_value(eco), **counts, "warnings": warns,
            "indicators": panel}
    rows = [(group, key, n) for group in ("actors", "links", "services") for key, n in counts[group].items()]
    table = pd.DataFrame(rows, columns=["table", "key", "count"])

    def render(console: Console) -> None:
        meta = eco.meta
        console.print(f"[bold]{markup_safe(eco.name)}[/]"
                      + (f" — {markup_safe(meta.get('country'))}" if meta.get("country") else "")
                      + ", " + markup_safe(as_of_phrase(eco)), markup=True, highlight=False)
        if meta.get("description"):
            console.print(str(meta["description"]), markup=False)
        for group, title, column in (("actors", _("Actors by kind"), "kind"), ("links", _("Links by type"), "type"),
                                     ("services", _("Services by category"), "category")):
            frame = pd.DataFrame([(k, n) for k, n in counts[group].items() if n], columns=[column, "count"])
            console.print(rich_table(frame, title=title))
        t = counts["totals"]
        console.print(_("{offers} offers, {needs} needs").format(offers=format_int(t["offers"]),
                                                                  needs=format_int(t["needs"])), markup=False)
        _show_warnings(console, warns)
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

"""``instnet export html|graphml|gexf|json`` and ``instnet report``."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _
from . import main
from .common import command_wrapper, dataset_argument, err_console, load, max_hops_option

_OUT = click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
                    help="File to write.")
_HOPS = max_hops_option
_PRIVATE = click.option("--include-private", is_flag=True, default=False,
                        help="Show the names and details of actors marked private (default: kind and a "
                             "neutral label only).")


@main.group()
def export() -> None:
    """Write the ecosystem as an interactive map (html) or for Gephi and others."""


@export.command("html")
@dataset_argument
@_OUT
@_HOPS
@_PRIVATE
@click.option("--service", default=None, metavar="SERVICE",
              help="Highlight SERVICE: its providers, unmet needs and referral paths.")
@click.option("--focus", default=None, metavar="ACTOR", help="Draw ACTOR's best referral paths only.")
@click.option("--remove", default=None, metavar="ID", help="Draw the ecosystem without ID and mark who is cut off.")
@click.option("--group-threshold", type=click.IntRange(1), default=None, metavar="N",
              help="Draw enterprises (and networks) as region x sector groups above N of them "
                   "[default: 300].")
@click.option("--max-institutions", type=click.IntRange(0), default=None, metavar="N",
              help="Draw only the N institutions with the highest impact one by one and pool the others "
                   "by kind x region (0: draw all) [default: 1000].")
@command_wrapper
def export_html(dataset: str, ecosystem: str | None, as_of: int | str, output: Path, max_hops: int,
                include_private: bool, service: str | None, focus: str | None, remove: str | None,
                group_threshold: int | None, max_institutions: int | None) -> None:
    """Write the self-contained interactive map of DATASET to an HTML file."""
    from ..analysis.core import Analysis
    from ..render.html import write_map
    from ..render.views import DEFAULT_GROUP_THRESHOLD, DEFAULT_MAX_INSTITUTIONS

    eco = load(dataset, ecosystem=ecosystem, as_of=as_of)
    write_map(eco, output, analysis=Analysis(eco, max_hops=max_hops), service=service, focus=focus, remove=remove,
              include_private=include_private, group_threshold=group_threshold or DEFAULT_GROUP_THRESHOLD,
              max_institutions=DEFAULT_MAX_INSTITUTIONS if max_institutions is None else max_institutions)
    click.echo(_("wrote {path}").format(path=output))


def _graph_command(fmt: str, help_text: str) -> None:
    @export.command(fmt, help=help_text)
    @dataset_argument
    @_OUT
    @_HOPS
    @_PRIVATE
    @command_wrapper
    def cmd(dataset: str, ecosystem: str | None, as_of: int | str, output: Path, max_hops: int,
            include_private: bool) -> None:
        from ..analysis.core import Analysis
        from ..render.export import write_export

        eco = load(dataset, ecosystem=ecosystem, as_of=as_of)
        write_export(eco, fmt, output, include_private=include_private,
                     analysis=Analysis(eco, max_hops=max_hops))
        click.echo(_("wrote {path}").format(path=output))


_graph_command("graphml", "Write DATASET as GraphML with actor attributes and analysis results.")
_graph_command("gexf", "Write DATASET as GEXF (for Gephi) with actor attributes and analysis results.")
_graph_command("json", "Write DATASET, its analysis and every need's best referral path as JSON.")


@main.command()
@dataset_argument
@_OUT
@_HOPS
@_PRIVATE
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="html", show_default=True,
              help="A self-contained HTML report, or Markdown to paste into documents.")
@command_wrapper
def report(dataset: str, ecosystem: str | None, as_of: int | str, output: Path, max_hops: int,
           include_private: bool, fmt: str) -> None:
    """Write the ecosystem report: numbers, coverage, gap heatmap, bottlenecks, map."""
    from ..analysis.core import Analysis
    from ..render.report import write_report

    eco = load(dataset, ecosystem=ecosystem, as_of=as_of)
    with err_console().status(_("analysing")):
        write_report(eco, output, fmt=fmt, include_private=include_private,
                     analysis=Analysis(eco, max_hops=max_hops))
    click.echo(_("wrote {path}").format(path=output))

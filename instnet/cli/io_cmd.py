"""``instnet template``, ``instnet import kumu|hsds`` and ``instnet export kumu|hsds``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..i18n import _
from . import main
from .common import command_wrapper, err_console
from .export_cmd import export

if TYPE_CHECKING:
    from ..model import Ecosystem

_PRIVATE = click.option("--include-private", is_flag=True, default=False,
                        help="Keep actors marked private and their rows (default: leave them out).")
_ECOSYSTEM = click.option("--ecosystem", default=None, metavar="NAME",
                          help="Ecosystem name in Neo4j (when DATASET is 'neo4j').")


def _read_all(dataset: str, ecosystem: str | None) -> Ecosystem:
    """Every row of DATASET, whatever its dates (formats carry the whole history)."""
    if dataset == "neo4j":
        if not ecosystem:
            raise click.UsageError(_("DATASET 'neo4j' needs --ecosystem NAME"))
        from ..neo4j.pull import read_ecosystem

        return read_ecosystem(ecosystem)
    from ..io.read import read_dataset

    return read_dataset(dataset)


def _wrote(path: Path, eco: Ecosystem) -> None:
    click.echo(_("wrote {path} ({actors} actors, {services} services, {offers} offers, {needs} needs, "
                 "{links} links)").format(path=path, actors=len(eco.actors), services=len(eco.services),
                                          offers=len(eco.offers), needs=len(eco.needs), links=len(eco.links)))


@main.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .xlsx workbook to write.")
@click.option("--from", "source", default=None, metavar="DATASET", help="Pre-fill it with DATASET.")
@_ECOSYSTEM
@_PRIVATE
@command_wrapper
def template(output: Path, source: str | None, ecosystem: str | None, include_private: bool) -> None:
    """Write a workbook to fill in: one sheet per table, notes, drop-down lists, instructions."""
    from ..io.template import write_template

    eco = _read_all(source, ecosystem) if source else None
    write_template(output, eco, include_private=include_private)
    click.echo(_("wrote {path}").format(path=output))


@main.group("import")
def import_group() -> None:
    """Read a Kumu workbook or an Open Referral HSDS package into the dataset format."""


def _notes(notes: tuple[str, ...]) -> None:
    console = err_console()
    for note in notes:
        console.print(_("note: {text}").format(text=note), markup=False, highlight=False)


@import_group.command("kumu")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The dataset folder to write.")
@click.option("--kinds", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="CSV file mapping Kumu types to instnet kinds or link types (columns type,kind).")
@command_wrapper
def import_kumu(source: Path, output: Path, kinds: Path | None) -> None:
    """Read the Kumu workbook SOURCE (sheets Elements and Connections) into a dataset folder."""
    from ..io.kumu import read_kumu, read_type_mapping

    result = read_kumu(source, kinds=read_type_mapping(kinds) if kinds else None)
    from ..io.write import write_dataset

    write_dataset(result.ecosystem, output)
    _notes(result.notes)
    _wrote(output, result.ecosystem)


@import_group.command("hsds")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The dataset folder to write.")
@click.option("--kind", default="bds_provider", show_default=True, metavar="KIND",
              help="Kind of the organizations whose kind the package does not say.")
@click.option("--category", default="training", show_default=True, metavar="CATEGORY",
              help="Category of the services the package does not place in an instnet category.")
@command_wrapper
def import_hsds(source: Path, output: Path, kind: str, category: str) -> None:
    """Read the HSDS 3.0 package SOURCE (a folder of CSV files) into a dataset folder."""
    from ..io.hsds_import import read_hsds

    result = read_hsds(source, kind=kind, category=category)
    from ..io.write import write_dataset

    write_dataset(result.ecosystem, output)
    _notes(result.notes)
    _wrote(output, result.ecosystem)


def _format_export(fmt: str, *, folder: bool, help_text: str) -> None:
    """Register ``instnet export FMT DATASET -o PATH`` (a workbook, or a package folder)."""

    @export.command(fmt, help=help_text)
    @click.argument("dataset")
    @click.option("-o", "--output", required=True, type=click.Path(file_okay=not folder, dir_okay=folder,
                                                                   path_type=Path),
                  help="The package folder to write." if folder else "The .xlsx workbook to write.")
    @_ECOSYSTEM
    @_PRIVATE
    @command_wrapper
    def cmd(dataset: str, output: Path, ecosystem: str | None, include_private: bool) -> None:
        from ..io.hsds import write_hsds
        from ..io.kumu import write_kumu

        writer = write_hsds if fmt == "hsds" else write_kumu
        writer(_read_all(dataset, ecosystem), output, include_private=include_private)
        click.echo(_("wrote {path}").format(path=output))


_format_export("kumu", folder=False,
               help_text="Write DATASET as a workbook Kumu imports (sheets Elements and Connections).")
_format_export("hsds", folder=True,
               help_text="Write DATASET as an Open Referral HSDS 3.0 tabular data package (CSV files, "
                         "datapackage.json).")

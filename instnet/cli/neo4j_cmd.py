"""``instnet neo4j ...``: the bundled server, load, pull, write-back, list, delete.

Connection settings come from ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``
and ``NEO4J_DATABASE`` (never from a command-line default). Errors are one clear
line on stderr and exit code 2 (handled by the main group).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..i18n import _, format_decimal, format_int
from . import main
from .common import as_of_option, err_console, load as load_dataset, max_hops_option
from .output import visible

if TYPE_CHECKING:
    from rich.progress import Progress

_STATE_DIR = click.option(
    "--state-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Folder of the server's data, logs and password (default: ~/.cache/instnet/neo4j/server, "
         "or $INSTNET_CACHE/neo4j/server).")
_ECOSYSTEM = click.option("--ecosystem", "ecosystem", metavar="NAME", required=True,
                          help="Name of the ecosystem in the database.")


@main.group("neo4j")
def neo4j_group() -> None:
    """Keep ecosystems in Neo4j: load, pull, write-back (and a bundled server)."""


# --------------------------------------------------------------------------- server


@neo4j_group.group("server")
def server_group() -> None:
    """A local Neo4j Community server (fetched once from Maven Central; needs Java 17+ and Maven).

    \b
    eval "$(instnet neo4j server start)"   # start, and export NEO4J_* in this shell
    instnet neo4j server status
    instnet neo4j server stop
    """


@server_group.command("fetch")
def server_fetch() -> None:
    """Download Neo4j (cached) and build its launcher, without starting it."""
    from ..neo4j import server

    with err_console().status(_("fetching Neo4j {version} with Maven").format(version=server.NEO4J_VERSION)):
        dist = server.fetch()
    err_console().print(_("Neo4j {version} ready in {path}").format(version=dist.version, path=dist.lib.parent),
                        markup=False)


@server_group.command("start")
@_STATE_DIR
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Bolt port on 127.0.0.1 (default: a free one).")
@click.option("--heap", default=None, help="JVM heap, e.g. 1500m (default $INSTNET_NEO4J_HEAP or 1500m).")
@click.option("--pagecache", default=None, help="Page cache, e.g. 1g (default $INSTNET_NEO4J_PAGECACHE or 1g).")
def server_start(state_dir: Path | None, port: int | None, heap: str | None,
                 pagecache: str | None) -> None:
    """Start the server and print `export NEO4J_...` lines for `eval`.

    The password is generated on first start and kept (mode 0600) in the state folder.
    """
    from ..neo4j import server

    options = {k: v for k, v in {"heap": heap, "pagecache": pagecache}.items() if v}
    with err_console().status(_("starting Neo4j (the first start also fetches it)")):
        info = server.start(state_dir=state_dir, port=port, **options)
    err_console().print(_("Neo4j {version} running at {uri} (pid {pid})").format(
        version=info.version, uri=info.uri, pid=info.pid), markup=False)
    click.echo(info.exports(), nl=False)


@server_group.command("status")
@_STATE_DIR
@click.option("--exports", "show_exports", is_flag=True,
              help="Print the `export NEO4J_...` lines (with the password) again.")
def server_status(state_dir: Path | None, show_exports: bool) -> None:
    """Say whether the server runs (exit 0) or not (exit 1)."""
    from ..neo4j import server

    info = server.status(state_dir=state_dir)
    if info is None:
        err_console().print(_("Neo4j is not running"), markup=False)
        raise SystemExit(1)
    err_console().print(_("Neo4j {version} running at {uri} (pid {pid})").format(
        version=info.version, uri=info.uri, pid=info.pid), markup=False)
    if show_exports:
        click.echo(info.exports(), nl=False)


@server_group.command("stop")
@_STATE_DIR
def server_stop(state_dir: Path | None) -> None:
    """Stop the server cleanly."""
    from ..neo4j import server

    with err_console().status(_("stopping Neo4j")):
        stopped = server.stop(state_dir=state_dir)
    err_console().print(_("Neo4j stopped") if stopped else _("Neo4j was not running"), markup=False)


# --------------------------------------------------------------------------- data


def _progress() -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err_console(), transient=False)


@neo4j_group.command("load")
@click.argument("dataset")
@click.option("--ecosystem", "ecosystem", metavar="NAME", default=None,
              help="Name in the database (default: the dataset's ecosystem.toml name, else "
                   "the folder or file name).")
@click.option("--replace", is_flag=True,
              help="Replace an ecosystem of that name that holds different data.")
@click.option("--batch-size", type=click.IntRange(1, 1_000_000), default=10_000, show_default=True,
              help="Rows per transaction.")
def load_cmd(dataset: str, ecosystem: str | None, replace: bool, batch_size: int) -> None:
    """Validate DATASET, then load it into Neo4j: batched, idempotent, all or nothing.

    Loading the data an ecosystem already holds changes nothing. Without --replace,
    loading other data under an existing name is refused. If the load fails midway
    the database keeps the previous ecosystem, whole; run the command again.
    """
    from ..neo4j.connection import connect
    from ..neo4j.load import load_ecosystem

    eco = load_dataset(dataset)  # validates: an invalid dataset writes nothing
    name = ecosystem or str(eco.meta.get("name") or "") or Path(dataset.rstrip("/")).stem
    with connect() as conn, _progress() as bar:
        task = bar.add_task(_("checking"), total=None)

        def progress(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        result = load_ecosystem(eco, ecosystem=name, replace=replace, batch_size=batch_size,
                                progress=progress, connection=conn)
        bar.update(task, description=_("done"), total=bar.tasks[0].total or 1,
                   completed=bar.tasks[0].total or 1)
    said = {"unchanged": _("ecosystem {name!r} already held: {nodes} nodes, {relationships} relationships "
                           "(version {version}) in {seconds} s"),
            "loaded": _("ecosystem {name!r} loaded: {nodes} nodes, {relationships} relationships "
                        "(version {version}) in {seconds} s"),
            "replaced": _("ecosystem {name!r} replaced: {nodes} nodes, {relationships} relationships "
                          "(version {version}) in {seconds} s")}[result.status]
    err_console().print(said.format(name=result.ecosystem, nodes=format_int(result.nodes),
                                    relationships=format_int(result.relationships), version=result.version,
                                    seconds=format_decimal(result.seconds, 1)), markup=False)


@neo4j_group.command("pull")
@_ECOSYSTEM
@click.option("-o", "--output", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder to write the dataset to.")
def pull_cmd(ecosystem: str, out_dir: Path) -> None:
    """Write an ecosystem from Neo4j as a dataset folder."""
    from ..neo4j.pull import read_ecosystem
    from ..io.write import write_dataset

    with err_console().status(_("reading {name!r} from Neo4j").format(name=ecosystem)):
        eco = read_ecosystem(ecosystem)
    write_dataset(eco, out_dir)
    err_console().print(_("wrote {actors} actors, {links} links to {path}").format(
        actors=format_int(len(eco.actors)), links=format_int(len(eco.links)), path=out_dir), markup=False)


@neo4j_group.command("write-back")
@click.argument("dataset")
@_ECOSYSTEM
@max_hops_option
@as_of_option
def write_back_cmd(dataset: str, ecosystem: str, max_hops: int, as_of: int | str) -> None:
    """Compute the analytics of DATASET and store them as actor properties in Neo4j.

    DATASET may be `neo4j` to analyse the ecosystem as stored. Properties: impact,
    actors_cut, load, utilisation, betweenness, articulation, brokerage (institutions);
    needs, needs_served, need_coverage (actors with needs).
    """
    from ..analysis.core import Analysis
    from ..neo4j.writeback import gather_analytics, write_back

    # --ecosystem names the target; it is also the source only when DATASET is 'neo4j'.
    eco = load_dataset(dataset, ecosystem=ecosystem if dataset == "neo4j" else None, as_of=as_of)
    with err_console().status(_("computing analytics")):
        table = gather_analytics(eco, analysis=Analysis(eco, max_hops=max_hops))
    with err_console().status(_("writing back")):
        updated = write_back(ecosystem, table)
    err_console().print(_("wrote {n} properties on {actors} actors of {name!r}: {columns}").format(
        n=len(table.columns), actors=format_int(updated), name=ecosystem,
        columns=", ".join(map(str, table.columns))), markup=False)


@neo4j_group.command("list")
def list_cmd() -> None:
    """List the ecosystems in the database."""
    from ..neo4j.load import list_ecosystems

    rows = list_ecosystems()
    if not rows:
        err_console().print(_("no ecosystems"), markup=False)
    for r in rows:
        click.echo(f"{visible(str(r['name']))}\t{r['version']}\tactors={r['actors']}\tservices={r['services']}\t"
                   f"offers={r['offers']}\tneeds={r['needs']}\tlinks={r['links']}")


@neo4j_group.command("delete")
@_ECOSYSTEM
def delete_cmd(ecosystem: str) -> None:
    """Delete an ecosystem from the database (others are untouched)."""
    from ..neo4j.load import delete_ecosystem

    with err_console().status(f"deleting {ecosystem!r}"):
        existed = delete_ecosystem(ecosystem)
    err_console().print((_("deleted {name!r}") if existed else _("no ecosystem {name!r}")).format(name=ecosystem),
                        markup=False)

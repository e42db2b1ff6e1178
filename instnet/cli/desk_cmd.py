"""``instnet serve`` (the referral desk), ``instnet serve adduser`` and ``instnet outcomes``."""

from __future__ import annotations

import ipaddress
import re
import gc
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import UsageError
from ..i18n import _
from . import main
from .lang import LocalisedCommand, LocalisedGroup
from .common import analysis_options, as_of_option, as_of_value, command_wrapper, emit, err_console, load, rich_table

if TYPE_CHECKING:
    from rich.console import Console

DEFAULT_PORT = 8765


class ServeGroup(LocalisedGroup):
    """``serve DATASET ...`` runs the desk; ``serve adduser ...`` manages its users."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None,
                                                                            list[str]]:
        if args and args[0] in self.commands:
            return super().resolve_command(ctx, args)
        return "serve", run_desk, args


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def default_log(eco_name: str) -> Path:
    """``<dataset name>.referrals.sqlite`` in the working folder (the name made file-safe).

    Examples
    --------
    >>> default_log("Jamaica 1990s / UNIDO").name
    'Jamaica_1990s_UNIDO.referrals.sqlite'
    """
    safe = re.sub(r"[^\w.-]+", "_", eco_name).strip("._") or "instnet"
    return Path(f"{safe}.referrals.sqlite")


def open_log(dataset: str, eco: Any, log: Path | None, *, must_exist: bool = False) -> Any:
    """The referral log of a desk: ``(:Referral)`` nodes for ``neo4j``, else a SQLite file."""
    from ..desk.store import Neo4jLog, SqliteLog

    if dataset == "neo4j" and log is None:
        from ..neo4j.connection import connect

        return Neo4jLog(connect(), eco.name)
    path = log or default_log(eco.name)
    if must_exist and not path.exists():
        return None
    return SqliteLog(path)


@click.group(cls=ServeGroup, invoke_without_command=False, context_settings={"ignore_unknown_options": True})
def serve() -> None:
    """The referral desk: instnet serve DATASET [--host 127.0.0.1] [--port 8765] [--log FILE].

    A local web application for brokers and agency staff: find a client or
    describe a walk-in, see the providers with paths and contacts, print a
    referral slip, record referrals and their outcomes; coverage, bottlenecks
    and the map. Other bind addresses than loopback need --users FILE (made with
    'instnet serve adduser').
    """


main.add_command(serve)


@click.command("serve", hidden=True, cls=LocalisedCommand)
@click.argument("dataset")
@click.option("--ecosystem", default=None, metavar="NAME", help="Ecosystem name in Neo4j (when DATASET is 'neo4j').")
@as_of_option
@click.option("--max-hops", type=click.IntRange(1, 12), default=4, show_default=True,
              help="Longest referral path, in links.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; anything but loopback needs --users.")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--log", "log_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SQLite referral log (default: <dataset name>.referrals.sqlite here; Neo4j for 'neo4j').")
@click.option("--users", "users_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Users file (from 'instnet serve adduser'): every page then needs a login.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Another host name the desk answers to (repeatable).")
@click.option("--include-private", is_flag=True, help="Show private actors' names and contact details.")
@command_wrapper
def run_desk(dataset: str, ecosystem: str | None, as_of: int | str, max_hops: int, host: str, port: int,
             log_file: Path | None, users_file: Path | None, allow_hosts: tuple[str, ...],
             include_private: bool) -> None:
    """Serve the referral desk for DATASET."""
    from ..desk import DeskConfig, create_app, prepare
    from ..desk.security import read_users

    if not _loopback(host) and users_file is None:
        raise UsageError(_("--host {host} is not a loopback address: give --users FILE so that every page "
                           "needs a login (make one with 'instnet serve adduser')").format(host=host))
    users = read_users(users_file) if users_file is not None else None
    sock = _bind(host, port)
    console = err_console()
    try:
        with console.status(_("reading {dataset}").format(dataset=dataset)) as status:
            eco = load(dataset, ecosystem=ecosystem, as_of=as_of)
            store = open_log(dataset, eco, log_file)

            def progress(stage: str) -> None:
                status.update(_("analysing {name}: {stage}").format(name=eco.name, stage=stage))

            state = prepare(eco, log_store=store, max_hops=max_hops, include_private=include_private,
                            progress=progress)
        config = DeskConfig(host=host, allow_hosts=allow_hosts, users=users)
        app = create_app(state, config)
        # the analysed dataset (millions of objects at national scale) lives as long as the server:
        # the garbage collector is told so, rather than walking it on every full collection
        gc.freeze()
        bound = sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        console.print(_("Referral desk for {name} at http://{host}:{port}/ (Ctrl+C to stop)").format(
            name=eco.name, host=shown, port=bound), markup=False, highlight=False)
        _run(app, sock)
    finally:
        sock.close()


# also registered by name (hidden): the help of its options is then found with the others'
serve.add_command(run_desk, "run")


#: Kernel send buffer of each connection, in bytes.
SEND_BUFFER = 4 * 1024 * 1024


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before the dataset is read (a port in use fails at once)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # no Nagle delay on the connections accepted from it (they inherit the option): a page is
    # written as headers then body, and the second write would otherwise wait for the client's
    # delayed acknowledgement (about 40 ms on Linux) before it leaves
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    # room for a whole answer in the kernel (a national answer is a few hundred KB): what does not fit
    # waits in the event loop until its next turn, behind every request that arrived meanwhile
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise UsageError(_("cannot listen on {host}:{port}: {reason}").format(
            host=host, port=port, reason=exc.strerror or exc)) from exc
    sock.listen(512)
    return sock


def _run(app: Any, sock: socket.socket) -> None:
    import uvicorn

    # no access log: search words and client ids would land in it
    # the standard event loop even where uvloop is installed: uvloop answers faster on average but
    # leaves some connections waiting far longer (the 95th percentile doubles under load)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", server_header=False,
                            loop="asyncio")
    uvicorn.Server(config).run(sockets=[sock])




@serve.command("adduser")
@click.option("--users", "users_file", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The users file to create or update.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@click.argument("name")
@command_wrapper
def adduser(users_file: Path, password_stdin: bool, name: str) -> None:
    """Add user NAME to the desk's users file (or change the password); the password is asked for."""
    from ..desk.security import add_user

    if password_stdin:
        password = click.get_text_stream("stdin").readline().rstrip("\r\n")
    else:
        password = click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    add_user(users_file, name, password)
    click.echo(_("{name} can now log in to a desk started with --users {file}").format(name=name, file=users_file))


@main.command()
@analysis_options
@click.option("--log", "log_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SQLite referral log (default: <dataset name>.referrals.sqlite here, if it exists).")
@click.option("--export", "export", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write every referral as a referrals.csv of the dataset format.")
@command_wrapper
def outcomes(dataset: str, ecosystem: str | None, as_of: int | str, max_hops: int, fmt: str, output: Path | None,
             log_file: Path | None, export: Path | None) -> None:
    """What happened to logged referrals: by status, provider and service; declines by reason;
    providers whose declines for capacity agree with a utilisation above 1.

    Counts the dataset's own referrals.csv and the desk's log (a log row replaces
    a dataset row with the same id).
    """
    from ..analysis.outcomes import merge_logs, outcomes as count
    from ..io.referral_log import write_referrals

    if log_file is not None and not log_file.exists():
        raise UsageError(_("no referral log at {path}").format(path=log_file))
    eco = load(dataset, ecosystem=ecosystem, as_of=as_of)
    store = open_log(dataset, eco, log_file, must_exist=True)
    logged = store.rows() if store is not None else []
    if store is not None:
        store.close()
    own = eco.referrals.to_dict("records") if eco.referrals is not None else []
    rows = merge_logs(own, logged)
    result = count(rows, eco, max_hops=max_hops)
    if export is not None:
        write_referrals(rows.to_dict("records"), export)
    data = {"name": eco.name, "as_of": as_of_value(eco), **result.to_dict()}

    def render(console: Console) -> None:
        console.print(_("{name}: {n} referrals").format(name=eco.name, n=result.referrals), markup=False,
                      highlight=False)
        console.print(rich_table(result.by_status, title=_("By status")), markup=False)
        console.print(rich_table(result.by_provider, title=_("By provider")), markup=False)
        console.print(rich_table(result.by_service, title=_("By service")), markup=False)
        console.print(rich_table(result.declines, title=_("Declines by reason")), markup=False)
        if len(result.capacity):
            console.print(rich_table(result.capacity, title=_("Declines for capacity beside utilisation "
                                                                "(agrees: utilisation above 1)")), markup=False)

    emit(fmt=fmt, output=output, data=data, table=result.to_frame(), render=render)

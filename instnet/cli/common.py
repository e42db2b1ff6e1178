"""What every command shares: loading a DATASET, common options, output, errors.

pandas and the library are imported where a command needs them, not here:
``instnet --help`` loads click and nothing heavy.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import logging
import math
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import DatasetError, InstnetError, OutputError, UnknownIdError, UsageError
from ..i18n import _, format_decimal, format_int, format_percent, ngettext
from ..io.jsontext import json_text
from ..io.outfile import atomic_file, spreadsheet_safe
from ..labels import column_label, label
from .lang import LocalisedGroup
from .output import FrameView, frame_view, make_console, masking, round_floats, stdout_failed

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from ..model import Ecosystem
    from ..render.privacy import Masker

log = logging.getLogger("instnet")
MAX_SHOWN_PROBLEMS = 50


def err_console() -> Console:
    """The console for messages and progress (standard error)."""
    return make_console(stderr=True)


def report_error(exc: InstnetError) -> None:
    """Print an InstnetError as clear lines on stderr (never a traceback)."""
    console = err_console()
    if isinstance(exc, DatasetError):
        n = len(exc.problems)
        console.print("[bold red]" + _("error:") + "[/] "
                      + ngettext("{n} problem in the dataset", "{n} problems in the dataset", n).format(n=n),
                      markup=True)
        for p in exc.problems[:MAX_SHOWN_PROBLEMS]:
            console.print(f"  {p}", markup=False)
        if n > MAX_SHOWN_PROBLEMS:
            console.print("  " + _("... and {n} more").format(n=n - MAX_SHOWN_PROBLEMS), markup=False)
    else:
        console.print("[bold red]" + _("error:") + "[/] ", end="", markup=True)
        console.print(cli_message(exc), markup=False)


#: Keyword arguments of the library whose option has another name on the command line.
FLAGS = {"start": "--from", "end": "--to", "fmt": "--format", "families": "--actions", "k": "-k"}


def cli_message(exc: InstnetError) -> str:
    """The message of ``exc`` with the keyword argument it names spelled as this CLI's option.

    Examples
    --------
    >>> cli_message(UsageError("max_hops must be at least 1", argument="max_hops"))
    '--max-hops must be at least 1'
    >>> cli_message(UsageError("end (1990) is before start (1999)", argument=("end", "start")))
    '--to (1990) is before --from (1999)'
    """
    import re

    text = str(exc)
    argument = exc.argument if isinstance(exc, UsageError) else None
    for name in (argument,) if isinstance(argument, str) else argument or ():
        flag = FLAGS.get(name, "--" + name.replace("_", "-"))
        word = rf"(?<![-\w]){re.escape(name)}\b"
        if f"{name}=True" in text:
            text = text.replace(f"{name}=True", flag, 1)
        elif re.search(word, text):
            text = re.sub(word, flag, text, count=1)
        else:
            text = f"{flag}: {text}"
    return text


def _os_error(exc: OSError) -> OutputError:
    """An OS error no command turned into a message: what failed, on which path."""
    reason = exc.strerror or exc.__class__.__name__
    where = exc.filename if exc.filename is not None else _("standard output")
    return OutputError(_("{reason}: {path}").format(reason=reason, path=where))


def _flush_stdout() -> None:
    """Flush standard output now, so that a full disk or a closed pipe is reported (exit 2)."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        raise stdout_failed(exc.strerror or exc.__class__.__name__) from exc


class InstnetGroup(LocalisedGroup):
    """A click group that turns instnet's own errors into a message and exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                result = super().invoke(ctx)
            except OSError as exc:
                if isinstance(exc, InstnetError):
                    raise
                if exc.errno in (errno.EPIPE, errno.ENOSPC, errno.EIO) and exc.filename is None:
                    raise stdout_failed(exc.strerror or exc.__class__.__name__) from exc
                raise _os_error(exc) from exc
            _flush_stdout()
            return result
        except InstnetError as exc:
            with contextlib.suppress(OutputError):
                _flush_stdout()
            report_error(_without_private_suggestions(exc, ctx))
            ctx.exit(exc.exit_code)


#: The value of ``--as-of`` when it is not given: the dataset's data year.
DATA_YEAR = "data-year"


class AsOf(click.ParamType):
    """``--as-of``: a year, or ``all`` (every row active whatever its dates)."""

    name = "year"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int | str:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("all", DATA_YEAR):
            return text
        try:
            return int(text)
        except ValueError:
            self.fail(_("{value!r} is neither a year nor 'all'").format(value=value), param, ctx)


def load(dataset: str, *, ecosystem: str | None = None, as_of: int | str | None = None) -> Ecosystem:
    """Load DATASET (folder, workbook, built-in name or ``neo4j``) for a command.

    ``as_of``: a year; :data:`DATA_YEAR` for the dataset's data year (what the
    analytic commands default to); ``"all"`` or None for every row, whatever its
    dates (what loading, exporting or converting a dataset needs).
    """
    if ecosystem and dataset != "neo4j":
        raise click.UsageError(_("--ecosystem names an ecosystem stored in Neo4j; it needs DATASET 'neo4j', "
                                 "not {dataset!r}").format(dataset=dataset))
    if dataset == "neo4j":
        if not ecosystem:
            raise click.UsageError(_("DATASET 'neo4j' needs --ecosystem NAME"))
        from ..neo4j.pull import read_ecosystem

        eco = read_ecosystem(ecosystem)
    else:
        from ..io.read import read_dataset

        eco = read_dataset(dataset)
    _remember_private_ids(eco)
    if as_of is None or as_of == "all":
        return eco
    return eco.as_of(eco.data_year if as_of == DATA_YEAR else int(as_of))


def _remember_private_ids(eco: Ecosystem) -> None:
    """Note the private ids of a loaded dataset, so that no error message suggests one."""
    ctx = click.get_current_context(silent=True)
    if ctx is None or ctx.meta.get("instnet.include_private"):
        return
    private = eco.actors.index[eco.actors["private"].to_numpy(dtype=bool)]
    ctx.meta["instnet.private_ids"] = ctx.meta.get("instnet.private_ids", frozenset()) | frozenset(private)


def _without_private_suggestions(exc: InstnetError, ctx: click.Context) -> InstnetError:
    """``exc``, with the private ids dropped from its "did you mean" list."""
    hidden = ctx.meta.get("instnet.private_ids")
    if not isinstance(exc, UnknownIdError) or not hidden or not set(exc.suggestions) & hidden:
        return exc
    return UnknownIdError(exc.what, exc.value, [x for x in exc.suggestions if x not in hidden])


def as_of_phrase(eco: Ecosystem) -> str:
    """Which year an output describes, in words (:func:`instnet.model.as_of_phrase`)."""
    from ..model import as_of_phrase as phrase

    return phrase(eco)


def as_of_value(eco: Ecosystem) -> int | str:
    """The year an ecosystem was analysed as of, for JSON (``"all"``: every row active)."""
    return "all" if eco.year is None else int(eco.year)


def as_of_option(f: Callable) -> Callable:
    """``--as-of YEAR|all`` (default: the data year)."""
    return click.option("--as-of", "as_of", type=AsOf(), default=DATA_YEAR, show_default=False, metavar="YEAR|all",
                        help="Analyse the ecosystem as it was in YEAR (since/until columns); 'all' makes every "
                             "row active. Default: the data year (ecosystem.toml's year, else this year).")(f)


def dataset_only(f: Callable) -> Callable:
    """DATASET plus --ecosystem."""
    f = click.option("--ecosystem", default=None, metavar="NAME",
                     help="Ecosystem name in Neo4j (when DATASET is 'neo4j').")(f)
    return click.argument("dataset")(f)


def dataset_argument(f: Callable) -> Callable:
    """DATASET plus --ecosystem and --as-of."""
    return dataset_only(as_of_option(f))


#: The --max-hops every command accepts.
MAX_HOPS = click.IntRange(1, 12)


def max_hops_option(f: Callable) -> Callable:
    """--max-hops, 1 to 12 in every command."""
    return click.option("--max-hops", type=MAX_HOPS, default=4, show_default=True,
                        help=_("Longest referral path, in links."))(f)


def _remember_private(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    ctx.meta["instnet.include_private"] = value


def private_option(f: Callable) -> Callable:
    """--include-private (read back with :func:`masker`)."""
    return click.option("--include-private", is_flag=True, default=False, expose_value=False,
                        callback=_remember_private,
                        help=_("Show the names and ids of actors marked private (default: their kind and "
                               "a pseudonym that stays the same in every output of the dataset)."))(f)


def masker(*ecosystems: Ecosystem, typed: tuple[str, ...] = ()) -> Masker:
    """The private-actor rule for this command's output (``typed``: ids the user gave)."""
    ctx = click.get_current_context(silent=True)
    include = bool(ctx and ctx.find_root().meta.get("instnet.include_private"))
    from ..render.privacy import Masker

    return Masker(*ecosystems, include_private=include, typed=typed)


def analysis_options(f: Callable) -> Callable:
    """DATASET, --ecosystem, --as-of, --max-hops, --include-private, --format and -o."""
    return as_of_option(years_options(f))


def years_options(f: Callable) -> Callable:
    """DATASET, --ecosystem, --max-hops, --include-private, --format and -o (no --as-of)."""
    f = output_options(f)
    f = private_option(f)
    f = max_hops_option(f)
    return dataset_only(f)


def output_options(f: Callable) -> Callable:
    f = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Write to FILE instead of standard output.")(f)
    return click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "xlsx"]), default="table",
                        show_default=True, help="Output format.")(f)


#: Columns whose cells are codes of a fixed vocabulary (shown as labels in terminal tables).
_VOCABULARY_COLUMNS = {"kind": "kind", "type": "type", "category": "category", "size": "size", "fee": "fee",
                       "status": "status", "reason": "reason", "change": "change"}
#: Float columns that hold a share (0..1), shown as a percentage.
_SHARE_COLUMNS = frozenset({"coverage", "utilisation"})
#: Integer columns that hold years (never grouped: 1999, not 1,999).
_YEAR_COLUMNS = frozenset({"year", "since", "until", "as_of", "from", "to"})


def _cell(column: str, value: Any) -> str:
    """One terminal-table cell: labels for codes, numbers formatted for the language in force."""
    import pandas as pd

    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return format_percent(value, 1) if column in _SHARE_COLUMNS else format_decimal(value, 3)
    if isinstance(value, int) or hasattr(value, "dtype") and pd.api.types.is_integer_dtype(value.dtype):
        return str(int(value)) if column in _YEAR_COLUMNS else format_int(int(value))
    if column in _VOCABULARY_COLUMNS:
        return label(_VOCABULARY_COLUMNS[column], str(value))
    return str(value)


def rich_table(frame: pd.DataFrame, *, title: str | None = None,
               legend: Mapping[str, str] | None = None) -> FrameView:
    """A terminal table of ``frame`` that never cuts a cell: translated headings, labels for codes,
    locale numbers (see :mod:`instnet.cli.output`)."""
    return frame_view(frame, title=title, legend=legend, cell=_cell, heading=lambda c: column_label(str(c)))


def emit(*, fmt: str, output: Path | None, data: dict, table: pd.DataFrame,
         render: Callable[[Console], None] | None = None, masker: Masker | None = None,
         legend: Mapping[str, str] | None = None) -> None:
    """Write a result as a terminal table, CSV (of ``table``), JSON or an Excel workbook (of ``data``).

    ``masker`` hides private actors in all three; a file given as ``output`` is
    replaced only once it is complete.
    """
    if masker is not None:
        data, table = masker.data(data), masker.frame(table, plain=fmt != "table")
    if fmt == "xlsx":
        if output is None:
            raise click.UsageError(_("--format xlsx writes a workbook: add -o FILE.xlsx"))
        from ..io.xlsx import write_results

        write_results(output, data=data, table=table)
        return
    if fmt == "json":
        text = json_text(data, indent=2) + "\n"
    elif fmt == "csv":
        from ..io.write import csv_text

        text = csv_text(round_floats(table).map(_csv_cell))
    else:
        def show(console: Console) -> None:
            with masking(masker):
                if render is not None:
                    render(console)
                else:
                    console.print(rich_table(table, legend=legend))

        if output is None:
            show(make_console())
        else:
            with atomic_file(output) as handle:
                show(make_console(handle))
        return
    if output is None:
        sys.stdout.write(text)
    else:
        with atomic_file(output) as handle:
            handle.write(text)


def _csv_cell(value: Any) -> str:
    """One CSV cell: blank when missing, never a formula (quoting is :func:`csv_text`'s)."""
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(spreadsheet_safe(value))


def command_wrapper(f: Callable) -> Callable:
    """Configure logging for a command (the library logs; the CLI shows progress)."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        return f(*args, **kwargs)

    return wrapper

"""What every command shares: loading a DATASET, common options, output, errors.

pandas, rich and the library are imported where a command needs them, not here:
``instnet --help`` loads click and nothing heavy.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import DatasetError, InstnetError, UsageError
from ..i18n import _, format_decimal, format_int, format_percent, ngettext
from ..labels import column_label, label
from .lang import LocalisedGroup

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    from ..model import Ecosystem

log = logging.getLogger("instnet")
MAX_SHOWN_PROBLEMS = 50


def err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


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


class InstnetGroup(LocalisedGroup):
    """A click group that turns instnet's own errors into a message and exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InstnetError as exc:
            report_error(exc)
            ctx.exit(exc.exit_code)


def load(dataset: str, *, ecosystem: str | None = None, as_of: int | None = None) -> Ecosystem:
    """Load DATASET (folder, workbook, built-in name or ``neo4j``) for a command."""
    if dataset == "neo4j":
        if not ecosystem:
            raise click.UsageError(_("DATASET 'neo4j' needs --ecosystem NAME"))
        from ..neo4j.pull import read_ecosystem

        eco = read_ecosystem(ecosystem)
    else:
        from ..io.read import read_dataset

        eco = read_dataset(dataset)
    return eco.as_of(as_of)


def dataset_argument(f: Callable) -> Callable:
    """DATASET plus --ecosystem and --as-of."""
    f = click.option("--as-of", "as_of", type=int, default=None, metavar="YEAR",
                     help="Analyse the ecosystem as it was in YEAR (since/until columns).")(f)
    f = click.option("--ecosystem", default=None, metavar="NAME",
                     help="Ecosystem name in Neo4j (when DATASET is 'neo4j').")(f)
    return click.argument("dataset")(f)


def analysis_options(f: Callable) -> Callable:
    """DATASET, --ecosystem, --as-of, --max-hops, --format and -o."""
    f = output_options(f)
    f = click.option("--max-hops", type=click.IntRange(1, 12), default=4, show_default=True,
                     help="Longest referral path, in links.")(f)
    return dataset_argument(f)


def output_options(f: Callable) -> Callable:
    f = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Write to FILE instead of standard output.")(f)
    return click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
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


def rich_table(frame: pd.DataFrame, *, title: str | None = None) -> Table:
    """A terminal table of ``frame``: translated headings, labels for codes, locale numbers."""
    import pandas as pd
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False)
    for col in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[col])
        table.add_column(column_label(str(col)), justify="right" if numeric else "left")
    cols = [str(c) for c in frame.columns]
    for row in frame.itertuples(index=False):
        table.add_row(*(_cell(c, v) for c, v in zip(cols, row)))
    return table


def emit(*, fmt: str, output: Path | None, data: dict, table: pd.DataFrame,
         render: Callable[[Console], None] | None = None) -> None:
    """Write a result as a terminal table, CSV (of ``table``) or JSON (of ``data``)."""
    from rich.console import Console

    if fmt == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n"
    elif fmt == "csv":
        text = table.to_csv(index=False, lineterminator="\n")
    else:
        console = Console(file=output.open("w", encoding="utf-8") if output else None,
                          soft_wrap=False, width=None if output is None else 160)
        try:
            if render is not None:
                render(console)
            else:
                console.print(rich_table(table), markup=False)
        finally:
            if output is not None:
                console.file.close()
        return
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def _json_default(value: Any) -> Any:
    import pandas as pd

    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    if value is pd.NA:
        return None
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def command_wrapper(f: Callable) -> Callable:
    """Configure logging for a command (the library logs; the CLI shows progress)."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        return f(*args, **kwargs)

    return wrapper

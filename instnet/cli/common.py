"""What every command shares: loading a DATASET, common options, output, errors."""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from ..errors import DatasetError, InstnetError
from ..model import Ecosystem
from ..io.read import read_dataset

log = logging.getLogger("instnet")
MAX_SHOWN_PROBLEMS = 50


def err_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def report_error(exc: InstnetError) -> None:
    """Print an InstnetError as clear lines on stderr (never a traceback)."""
    console = err_console()
    if isinstance(exc, DatasetError):
        n = len(exc.problems)
        console.print(f"[bold red]error:[/] {n} problem{'s' if n != 1 else ''} in the dataset", markup=True)
        for p in exc.problems[:MAX_SHOWN_PROBLEMS]:
            console.print(f"  {p}", markup=False)
        if n > MAX_SHOWN_PROBLEMS:
            console.print(f"  ... and {n - MAX_SHOWN_PROBLEMS} more", markup=False)
    else:
        console.print("[bold red]error:[/] ", end="", markup=True)
        console.print(str(exc), markup=False)


class InstnetGroup(click.Group):
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
            raise click.UsageError("DATASET 'neo4j' needs --ecosystem NAME")
        from ..neo4j.pull import read_ecosystem

        eco = read_ecosystem(ecosystem)
    else:
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


def rich_table(frame: pd.DataFrame, *, title: str | None = None) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    for col in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[col])
        table.add_column(str(col), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*("" if (v is None or (isinstance(v, float) and pd.isna(v))) else
                        (f"{v:.3f}" if isinstance(v, float) else str(v)) for v in row))
    return table


def emit(*, fmt: str, output: Path | None, data: dict, table: pd.DataFrame,
         render: Callable[[Console], None] | None = None) -> None:
    """Write a result as a terminal table, CSV (of ``table``) or JSON (of ``data``)."""
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

"""How the command line shows data: inert text, tables that never cut, private actors hidden.

* Text from a dataset is data, never markup or terminal control: :func:`visible`
  spells control characters out (``ESC`` becomes ``\\x1b``) and every console made
  here applies it to the strings it prints; markup in data is escaped at the few
  places that style a line.
* :func:`frame_view` shows a table that never cuts an id or a name. It is laid out
  when it is printed: a table whose every column fits its longest word, else one
  record per block. Piped or written to a file the width is unbounded, so the
  table prints whole. Headings that are abbreviations are explained under it.
* Numbers print the way a person writes them (``0.72``, not ``0.7200000000000001``).
* The :class:`~instnet.render.privacy.Masker` of the running command (set by
  :func:`masking`) hides private actors in every table printed meanwhile.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markup import escape
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from ..errors import OutputError
from ..i18n import _

if TYPE_CHECKING:  # pandas and the masking rule are imported by the commands that print tables
    import pandas as pd

    from ..render.privacy import Masker

__all__ = ["visible", "markup_safe", "make_console", "frame_view", "cell_text", "masking", "current_masker",
           "round_floats"]

#: Width of a console that is not a terminal: wide enough that nothing wraps or is cut.
UNBOUNDED = 1_000_000

# C0 and C1 controls, DEL, and the bidirectional overrides that can make text read backwards.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

_masker: contextvars.ContextVar[Masker | None] = contextvars.ContextVar("instnet_masker", default=None)


def visible(text: str) -> str:
    r"""``text`` with every control character written out, so a terminal shows it, never obeys it.

    Examples
    --------
    >>> visible("a\x1b[2Jb\tc")
    'a\\x1b[2Jb\\tc'
    >>> visible("Kingston")
    'Kingston'
    """
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(), f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                                             else f"\\u{ord(m.group()):04x}"), text)


def _visible_lines(text: str) -> str:
    """:func:`visible` but for line breaks, which a console may print as they are."""
    return "\n".join(visible(part) for part in text.split("\n"))


def markup_safe(value: Any) -> str:
    """``value`` as text to put inside a rich markup string: markup escaped, controls visible.

    Examples
    --------
    >>> markup_safe("[/] [draft]")
    '\\\\[/] \\\\[draft]'
    """
    return escape(visible(str(value)))


class SafeConsole(Console):
    """A rich console whose output never carries a control character from the data.

    Strings given to :meth:`print` are made :func:`visible`; and whatever a renderable
    holds (a table cell, a ``Text``), the text of every segment is cleaned again when
    the console writes it, so only rich's own styling reaches the terminal.
    """

    def print(self, *objects: Any, **kwargs: Any) -> None:  # noqa: D102 (rich's own)
        super().print(*(_visible_lines(o) if isinstance(o, str) else o for o in objects), **kwargs)

    def on_broken_pipe(self) -> None:
        """The reader of standard output has gone: one message and exit 2 (rich's own exits 1, silently)."""
        raise stdout_failed("Broken pipe")

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            seg if seg.control or not _CONTROL.search(seg.text.replace("\n", ""))
            else Segment(_visible_lines(seg.text), seg.style, seg.control)
            for seg in buffer)


def stdout_failed(reason: str) -> OutputError:
    """The error for a standard output that cannot be written (full disk, closed pipe).

    Standard output is pointed at /dev/null first, so that Python's own flush at
    exit stays quiet: nothing more can reach it anyway.
    """
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return OutputError(_("cannot write to standard output: {reason}").format(reason=reason))


def make_console(file: IO[str] | None = None, *, stderr: bool = False) -> Console:
    """A console for output (``file`` or standard output) or for messages (``stderr``).

    A terminal keeps its width (tables wrap, or drop to blocks); anything else gets
    an unbounded width so that nothing is ever cut.
    """
    stream = file if file is not None else (sys.stderr if stderr else sys.stdout)
    try:
        terminal = stream.isatty()  # not rich's is_terminal: FORCE_COLOR must not bring back a width
    except (AttributeError, ValueError):
        terminal = False
    width = None if terminal else UNBOUNDED
    return SafeConsole(file=file, stderr=stderr, width=width, highlight=False, soft_wrap=stderr,
                       emoji=False)


def current_masker() -> Masker | None:
    """The :class:`Masker` of the command running now (None: show everything)."""
    return _masker.get()


@contextlib.contextmanager
def masking(masker: Masker | None) -> Iterator[None]:
    """Hide private actors, by ``masker``'s rule, in every table made meanwhile."""
    token = _masker.set(masker)
    try:
        yield
    finally:
        _masker.reset(token)


def cell_text(value: Any) -> str:
    """A table cell as a person writes it: blanks for missing values, floats without noise.

    Examples
    --------
    >>> [cell_text(v) for v in (0.7200000000000001, 2.0, 1234.5678, 0.000123456, None, True, "a\\x07")]
    ['0.72', '2', '1234.57', '0.000123', '', 'yes', 'a\\\\x07']
    """
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        if abs(value) >= 1:
            return f"{value:.2f}".rstrip("0").rstrip(".")
        return f"{value:.3g}"
    if isinstance(value, list | tuple):
        return " > ".join(cell_text(v) for v in value)
    if hasattr(value, "item") and not isinstance(value, str):
        return cell_text(value.item())
    return visible(str(value))


def round_floats(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with float columns rounded to 12 significant digits (CSV without noise).

    Examples
    --------
    >>> import pandas as pd
    >>> round_floats(pd.DataFrame({"s": [0.7200000000000001]}))["s"].tolist()
    [0.72]
    """
    import pandas as pd

    cols = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    if not cols:
        return frame
    out = frame.copy()
    for c in cols:
        out[c] = [v if pd.isna(v) else float(f"{v:.12g}") for v in out[c].to_numpy(dtype=float)]
    return out


class FrameView:
    """A table that lays itself out at print time; see :func:`frame_view`."""

    def __init__(self, frame: pd.DataFrame, title: str | None, legend: Mapping[str, str] | None,
                 cell: Callable[[str, Any], str] | None = None, heading: Callable[[Any], str] = str):
        self.frame = frame
        self.title = title
        self.legend = {k: v for k, v in (legend or {}).items() if k in frame.columns}
        self.cell = cell
        self.heading = heading

    def _text(self, column: str, value: Any) -> str:
        if isinstance(value, list | tuple) or self.cell is None:
            return cell_text(value)
        return visible(self.cell(column, value))

    def _rows(self) -> list[list[str]]:
        cols = [str(c) for c in self.frame.columns]
        return [[self._text(c, v) for c, v in zip(cols, row)] for row in self.frame.itertuples(index=False)]

    def _widths(self, rows: list[list[str]], heads: list[str], available: int) -> list[int] | None:
        """Column widths that fit ``available`` cells, or None when even the narrowest layout does not.

        A column is never narrower than its longest word (so an id is never cut);
        the columns with room to spare (long names) give it up in proportion.
        """
        natural = [max([cell_len(h)] + [cell_len(line) for row in rows for line in row[j].split("\n")])
                   for j, h in enumerate(heads)]
        least = [max([0] + [cell_len(w) for w in heads[j].split()] + [cell_len(w) for row in rows
                                                                      for w in row[j].split()])
                 for j in range(len(heads))]
        room = available - 3 * len(heads) - 1  # borders and one space of padding each side
        if sum(natural) <= room:
            return natural
        if sum(least) > room:
            return None
        slack = [n - m for n, m in zip(natural, least)]
        spare = room - sum(least)
        widths = [m + (s * spare) // sum(slack) for m, s in zip(least, slack)]
        for j in sorted(range(len(widths)), key=lambda j: -slack[j])[: room - sum(widths)]:
            widths[j] += 1
        return widths

    def _table(self, rows: list[list[str]], heads: list[str], widths: list[int]) -> Table:
        import pandas as pd

        table = Table(title=Text(visible(self.title)) if self.title else None, title_justify="left",
                      show_lines=False)
        for col, head, width in zip(self.frame.columns, heads, widths):
            numeric = pd.api.types.is_numeric_dtype(self.frame[col]) and not pd.api.types.is_bool_dtype(self.frame[col])
            table.add_column(Text(head), justify="right" if numeric else "left", overflow="fold", width=width)
        for row in rows:
            table.add_row(*(Text(c) for c in row))
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        rows = self._rows()
        heads = [visible(self.heading(c)) for c in self.frame.columns]
        widths = self._widths(rows, heads, options.max_width)
        if widths is not None:
            yield self._table(rows, heads, widths)
        else:
            yield from self._blocks(rows)
        for col, meaning in self.legend.items():
            yield Text(f"  {visible(self.heading(col))}: {visible(meaning)}", style="dim")

    def _blocks(self, rows: list[list[str]]) -> Iterator[Any]:
        """One record per block, ``heading  value`` lines (a terminal too narrow for the table)."""
        if self.title:
            yield Text(visible(self.title), style="italic")
        heads = [visible(self.heading(c)) for c in self.frame.columns]
        for i, row in enumerate(rows):
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="bold", no_wrap=True)
            grid.add_column(overflow="fold")
            for head, value in zip(heads, row):
                grid.add_row(Text(head), Text(value))
            if i:
                yield Text("")
            yield grid


def frame_view(frame: pd.DataFrame, *, title: str | None = None, legend: Mapping[str, str] | None = None,
               cell: Callable[[str, Any], str] | None = None, heading: Callable[[Any], str] = str) -> FrameView:
    """``frame`` as a printable table: never cut, private actors hidden, headings explained.

    ``cell(column, value)`` formats a cell (default :func:`cell_text`) and ``heading``
    a column's heading; whatever they return is shown, never obeyed (:func:`visible`).

    Examples
    --------
    >>> import io
    >>> import pandas as pd
    >>> out = io.StringIO()
    >>> make_console(out).print(frame_view(pd.DataFrame({"id": ["a_very_long_identifier"], "s": [0.5]})))
    >>> "a_very_long_identifier" in out.getvalue() and "0.5" in out.getvalue()
    True
    """
    masker = current_masker()
    if masker is not None:
        frame = masker.frame(frame)
    return FrameView(frame, title, legend, cell, heading)


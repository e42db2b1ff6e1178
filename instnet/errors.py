"""One error hierarchy for instnet.

Every error the library raises on purpose derives from :class:`InstnetError`
and from the built-in exception it resembles, so callers can catch either.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from .i18n import _, ngettext


class InstnetError(Exception):
    """Base class of every error instnet raises on purpose."""

    #: Exit code the CLI uses for this error.
    exit_code = 2


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in a dataset.

    ``row`` is the line number a person sees in the file (the header is line 1);
    0 when the problem concerns the whole file.
    """

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row:
            where += _(", row {row}").format(row=self.row)
        if self.column:
            where += _(", column {column!r}").format(column=self.column)
        return f"{where}: {self.message}"


class DatasetError(InstnetError, ValueError):
    """A dataset is invalid. ``problems`` lists every located problem found."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        n = len(self.problems)
        head = ngettext("{n} problem in dataset", "{n} problems in dataset", n).format(n=n)
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))


class DatasetNotFoundError(InstnetError, FileNotFoundError):
    """A dataset path or built-in name does not exist."""


class UnknownIdError(InstnetError, KeyError):
    """An actor or service id that is not in the ecosystem (with suggestions)."""

    def __init__(self, what: str, value: str, suggestions: list[str] | tuple[str, ...] = (), *,
                 hint: str = ""):
        self.what = what
        self.value = value
        self.suggestions = tuple(suggestions)
        unknown = {"actor": _("unknown actor {value!r}"), "service": _("unknown service {value!r}"),
                   "institution": _("unknown institution {value!r}"),
                   "client": _("unknown client {value!r}")}
        msg = unknown.get(what, _("unknown {what} {value!r}")).format(what=what, value=value)
        if self.suggestions:
            msg += _("; did you mean {ids}?").format(ids=", ".join(repr(s) for s in self.suggestions))
        if hint:
            msg += f" ({hint})"
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.args[0]


class InactiveIdError(UnknownIdError):
    """An actor id that is in the dataset but not active in the year analysed."""

    def __init__(self, what: str, value: str, year: int | None, since: int | None, until: int | None):
        from .i18n import _

        if since is not None and until is not None:
            span = _("active from {since} until {until}").format(since=since, until=until)
        elif since is not None:
            span = _("active from {since}").format(since=since)
        else:
            span = _("active until {until}").format(until=until)
        self.what, self.value, self.suggestions = what, value, ()
        self.year = year
        KeyError.__init__(self, _("{what} {value!r} is not active in {year} ({span})").format(
            what=what, value=value, year=year, span=span))


class UsageError(InstnetError, ValueError):
    """An option or argument value that makes no sense.

    ``argument`` names the keyword argument at fault (``"max_hops"``), or a tuple
    of them, so that a front door can name its own option for each (the CLI's
    ``--max-hops``).
    """

    def __init__(self, message: str, *, argument: str | tuple[str, ...] | None = None):
        self.argument = argument
        super().__init__(message)


class Neo4jError(InstnetError, ConnectionError):
    """Neo4j is unreachable, refuses the credentials, or a query failed."""


class OutputError(InstnetError, OSError):
    """An output file or folder cannot be written (missing folder, read-only, disk full)."""


class SchemaError(InstnetError, ValueError):
    """A label or relationship type outside the fixed lists of docs/format.md."""


#: Ids searched for a close match at most (a million actor ids would take seconds).
_MAX_POOL = 50_000


class Suggester:
    """Close matches of a mistyped id among ``choices``, prepared once for many look-ups.

    The one way instnet suggests ids: an id equal but for case and surrounding
    spaces comes first; then :func:`difflib.get_close_matches` among the ids that
    start with the same letter (all ids when none does); failing those, ids that
    contain the value.

    Examples
    --------
    >>> Suggester(["jampro_pc", "heart", "uwi"])("Jampro_pc")
    ['jampro_pc']
    >>> Suggester(["p1", "e2", "e1"])("p2")
    ['p1']
    """

    def __init__(self, choices: Iterable[Hashable]):
        self.choices = choices
        self._folded: dict[str, str] | None = None

    @property
    def folded(self) -> dict[str, str]:
        """Case-folded, stripped id -> the first id that folds to it."""
        if self._folded is None:
            self._folded = {}
            for c in self.choices:
                self._folded.setdefault(str(c).strip().casefold(), str(c))
        return self._folded

    def __call__(self, value: str, *, n: int = 3) -> list[str]:
        import difflib

        folded = self.folded
        hit = folded.get(value.strip().casefold())
        if hit is not None:
            return [hit] if hit != value else []
        if not value:
            return []
        pool = list(folded.values())
        first = [c for c in pool if c[:1].casefold() == value[:1].casefold()]
        cutoff = 0.5 if len(value) <= 4 else 0.6  # 'p2' for 'p1' is a likely typo
        out = difflib.get_close_matches(value, (first or pool)[:_MAX_POOL], n=n, cutoff=cutoff)
        if not out:
            low = value.casefold()
            out = [c for c in pool[:_MAX_POOL] if low in c.casefold()]
        return out[:n]


def suggest(value: str, choices: Iterable[Hashable], *, n: int = 3) -> list[str]:
    """Up to ``n`` ids of ``choices`` close to ``value`` (see :class:`Suggester`).

    Examples
    --------
    >>> suggest("jampro", ["jampro_pc", "heart"])
    ['jampro_pc']
    """
    return Suggester(choices)(value, n=n)


def unknown_id(what: str, value: str, choices: Iterable[Hashable]) -> UnknownIdError:
    """An :class:`UnknownIdError` for ``value``, with the closest of ``choices``."""
    return UnknownIdError(what, value, suggest(value, choices))


def check_max_hops(max_hops: Any) -> int:
    """Return ``max_hops`` as an int after checking it is a whole number of at least 1.

    Raises
    ------
    UsageError
        Otherwise (``argument="max_hops"``).

    Examples
    --------
    >>> check_max_hops(4)
    4
    >>> check_max_hops(0)
    Traceback (most recent call last):
    ...
    instnet.errors.UsageError: max_hops must be a whole number of at least 1, not 0
    """
    import numbers

    if isinstance(max_hops, bool) or not isinstance(max_hops, numbers.Integral) or max_hops < 1:
        from .i18n import _

        raise UsageError(_("max_hops must be a whole number of at least 1, not {value!r}").format(value=max_hops),
                         argument="max_hops")
    return int(max_hops)

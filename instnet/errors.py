"""One error hierarchy for instnet.

Every error the library raises on purpose derives from :class:`InstnetError`
and from the built-in exception it resembles, so callers can catch either.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """An option or argument value that makes no sense."""


class Neo4jError(InstnetError, ConnectionError):
    """Neo4j is unreachable, refuses the credentials, or a query failed."""


class OutputError(InstnetError, OSError):
    """An output file or folder cannot be written (missing folder, read-only, disk full)."""


class SchemaError(InstnetError, ValueError):
    """A label or relationship type outside the fixed lists of docs/format.md."""

"""The command line in the user's language: ``--lang`` on every command, click's own words too.

How the language is chosen: before click parses anything, :meth:`Localised.main`
looks for ``--lang XX`` (or ``--lang=XX``) among the arguments, else takes
``INSTNET_LANG``, then the locale, then English (:func:`instnet.i18n.language_from_env`),
and calls :func:`instnet.i18n.set_language`. Doing it before parsing is what makes
``instnet gaps --help --lang es`` and click's own error messages Spanish: click
handles ``--help`` and usage errors while it parses.

Help texts (docstrings, ``help=`` of options) are kept by click as written, in
English; the command classes translate them when they are shown, so a string is
looked up in the language in force at that moment, never at import time.
:func:`help_texts` lists them for the catalogue (``scripts/i18n``).

click's own messages ("Usage:", "Options", "Show this message and exit.") go
through the standard library's ``gettext.gettext``, bound as ``_`` (and
``ngettext``) in each of click's modules. :func:`install_click_translations` points
those names at instnet's :func:`~instnet.i18n._`, whose catalogue carries click's
messages (extracted from click itself), so they follow ``--lang`` like everything
else instead of the process-wide gettext domain and environment.
"""

from __future__ import annotations

import copy
import gettext
import inspect
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import click
from click.utils import make_default_short_help

from ..i18n import LANGUAGES, N_, _, language_from_env, ngettext, set_language

__all__ = ["LocalisedCommand", "LocalisedGroup", "help_texts", "install_click_translations", "lang_in"]

#: click's placeholders in "Usage:" lines (literals in click, so not in its catalogue).
_USAGE_WORDS = frozenset({N_("[OPTIONS]"), N_("COMMAND [ARGS]...")})

LANG_HELP = "Language of messages, tables and pages (en or es). Default: INSTNET_LANG, then the locale."


def lang_in(args: Sequence[str]) -> str | None:
    """The value of the last ``--lang`` among ``args`` (before a ``--``), or None.

    Examples
    --------
    >>> lang_in(["gaps", "honduras", "--lang", "es"]), lang_in(["--lang=en", "info"]), lang_in(["-", "--", "--lang"])
    ('es', 'en', None)
    """
    found = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    return found


def install_click_translations() -> None:
    """Make click's own messages use instnet's catalogue (and so ``--lang``)."""
    for name, module in list(sys.modules.items()):
        if name != "click" and not name.startswith("click."):
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = ngettext  # type: ignore[attr-defined]


def _choose_language(args: Sequence[str] | None) -> None:
    wanted = lang_in(sys.argv[1:] if args is None else list(args))
    set_language(wanted if wanted in LANGUAGES else language_from_env())


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        set_language(value)


def _help_text(help: str | None) -> str:
    """A help text as click shows it (and as the catalogue stores it)."""
    return inspect.cleandoc(help).partition("\f")[0] if help else ""


class Localised:
    """What every instnet command and group shares: ``--lang`` and translated help."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(click.Option(  # type: ignore[attr-defined]
            ["--lang"], type=click.Choice(LANGUAGES), expose_value=False, is_eager=True,
            callback=_set_lang, metavar="en|es", help=LANG_HELP))

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        install_click_translations()
        _choose_language(args)
        return super().main(args, *rest, **kwargs)  # type: ignore[misc]

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)  # type: ignore[misc]
        return [_(p) if p in _USAGE_WORDS else p for p in pieces]

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:  # type: ignore[attr-defined]
            return _(inspect.cleandoc(self.short_help)).strip()  # type: ignore[attr-defined]
        text = _help_text(self.help)  # type: ignore[attr-defined]
        return make_default_short_help(_(text), limit) if text else ""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        text = _help_text(self.help)  # type: ignore[attr-defined]
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(_(text))

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        shown = []
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            if isinstance(param, click.Option) and param.help:
                param = copy.copy(param)
                param.help = _(param.help)
            record = param.get_help_record(ctx)
            if record is not None:
                shown.append(record)
        if shown:
            with formatter.section(_("Options")):
                formatter.write_dl(shown)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)


class LocalisedCommand(Localised, click.Command):
    """A click command with ``--lang`` and help in the language in force."""


class LocalisedGroup(Localised, click.Group):
    """A click group whose commands and subgroups are localised too."""

    command_class = LocalisedCommand
    group_class = type


def _walk(command: click.Command) -> Iterator[click.Command]:
    yield command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from _walk(command.commands[name])


def help_texts(root: click.Command) -> list[str]:
    """Every help text of ``root`` and the commands under it, as the catalogue stores them."""
    ctx = click.Context(root)
    out: list[str] = []
    for command in _walk(root):
        for text in (command.help, command.short_help):
            if _help_text(text):
                out.append(_help_text(text))
        for param in command.get_params(ctx):
            if isinstance(param, click.Option) and param.help:
                out.append(param.help)
    return list(dict.fromkeys(out))

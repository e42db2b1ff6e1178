"""Languages: gettext catalogues made with Babel, and the language in force.

Every string a person reads is wrapped in :func:`_` (or :func:`ngettext` where a
count decides the form) at the place it is written; ``pybabel extract`` finds them
there. The compiled catalogues live in ``instnet/locale/<lang>/LC_MESSAGES/instnet.mo``.

The language is chosen once per command: ``--lang``, then ``INSTNET_LANG``, then the
locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), then English. Library code never reads
the environment itself; it calls :func:`_`, which uses the language set last by
:func:`set_language` (English until then).

Examples
--------
>>> from instnet.i18n import _, set_language
>>> set_language("en")
'en'
>>> _("coverage")
'coverage'
"""

from __future__ import annotations

import datetime as _dt
import gettext as _gettext
import os
from functools import lru_cache
from pathlib import Path

from babel import dates as _dates
from babel import numbers as _numbers

__all__ = ["LANGUAGES", "N_", "_", "current_language", "format_date", "format_decimal", "format_int",
           "format_percent", "language_from_env", "ngettext", "set_language", "translation"]

#: Languages with a catalogue (English is the source language).
LANGUAGES = ("en", "es")
DOMAIN = "instnet"
LOCALE_DIR = Path(__file__).parent / "locale"

_state: dict[str, object] = {"lang": "en", "tr": _gettext.NullTranslations()}


def language_from_env(environ: dict[str, str] | None = None) -> str:
    """The language named by ``INSTNET_LANG``, else the locale, else ``"en"``."""
    env = os.environ if environ is None else environ
    for key in ("INSTNET_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = (env.get(key) or "").strip()
        if not value:
            continue
        code = value.split(".")[0].split("_")[0].split("-")[0].lower()
        if code in LANGUAGES:
            return code
        if key == "INSTNET_LANG":
            continue
        if code not in ("c", "posix"):
            return "en"
    return "en"


def set_language(lang: str | None = None) -> str:
    """Use ``lang`` (``"en"`` or ``"es"``; None: from the environment) from now on."""
    code = language_from_env() if lang is None else lang
    if code not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {code!r}")
    _state["lang"] = code
    _state["tr"] = translation(code)
    return code


@lru_cache(maxsize=None)
def translation(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (English: the identity)."""
    if lang == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=True)


def current_language() -> str:
    """The language in force (``"en"`` or ``"es"``)."""
    return str(_state["lang"])


def _(message: str) -> str:
    """Translate ``message`` into the language in force."""
    return _state["tr"].gettext(message)  # type: ignore[union-attr]


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on the count ``n``."""
    return _state["tr"].ngettext(singular, plural, n)  # type: ignore[union-attr]


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (translate it with :func:`_` when shown)."""
    return message


# Locale formatting for what a person reads (tables, report, map, desk); JSON and CSV
# keep plain numbers. Spanish (CLDR ``es``): 12.345 and 0,85; years such as 1999 stay
# ungrouped because ``es`` groups only from five digits.

def format_int(value: int) -> str:
    """An integer for the language in force.

    Examples
    --------
    >>> _ = set_language("es"); format_int(12345), format_int(1999)
    ('12.345', '1999')
    >>> _ = set_language("en"); format_int(12345)
    '12,345'
    """
    return _numbers.format_decimal(int(value), format=_grouping(value), locale=current_language())


def format_decimal(value: float, digits: int = 3) -> str:
    """A decimal number with ``digits`` decimals for the language in force.

    Examples
    --------
    >>> _ = set_language("es"); format_decimal(0.5, 2)
    '0,50'
    >>> _ = set_language("en"); format_decimal(1234.5, 1)
    '1,234.5'
    """
    pattern = _grouping(value) + ("." + "0" * digits if digits else "")
    return _numbers.format_decimal(value, format=pattern, locale=current_language())


def format_percent(value: float, digits: int = 0) -> str:
    """A share (0..1) as a percentage for the language in force.

    Examples
    --------
    >>> _ = set_language("es"); format_percent(0.854, 1)
    '85,4\xa0%'
    >>> _ = set_language("en"); format_percent(0.854)
    '85%'
    """
    lang = current_language()
    pattern = _numbers.Locale.parse(lang).percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("0", "0." + "0" * digits, 1)  # "#,##0 %" -> "#,##0.0 %"
    return _numbers.format_percent(value, format=pattern, locale=lang)


def _grouping(value: float) -> str:
    # CLDR gives Spanish a minimum of two grouping digits (1999, 12.345); Babel
    # groups from four, so the pattern drops the separator below 10 000 in Spanish.
    return "0" if current_language() == "es" and abs(value) < 10000 else "#,##0"


def format_date(value: _dt.date) -> str:
    """A date, medium length, for the language in force.

    Examples
    --------
    >>> import datetime
    >>> _ = set_language("es"); format_date(datetime.date(2026, 3, 1))
    '1 mar 2026'
    >>> _ = set_language("en")
    """
    return _dates.format_date(value, format="medium", locale=current_language())

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

import gettext as _gettext
import os
from pathlib import Path

__all__ = ["LANGUAGES", "_", "current_language", "language_from_env", "ngettext", "set_language"]

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
    if code == "en":
        tr: _gettext.NullTranslations = _gettext.NullTranslations()
    else:
        tr = _gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[code], fallback=True)
    _state["lang"] = code
    _state["tr"] = tr
    return code


def current_language() -> str:
    """The language in force (``"en"`` or ``"es"``)."""
    return str(_state["lang"])


def _(message: str) -> str:
    """Translate ``message`` into the language in force."""
    return _state["tr"].gettext(message)  # type: ignore[union-attr]


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on the count ``n``."""
    return _state["tr"].ngettext(singular, plural, n)  # type: ignore[union-attr]

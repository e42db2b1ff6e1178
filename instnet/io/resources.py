"""Locate the top-level ``cypher/`` and ``datasets/`` folders.

In a checkout (or an editable install) they sit beside the package; a wheel
carries them as ``instnet/_data/...``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..i18n import _
from ..errors import InstnetError

_PKG = Path(__file__).resolve().parent.parent


def _data_dir(name: str) -> Path:
    for candidate in (_PKG / "_data" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise InstnetError(_("instnet is installed without its {name}/ folder").format(name=name))


def cypher_dir() -> Path:
    """Return the folder holding the named ``.cypher`` queries."""
    return _data_dir("cypher")


def datasets_dir() -> Path:
    """Return the folder holding the built-in datasets."""
    return _data_dir("datasets")


@cache
def cypher(name: str) -> str:
    """Return the text of ``cypher/<name>.cypher``.

    Raises
    ------
    InstnetError
        If no query of that name exists.
    """
    path = cypher_dir() / f"{name}.cypher"
    if not path.is_file():
        raise InstnetError(_("no Cypher query named {name!r}").format(name=name))
    return path.read_text(encoding="utf-8")

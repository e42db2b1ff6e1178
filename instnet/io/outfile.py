"""Writing output files so that nothing is ever half-written.

Every file or folder instnet writes goes to a temporary sibling first and is renamed
onto the target only when complete, so an interrupted command leaves what was there
before. File-system failures become :class:`~instnet.errors.OutputError` (exit 2,
one line) instead of a traceback.

Examples
--------
>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
>>> with atomic_file(target) as f:
...     _ = f.write("hello")
>>> target.read_text()
'hello'
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..i18n import _
from ..errors import OutputError

__all__ = ["atomic_dir", "atomic_file", "spreadsheet_safe"]

#: Characters that make Excel or LibreOffice read a cell as a formula (OWASP's rule).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Return ``value`` so that no spreadsheet evaluates it as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
    leading apostrophe (OWASP's CSV-injection rule); everything else, numbers
    included, is returned unchanged.

    Examples
    --------
    >>> spreadsheet_safe('=HYPERLINK("http://x","click")')
    '\\'=HYPERLINK("http://x","click")'
    >>> spreadsheet_safe(-0.5), spreadsheet_safe("Kingston")
    (-0.5, 'Kingston')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _describe(exc: OSError, path: Path) -> str:
    reason = exc.strerror or exc.__class__.__name__
    return f"cannot write {str(path)!r}: {reason}"


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike[str], *, mode: str = "w",
                encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary sibling of ``path`` for writing; rename it onto ``path`` on success.

    On any exception (or interruption) the temporary file is removed and ``path`` is
    left as it was. ``mode`` is ``"w"`` (text) or ``"wb"`` (binary).

    Raises
    ------
    OutputError
        The folder is missing or read-only, the disk is full, or another OS error.
    """
    target = Path(path)
    binary = "b" in mode
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent or ".")
    except OSError as exc:
        raise OutputError(_describe(exc, target)) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, mode, **({} if binary else {"encoding": encoding, "newline": ""})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _keep_mode(target, tmp)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(_describe(exc, target)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _keep_mode(target: Path, tmp: Path) -> None:
    """Give the new file the old file's permissions, or the umask default."""
    try:
        os.chmod(tmp, target.stat().st_mode & 0o7777)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; it replaces ``path`` on success.

    The old folder (if any) is moved aside and removed only after the new one is in
    place, so an interruption leaves either the old or the new folder whole.

    Raises
    ------
    OutputError
        The parent folder is missing or read-only, the disk is full, or ``path`` is a file.
    """
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise OutputError(_("cannot write {path!r}: it is a file, not a folder").format(path=str(target)))
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent or "."))
    except OSError as exc:
        raise OutputError(_describe(exc, target)) from exc
    try:
        yield tmp
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent or "."))
            os.replace(target, old / "previous")
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(_describe(exc, target)) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

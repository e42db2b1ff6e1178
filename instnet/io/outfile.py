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
    left as it was. ``mode`` is ``"w"`` (text) or ``"wb"`` (binary). A symbolic link
    is followed (the file it names is replaced); a device or pipe (``/dev/stdout``)
    is written directly, since nothing can be renamed onto it.

    Raises
    ------
    OutputError
        The folder is missing or read-only, the disk is full, or another OS error.
    """
    target = Path(path)
    binary = "b" in mode
    options: dict = {} if binary else {"encoding": encoding, "newline": ""}
    if target.exists() and not target.is_file():
        # A device, a pipe or a socket (``-o /dev/stdout``): nothing to rename onto.
        yield from _write_through(target, mode, options)
        return
    if target.is_symlink():
        target = Path(os.path.realpath(target))  # replace the file the link names, keep the link
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise OutputError(_describe(exc, Path(path))) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, mode, **options) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _keep_mode(target, tmp)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(_describe(exc, Path(path))) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_through(target: Path, mode: str, options: dict) -> Iterator[IO]:
    """Write straight into a special file, with its OS errors as :class:`OutputError`."""
    if target.is_dir():
        raise OutputError(f"cannot write {str(target)!r}: it is a folder")
    try:
        with open(target, mode, **options) as handle:
            yield handle
    except OSError as exc:
        raise OutputError(_describe(exc, target)) from exc


def _keep_mode(target: Path, tmp: Path) -> None:
    """Give the new file the old file's permissions, or the umask default."""
    try:
        os.chmod(tmp, target.stat().st_mode & 0o7777)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike[str], *, keep_others: bool = False) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; it replaces ``path`` on success.

    The old folder (if any) is moved aside and removed only after the new one is in
    place, so an interruption leaves either the old or the new folder whole. With
    ``keep_others``, entries of the old folder that the new one does not have are
    carried over (hard links where the file system allows, else copies) before the
    swap, so a user's other files in the folder survive.

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
        if keep_others and target.is_dir():
            _carry_over(target, tmp)
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent or "."))
            os.replace(target, old / "previous")
        try:
            os.replace(tmp, target)
        except BaseException:
            if old is not None:  # put the old folder back where it was
                os.replace(old / "previous", target)
                shutil.rmtree(old, ignore_errors=True)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(_describe(exc, target)) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _carry_over(old: Path, new: Path) -> None:
    """Link (or copy) into ``new`` every entry of ``old`` that ``new`` lacks."""
    for entry in old.iterdir():
        dest = new / entry.name
        if dest.exists() or dest.is_symlink():
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, dest, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry, dest)


def _link_or_copy(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
    if os.path.islink(src):
        os.symlink(os.readlink(src), dst)
        return
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)

"""What an import from another format returns: the ecosystem and what was left behind."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Ecosystem

__all__ = ["ImportResult"]


@dataclass(frozen=True)
class ImportResult:
    """An imported ecosystem and, in words, what the import skipped and why."""

    ecosystem: Ecosystem
    notes: tuple[str, ...] = ()

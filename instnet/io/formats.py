"""What the format converters share: the result of an import, and what an export may carry."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Ecosystem

__all__ = ["ImportResult", "shareable"]


@dataclass(frozen=True)
class ImportResult:
    """An imported ecosystem and, in words, what the import skipped and why."""

    ecosystem: Ecosystem
    notes: tuple[str, ...] = ()


def shareable(eco: Ecosystem, *, include_private: bool) -> Ecosystem:
    """``eco`` without its private actors (and their offers, needs and links), unless asked.

    Examples
    --------
    >>> eco = Ecosystem.from_records(actors=[{"id": "a", "name": "A", "kind": "donor", "private": True}])
    >>> len(shareable(eco, include_private=False).actors), len(shareable(eco, include_private=True).actors)
    (0, 1)
    """
    if include_private:
        return eco
    return eco.without(eco.actors.index[eco.actors["private"].to_numpy(dtype=bool)])

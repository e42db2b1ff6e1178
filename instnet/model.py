"""The in-memory Ecosystem: typed, immutable tables (docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .io.tables import arrow_strings, isin  # noqa: F401  (importable from here too)
from .schema import INSTITUTION_KINDS, SCOPE_SEP


def scope(text: str) -> frozenset[str]:
    """Parse a scope cell (``regions`` or ``sectors`` of an offer).

    An empty cell means "all" and gives the empty set.

    Examples
    --------
    >>> sorted(scope("Kingston; Montego Bay"))
    ['Kingston', 'Montego Bay']
    >>> scope("")
    frozenset()
    """
    return frozenset(p.strip() for p in text.split(SCOPE_SEP) if p.strip())


def _active(frame: pd.DataFrame, year: int) -> np.ndarray:
    since = frame["since"]
    until = frame["until"]
    ok = (since.isna() | (since <= year)) & (until.isna() | (until > year))
    return ok.fillna(False).to_numpy(dtype=bool)


@dataclass(frozen=True, eq=False)
class Ecosystem:
    """An SME support ecosystem: actors, services, offers, needs and links.

    Build one with :func:`instnet.read_dataset` or :meth:`from_records`; the tables
    are described in docs/architecture.md. Never mutate the tables: functions that
    change an ecosystem return a new one.

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "e1", "name": "Shop", "kind": "enterprise"},
    ...             {"id": "p1", "name": "Lab", "kind": "bds_provider"}],
    ...     services=[{"id": "s", "name": "Testing", "category": "technology"}],
    ...     offers=[{"actor": "p1", "service": "s"}],
    ...     needs=[{"actor": "e1", "service": "s"}],
    ...     links=[{"source": "e1", "target": "p1", "type": "client_of"}])
    >>> len(eco.actors), eco.links.loc[0, "weight"]
    (2, np.float64(1.0))
    """

    actors: pd.DataFrame
    services: pd.DataFrame
    offers: pd.DataFrame
    needs: pd.DataFrame
    links: pd.DataFrame
    meta: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""
    year: int | None = None

    @property
    def name(self) -> str:
        """The ecosystem's name (from ``ecosystem.toml``, else its source)."""
        return str(self.meta.get("name") or self.source or "ecosystem")

    @cached_property
    def institution_ids(self) -> pd.Index:
        """Ids of the actors that are institutions (not enterprises or networks)."""
        return self.actors.index[self.actors["kind"].isin(INSTITUTION_KINDS).to_numpy()]

    def is_institution(self, actor: str) -> bool:
        """Return True when ``actor`` is an institution."""
        return self.actors.at[actor, "kind"] in INSTITUTION_KINDS

    scope = staticmethod(scope)

    def as_of(self, year: int | None) -> Ecosystem:
        """Return the ecosystem active in ``year`` (DESIGN.md section 2).

        A row is active when ``since`` is empty or <= year and ``until`` is empty or
        > year; an inactive actor takes its offers, needs and links with it.
        ``None`` returns ``self``.

        Examples
        --------
        >>> eco = Ecosystem.from_records(
        ...     actors=[{"id": "a", "name": "A", "kind": "enterprise", "since": "2000"},
        ...             {"id": "b", "name": "B", "kind": "enterprise"}])
        >>> list(eco.as_of(1999).actors.index), list(eco.as_of(2000).actors.index)
        (['b'], ['a', 'b'])
        """
        if year is None:
            return self
        actors = self.actors[_active(self.actors, year)]
        alive = actors.index
        offers = self.offers[_active(self.offers, year) & isin(self.offers["actor"], alive)]
        needs = self.needs[isin(self.needs["actor"], alive)]
        links = self.links[
            _active(self.links, year)
            & isin(self.links["source"], alive)
            & isin(self.links["target"], alive)
        ]
        return replace(
            self,
            actors=actors,
            offers=offers.reset_index(drop=True),
            needs=needs.reset_index(drop=True),
            links=links.reset_index(drop=True),
            year=year,
        )

    def without(self, actor_ids: Iterable[str]) -> Ecosystem:
        """Return the ecosystem with ``actor_ids`` and everything attached to them removed.

        Examples
        --------
        >>> eco = Ecosystem.from_records(
        ...     actors=[{"id": "a", "name": "A", "kind": "enterprise"}])
        >>> len(eco.without(["a"]).actors)
        0
        """
        gone = pd.Index(list(actor_ids))
        keep = ~self.actors.index.isin(gone)
        return replace(
            self,
            actors=self.actors[keep],
            offers=self.offers[~self.offers["actor"].isin(gone)].reset_index(drop=True),
            needs=self.needs[~self.needs["actor"].isin(gone)].reset_index(drop=True),
            links=self.links[
                ~(self.links["source"].isin(gone) | self.links["target"].isin(gone))
            ].reset_index(drop=True),
        )

    def replace_tables(self, **tables: pd.DataFrame) -> Ecosystem:
        """Return a copy with some tables replaced (no validation: the caller's duty)."""
        return replace(self, **tables)

    @classmethod
    def from_records(
        cls,
        *,
        actors: Iterable[Mapping[str, Any]] = (),
        services: Iterable[Mapping[str, Any]] = (),
        offers: Iterable[Mapping[str, Any]] = (),
        needs: Iterable[Mapping[str, Any]] = (),
        links: Iterable[Mapping[str, Any]] = (),
        meta: Mapping[str, Any] | None = None,
        source: str = "records",
    ) -> Ecosystem:
        """Build and validate an ecosystem from plain rows (dicts of column -> value).

        Values are turned into text and go through the same validation as files.

        Raises
        ------
        DatasetError
            If any row breaks a rule of the dataset format.
        """
        from .errors import DatasetError
        from .io.validate import frames_from_records, validate_tables

        tables = frames_from_records(
            actors=actors, services=services, offers=offers, needs=needs, links=links
        )
        typed, problems = validate_tables(tables)
        if typed is None:
            raise DatasetError(problems)
        return cls(**typed, meta=dict(meta or {}), source=source)

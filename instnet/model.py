"""The in-memory Ecosystem: typed, immutable tables (docs/architecture.md)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .i18n import _
from .io.tables import arrow_strings, isin  # noqa: F401  (importable from here too)
from .schema import INSTITUTION_KINDS, scope  # noqa: F401  (importable from here too)

log = logging.getLogger(__name__)


def as_of_phrase(eco: "Ecosystem") -> str:
    """Which year an output describes, in words: ``"as of 1999"``, or every row active.

    Examples
    --------
    >>> eco = Ecosystem.from_records(actors=[{"id": "a", "name": "A", "kind": "enterprise"}])
    >>> as_of_phrase(eco.as_of(1999)), as_of_phrase(eco)
    ('as of 1999', 'all years (every row active)')
    """
    if eco.year is None:
        return _("all years (every row active)")
    return _("as of {year}").format(year=eco.year)


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
    #: Located findings of validation that are valid but probably slips (a region
    #: spelled two ways, a scope value no actor has): :class:`instnet.errors.Problem`.
    warnings: tuple = ()
    #: Every actor, active or not, when :meth:`as_of` has filtered ``actors``.
    all_actors: pd.DataFrame | None = None
    #: Digest of the dataset this ecosystem was read as (see :attr:`origin_digest`).
    origin: bytes = field(default=b"", repr=False)
    #: The dataset's referral log (``referrals.csv``, optional): text columns of
    #: :data:`instnet.io.referral_log.REFERRAL_COLUMNS`; never used by the analyses.
    referrals: pd.DataFrame | None = None

    @property
    def name(self) -> str:
        """The ecosystem's name (from ``ecosystem.toml``, else its source)."""
        return str(self.meta.get("name") or self.source or "ecosystem")

    @cached_property
    def institution_ids(self) -> pd.Index:
        """Ids of the actors that are institutions (not enterprises or networks)."""
        return self.actors.index[self.actors["kind"].isin(INSTITUTION_KINDS).to_numpy()]

    @cached_property
    def origin_digest(self) -> bytes:
        """A SHA-256 digest of the dataset as read: its metadata and its private actors' rows.

        Ecosystems derived from this one (:meth:`as_of`, :meth:`without`,
        :meth:`replace_tables`) carry the same digest, so it identifies the dataset
        across years and what-ifs. It keys the pseudonyms of private actors
        (:mod:`instnet.render.privacy`) and never leaves the process.
        """
        if self.origin:
            return self.origin
        import hashlib

        h = hashlib.sha256(b"instnet-origin-v1\0")
        for key in sorted(map(str, self.meta)):
            h.update(f"{key}\0{self.meta[key]}\0".encode("utf-8", "surrogatepass"))
        private = self.actors[self.actors["private"].to_numpy(dtype=bool)].sort_index()
        for ident, row in zip(private.index, private.itertuples(index=False)):
            h.update(("\0".join(map(str, (ident, *row))) + "\n").encode("utf-8", "surrogatepass"))
        return h.digest()

    def is_institution(self, actor: str) -> bool:
        """Return True when ``actor`` is an institution."""
        return self.actors.at[actor, "kind"] in INSTITUTION_KINDS

    scope = staticmethod(scope)

    @property
    def data_year(self) -> int:
        """The year the data describe: ``year`` of ``ecosystem.toml``, else the current year.

        Examples
        --------
        >>> Ecosystem.from_records(actors=[{"id": "a", "name": "A", "kind": "enterprise"}],
        ...                        meta={"year": 1999}).data_year
        1999
        """
        year = self.meta.get("year")
        if isinstance(year, int | float | str) and not isinstance(year, bool):
            try:
                if float(year).is_integer():
                    return int(float(year))
            except (ValueError, OverflowError):
                log.info("ecosystem year %r is not a year; using the current year", year)
        return datetime.date.today().year

    def as_of(self, year: int | None) -> Ecosystem:
        """Return the ecosystem active in ``year`` (docs/format.md, "Dates").

        A row is active when ``since`` is empty or <= year and ``until`` is empty or
        > year; an inactive actor takes its offers, needs and links with it.
        ``None`` returns ``self`` (every row active). Front ends default to
        :attr:`data_year`.

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
            all_actors=self.actors if self.all_actors is None else self.all_actors,
            origin=self.origin_digest,
        )

    def require_active(self, actor: str, *, what: str = "actor") -> None:
        """Raise :class:`~instnet.errors.InactiveIdError` when ``actor`` exists but is
        not active in the year :meth:`as_of` chose (nothing otherwise).

        Examples
        --------
        >>> eco = Ecosystem.from_records(
        ...     actors=[{"id": "a", "name": "A", "kind": "enterprise", "since": "2000"}])
        >>> eco.as_of(1999).require_active("a")
        Traceback (most recent call last):
        ...
        instnet.errors.InactiveIdError: actor 'a' is not active in 1999 (active from 2000)
        """
        from .errors import InactiveIdError

        everyone = self.all_actors
        if everyone is None or actor in self.actors.index or actor not in everyone.index:
            return
        row = everyone.loc[actor]
        since, until = row["since"], row["until"]
        raise InactiveIdError(what, actor, self.year, None if pd.isna(since) else int(since),
                              None if pd.isna(until) else int(until))

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
            origin=self.origin_digest,
        )

    def replace_tables(self, **tables: pd.DataFrame) -> Ecosystem:
        """Return a copy with some tables replaced (no validation: the caller's duty)."""
        return replace(self, origin=self.origin_digest, **tables)

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
        fields, problems = validate_tables(tables, dict(meta or {}), source=source)
        if fields is None:
            raise DatasetError(problems)
        return cls(**fields, source=source)

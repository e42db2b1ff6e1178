"""The referral engine: best paths from a need to a provider (docs/semantics.md).

A need (actor ``A``, service ``S``) is *served* when a simple path of at most
``max_hops`` referral channels leads from ``A`` to an institution ``P`` that
offers ``S`` with a scope covering ``A`` (region and sector; empty scope = all),
and every node strictly between ``A`` and ``P`` is an institution or a network.
Candidates are ranked by fewest hops, then greatest strength (the product of the
link weights, multiplied left to right along the path), then the path's sequence
of ids (tuples of strings compared element by element). The first candidate is
the need's *best path*.

The engine is exact: a layered search from the actor that keeps, at every node,
the prefixes whose strength could still tie or win (see :func:`_layered_search`).
Every hop-shortest walk to the set of valid providers is a simple path whose
``i``-th node lies at distance ``i``, so a breadth-first layering finds exactly
the candidates of the definition.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np

import pandas as pd

from ._paths_engine import _best_paths_fast
from ._paths_search import _Index, _prepared, _Providers, _ranked, _refer_search
from .walkin import WalkIn, walk_in_index
from ._paths_search import _simple_best_paths  # noqa: F401  (the straightforward engine, for tests)
from ..errors import UsageError, check_max_hops, unknown_id
from ..i18n import _, current_language, using_language
from ..labels import label
from ..model import Ecosystem

__all__ = [
    "Referral",
    "Step",
    "Unreachable",
    "best_paths",
    "path_strength",
    "provider_routes",
    "refer",
    "OutOfReach",
    "out_of_reach",
    "unreachable_providers",
]



def path_strength(weights: Iterable[float]) -> float:
    """Multiply link weights left to right, exactly as the ranking does.

    Parameters
    ----------
    weights : iterable of float
        The weights of the path's links, from the actor to the provider.

    Returns
    -------
    float
        ``((1.0 * w1) * w2) * ...`` in floating point (1.0 for no links).

    Examples
    --------
    >>> path_strength([0.5, 0.8])
    0.4
    >>> path_strength([])
    1.0
    """
    s = 1.0
    for w in weights:
        s = s * float(w)
    return s


@dataclass(frozen=True)
class Step:
    """One hop of a referral path: the actor reached and the channel used.

    ``types`` are the link types joining the previous actor to this one (the
    both-way types included in the reverse direction); ``weight`` is the edge's
    weight (the largest of those channels).
    """

    id: str
    name: str
    kind: str
    types: tuple[str, ...]
    weight: float

    def describe(self) -> str:
        """A phrase a broker can read aloud, e.g. ``"to X (network broker) via coordinates"``."""
        return _("to {name} ({kind}) via {types}").format(
            types=" / ".join(label("type", t) for t in self.types), name=self.name, kind=label("kind", self.kind))


@dataclass(frozen=True)
class Referral:
    """A ranked referral candidate: a provider with its best path from the actor."""

    provider: str
    hops: int
    strength: float
    path: tuple[str, ...]
    steps: tuple[Step, ...] = field(default=())

    def describe(self) -> str:
        """The path in words, every hop named with its name, kind and link type."""
        return "; ".join(s.describe() for s in self.steps)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (``provider``, ``hops``, ``strength``, ``path``, ``steps``)."""
        return {
            "provider": self.provider,
            "hops": self.hops,
            "strength": self.strength,
            "path": list(self.path),
            "steps": [
                {"id": s.id, "name": s.name, "kind": s.kind, "types": list(s.types), "weight": s.weight}
                for s in self.steps
            ],
        }


@dataclass(frozen=True)
class Unreachable:
    """A provider of the service that cannot serve the need, and why.

    ``reason`` is ``"out_of_scope"`` (none of its offers of the service covers the
    actor's region and sector), ``"no_path"`` (in scope, but no referral route
    leads there) or ``"too_far"`` (in scope, but more than ``max_hops`` links
    away). ``hops`` is the shortest referral route in links (``None``: no route),
    whatever the reason; ``detail`` says the same in words.
    """

    provider: str
    name: str
    reason: str
    hops: int | None
    detail: str


# --------------------------------------------------------------------------- public


def best_paths(eco: Ecosystem, *, max_hops: int = 4) -> pd.DataFrame:
    """Return the best referral path of every need (docs/semantics.md).

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem (apply :meth:`Ecosystem.as_of` first for a given year).
    max_hops : int, default 4
        Longest path, in links (at least 1).

    Returns
    -------
    pandas.DataFrame
        One row per row of ``eco.needs`` (same index and order), columns
        ``actor``, ``service``, ``served`` (bool), ``provider`` (str, ``""``
        when unmet), ``hops`` (``Int64``, ``<NA>`` when unmet), ``strength``
        (float, NaN when unmet) and ``path`` (tuple of ids from the actor to the
        provider, ``()`` when unmet).

    Raises
    ------
    UsageError
        If ``max_hops`` is below 1.

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "e", "name": "Shop", "kind": "enterprise"},
    ...             {"id": "b", "name": "Broker", "kind": "broker"},
    ...             {"id": "p", "name": "Lab", "kind": "bds_provider"}],
    ...     services=[{"id": "s", "name": "Testing", "category": "technology"}],
    ...     offers=[{"actor": "p", "service": "s"}],
    ...     needs=[{"actor": "e", "service": "s"}],
    ...     links=[{"source": "e", "target": "b", "type": "client_of", "weight": 0.5},
    ...            {"source": "b", "target": "p", "type": "refers_to", "weight": 0.8}])
    >>> row = best_paths(eco).iloc[0]
    >>> bool(row.served), row.provider, int(row.hops), float(row.strength), row.path
    (True, 'p', 2, 0.4, ('e', 'b', 'p'))
    >>> bool(best_paths(eco, max_hops=1).iloc[0].served)
    False
    """
    check_max_hops(max_hops)
    return _best_paths_fast(eco, max_hops=max_hops)


def _check_ids(eco: Ecosystem, actor: str | WalkIn, service: str) -> None:
    if isinstance(actor, WalkIn):
        for target in actor.via:
            if target not in eco.actors.index:
                eco.require_active(target)
                raise unknown_id("actor", target, eco.actors.index)
        actor.check(eco)
    elif actor not in eco.actors.index:
        eco.require_active(actor)
        raise unknown_id("actor", actor, eco.actors.index)
    if service not in eco.services.index:
        raise unknown_id("service", service, eco.services.index)


def _search_index(eco: Ecosystem, actor: str | WalkIn) -> tuple[_Index, str]:
    """The search index to use for ``actor`` and the id it has in paths."""
    if isinstance(actor, WalkIn):
        return walk_in_index(eco, actor), actor.id
    return _prepared(eco)[1], actor


def _steps(idx: _Index, path: Sequence[str], edge_info: dict[tuple[str, str], tuple[tuple[str, ...], float]],
           ) -> tuple[Step, ...]:
    rows = idx.reachable_rows()  # every node after the source is an institution or a network
    out = []
    for u, v in zip(path[:-1], path[1:]):
        types, w = edge_info[(u, v)]
        out.append(Step(id=v, name=str(rows[v]["name"]), kind=str(rows[v]["kind"]), types=types, weight=w))
    return tuple(out)


def refer(eco: Ecosystem, actor: str | WalkIn, service: str, *, k: int = 3,
          max_hops: int = 4) -> list[Referral]:
    """Return the ``k`` best providers of ``service`` for ``actor``, each with its best path.

    Every provider that offers ``service`` with a scope covering ``actor`` and
    can be reached within ``max_hops`` links is a candidate, represented by its
    own best path; candidates are ranked by (hops, -strength, path) and the first
    ``k`` are returned. ``refer(...)[0]`` is the need's best path of
    :func:`best_paths`.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem.
    actor : str or WalkIn
        The actor (an enterprise or network), or a walk-in client who is not in
        the dataset (see :mod:`instnet.analysis.walkin`).
    service : str
        The service it needs. The pair need not be listed in ``eco.needs``.
    k : int, default 3
        Number of providers to return (at least 1).
    max_hops : int, default 4
        Longest path, in links.

    Returns
    -------
    list of Referral
        At most ``k`` referrals, best first; empty when no provider is reachable
        (see :func:`unreachable_providers` for why).

    Raises
    ------
    UnknownIdError
        If ``actor``, a walk-in's ``via`` or ``service`` does not exist (with the closest ids).
    UsageError
        If ``k`` or ``max_hops`` is below 1, or a walk-in's ``via`` is empty or names an enterprise.

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "e", "name": "Shop", "kind": "enterprise"},
    ...             {"id": "b", "name": "Broker", "kind": "broker"},
    ...             {"id": "p", "name": "Lab", "kind": "bds_provider"},
    ...             {"id": "q", "name": "Uni", "kind": "bds_provider"}],
    ...     services=[{"id": "s", "name": "Testing", "category": "technology"}],
    ...     offers=[{"actor": "p", "service": "s"}, {"actor": "q", "service": "s"}],
    ...     links=[{"source": "e", "target": "b", "type": "client_of"},
    ...            {"source": "b", "target": "p", "type": "refers_to", "weight": 0.5},
    ...            {"source": "e", "target": "q", "type": "client_of", "weight": 0.9}])
    >>> [(r.provider, r.hops, r.path) for r in refer(eco, "e", "s")]
    [('q', 1, ('e', 'q')), ('p', 2, ('e', 'b', 'p'))]
    >>> refer(eco, "e", "s")[1].describe()
    'to Broker (network broker) via client of; to Lab (BDS provider) via refers to'
    """
    _check_ids(eco, actor, service)
    check_max_hops(max_hops)
    if int(k) < 1:
        raise UsageError(_("k must be at least 1, not {k}").format(k=k), argument="k")
    idx, actor = _search_index(eco, actor)
    valid = idx.valid(service, actor)
    if not valid:
        return []
    cands = _refer_search(idx, actor, valid, int(k), int(max_hops))
    cands = _ranked(cands, int(k))
    info = idx.edge_info({n for c in cands for n in c[1]})
    return [Referral(provider=path[-1], hops=hop, strength=s, path=path, steps=_steps(idx, path, info))
            for s, path, hop in cands]


def provider_routes(eco: Ecosystem, actor: str, service: str) -> list[tuple[str, bool, int | None]]:
    """Every provider of ``service``: whether an offer covers ``actor``, and its shortest route.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem.
    actor, service : str
        The actor and the service it needs.

    Returns
    -------
    list of (str, bool, int or None)
        ``(provider, covers, hops)`` in provider id order; ``hops`` is the length
        of the shortest referral route from ``actor`` (through institutions and
        networks only, with no hop limit), ``None`` when there is none.

    Raises
    ------
    UnknownIdError
        If ``actor`` or ``service`` does not exist.

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "e", "name": "Shop", "kind": "enterprise", "region": "north"},
    ...             {"id": "p", "name": "Lab", "kind": "bds_provider"},
    ...             {"id": "q", "name": "Uni", "kind": "bds_provider"}],
    ...     services=[{"id": "s", "name": "Testing", "category": "technology"}],
    ...     offers=[{"actor": "p", "service": "s", "regions": "south"}, {"actor": "q", "service": "s"}],
    ...     links=[{"source": "e", "target": "p", "type": "client_of"}])
    >>> provider_routes(eco, "e", "s")
    [('p', False, 1), ('q', True, None)]
    """
    _check_ids(eco, actor, service)
    idx = _prepared(eco)[1]
    providers = idx.service_providers(service)
    hops = idx.hop_counts(actor, providers.pos).tolist()
    return [(p, c, h if h >= 0 else None)
            for p, c, h in zip(providers.ids, idx.covering(service, actor).tolist(), hops)]


def out_of_reach(eco: Ecosystem, actor: str | WalkIn, service: str, *, max_hops: int = 4) -> OutOfReach:
    """Every provider of ``service`` that cannot serve ``actor``, nearest first, and why.

    The same list as :func:`unreachable_providers` with ``limit=None``, as an
    :class:`OutOfReach` sequence that makes each :class:`Unreachable` only when
    it is read: a national service has about a thousand providers.

    Examples
    --------
    A broker two links away, and two labs: one does not serve the north, the
    other is three links away.

    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "e", "name": "Shop", "kind": "enterprise", "region": "north"},
    ...             {"id": "b", "name": "Broker", "kind": "broker"},
    ...             {"id": "p", "name": "Lab", "kind": "bds_provider"},
    ...             {"id": "q", "name": "Uni", "kind": "bds_provider"}],
    ...     services=[{"id": "s", "name": "Testing", "category": "technology"}],
    ...     offers=[{"actor": "p", "service": "s", "regions": "south"}, {"actor": "q", "service": "s"}],
    ...     links=[{"source": "e", "target": "b", "type": "client_of"},
    ...            {"source": "b", "target": "p", "type": "refers_to"},
    ...            {"source": "p", "target": "q", "type": "refers_to"}])
    >>> why = out_of_reach(eco, "e", "s", max_hops=2)
    >>> [(u.provider, u.reason, u.hops) for u in why], why.unmet_reason()
    ([('p', 'out_of_scope', 2), ('q', 'too_far', 3)], ('too_far', 3))
    """
    _check_ids(eco, actor, service)
    check_max_hops(max_hops)
    idx, actor = _search_index(eco, actor)
    providers = idx.service_providers(service)
    hops = idx.hop_counts(actor, providers.pos)
    # 0: a candidate (not listed), 1: out of scope, 2: no route, 3: too far
    reasons = np.where(idx.covering(service, actor),
                       np.where(hops < 0, 2, np.where(hops > max_hops, 3, 0)), 1).astype(np.int8)
    order = np.flatnonzero(reasons)  # providers are in id order: a stable sort keeps it among equal routes
    order = order[np.argsort(np.where(hops[order] < 0, np.iinfo(np.int64).max, hops[order]), kind="stable")]
    return OutOfReach(idx, actor, service, max_hops, providers, reasons, hops, order)


def unreachable_providers(eco: Ecosystem, actor: str | WalkIn, service: str, *, max_hops: int = 4,
                          limit: int | None = 5) -> list[Unreachable]:
    """Providers of ``service`` that cannot serve ``actor``, nearest first, and why.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem.
    actor : str or WalkIn
        The actor, or a walk-in client (see :mod:`instnet.analysis.walkin`).
    service : str
        The service it needs.
    max_hops : int, default 4
        The hop limit of the analysis.
    limit : int or None, default 5
        At most this many providers are returned (None: all).

    Returns
    -------
    list of Unreachable
        Providers ordered by shortest referral route (no route last), then id;
        ``reason`` is ``"out_of_scope"``, ``"no_path"`` or ``"too_far"``.

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "e", "name": "Shop", "kind": "enterprise", "region": "north"},
    ...             {"id": "p", "name": "Lab", "kind": "bds_provider"}],
    ...     services=[{"id": "s", "name": "Testing", "category": "technology"}],
    ...     offers=[{"actor": "p", "service": "s", "regions": "south"}],
    ...     links=[{"source": "e", "target": "p", "type": "client_of"}])
    >>> [(u.provider, u.reason, u.hops) for u in unreachable_providers(eco, "e", "s")]
    [('p', 'out_of_scope', 1)]
    """
    table = out_of_reach(eco, actor, service, max_hops=max_hops)
    return list(table if limit is None else table[: int(limit)])


class OutOfReach(Sequence[Unreachable]):
    """The providers of a service that cannot serve one need, nearest first (see :func:`out_of_reach`).

    A read-only sequence of :class:`Unreachable`; :meth:`rows` and :meth:`columns`
    give the same without making objects, and :meth:`unmet_reason` the need's
    reason when no provider can serve it. The sentences are written in the
    language in force when the list was made.
    """

    def __init__(self, idx: _Index, actor: str, service: str, max_hops: int, providers: _Providers,
                 reasons: np.ndarray, hops: np.ndarray, order: np.ndarray):
        self._idx, self._actor, self._service, self._max_hops = idx, actor, service, max_hops
        self._providers, self._reasons, self._hops, self._order = providers, reasons, hops, order
        self._lang = current_language()

    @property
    def service(self) -> str:
        """The service."""
        return self._service

    @property
    def providers(self) -> tuple[str, ...]:
        """Every provider of the service in id order (:meth:`columns` gives positions in it)."""
        return self._providers.ids

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, i: int) -> Unreachable: ...

    @overload
    def __getitem__(self, i: slice) -> OutOfReach: ...

    def __getitem__(self, i: int | slice) -> Unreachable | OutOfReach:
        if isinstance(i, slice):
            return OutOfReach(self._idx, self._actor, self._service, self._max_hops, self._providers,
                              self._reasons, self._hops, self._order[i])
        p, reason, hops, detail = self[i: i + 1 if i != -1 else None].rows()[0]
        return Unreachable(provider=p, name=str(self._idx.reachable_rows()[p]["name"]), reason=reason, hops=hops,
                           detail=detail)

    def __repr__(self) -> str:
        return f"OutOfReach({list(self)!r})"

    def provider_ids(self) -> list[str]:
        """The providers listed, in order."""
        ids = self._providers.ids
        return [ids[j] for j in self._order.tolist()]

    def rows(self) -> list[tuple[str, str, int | None, str]]:
        """``(provider, reason, hops, detail)`` of each, in order (what :class:`Unreachable` holds but the name)."""
        at, hops, which, reasons, details = self.columns()
        ids, reasons, details = self._providers.ids, reasons.tolist(), details.tolist()
        return [(ids[j], reasons[w], h if h >= 0 else None, details[w])
                for j, h, w in zip(at.tolist(), hops.tolist(), which.tolist())]

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The list as arrays: ``(at, hops, which, reasons, details)``.

        Row ``i`` is provider ``at[i]`` (a position in :attr:`providers`),
        ``hops[i]`` links away (``-1``: no route), with reason ``reasons[which[i]]``
        and sentence ``details[which[i]]``: providers with the same reason and
        sentence share one, written once (a sentence depends on the route when the
        provider is too far, on its offers' scopes when it is out of scope).
        """
        at = self._order
        code, hops = self._reasons[at].astype(np.int64), self._hops[at]
        key = code << 32 | np.where(code == 3, hops, np.where(code == 1, self._providers.scope[at], 0))
        keys, which = np.unique(key, return_inverse=True)
        code, value = keys >> 32, keys & 0xFFFFFFFF
        details = np.empty(len(keys), dtype=object)
        with using_language(self._lang):
            details[code == 2] = _("no referral route at all")
            too_far = _("{hops} links away, more than the limit of {max_hops}")
            for i in np.flatnonzero(code == 3).tolist():
                details[i] = too_far.format(hops=int(value[i]), max_hops=self._max_hops)
            scoped = np.flatnonzero(code == 1)
            if len(scoped):
                # the sentence's words around the scopes are the same for every provider: joined as arrays
                region, sector = self._idx.region[self._actor] or _("(none)"), self._idx.sector[self._actor] or _("(none)")
                words = [w.format(region=region, sector=sector) for w in _(
                    "offers it only to {scopes}, not to region {region} / sector {sector}").split("{scopes}")]
                scopes = self._idx.scope_texts(self._service)[value[scoped]]
                sentence = np.full(len(scoped), words[0], dtype=object)
                for w in words[1:]:
                    sentence = sentence + scopes + w
                details[scoped] = sentence
        return at, hops, which.reshape(-1), _REASONS[code], details

    def unmet_reason(self) -> tuple[str, int | None]:
        """The reason of the need when none of the service's providers can serve it (docs/semantics.md).

        ``no_provider`` (the service has none), ``out_of_scope`` (none covers the
        actor), ``no_path`` (no route to any that does) or ``too_far`` with the
        shortest route to one that does. Meaningful on the whole list (not a slice)
        of a need without candidates.
        """
        if not self._providers.ids:
            return "no_provider", None
        covering = self._reasons[self._order] != 1
        if not covering.any():
            return "out_of_scope", None
        hops = self._hops[self._order][covering]
        hops = hops[hops >= 0]
        return ("too_far", int(hops.min())) if len(hops) else ("no_path", None)


#: Why a provider of the service cannot serve a need, by code (0: it can: a candidate, never listed).
_REASONS = np.array(["", "out_of_scope", "no_path", "too_far"], dtype=object)

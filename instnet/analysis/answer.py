"""One referral question answered the way every front door shows it.

:func:`answer` gathers what a broker needs for a client (an actor of the dataset
or a :class:`~instnet.analysis.walkin.WalkIn`) and a service: the ranked
providers with their paths and contact details, and — when none can serve — why
not, with the providers that offer the service but are out of scope or out of
reach. ``instnet refer --format json`` prints :meth:`ReferralAnswer.to_dict` and
the desk's ``GET /api/refer`` answers exactly the same dict.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..i18n import _, current_language
from ..labels import label
from ..model import Ecosystem
from ._paths_search import _prepared
from .paths import OutOfReach, Referral, out_of_reach, refer
from .walkin import WalkIn

__all__ = ["CONTACT_COLUMNS", "DisplayNames", "ReferralAnswer", "answer", "contact_of", "display_name",
           "json_heads", "prepare_index"]

#: The contact columns of ``actors.csv``, shown wherever a broker needs them.
CONTACT_COLUMNS = ("contact", "phone", "email", "website", "address")


def contact_of(eco: Ecosystem, actor: str, *, include_private: bool = False) -> dict[str, str]:
    """The contact details of ``actor`` (``""`` where the dataset has none).

    A private actor's details are blank unless ``include_private``.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> sorted(contact_of(read_dataset("jamaica"), "jampro"))
    ['address', 'contact', 'email', 'phone', 'website']
    """
    row = _row(eco, actor)
    if bool(row["private"]) and not include_private:
        return {c: "" for c in CONTACT_COLUMNS}
    return {c: str(row.get(c, "") or "") for c in CONTACT_COLUMNS}


def display_name(eco: Ecosystem, actor: str, *, include_private: bool = False) -> str:
    """The name to show for ``actor``: a private actor is shown by its kind only.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> display_name(read_dataset("jamaica"), "jampro_pc")
    'JAMPRO Productivity Centre'
    """
    row = _row(eco, actor)
    if bool(row["private"]) and not include_private:
        kind = label("kind", str(row["kind"]))
        return _("{kind} (private)").format(kind=kind[:1].upper() + kind[1:])
    return str(row["name"])


def prepare_index(eco: Ecosystem, *, include_private: bool = False) -> None:
    """Build now what the first referral questions about ``eco`` would otherwise build.

    The search index (cached per ecosystem object), the graph that explains unmet
    needs, and each service's providers as the answers' JSON writes them (with
    private actors shown when ``include_private``); a desk builds them at start.
    """
    idx = _prepared(eco)[1]
    idx.prepare()
    for service in idx.offers:
        json_heads(eco, service, include_private=include_private)


def _row(eco: Ecosystem, actor: str) -> Mapping[str, Any]:
    """The actor's columns: a dict look-up for institutions and networks, a pandas one for enterprises."""
    got = _prepared(eco)[1].reachable_rows().get(actor)
    return got if got is not None else eco.actors.loc[actor].to_dict()


class DisplayNames(Mapping[str, str]):
    """The names to show of the providers of one answer (:func:`display_name`), written when read.

    Keys are the providers listed (referrals, then out of reach); a desk's answer
    lists about a thousand at national scale and shows a handful.
    """

    def __init__(self, eco: Ecosystem, referrals: tuple[str, ...], out_of_reach: OutOfReach, *,
                 include_private: bool):
        self._eco, self._referrals, self._out, self._include_private = eco, referrals, out_of_reach, include_private
        self._keys: frozenset[str] | None = None

    def __getitem__(self, provider: str) -> str:
        if provider not in self._referrals:
            if self._keys is None:
                self._keys = frozenset(self._out.provider_ids())
            if provider not in self._keys:
                raise KeyError(provider)
        return display_name(self._eco, provider, include_private=self._include_private)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._referrals, *self._out.provider_ids()]))

    def __len__(self) -> int:
        return sum(1 for _p in self)

    def json_heads(self, service: str) -> np.ndarray:
        """:func:`json_heads` of ``service`` as this answer shows names."""
        return json_heads(self._eco, service, include_private=self._include_private)


def json_heads(eco: Ecosystem, service: str, *, include_private: bool = False) -> np.ndarray:
    """``{"provider": ID, "name": NAME, "reason": `` of each provider of ``service`` (in id order), as JSON text.

    Written once per service, language and ``include_private``, for :meth:`ReferralAnswer.to_json`.
    """
    idx = _prepared(eco)[1]
    cache = idx.memo("json-head")
    key = (current_language(), include_private, service)
    got = cache.get(key)
    if got is None:
        got = cache[key] = np.array([
            '{"provider": %s, "name": %s, "reason": ' % (
                _dumps(p), _dumps(display_name(eco, p, include_private=include_private)))
            for p in idx.service_providers(service).ids], dtype=object)
    return got


#: ``json.dumps(value, ensure_ascii=False)``, without its per-call set-up (called per sentence of an answer).
_dumps = json.JSONEncoder(ensure_ascii=False).encode
_each_dumps = np.frompyfunc(_dumps, 1, 1)


@functools.lru_cache(maxsize=None)
def _hop_texts(size: int) -> np.ndarray:
    """``"null"`` then ``"0"``, ``"1"``, … up to ``size - 2``: hop counts as JSON text, by ``hops + 1``."""
    return np.array(["null"] + [str(i) for i in range(size - 1)], dtype=object)


@dataclass(frozen=True)
class ReferralAnswer:
    """Referrals of one client for one service, with names, contacts and reasons."""

    actor: str
    service: str
    as_of: int | None
    max_hops: int
    referrals: tuple[Referral, ...]
    names: DisplayNames
    contacts: dict[str, dict[str, str]]
    out_of_reach: OutOfReach
    reason: str | None
    hops: int | None
    walk_in: WalkIn | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``instnet refer --format json`` and ``GET /api/refer``."""
        return {**self._head(), "out_of_reach": [
            {"provider": p, "name": self.names[p], "reason": reason, "hops": hops, "detail": detail}
            for p, reason, hops, detail in self.out_of_reach.rows()]}

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text, as ``json.dumps(answer.to_dict(), ensure_ascii=False)`` writes it.

        The out-of-reach list is joined from pieces written once per provider and
        per sentence: a national answer lists about a thousand providers.
        """
        at, hops, which, reasons, details = self.out_of_reach.columns()
        parts = np.empty((len(at), 5), dtype=object)  # one row per provider, joined at once
        parts[:, 0] = self.names.json_heads(self.out_of_reach.service)[at]
        parts[:, 1] = ('"' + reasons + '", "hops": ')[which]
        parts[:, 2] = _hop_texts(2 << int(hops.max(initial=62)).bit_length())[hops + 1]
        parts[:, 3] = (', "detail": ' + _each_dumps(details) + "}")[which]
        parts[:, 4] = ", "
        items = "".join(parts.ravel().tolist()[:-1])
        return _dumps(self._head())[:-1] + ', "out_of_reach": [' + items + "]}"

    def _head(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "actor": self.actor, "service": self.service,
            "as_of": "all" if self.as_of is None else self.as_of, "max_hops": self.max_hops,
            "referrals": [{**r.to_dict(), "name": self.names[r.provider], "contact": self.contacts[r.provider]}
                          for r in self.referrals],
            "reason": self.reason, "hops": self.hops,
        }
        if self.walk_in is not None:
            out["walk_in"] = {"region": self.walk_in.region, "sector": self.walk_in.sector,
                              "via": list(self.walk_in.via)}
        return out


def answer(eco: Ecosystem, actor: str | WalkIn, service: str, *, k: int = 3, max_hops: int = 4,
           include_private: bool = False, limit: int | None = None) -> ReferralAnswer:
    """Answer "where do I refer this client for this service?".

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem, as of the year to use.
    actor : str or WalkIn
        An actor id of ``eco``, or a walk-in client.
    service : str
        The service id.
    k : int, default 3
        Number of providers.
    max_hops : int, default 4
        Longest referral path, in links.
    include_private : bool, default False
        Show private actors' names and contact details.
    limit : int or None, default None
        At most this many providers out of reach are listed (None: every provider of
        the service that is not a candidate, and why not).

    Returns
    -------
    ReferralAnswer

    Raises
    ------
    UnknownIdError
        If the actor, a ``via`` id or the service does not exist.
    UsageError
        If ``k`` or ``max_hops`` is below 1, or the walk-in is malformed.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> eco = read_dataset("jamaica")
    >>> a = answer(eco, WalkIn(region="Kingston", sector="garments", via=("jampro_pc",)), "cad_design")
    >>> a.referrals[0].path[0], a.reason
    ('walk-in', None)
    """
    refs = refer(eco, actor, service, k=k, max_hops=max_hops)
    every = out_of_reach(eco, actor, service, max_hops=max_hops)
    reason, hops = every.unmet_reason() if not refs else (None, None)
    missing = every if limit is None else every[:limit]
    names = DisplayNames(eco, tuple(r.provider for r in refs), missing, include_private=include_private)
    contacts = {r.provider: contact_of(eco, r.provider, include_private=include_private) for r in refs}
    return ReferralAnswer(
        actor=actor.id if isinstance(actor, WalkIn) else actor, service=service, as_of=eco.year,
        max_hops=max_hops, referrals=tuple(refs), names=names, contacts=contacts,
        out_of_reach=missing, reason=reason, hops=hops,
        walk_in=actor if isinstance(actor, WalkIn) else None)

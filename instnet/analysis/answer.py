"""One referral question answered the way every front door shows it.

:func:`answer` gathers what a broker needs for a client (an actor of the dataset
or a :class:`~instnet.analysis.walkin.WalkIn`) and a service: the ranked
providers with their paths and contact details, and — when none can serve — why
not, with the providers that offer the service but are out of scope or out of
reach. ``instnet refer --format json`` prints :meth:`ReferralAnswer.to_dict` and
the desk's ``GET /api/refer`` answers exactly the same dict.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any

from ..i18n import _
from ..labels import label
from ..model import Ecosystem
from ._paths_search import _prepared
from .paths import Referral, Unreachable, refer, unreachable_providers
from .walkin import WalkIn

__all__ = ["CONTACT_COLUMNS", "ReferralAnswer", "answer", "contact_of", "display_name", "need_reason",
           "prepare_index"]

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


def prepare_index(eco: Ecosystem) -> None:
    """Build the search index of ``eco`` (cached per ecosystem object) and the graph that explains unmet needs.

    Otherwise both are built on the first question; a desk builds them at start.
    """
    _prepared(eco)[1].hops_to("", ())


def _row(eco: Ecosystem, actor: str) -> Mapping[str, Any]:
    """The actor's columns: a dict look-up for institutions and networks, a pandas one for enterprises."""
    got = _prepared(eco)[1].reachable_rows().get(actor)
    return got if got is not None else eco.actors.loc[actor].to_dict()


def need_reason(providers: int, out_of_reach: list[Unreachable]) -> tuple[str, int | None]:
    """The reason of an unmet need from every provider of the service that cannot serve it.

    ``providers`` is the number of active providers of the service; ``out_of_reach``
    lists them all (``limit=None``). Returns ``(reason, hops)``: ``no_provider``,
    ``out_of_scope``, ``no_path`` or ``too_far`` with the shortest covering route.

    Examples
    --------
    >>> need_reason(0, [])
    ('no_provider', None)
    >>> need_reason(1, [Unreachable("p", "Lab", "too_far", 6, "")])
    ('too_far', 6)
    """
    if providers == 0:
        return "no_provider", None
    covering = [u for u in out_of_reach if u.reason != "out_of_scope"]
    if not covering:
        return "out_of_scope", None
    reachable = [u.hops for u in covering if u.hops is not None]
    if not reachable:
        return "no_path", None
    return "too_far", min(reachable)


@dataclass(frozen=True)
class ReferralAnswer:
    """Referrals of one client for one service, with names, contacts and reasons."""

    actor: str
    service: str
    as_of: int | None
    max_hops: int
    referrals: tuple[Referral, ...]
    names: dict[str, str]
    contacts: dict[str, dict[str, str]]
    out_of_reach: tuple[Unreachable, ...]
    reason: str | None
    hops: int | None
    walk_in: WalkIn | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``instnet refer --format json`` and ``GET /api/refer``."""
        out: dict[str, Any] = {
            "actor": self.actor, "service": self.service,
            "as_of": "all" if self.as_of is None else self.as_of, "max_hops": self.max_hops,
            "referrals": [{**r.to_dict(), "name": self.names[r.provider], "contact": self.contacts[r.provider]}
                          for r in self.referrals],
            "reason": self.reason, "hops": self.hops,
            "out_of_reach": [{"provider": u.provider, "name": self.names[u.provider], "reason": u.reason,
                              "hops": u.hops, "detail": u.detail} for u in self.out_of_reach],
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
    every = unreachable_providers(eco, actor, service, max_hops=max_hops, limit=None)
    reason = hops = None
    if not refs:
        providers = len(_prepared(eco)[1].offers.get(service, {}))
        reason, hops = need_reason(providers, every)
    missing = every if limit is None else every[:limit]
    shown = {r.provider for r in refs} | {u.provider for u in missing}
    names = {p: display_name(eco, p, include_private=include_private) for p in shown}
    contacts = {r.provider: contact_of(eco, r.provider, include_private=include_private) for r in refs}
    return ReferralAnswer(
        actor=actor.id if isinstance(actor, WalkIn) else actor, service=service, as_of=eco.year,
        max_hops=max_hops, referrals=tuple(refs), names=names, contacts=contacts,
        out_of_reach=tuple(missing), reason=reason, hops=hops,
        walk_in=actor if isinstance(actor, WalkIn) else None)

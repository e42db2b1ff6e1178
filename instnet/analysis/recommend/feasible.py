"""What an agency could actually do: the feasibility rules of candidate actions.

* An institution with a ``sector`` stays in it: its offers are never extended to
  another sector, a region extension is only for an offer already limited to its
  sector (otherwise the new region would bring it clients of other sectors), and a
  new offer of it is scoped to its sector.
* A new offer is of a service in a category the provider already offers (the pool
  generates no other).
* A new centre is built for one sector in one region, only where at least
  ``centre_min_needs`` needs of that sector and region are unmet.
* Locked institutions are untouched: no link from or to them, no change to their
  offers, and a new centre is not linked to a locked coordinating body.

:func:`reason` says in one line why a chosen action passes these rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from ...i18n import _
from ...model import Ecosystem
from .actions import Action, scope_text

__all__ = ["DEFAULT_CENTRE_MIN_NEEDS", "Feasibility"]

#: Unmet needs of one sector in one region below which no new centre is proposed.
DEFAULT_CENTRE_MIN_NEEDS = 10


@dataclass(frozen=True)
class Feasibility:
    """The rules candidate actions must pass, for one ecosystem."""

    sector_of: dict[str, str]
    locked: frozenset[str] = frozenset()
    centre_min_needs: int = DEFAULT_CENTRE_MIN_NEEDS

    @classmethod
    def of(cls, eco: Ecosystem, *, lock: Iterable[str] = (),
           centre_min_needs: int = DEFAULT_CENTRE_MIN_NEEDS) -> Feasibility:
        inst = eco.institution_ids
        sectors = eco.actors["sector"].reindex(inst).fillna("").astype(str)
        return cls(dict(zip(inst, sectors.to_numpy())), frozenset(lock), centre_min_needs)

    def after(self, action: Action) -> Feasibility:
        """The rules once ``action`` is carried out (a new centre keeps to its sector)."""
        if action.kind != "centre":
            return self
        return replace(self, sector_of={**self.sector_of, action.target: action.sectors})

    def link(self, source: str, target: str) -> bool:
        """A ``refers_to`` link between two unlocked institutions."""
        return source not in self.locked and target not in self.locked

    def scope(self, provider: str, axis: str, value: str, offer_sectors: frozenset[str]) -> bool:
        """Whether ``provider``'s offer (of ``offer_sectors``, empty = all) may gain ``value`` on ``axis``."""
        if provider in self.locked:
            return False
        own = self.sector_of.get(provider, "")
        if not own:
            return True
        if axis == "sector":
            return value == own
        return offer_sectors == frozenset((own,))

    def offer_sectors(self, provider: str, sectors: str) -> str | None:
        """The sector scope of a new offer of ``provider`` (``None``: not allowed)."""
        if provider in self.locked:
            return None
        own = self.sector_of.get(provider, "")
        return own or sectors

    def coordinator(self, coord: str) -> str:
        """The coordinating body a new centre links to (``""`` when it is locked)."""
        return "" if coord in self.locked else coord

    def reason(self, action: Action, eco: Ecosystem, *, unmet: int = 0) -> str:
        """One line on why ``action`` is feasible (``unmet``: a centre's unmet needs when proposed)."""
        if action.kind == "link":
            return _("{source} and {target} already exist and have no referral channel from one to the other; "
                     "an agreement between them is enough").format(source=action.source, target=action.target)
        own = self.sector_of.get(action.source, "")
        if action.kind == "scope":
            o = eco.offers.loc[action.offer] if action.offer in eco.offers.index else None
            current = scope_text(str(o["regions"]), str(o["sectors"])) if o is not None else ""
            if own:
                return _("{provider} already offers {service} ({current}); the wider scope stays within its "
                         "own sector {sector}").format(provider=action.source, service=action.service,
                                                       current=current, sector=own)
            return _("{provider} already offers {service} ({current}) and has no sector of its own").format(
                provider=action.source, service=action.service, current=current)
        if action.kind == "offer":
            cat = eco.services["category"].get(action.service, "")
            offered = eco.offers.loc[eco.offers["actor"].to_numpy() == action.source, "service"]
            same = sorted(s for s in offered if eco.services["category"].get(s, "") == cat)
            text = _("{provider} already offers {category} services ({services})").format(
                provider=action.source, category=cat, services=", ".join(same))
            if own:
                text += _("; the new offer is limited to its own sector {sector}").format(sector=own)
            return text
        return _("{count} needs of the {sector} sector in {region} are unmet (a new centre needs at least "
                 "{minimum})").format(count=unmet, sector=action.sectors, region=action.value,
                                      minimum=self.centre_min_needs)

"""The actions :func:`instnet.analysis.recommend.recommend` chooses from, and what it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ...i18n import _, ngettext
from ...model import Ecosystem


#: ``--actions`` families and the action kinds each stands for.
FAMILIES = {"link": ("link",), "scope": ("scope", "offer"), "centre": ("centre",)}
_KIND_ORDER = {"link": 0, "scope": 1, "offer": 2, "centre": 3}


def brokering(n: int) -> str:
    """``"brokering 1 network"`` / ``"brokering 2 networks"``.

    Examples
    --------
    >>> brokering(1), brokering(2)
    ('brokering 1 network', 'brokering 2 networks')
    """
    return ngettext("brokering {n} network", "brokering {n} networks", n).format(n=n)


@dataclass(frozen=True)
class Action:
    """One intervention. Fields not used by a kind keep their defaults.

    * ``link``: ``source`` -> ``target`` (``refers_to``).
    * ``scope``: offer row ``offer`` of (``source``, ``service``) gains ``value`` on ``axis``
      (``region`` or ``sector``).
    * ``offer``: ``source`` offers ``service`` with scope ``regions``/``sectors``.
    * ``centre``: new centre ``target`` for sector ``sectors`` in region ``value`` offering
      ``services``, coordinated by ``source`` (may be ``""``), brokered by ``networks``.
    """

    kind: str
    source: str = ""
    target: str = ""
    service: str = ""
    offer: int = -1
    axis: str = ""
    value: str = ""
    regions: str = ""
    sectors: str = ""
    services: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()

    def describe(self, shown: Callable[[str], str] = str) -> str:
        """The action in words; ``shown`` maps an actor id to the text printed for it."""
        source, target = shown(self.source) if self.source else "", shown(self.target)
        if self.kind == "link":
            return _("link {source} -> {target} (refers_to)").format(source=source, target=target)
        if self.kind == "scope":
            return (_("extend offer {source}/{service} to region {value}") if self.axis == "region" else
                    _("extend offer {source}/{service} to sector {value}")).format(
                source=source, service=self.service, value=self.value)
        if self.kind == "offer":
            where = scope_text(self.regions, self.sectors, everywhere="")
            return _("{source} offers {service}").format(source=source, service=self.service) + (
                f" ({where})" if where else "")
        coord = _(", coordinated by {source}").format(source=source) if self.source else ""
        return _("new centre {id} for {sector} in {region} offering {services}").format(
            id=target, sector=self.sectors, region=self.value,
            services=";".join(self.services) or _("nothing")) + coord + (
            ", " + brokering(len(self.networks))) + f": {', '.join(map(shown, self.networks))}"

    def key(self) -> tuple:
        """Sort key for ties: kind (link, scope, offer, centre), then the fields."""
        return (_KIND_ORDER[self.kind], self.source, self.target, self.service, self.offer, self.axis,
                self.value, self.sectors, self.services)

    def touches(self) -> tuple[str, ...]:
        """The institutions every needs the action newly serves passes through.

        A newly served need was unmet before, so each of its valid paths uses what
        the action added: the new link (both its ends), the provider whose offer
        changed, or the new centre.
        """
        if self.kind == "link":
            return (self.source, self.target)
        if self.kind in ("scope", "offer"):
            return (self.source,)
        return (self.target,)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "description": self.describe()}
        if self.kind == "link":
            d.update(source=self.source, target=self.target, type="refers_to")
        elif self.kind == "scope":
            d.update(provider=self.source, service=self.service, offer_row=self.offer, axis=self.axis,
                     value=self.value)
        elif self.kind == "offer":
            d.update(provider=self.source, service=self.service, regions=self.regions, sectors=self.sectors)
        else:
            d.update(centre=self.target, region=self.value, sector=self.sectors, services=list(self.services),
                     coordinator=self.source, networks=list(self.networks))
        return d


def scope_text(regions: str, sectors: str, *, everywhere: str | None = None) -> str:
    """An offer's scope in words: ``"regions a;b, sectors x"``, or ``everywhere`` (default: "everywhere")."""
    parts = []
    if regions:
        parts.append(_("regions {list}").format(list=regions))
    if sectors:
        parts.append(_("sectors {list}").format(list=sectors))
    return ", ".join(parts) or (_("everywhere") if everywhere is None else everywhere)


@dataclass
class Recommendation:
    """A chosen action and what it adds.

    ``gain`` counts the needs it newly serves (``needs``, row positions in
    ``eco.needs``); ``absorbed`` those of them the institutions it touches have
    capacity for (the rest could not be absorbed); ``weighted_gain`` the priority
    weights of the absorbed needs, heaviest first; ``cost`` its cost in budget units.
    ``limited_by`` names the institution whose remaining capacity bound it (``""``
    when none did); ``reason`` says in one line why the action is feasible.
    """

    rank: int
    action: Action
    gain: int
    needs: np.ndarray
    groups: list[dict[str, Any]] = field(default_factory=list)  # by (service, region, sector)
    absorbed: int = 0
    weighted_gain: int = 0
    cost: float = 1
    reason: str = ""
    limited_by: str = ""

    def shown_reason(self, shown: Callable[[str], str] = str) -> str:
        """``reason``, or a note that it is withheld when ``shown`` hides an actor it names."""
        named = [x for x in (self.action.source, *self.action.touches()) if x]
        if all(shown(x) == x for x in named):
            return self.reason
        return _("(withheld: it names a private actor)")

    @property
    def not_absorbed(self) -> int:
        return self.gain - self.absorbed

    @property
    def gain_per_cost(self) -> float:
        """``weighted_gain / cost``: what the budgeted greedy ranks actions by."""
        return self.weighted_gain / self.cost

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "gain": self.gain, "absorbed": self.absorbed, "not_absorbed": self.not_absorbed,
                "weighted_gain": self.weighted_gain, "cost": self.cost, "gain_per_cost": self.gain_per_cost,
                **self.action.to_dict(), "feasible": self.reason, "limited_by": self.limited_by,
                "groups": self.groups}


@dataclass(frozen=True)
class Plan:
    """The result of :func:`recommend` (:meth:`to_dict` for JSON, :meth:`to_frame` for a table).

    ``strategy`` is ``"greedy"`` (by weighted gain per cost) or ``"best single"`` (the
    one affordable action of largest weighted gain, kept when it beats the greedy
    plan). ``load_before`` holds the load of every institution with a capacity (empty
    when capacity is ignored).
    """

    needs: int
    served_before: int
    recommendations: list[Recommendation]
    ecosystem: Ecosystem  # the ecosystem after every recommended action
    max_hops: int
    evaluated: int = 0
    budget: float = 3
    costs: dict[str, float] = field(default_factory=dict)
    strategy: str = "greedy"
    ignore_capacity: bool = False
    capacity: dict[str, int] = field(default_factory=dict)
    load_before: dict[str, int] = field(default_factory=dict)

    @property
    def served_after(self) -> int:
        return self.served_before + sum(r.gain for r in self.recommendations)

    @property
    def cost_total(self) -> float:
        return sum(r.cost for r in self.recommendations)

    def utilisation(self) -> pd.DataFrame:
        """Load and utilisation before and after the plan of every institution it touches.

        Columns ``id``, ``capacity`` (``Int64``), ``load_before``, ``added`` (the absorbed
        needs the plan routes through it), ``load_after``, ``utilisation_before``,
        ``utilisation_after`` (NaN without a capacity; load unknown, ``<NA>``, when capacity
        is ignored, since it is then not computed).
        """
        added: dict[str, int] = {}
        new = {r.action.target for r in self.recommendations if r.action.kind == "centre"}
        for r in self.recommendations:
            for x in r.action.touches():
                added[x] = added.get(x, 0) + r.absorbed
        ids = list(added)
        cap = pd.array([self.capacity.get(i) for i in ids], dtype="Int64")
        before = pd.array([self.load_before.get(i, 0 if i in new else None) for i in ids], dtype="Int64")
        plus = pd.array([added[i] for i in ids], dtype="Int64")
        c = cap.to_numpy(dtype=np.float64, na_value=np.nan)
        b = before.to_numpy(dtype=np.float64, na_value=np.nan)
        known = ~np.isnan(c) & (c > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return pd.DataFrame({"id": ids, "capacity": cap, "load_before": before, "added": plus,
                                 "load_after": before + plus,
                                 "utilisation_before": np.where(known, b / c, np.nan),
                                 "utilisation_after": np.where(known, (b + plus.to_numpy(np.float64)) / c, np.nan)})

    def to_dict(self) -> dict[str, Any]:
        n = self.needs
        util = self.utilisation()
        return {"needs": n, "served_before": self.served_before, "served_after": self.served_after,
                "coverage_before": (self.served_before / n) if n else 1.0,
                "coverage_after": (self.served_after / n) if n else 1.0,
                "max_hops": self.max_hops, "budget": self.budget, "cost_total": self.cost_total,
                "costs": dict(self.costs), "strategy": self.strategy, "ignore_capacity": self.ignore_capacity,
                "recommendations": [r.to_dict() for r in self.recommendations],
                "utilisation": [{k: _plain(v) for k, v in row.items()} for row in util.to_dict("records")]}

    def table(self, shown: Callable[[str], str] = str) -> pd.DataFrame:
        """One row per recommendation: what, cost, gains, why feasible, the main needs served
        (``shown`` as in :meth:`Action.describe`; a reason naming a hidden actor is withheld)."""
        rows = []
        for r in self.recommendations:
            top = ", ".join(f"{g['service']}@{g['region'] or '*'}/{g['sector'] or '*'}:{g['needs']}"
                            for g in r.groups[:3])
            more = " " + _("(+{n} groups)").format(n=len(r.groups) - 3) if len(r.groups) > 3 else ""
            rows.append((r.rank, r.action.kind, r.action.describe(shown), r.cost, r.gain, r.absorbed, r.weighted_gain,
                         round(r.gain_per_cost, 3), r.shown_reason(shown), top + more))
        return pd.DataFrame(rows, columns=["rank", "kind", "action", "cost", "gain", "absorbed", "weighted_gain",
                                           "gain_per_cost", "feasible", "newly served (service@region/sector)"])

    def to_frame(self) -> pd.DataFrame:
        """One row per recommended action, in order (:meth:`table`)."""
        return self.table()


def _plain(v: Any) -> Any:
    """A JSON-ready scalar (``None`` for missing values)."""
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v

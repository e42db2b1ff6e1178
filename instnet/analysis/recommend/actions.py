"""The actions :func:`instnet.analysis.recommend.recommend` chooses from, and what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ...i18n import _
from ...model import Ecosystem


#: ``--actions`` families and the action kinds each stands for.
FAMILIES = {"link": ("link",), "scope": ("scope", "offer"), "centre": ("centre",)}
_KIND_ORDER = {"link": 0, "scope": 1, "offer": 2, "centre": 3}


@dataclass(frozen=True)
class Action:
    """One intervention. Fields not used by a kind keep their defaults.

    * ``link``: ``source`` -> ``target`` (``refers_to``).
    * ``scope``: offer row ``offer`` of (``source``, ``service``) gains ``value`` on ``axis``
      (``region`` or ``sector``).
    * ``offer``: ``source`` offers ``service`` with scope ``regions``/``sectors``.
    * ``centre``: new centre ``target`` in region ``value`` offering ``services``,
      coordinated by ``source`` (may be ``""``), brokered by ``networks``.
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

    def describe(self) -> str:
        if self.kind == "link":
            return _("link {source} -> {target} (refers_to)").format(source=self.source, target=self.target)
        if self.kind == "scope":
            return (_("extend offer {source}/{service} to region {value}") if self.axis == "region" else
                    _("extend offer {source}/{service} to sector {value}")).format(
                source=self.source, service=self.service, value=self.value)
        if self.kind == "offer":
            where = ", ".join(x for x in (self.regions and _("regions {list}").format(list=self.regions),
                                          self.sectors and _("sectors {list}").format(list=self.sectors)) if x)
            return _("{source} offers {service}").format(source=self.source, service=self.service) + (
                f" ({where})" if where else "")
        coord = _(", coordinated by {source}").format(source=self.source) if self.source else ""
        return _("new centre {id} in {region} offering {services}").format(
            id=self.target, region=self.value, services=";".join(self.services) or _("nothing")) + coord + _(
            ", brokering {n} network(s)").format(n=len(self.networks))

    def key(self) -> tuple:
        return (_KIND_ORDER[self.kind], self.source, self.target, self.service, self.offer, self.axis,
                self.value, self.services)

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
            d.update(centre=self.target, region=self.value, services=list(self.services),
                     coordinator=self.source, networks=list(self.networks))
        return d


@dataclass
class Recommendation:
    """A chosen action, its marginal gain and the needs it newly serves."""

    rank: int
    action: Action
    gain: int
    needs: np.ndarray  # row positions in eco.needs of the needs it newly serves
    groups: list[dict[str, Any]] = field(default_factory=list)  # by (service, region, sector)

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "gain": self.gain, **self.action.to_dict(), "groups": self.groups}


@dataclass(frozen=True)
class Plan:
    """The result of :func:`recommend` (:meth:`to_dict` for JSON, :meth:`to_frame` for a table)."""

    needs: int
    served_before: int
    recommendations: list[Recommendation]
    ecosystem: Ecosystem  # the ecosystem after every recommended action
    max_hops: int
    evaluated: int = 0

    @property
    def served_after(self) -> int:
        return self.served_before + sum(r.gain for r in self.recommendations)

    def to_dict(self) -> dict[str, Any]:
        n = self.needs
        return {"needs": n, "served_before": self.served_before, "served_after": self.served_after,
                "coverage_before": (self.served_before / n) if n else 1.0,
                "coverage_after": (self.served_after / n) if n else 1.0,
                "max_hops": self.max_hops,
                "recommendations": [r.to_dict() for r in self.recommendations]}

    def table(self) -> pd.DataFrame:
        rows = []
        for r in self.recommendations:
            top = ", ".join(f"{g['service']}@{g['region'] or '*'}/{g['sector'] or '*'}:{g['needs']}"
                            for g in r.groups[:3])
            more = " " + _("(+{n} groups)").format(n=len(r.groups) - 3) if len(r.groups) > 3 else ""
            rows.append((r.rank, r.action.kind, r.action.describe(), r.gain, top + more))
        return pd.DataFrame(rows, columns=["rank", "kind", "action", "gain", "newly served (service@region/sector)"])

    def to_frame(self) -> pd.DataFrame:
        """One row per recommended action, in order (:meth:`table`)."""
        return self.table()

"""Walk-ins: referrals for a client who is not in the dataset.

A walk-in is a virtual enterprise with a region, a sector and the institutions or
networks it reaches first (``via``: at a desk, the broker's own institution). It
is served exactly as an enterprise with those attributes and a link of weight 1
to each ``via`` would be: ``member_of`` to a network, ``client_of`` to an
institution (:func:`walk_in_ecosystem` builds that enterprise into a copy of the
ecosystem, the definition the tests compare against).

The answer does not rebuild anything: the search index of the ecosystem (built
once, cached per ecosystem object) is shared, and the walk-in only adds its own
node and first links on top of it, so a desk answers a walk-in in milliseconds
on a national dataset.
"""

from __future__ import annotations

import copy
from collections import ChainMap
from dataclasses import dataclass

import pandas as pd

from ..errors import UnknownIdError, UsageError
from ..i18n import _
from ..model import Ecosystem
from ..schema import INSTITUTION_KINDS
from ._paths_search import _Index, _prepared

__all__ = ["WALK_IN_ID", "WalkIn", "walk_in_ecosystem", "walk_in_index"]

#: The id a walk-in takes in paths (``path[0]``); not an id of any dataset actor.
WALK_IN_ID = "walk-in"


@dataclass(frozen=True)
class WalkIn:
    """A client who is not in the dataset.

    Attributes
    ----------
    region, sector : str
        The client's region and sector (``""`` when unknown: then only offers
        without a region, or sector, scope cover it).
    via : tuple of str
        Ids of the institutions or networks the client reaches first.
    id : str
        The id the client takes in paths (default ``"walk-in"``).
    """

    region: str
    sector: str
    via: tuple[str, ...]
    id: str = WALK_IN_ID

    def link_type(self, eco: Ecosystem, target: str) -> str:
        """The link a walk-in has to ``target``: ``member_of`` a network, else ``client_of``."""
        return "member_of" if _prepared(eco)[1].kind[target] == "network" else "client_of"

    def check(self, eco: Ecosystem) -> None:
        """Check the walk-in against ``eco``.

        ``via`` ids must be actors of ``eco`` (the referral functions check
        that first, with the closest ids).

        Raises
        ------
        UsageError
            If ``via`` is empty, names an enterprise, or ``id`` is an actor of ``eco``.
        """
        if not self.via:
            raise UsageError(_("a walk-in needs at least one institution or network in via"))
        kinds = _prepared(eco)[1].kind
        if self.id in kinds:
            raise UsageError(_("the walk-in id {id!r} is an actor of the dataset").format(id=self.id))
        for target in self.via:
            kind = kinds[target]
            if kind not in INSTITUTION_KINDS and kind != "network":
                raise UsageError(_("via {id!r} is an enterprise: a walk-in reaches institutions or "
                                   "networks").format(id=target))


def walk_in_ecosystem(eco: Ecosystem, walk_in: WalkIn) -> Ecosystem:
    """A copy of ``eco`` with the walk-in added as an enterprise and its links (weight 1).

    This is what a walk-in means; :func:`walk_in_index` answers the same without
    copying the ecosystem.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> eco = read_dataset("jamaica")
    >>> bigger = walk_in_ecosystem(eco, WalkIn(region="Kingston", sector="garments", via=("jampro_pc",)))
    >>> bigger.actors.at["walk-in", "kind"], len(bigger.links) - len(eco.links)
    ('enterprise', 1)
    """
    for target in walk_in.via:
        if target not in eco.actors.index:
            raise UnknownIdError("actor", target)
    walk_in.check(eco)
    actor = pd.DataFrame([{c: _blank(eco.actors[c]) for c in eco.actors.columns}],
                         index=pd.Index([walk_in.id], name=eco.actors.index.name))
    actor["name"], actor["kind"] = _("Walk-in client"), "enterprise"
    actor["region"], actor["sector"] = walk_in.region, walk_in.sector
    actors = pd.concat([eco.actors, actor.astype(eco.actors.dtypes.to_dict())])
    rows = pd.DataFrame([{c: _blank(eco.links[c]) for c in eco.links.columns} for _v in walk_in.via])
    rows["source"] = walk_in.id
    rows["target"] = list(walk_in.via)
    rows["type"] = [walk_in.link_type(eco, v) for v in walk_in.via]
    rows["weight"] = 1.0
    links = pd.concat([eco.links, rows.astype(eco.links.dtypes.to_dict())], ignore_index=True)
    return eco.replace_tables(actors=actors, links=links)


def _blank(column: pd.Series) -> object:
    if pd.api.types.is_bool_dtype(column):
        return False
    if pd.api.types.is_float_dtype(column):
        return float("nan")
    if pd.api.types.is_integer_dtype(column) or isinstance(column.dtype, pd.Int64Dtype):
        return pd.NA
    return ""


def walk_in_index(eco: Ecosystem, walk_in: WalkIn) -> _Index:
    """The search index of ``eco`` with the walk-in's node and first links layered on top.

    The ecosystem's own index (cached) is shared, not copied: only the walk-in's
    adjacency, region, sector and kind are added in front of it. The walk-in
    must have been checked (:meth:`WalkIn.check`).
    """
    base = _prepared(eco)[1]
    idx = copy.copy(base)
    first = sorted({v for v in walk_in.via})
    idx.adj = ChainMap({walk_in.id: [(v, 1.0) for v in first]}, base.adj)  # type: ignore[assignment]
    idx.region = ChainMap({walk_in.id: walk_in.region}, base.region)  # type: ignore[assignment]
    idx.sector = ChainMap({walk_in.id: walk_in.sector}, base.sector)  # type: ignore[assignment]
    idx.kind = ChainMap({walk_in.id: "enterprise"}, base.kind)  # type: ignore[assignment]
    extra = {(walk_in.id, v): ((walk_in.link_type(eco, v),), 1.0) for v in first}
    base_info = base.edge_info

    def edge_info(nodes: set[str]) -> dict[tuple[str, str], tuple[tuple[str, ...], float]]:
        out = base_info(nodes - {walk_in.id})
        out.update({k: v for k, v in extra.items() if k[1] in nodes})
        return out

    idx.edge_info = edge_info  # type: ignore[method-assign]
    return idx

"""Ecosystem summary: counts by kind, link type and service category, and warnings."""

from __future__ import annotations

import pandas as pd

from ..i18n import _, ngettext
from ..graph import referral_edges
from ..model import Ecosystem, isin
from ..schema import CATEGORIES, KINDS, LINK_TYPES


def counts(eco: Ecosystem) -> dict[str, dict[str, int]]:
    """Count actors by kind, links by type and services by category.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> c = counts(read_dataset("jamaica"))
    >>> c["actors"]["enterprise"] > 0
    True
    """
    kinds = eco.actors["kind"].value_counts()
    types = eco.links["type"].value_counts()
    cats = eco.services["category"].value_counts()
    return {
        "actors": {k: int(kinds.get(k, 0)) for k in KINDS},
        "links": {t: int(types.get(t, 0)) for t in LINK_TYPES},
        "services": {c: int(cats.get(c, 0)) for c in CATEGORIES},
        "totals": {
            "actors": len(eco.actors), "services": len(eco.services), "offers": len(eco.offers),
            "needs": len(eco.needs), "links": len(eco.links),
        },
    }


def warnings(eco: Ecosystem, *, limit: int = 20) -> list[str]:
    """Return things that are valid but probably wrong, most useful first.

    Isolated institutions (no referral channel at all), needs for services nobody
    offers, services offered but never needed, ids differing only in case, and scope
    entries that name no actor's region or sector.

    Examples
    --------
    >>> eco = Ecosystem.from_records(
    ...     actors=[{"id": "p", "name": "Lab", "kind": "bds_provider"}],
    ...     services=[{"id": "s", "name": "Testing", "category": "technology"}])
    >>> warnings(eco)
    ["1 institution has no referral channel: 'p'"]
    """
    out: list[str] = []
    edges = referral_edges(eco)
    inst = eco.institution_ids
    connected = isin(inst, edges["source"].unique()) | isin(inst, edges["target"].unique())
    isolated = inst[~connected]
    if len(isolated):
        out.append(_listing(ngettext("{n} institution has no referral channel",
                                     "{n} institutions have no referral channel", len(isolated)).format(
            n=len(isolated)), isolated, limit))
    offered = set(eco.offers["service"].unique())
    needed = set(eco.needs["service"].unique())
    unoffered = sorted(needed - offered)
    if unoffered:
        n = int(eco.needs["service"].isin(unoffered).sum())
        out.append(_listing(ngettext("{n} need for services nobody offers", "{n} needs for services nobody offers",
                                     n).format(n=n), unoffered, limit))
    unneeded = sorted(offered - needed)
    if unneeded:
        out.append(_listing(_("services offered but never needed"), unneeded, limit))
    folded = eco.actors.index.str.casefold()
    clash = eco.actors.index[folded.duplicated(keep=False)]
    if len(clash):
        out.append(_listing(_("actor ids that differ only in case"), clash, limit))
    for column, scope_col in (("region", "regions"), ("sector", "sectors")):
        known = set(eco.actors[column].unique())
        named = {p for cell in eco.offers[scope_col].unique() for p in eco.scope(cell)}
        unknown = sorted(named - known)
        if unknown:
            out.append(_listing(_("offer regions that no actor is in") if scope_col == "regions" else
                                _("offer sectors that no actor is in"), unknown, limit))
    return out


def _listing(head: str, items, limit: int) -> str:
    items = [str(i) for i in items]
    shown = ", ".join(repr(i) for i in items[:limit])
    more = _(" and {n} more").format(n=len(items) - limit) if len(items) > limit else ""
    return f"{head}: {shown}{more}"

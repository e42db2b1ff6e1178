"""Carrying out actions on an ecosystem, and its coordinating body."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ...i18n import _
from ...errors import UsageError
from ...model import Ecosystem
from ...schema import SCOPE_SEP
from .actions import Action


def _append(frame: pd.DataFrame, rows: list[dict[str, Any]], *, index: str | None = None) -> pd.DataFrame:
    if not rows:
        return frame
    cols = list(frame.columns)
    filled = []
    for r in rows:
        row = {}
        for c in cols:
            dt = frame[c].dtype
            if c in r:
                row[c] = r[c]
            elif dt == bool:
                row[c] = False
            elif str(dt) == "Int64":
                row[c] = pd.NA
            elif dt.kind == "f":
                row[c] = np.nan
            else:
                row[c] = ""
        filled.append(row)
    new = pd.DataFrame(filled, columns=cols)
    for c in cols:
        new[c] = new[c].astype(frame[c].dtype)
    if index is not None:
        new.index = pd.Index([r[index] for r in rows], name=frame.index.name)
        return pd.concat([frame, new])
    return pd.concat([frame, new], ignore_index=True)


def _add_to_scope(text: str, value: str) -> str:
    parts = [p.strip() for p in text.split(SCOPE_SEP) if p.strip()]
    return SCOPE_SEP.join(parts + [value])


def apply_action(eco: Ecosystem, action: Action) -> Ecosystem:
    """Return ``eco`` with ``action`` carried out (a new, valid ecosystem)."""
    if action.kind == "link":
        links = _append(eco.links, [{"source": action.source, "target": action.target, "type": "refers_to",
                                     "weight": 1.0}])
        return eco.replace_tables(links=links)
    if action.kind == "scope":
        offers = eco.offers.copy()
        col = "regions" if action.axis == "region" else "sectors"
        offers.loc[action.offer, col] = _add_to_scope(str(offers.loc[action.offer, col]), action.value)
        return eco.replace_tables(offers=offers)
    if action.kind == "offer":
        offers = _append(eco.offers, [{"actor": action.source, "service": action.service,
                                       "regions": action.regions, "sectors": action.sectors}])
        return eco.replace_tables(offers=offers)
    if action.kind == "centre":
        c = action.target
        actors = _append(eco.actors, [{"id": c, "name": f"Specialised centre ({action.value})",
                                       "kind": "specialized_centre", "region": action.value,
                                       "description": "recommended by instnet recommend"}], index="id")
        offers = _append(eco.offers, [{"actor": c, "service": s, "regions": action.value}
                                      for s in action.services])
        rows = [{"source": action.source, "target": c, "type": "coordinates", "weight": 1.0}] if action.source else []
        rows += [{"source": n, "target": c, "type": "brokered_by", "weight": 1.0} for n in action.networks]
        return eco.replace_tables(actors=actors, offers=offers, links=_append(eco.links, rows))
    raise UsageError(_("unknown action kind {kind!r}").format(kind=action.kind))


def apply_actions(eco: Ecosystem, actions: Iterable[Action]) -> Ecosystem:
    """Apply ``actions`` in order."""
    for a in actions:
        eco = apply_action(eco, a)
    return eco


def coordinating_body(eco: Ecosystem) -> str:
    """The ecosystem's coordinating body: the ``policy_body`` with most ``coordinates`` links.

    Counts links in either direction; ties by id. Without a policy body, the actor
    allowed to coordinate (broker or specialised centre) with most such links; ``""``
    when nobody coordinates anything and there is no policy body.
    """
    a = eco.actors
    co = eco.links[eco.links["type"].to_numpy() == "coordinates"]
    counts = pd.concat([co["source"], co["target"]]).value_counts()
    for kinds in (("policy_body",), ("policy_body", "broker", "specialized_centre")):
        ids = a.index[a["kind"].isin(kinds).to_numpy()]
        if len(ids):
            scored = sorted(ids, key=lambda i: (-int(counts.get(i, 0)), i))
            if kinds == ("policy_body",) or counts.get(scored[0], 0) > 0:
                return str(scored[0])
    return ""

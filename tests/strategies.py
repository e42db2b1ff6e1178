"""Hypothesis strategies for random small, valid ecosystems (for tests only).

Stable public names (other tests import them):

* :func:`ecosystems(**limits)` -> strategy of :class:`instnet.model.Ecosystem`
  built with ``Ecosystem.from_records`` (so always valid).
* :func:`ecosystem_records(**limits)` -> strategy of the keyword dict passed to
  ``Ecosystem.from_records`` (``actors``, ``services``, ``offers``, ``needs``,
  ``links``), for tests that want to tweak rows first.
* :data:`WEIGHTS`, :data:`YEARS`, :data:`REGIONS`, :data:`SECTORS`: the small
  value sets used (weights repeat so that strength ties happen; years are for
  ``as_of`` tests: ``as_of`` in 1999..2011 changes the picture).

Shapes: 1-5 enterprises, 0-2 networks, 2-7 institutions of random kinds,
1-3 services, random links obeying ``schema.LINK_RULES`` (every link type,
including non-referral ones and both-way channels), offers by institutions with
random region/sector scopes, needs of enterprises and networks. Ids are drawn
from a shuffled pool whose string order differs from creation order and from
kind order, so the id tie-break is exercised.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from instnet.model import Ecosystem
from instnet.schema import INSTITUTION_KINDS, LINK_RULES

WEIGHTS = (0.5, 0.8, 1.0, 0.3)
YEARS = (None, None, None, 2000, 2005, 2010)
REGIONS = ("r1", "r2", "")
SECTORS = ("s1", "s2", "")
_INST_KINDS = tuple(sorted(INSTITUTION_KINDS))
_ID_POOL = ("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "m", "A", "B", "C",
            "x1", "x10", "x2", "z", "y", "Q", "aa", "ab", "ba")


def _since_until(draw: Any) -> dict[str, Any]:
    since = draw(st.sampled_from(YEARS))
    until = draw(st.sampled_from(YEARS))
    if since is not None and until is not None and until <= since:
        until = None
    return {"since": since, "until": until}


@st.composite
def ecosystem_records(draw: Any, *, max_enterprises: int = 5, max_networks: int = 2,
                      max_institutions: int = 7, max_services: int = 3, max_links: int = 22,
                      dated: bool = True) -> dict[str, list[dict[str, Any]]]:
    """Strategy of ``Ecosystem.from_records`` keyword arguments (see module doc)."""
    n_ent = draw(st.integers(1, max_enterprises))
    n_net = draw(st.integers(0, max_networks))
    n_inst = draw(st.integers(2, max_institutions))
    ids = draw(st.permutations(_ID_POOL))
    kinds = (["enterprise"] * n_ent + ["network"] * n_net
             + [draw(st.sampled_from(_INST_KINDS)) for _ in range(n_inst)])
    actors = []
    for i, kind in enumerate(kinds):
        row = {"id": ids[i], "name": f"Actor {ids[i]}", "kind": kind,
               "region": draw(st.sampled_from(REGIONS)), "sector": draw(st.sampled_from(SECTORS))}
        if dated:
            row.update(_since_until(draw))
        actors.append(row)
    kind_of = {a["id"]: a["kind"] for a in actors}
    all_ids = [a["id"] for a in actors]
    insts = [a for a in all_ids if kind_of[a] in INSTITUTION_KINDS]
    needers = [a for a in all_ids if kind_of[a] in ("enterprise", "network")]

    services = [{"id": f"s{j}", "name": f"Service {j}", "category": "technology"}
                for j in range(draw(st.integers(1, max_services)))]
    sids = [s["id"] for s in services]

    links = []
    seen: set[tuple[str, str, str]] = set()
    for _ in range(draw(st.integers(0, max_links))):
        ltype = draw(st.sampled_from(tuple(LINK_RULES)))
        srcs, tgts, _dir = LINK_RULES[ltype]
        sources = [a for a in all_ids if kind_of[a] in srcs]
        if not sources:
            continue
        src = draw(st.sampled_from(sources))
        targets = [a for a in all_ids if kind_of[a] in tgts and a != src]
        if not targets:
            continue
        tgt = draw(st.sampled_from(targets))
        if (src, tgt, ltype) in seen:  # the validator forbids duplicate links
            continue
        seen.add((src, tgt, ltype))
        row = {"source": src, "target": tgt, "type": ltype, "weight": draw(st.sampled_from(WEIGHTS))}
        if dated:
            row.update(_since_until(draw))
        links.append(row)

    offers = []
    for p in insts:
        for s in sids:
            if draw(st.integers(0, 2)) == 0:
                continue
            regions = draw(st.sampled_from(("", "", "r1", "r2", "r1;r2")))
            sectors = draw(st.sampled_from(("", "", "s1", "s2")))
            row = {"actor": p, "service": s, "regions": regions, "sectors": sectors}
            if dated:
                row.update(_since_until(draw))
            offers.append(row)

    needs = []
    for a in needers:
        for s in sids:
            if draw(st.booleans()):
                needs.append({"actor": a, "service": s, "priority": draw(st.sampled_from((1, 2, 3)))})
    return {"actors": actors, "services": services, "offers": offers, "needs": needs, "links": links}


@st.composite
def ecosystems(draw: Any, **limits: Any) -> Ecosystem:
    """Strategy of random small valid ecosystems (keyword limits as :func:`ecosystem_records`)."""
    return Ecosystem.from_records(**draw(ecosystem_records(**limits)))

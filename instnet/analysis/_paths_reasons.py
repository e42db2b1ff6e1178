"""Why unmet needs are unmet, for a whole ecosystem at once (docs/semantics.md).

Reuses the structures of :mod:`instnet.analysis._paths_engine`: the coded
ecosystem and the target classes (the providers whose offers cover a need), taken
from the best-paths run when it is at hand, and the bit-parallel backward search,
run here without a hop limit and only for the classes of unmet needs, until no
class reaches any further node.

For each unmet need, in order: its service has no offer at all (``no_provider``);
no offer covers the actor, so the need has no class (``out_of_scope``); no first
hop of the actor reaches the class at any distance (``no_path``); else the
shortest route is 1 + the least distance of its first hops (``too_far``).
"""

from __future__ import annotations

import numpy as np

from ..model import Ecosystem, isin
from ._paths_engine import _Classes, _code, _expand, _Reach

#: The reasons, in the order they are tried; an unmet need gets the first that applies.
REASONS = ("no_provider", "out_of_scope", "no_path", "too_far")


def _unmet_reasons(eco: Ecosystem, unmet: np.ndarray, classes: _Classes | None = None,
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Reason (index into :data:`REASONS`) and shortest route (-1: none) of the needs ``unmet``.

    ``unmet`` are positions in ``eco.needs`` of needs known to be unmet within the
    hop limit; the route of a ``too_far`` need is then longer than that limit.
    ``classes``: what the best-paths run of ``eco`` found, reused rather than computed again.
    """
    reason = np.zeros(len(unmet), dtype=np.int8)
    hops = np.full(len(unmet), -1, dtype=np.int64)
    if len(unmet) == 0:
        return reason, hops
    offered = isin(eco.needs["service"].iloc[unmet], eco.offers["service"])
    rows = np.flatnonzero(offered)
    if len(rows) == 0:
        return reason, hops
    if classes is None:
        c = _code(eco)
        need_class, members = c.classes(eco, unmet[rows])
    else:
        # only the classes of these needs, renumbered from 0
        c, need_class = classes.coded, classes.need_class[unmet[rows]]
        used, inv = np.unique(need_class[need_class >= 0], return_inverse=True)
        members = [classes.members[j] for j in used]
        need_class[need_class >= 0] = inv  # a copy: fancy indexing above
    reason[rows] = 1
    rows, cls = rows[need_class >= 0], need_class[need_class >= 0]
    reason[rows] = 2
    if len(rows) == 0:
        return reason, hops
    far = int(c.rcode.max()) + 2  # more than any distance between inner nodes
    reach = _Reach(members, far, c.rcode, c.nodes, c.indptr, c.dst_n, c.ncode)
    qa = c.need_actor[unmet[rows]]
    deg = c.indptr[qa + 1] - c.indptr[qa]
    has = np.flatnonzero(deg > 0)
    if len(has) == 0:
        return reason, hops
    own, e = _expand(c.indptr[qa[has]], deg[has])
    dist = reach(c.dst_n[e], cls[has][own])
    dmin = np.minimum.reduceat(dist, np.cumsum(deg[has]) - deg[has])
    found = dmin < far
    hit = rows[has[found]]
    reason[hit] = 3
    hops[hit] = dmin[found] + 1
    return reason, hops

"""Recommended interventions: the actions that serve the most unmet needs (issue 7).

:func:`recommend` picks up to ``budget`` actions greedily by marginal gain (the
number of currently unmet needs, DESIGN.md section 3, that the action makes
served), from three families of candidate actions:

``link``
    a new ``refers_to`` link between two existing institutions;
``scope``
    an existing offer's scope extended to one more region or sector, or an
    existing provider offering a service of a category it already offers
    (kind ``offer``; the new offer copies the widest scope of the provider's
    offers in that category);
``centre``
    a new ``specialized_centre`` in a region, offering the (at most
    ``centre_services``) services that serve most unmet needs there, scoped to
    the region, ``coordinates``-linked from the coordinating body (the
    ``policy_body`` with most ``coordinates`` links, ties by id) and linked from
    every network of the region by ``brokered_by``.

Gains are computed exactly on the ecosystem left by the previous actions with a
vectorised reachability engine (breadth-first distances on the graph of
networks and institutions, needs grouped by first-hop contacts and by
(service, region, sector)); ``tests/test_recommend.py`` checks every gain
against :func:`instnet.analysis.paths.best_paths` on the applied ecosystem.
Large ecosystems prune the candidates (docs/recommend.md): links are scored by
the unmet needs they would connect at two or three hops and only the best
``max_link_candidates`` are evaluated exactly; offer and scope candidates are
evaluated in order of an upper bound on their gain until the bound falls below
the best gain found.
"""

from .actions import FAMILIES, Action, Plan, Recommendation
from .apply import apply_action, apply_actions, coordinating_body
from .greedy import recommend
from .pool import candidates

__all__ = ["Action", "Recommendation", "Plan", "recommend", "candidates", "apply_action", "apply_actions",
           "coordinating_body", "FAMILIES"]

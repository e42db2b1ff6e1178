"""Recommended interventions: the feasible actions that serve the most unmet needs per cost.

:func:`recommend` picks actions within a budget (in cost units, :class:`Costs`) by
the standard budgeted maximum-coverage rule: the better of the ratio greedy (largest
weighted gain per cost first) and the best single affordable action. The weighted
gain of an action is the priority weight (4 - priority, empty = 2) of the currently
unmet needs (gaps) it newly serves that the institutions it
touches have capacity for. Candidates come from three families:

``link``
    a new ``refers_to`` link between two existing institutions;
``scope``
    an existing offer's scope extended to one more region or sector, or an
    existing provider offering a service of a category it already offers
    (kind ``offer``; the new offer copies the widest scope of the provider's
    offers in that category);
``centre``
    a new ``specialized_centre`` for one sector in one region with enough unmet
    needs, offering the (at most ``centre_services``) services that serve most
    of them, ``coordinates``-linked from the coordinating body and linked from the
    region's networks of that sector by ``brokered_by``.

Every candidate passes the rules of :mod:`.feasible` (sector institutions stay in
their sector, locked institutions are untouched). Gains are computed exactly on
the ecosystem left by the previous actions with a vectorised reachability engine;
``tests/test_recommend*.py`` check every gain against
:func:`instnet.analysis.paths.best_paths` on the applied ecosystem.
"""

from .actions import FAMILIES, Action, Plan, Recommendation
from .apply import apply_action, apply_actions, coordinating_body
from ..gaps import need_weights
from .costs import COST_KINDS, DEFAULT_COSTS, UNIT_COSTS, Costs
from .feasible import DEFAULT_CENTRE_MIN_NEEDS, Feasibility
from .greedy import recommend
from .pool import candidates

__all__ = ["Action", "Recommendation", "Plan", "recommend", "candidates", "apply_action", "apply_actions",
           "coordinating_body", "FAMILIES", "Costs", "COST_KINDS", "DEFAULT_COSTS", "UNIT_COSTS", "need_weights",
           "Feasibility", "DEFAULT_CENTRE_MIN_NEEDS"]

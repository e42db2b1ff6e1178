"""The budgeted greedy choice of actions by exact marginal gain per cost.

Budgeted maximum coverage (Khuller, Moss and Naor, 1999): the ratio greedy adds,
while the budget allows, the affordable action of largest weighted gain per cost;
the plan returned is the better of that and the best single affordable action.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...errors import UsageError, check_max_hops
from ...i18n import _
from ...model import Ecosystem
from ..load import check_institutions, load
from ..paths import best_paths
from .actions import FAMILIES, Action, Plan, Recommendation
from .apply import apply_action, coordinating_body
from .costs import Costs
from .engine import INF, Engine
from .feasible import DEFAULT_CENTRE_MIN_NEEDS, Feasibility
from .pool import Candidate, coordinated, propose

#: Slack when comparing sums of costs with the budget (costs may be decimals).
_EPS = 1e-9


def _evaluate(eng: Engine, action: Action, *, coord: str, n_services: int) -> tuple[np.ndarray, Action]:
    """The unmet groups ``action`` would serve, and the action made concrete (a centre's services)."""
    if action.kind == "link":
        return eng.link_mask(eng.idx[action.source], eng.idx[action.target]), action
    if action.kind == "scope":
        p, s, r, x = eng.offer_rows[action.offer]
        if action.axis == "region":
            ok = eng.covered(action.value, x) & ~eng.covered(r, x)
        else:
            ok = eng.covered(r, action.value) & ~eng.covered(r, x)
        return eng.offer_mask(eng.idx[p], s, ok), action
    if action.kind == "offer":
        return eng.offer_mask(eng.idx[action.source], action.service,
                              eng.covered(action.regions, action.sectors)), action
    # centre
    region = action.value
    nets = [eng.idx[n] for n in action.networks]
    mask, chosen = eng.centre_eval(region, action.sectors, eng.idx.get(coord) if coord else None, nets,
                                   n_services)
    return mask, Action("centre", coord, action.target, value=region, sectors=action.sectors, services=chosen,
                        networks=action.networks)


def _update(eng: Engine, action: Action, eco_after: Ecosystem) -> None:
    """Bring the engine up to date with ``action`` carried out (``eco_after``)."""
    if action.kind == "link":
        eng.add_edges([(eng.idx[action.source], eng.idx[action.target])])
    elif action.kind in ("scope", "offer"):
        eng.use_offers(eco_after)
    else:
        c = eng.add_node(action.target)
        pairs = [(eng.idx[n], c) for n in action.networks]
        if action.source:
            s = eng.idx[action.source]
            pairs += [(s, c), (c, s)]
        eng.use_offers(eco_after)
        eng.add_edges(pairs)


@dataclass
class _Choice:
    """An evaluated candidate: the unmet groups it serves and what that is worth."""

    action: Action
    mask: np.ndarray
    g_needs: list[np.ndarray]  # the engine's need groups when it was evaluated
    gain: int
    absorbed: int
    weighted: int
    cost: float
    limited_by: str
    unmet: int

    def ratio_key(self) -> tuple:
        return (self.weighted / self.cost, self.weighted, _neg(self.action.key()))

    def single_key(self) -> tuple:
        return (self.weighted, -self.cost, _neg(self.action.key()))

    def needs(self) -> np.ndarray:
        rows = [self.g_needs[i] for i in np.flatnonzero(self.mask)]
        return np.sort(np.concatenate(rows)) if rows else np.zeros(0, np.int64)


def _value(eng: Engine, mask: np.ndarray, action: Action, remaining: dict[str, int]) -> tuple[int, int, int, str]:
    """Gain, absorbed, weighted gain and the limiting institution of serving the ``mask`` groups.

    The needs absorbed are at most the smallest remaining capacity among the institutions
    every new path passes through (:meth:`Action.touches`); the heaviest needs come first.
    """
    gain = int(eng.g_count[mask].sum())
    by_weight = eng.g_byw[mask].sum(axis=0)
    limit, limited_by = math.inf, ""
    for x in action.touches():
        r = remaining.get(x)
        if r is not None and r < limit:
            limit, limited_by = r, x
    absorbed = int(min(gain, limit))
    take, weighted = absorbed, 0
    for w, n in zip((3, 2, 1), by_weight.tolist()):
        t = min(n, take)
        weighted += w * t
        take -= t
    return gain, absorbed, weighted, limited_by if absorbed < gain else ""


def _capacity(eco: Ecosystem, *, max_hops: int, paths: pd.DataFrame) -> tuple[dict[str, int], dict[str, int]]:
    """Capacity and load of every institution that has a capacity."""
    cap = eco.actors["capacity"].reindex(eco.institution_ids)
    cap = cap[cap.notna().to_numpy()]
    if not len(cap):
        return {}, {}
    ld = load(eco, max_hops=max_hops, paths=paths)["load"]
    return ({str(i): int(c) for i, c in cap.items()}, {str(i): int(ld.at[i]) for i in cap.index})


def _check(budget: float, max_hops: int, actions: Sequence[str], centre_min_needs: int) -> set[str]:
    if not budget >= 0:
        raise UsageError(_("budget must be at least 0, not {budget!r}").format(budget=budget), argument="budget")
    check_max_hops(max_hops)
    if centre_min_needs < 1:
        raise UsageError(_("centre_min_needs must be at least 1"), argument="centre_min_needs")
    bad = [f for f in actions if f not in FAMILIES]
    if bad:
        raise UsageError(_("unknown action family {family!r}; choose from {families}").format(
            family=bad[0], families=", ".join(FAMILIES)), argument="actions")
    return {k for f in actions for k in FAMILIES[f]}


def recommend(eco: Ecosystem, *, budget: float = 3, actions: Sequence[str] = ("link", "scope", "centre"),
              max_hops: int = 4, centre_services: int = 3, costs: Costs | None = None, lock: Sequence[str] = (),
              centre_min_needs: int = DEFAULT_CENTRE_MIN_NEEDS, ignore_capacity: bool = False,
              paths: pd.DataFrame | None = None, max_link_candidates: int | None = 300,
              max_evaluations: int = 3000, candidate_pool: Sequence[Action] | None = None,
              progress: Callable[[str], None] | None = None) -> Plan:
    """Choose feasible actions within ``budget`` by weighted gain per cost.

    Each step evaluates every affordable candidate exactly on the ecosystem left by the
    previous steps: ``gain`` (needs newly served), ``absorbed`` (of those, within the
    remaining capacity, capacity - load, of the institutions every new path passes
    through), ``weighted_gain`` (the priority weights, 4 - priority, of the absorbed
    needs, heaviest first). It adds the one of largest ``weighted_gain / cost`` (ties:
    larger weighted gain, then link, scope, offer, centre and ids) while the budget
    allows; the plan is the better (by total weighted gain) of that and the best single
    affordable action.

    Parameters
    ----------
    eco : Ecosystem
    budget : float
        Budget in cost units.
    actions : sequence of str
        Families of :data:`FAMILIES` to draw from.
    max_hops : int
    centre_services : int
        Most services a new centre offers.
    costs : Costs, optional
        Cost of each action kind; default: the ecosystem's ``[costs]``, else
        :data:`~instnet.analysis.recommend.costs.DEFAULT_COSTS`.
    lock : sequence of str
        Institutions to leave untouched.
    centre_min_needs : int
        Unmet needs of one sector in one region below which no centre is proposed.
    ignore_capacity : bool
        Value every newly served need, whatever the capacity of its institutions.
    paths : DataFrame, optional
        Precomputed :func:`~instnet.analysis.paths.best_paths` ``(eco, max_hops=max_hops)``
        (which needs are served, and the load of institutions).
    max_link_candidates : int or None
        Link candidates evaluated exactly per step; ``None`` evaluates every ordered
        pair of institutions (also done whenever there are at most that many pairs).
    max_evaluations : int
        Most scope/offer candidates evaluated exactly per step (in order of their
        upper bound per cost; those whose bound cannot beat the best are skipped).
    candidate_pool : sequence of Action, optional
        A fixed set of candidates instead of generating them (each used at most once),
        for tests and for comparing against exhaustive search.
    progress : callable, optional
        Called with a short message at each stage.

    Returns
    -------
    Plan
        The chosen actions in order, with their gains and the ecosystem after them.

    Raises
    ------
    UsageError
        On a negative budget, ``max_hops`` or ``centre_min_needs`` below 1, or an
        unknown family.
    UnknownIdError
        For a locked id that is not an actor.
    DatasetError
        For a bad ``[costs]`` table in the ecosystem's metadata.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> plan = recommend(read_dataset("jamaica"), budget=5)
    >>> [(r.action.kind, r.cost, r.gain, r.absorbed, r.weighted_gain) for r in plan.recommendations]
    [('scope', 2, 2, 2, 5), ('offer', 3, 2, 2, 5)]
    >>> plan.cost_total, plan.served_before, plan.served_after
    (5, 60, 64)
    """
    kinds = _check(budget, max_hops, actions, centre_min_needs)
    costs = Costs.of_meta(eco.meta) if costs is None else costs
    rules = Feasibility.of(eco, lock=check_institutions(eco, list(lock)), centre_min_needs=centre_min_needs)
    say = progress or (lambda msg: None)
    say(_("finding the best referral paths"))
    if paths is None:
        paths = best_paths(eco, max_hops=max_hops)
    served = paths["served"].to_numpy(dtype=bool)
    capacity, load_before = ({}, {}) if ignore_capacity else _capacity(eco, max_hops=max_hops, paths=paths)
    del paths  # the engine below needs the memory more
    remaining = {i: max(0, capacity[i] - load_before[i]) for i in capacity}
    say(_("indexing the referral graph"))
    eng, served_before = Engine.of_unmet(eco, max_hops, served)
    coord = rules.coordinator(coordinating_body(eco))
    first_rules = rules
    current = eco
    recs: list[Recommendation] = []
    evaluated = 0
    spent = 0.0
    single: _Choice | None = None
    pool = list(candidate_pool) if candidate_pool is not None else None
    for step in itertools.count():
        left = budget - spent
        afford = {k for k in kinds if costs.of(k) <= left + _EPS}
        if not len(eng.g_sig) or not afford:
            break
        if pool is not None:
            cands = [Candidate(a, INF) for a in pool if a.kind in afford]
        else:
            cands = propose(eng, current, afford, rules=rules, max_link_candidates=max_link_candidates,
                            max_evaluations=max_evaluations, costs=costs)
        say(_("step {step}: evaluating {n} candidates ({left:g} of {budget:g} left)").format(
            step=step + 1, n=len(cands), left=left, budget=budget))
        best: _Choice | None = None
        for c in cands:
            cost = costs.of(c.action.kind)
            if best is not None and c.bound / cost < best.weighted / best.cost \
                    and (step or single is None or c.bound < single.weighted):
                continue  # its upper bound cannot beat the best found
            if c.action.kind == "centre" and c.action.source != coord:
                c = Candidate(coordinated(c.action, coord), c.bound, c.unmet)
            mask, concrete = _evaluate(eng, c.action, coord=coord, n_services=centre_services)
            evaluated += 1
            gain, absorbed, weighted, limited_by = _value(eng, mask, concrete, remaining)
            if weighted <= 0:
                continue
            choice = _Choice(concrete, mask, eng.g_needs, gain, absorbed, weighted, cost, limited_by, c.unmet)
            if best is None or choice.ratio_key() > best.ratio_key():
                best = choice
            if step == 0 and (single is None or choice.single_key() > single.single_key()):
                single = choice
        if best is None:
            break
        action = best.action
        if pool is not None:
            pool = [a for a in pool if a.key() != action.key()
                    and not (a.kind == "centre" and action.kind == "centre" and a.target == action.target)]
        recs.append(_recommendation(step + 1, best, eco, current, rules))
        spent += best.cost
        for x in action.touches():
            if x in remaining:
                remaining[x] -= best.absorbed
        current = apply_action(current, action)
        rules = rules.after(action)
        _update(eng, action, current)
        eng.keep_groups(~best.mask)
        say(_("step {step}: {action} (+{gain})").format(step=step + 1, action=action.describe(), gain=best.gain))
    strategy = "greedy"
    if single is not None and single.weighted > sum(r.weighted_gain for r in recs):
        strategy = "best single"
        recs = [_recommendation(1, single, eco, eco, first_rules)]
        current = apply_action(eco, single.action)
    return Plan(needs=len(eco.needs), served_before=served_before, recommendations=recs, ecosystem=current,
                max_hops=max_hops, evaluated=evaluated, budget=budget, costs=costs.to_dict(), strategy=strategy,
                ignore_capacity=ignore_capacity, capacity=capacity, load_before=load_before)


def _recommendation(rank: int, choice: _Choice, eco: Ecosystem, before: Ecosystem, rules: Feasibility,
                    ) -> Recommendation:
    """The recommendation of ``choice`` (``before``: the ecosystem it is carried out on)."""
    newly = choice.needs()
    return Recommendation(rank, choice.action, choice.gain, newly, _groups(eco, newly), absorbed=choice.absorbed,
                          weighted_gain=choice.weighted, cost=choice.cost,
                          reason=rules.reason(choice.action, before, unmet=choice.unmet),
                          limited_by=choice.limited_by)


class _neg:
    """Reverse ordering wrapper so that the smallest key wins ties."""

    __slots__ = ("k",)

    def __init__(self, k: tuple):
        self.k = k

    def __lt__(self, other: _neg) -> bool:
        return self.k > other.k

    def __gt__(self, other: _neg) -> bool:
        return self.k < other.k

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _neg) and self.k == other.k


def _groups(eco: Ecosystem, rows: np.ndarray) -> list[dict[str, Any]]:
    n = eco.needs.iloc[rows]
    a = eco.actors
    f = pd.DataFrame({"service": n["service"].to_numpy(),
                      "region": a["region"].reindex(n["actor"]).to_numpy(),
                      "sector": a["sector"].reindex(n["actor"]).to_numpy()})
    g = f.groupby(["service", "region", "sector"]).size().reset_index(name="needs")
    g = g.sort_values(["needs", "service", "region", "sector"], ascending=[False, True, True, True])
    return [{"service": str(s), "region": str(r), "sector": str(x), "needs": int(k)}
            for s, r, x, k in g.itertuples(index=False)]

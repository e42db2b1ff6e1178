"""The greedy choice of actions by exact marginal gain."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ...i18n import _
from ...errors import UsageError, check_max_hops
from ...model import Ecosystem
from .actions import FAMILIES, Action, Plan, Recommendation
from .apply import apply_action, coordinating_body
from .engine import INF, Engine
from .pool import Candidate, coordinated, propose


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
    mask, chosen = eng.centre_eval(region, eng.idx.get(coord) if coord else None, nets, n_services)
    return mask, Action("centre", coord, action.target, value=region, services=chosen,
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


def recommend(eco: Ecosystem, *, budget: int = 3, actions: Sequence[str] = ("link", "scope", "centre"),
              max_hops: int = 4, centre_services: int = 3, max_link_candidates: int | None = 300,
              max_evaluations: int = 3000, candidate_pool: Sequence[Action] | None = None,
              progress: Callable[[str], None] | None = None) -> Plan:
    """Choose up to ``budget`` actions greedily by marginal gain.

    Parameters
    ----------
    eco : Ecosystem
    budget : int
        Number of actions (fewer are returned when no action serves anything more).
    actions : sequence of str
        Families of :data:`FAMILIES` to draw from.
    max_hops : int
    centre_services : int
        Most services a new centre offers.
    max_link_candidates : int or None
        Link candidates evaluated exactly per step; ``None`` evaluates every ordered
        pair of institutions (also done whenever there are at most that many pairs).
    max_evaluations : int
        Most scope/offer candidates evaluated exactly per step (in order of their
        upper bound; the search stops earlier once the bound falls below the best gain).
    candidate_pool : sequence of Action, optional
        A fixed set of candidates instead of generating them (each used at most once),
        for tests and for comparing against exhaustive search.

    Returns
    -------
    Plan
        The chosen actions in order, with their gains and the ecosystem after them.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> plan = recommend(read_dataset("jamaica"), budget=1)
    >>> len(plan.recommendations), plan.served_after > plan.served_before
    (1, True)
    """
    if budget < 0:
        raise UsageError(_("budget must be at least 0, not {budget}").format(budget=budget), argument="budget")
    check_max_hops(max_hops)
    bad = [f for f in actions if f not in FAMILIES]
    if bad:
        raise UsageError(_("unknown action family {family!r}; choose from {families}").format(
            family=bad[0], families=", ".join(FAMILIES)))
    kinds = {k for f in actions for k in FAMILIES[f]}
    say = progress or (lambda msg: None)
    say(_("indexing the referral graph"))
    eng, served_before = Engine.of_unmet(eco, max_hops, say)
    coord = coordinating_body(eco)
    current = eco
    recs: list[Recommendation] = []
    evaluated = 0
    pool = list(candidate_pool) if candidate_pool is not None else None
    for step in range(budget):
        if not len(eng.g_sig):
            break
        say(_("step {step}/{budget}: generating candidates").format(step=step + 1, budget=budget))
        if pool is not None:
            cands = [Candidate(a, INF) for a in pool]
        else:
            cands = propose(eng, current, kinds, max_link_candidates=max_link_candidates,
                            max_evaluations=max_evaluations)
        say(_("step {step}/{budget}: evaluating {n} candidates").format(step=step + 1, budget=budget, n=len(cands)))
        best: tuple[int, tuple, np.ndarray, Action] | None = None
        for c in cands:
            if best is not None and c.bound < best[0]:
                continue  # its upper bound cannot beat the best found
            if c.action.kind == "centre" and c.action.source != coord:
                c = Candidate(coordinated(c.action, coord), c.bound)
            mask, concrete = _evaluate(eng, c.action, coord=coord, n_services=centre_services)
            evaluated += 1
            gain = int(eng.g_count[mask].sum())
            if gain > 0 and (best is None or (gain, _neg(concrete.key())) > (best[0], _neg(best[3].key()))):
                best = (gain, concrete.key(), mask, concrete)
        if best is None:
            break
        gain, _tie, mask, action = best
        if pool is not None:
            pool = [a for a in pool if a.key() != action.key()
                    and not (a.kind == "centre" and action.kind == "centre" and a.target == action.target)]
        newly = np.concatenate([eng.g_needs[i] for i in np.flatnonzero(mask)])
        groups = _groups(eco, newly)
        recs.append(Recommendation(step + 1, action, gain, np.sort(newly), groups))
        current = apply_action(current, action)
        _update(eng, action, current)
        eng.keep_groups(~mask)
        say(_("step {step}/{budget}: {action} (+{gain})").format(step=step + 1, budget=budget, action=action.describe(),
                                                                  gain=gain))
    return Plan(needs=len(eco.needs), served_before=served_before, recommendations=recs, ecosystem=current,
                max_hops=max_hops, evaluated=evaluated)


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

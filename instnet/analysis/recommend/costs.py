"""What an action costs, and what a need weighs.

Costs are in budget units, one per action kind. The defaults (``link=1``,
``scope=2``, ``offer=3``, ``centre=20``) follow what each asks of an agency: a
referral agreement between two existing institutions is a meeting and a form; a
wider scope is an existing service carried to more clients; a new service is
staff and training inside an existing institution; a new centre is a building,
staff and years (docs/recommend.md gives the reasoning).

A need weighs ``4 - priority`` (priority 1 high .. 3 low; empty = 2,
:func:`instnet.analysis.gaps.need_weights`): what the greedy maximises is the
weight of the needs an action newly serves and its providers can absorb.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from ...errors import DatasetError, Problem, UsageError
from ...i18n import _

__all__ = ["COST_KINDS", "DEFAULT_COSTS", "UNIT_COSTS", "Costs"]

#: The action kinds that have a cost, in the order ``--costs`` lists them.
COST_KINDS = ("link", "scope", "offer", "centre")


@dataclass(frozen=True)
class Costs:
    """The cost of one action of each kind, in budget units (positive numbers).

    Examples
    --------
    >>> c = Costs.parse("centre=12, link=0.5")
    >>> c.centre, c.link, c.scope
    (12, 0.5, 2)
    >>> Costs.parse("bridge=1")
    Traceback (most recent call last):
    ...
    instnet.errors.UsageError: costs: bridge: unknown action kind; choose from link, scope, offer, centre
    """

    link: float = 1
    scope: float = 2
    offer: float = 3
    centre: float = 20

    def of(self, kind: str) -> float:
        """The cost of one action of ``kind``."""
        return getattr(self, kind)

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def parse(cls, text: str, *, base: Costs | None = None) -> Costs:
        """Costs from ``"link=1,scope=2,offer=3,centre=20"`` (kinds not named keep ``base``).

        Raises
        ------
        UsageError
            On a malformed item, an unknown kind or a value that is not positive.
        """
        values: dict[str, str] = {}
        for item in (p.strip() for p in text.split(",")):
            if not item:
                continue
            kind, eq, value = item.partition("=")
            if not eq:
                raise UsageError(_("costs: {item!r} is not KIND=NUMBER (e.g. link=1,centre=20)").format(item=item),
                                 argument="costs")
            values[kind.strip()] = value.strip()
        good, bad = _checked(values)
        if bad:
            kind, message = bad[0]
            raise UsageError(_("costs: {kind}: {message}").format(kind=kind, message=message), argument="costs")
        return replace(base or cls(), **good)

    @classmethod
    def of_meta(cls, meta: Mapping[str, Any], *, file: str = "ecosystem.toml") -> Costs:
        """Costs from an ecosystem's metadata: its ``[costs]`` table (or ``costs.KIND`` keys).

        Raises
        ------
        DatasetError
            Naming ``file`` and ``costs.KIND`` for every bad entry.

        Examples
        --------
        >>> Costs.of_meta({"costs": {"centre": 8}}).centre
        8
        >>> Costs.of_meta({"costs": {"centre": "big"}})
        Traceback (most recent call last):
        ...
        instnet.errors.DatasetError: 1 problem in dataset:
          ecosystem.toml, column 'costs.centre': must be a positive number, not 'big'
        """
        table = meta.get("costs", {})
        problems: list[Problem] = []
        if not isinstance(table, Mapping):
            problems.append(Problem(file, 0, "costs", _("must be a table of KIND = NUMBER")))
            table = {}
        values = dict(table)
        values.update({str(k).split(".", 1)[1]: v for k, v in meta.items() if str(k).startswith("costs.")})
        good, bad = _checked(values)
        problems += [Problem(file, 0, f"costs.{kind}", message) for kind, message in bad]
        if problems:
            raise DatasetError(problems)
        return replace(cls(), **good)


def _checked(values: Mapping[str, Any]) -> tuple[dict[str, float], list[tuple[str, str]]]:
    """The valid ``kind -> cost`` entries of ``values``, and (kind, message) for the others."""
    good: dict[str, float] = {}
    bad: list[tuple[str, str]] = []
    for kind, value in values.items():
        if kind not in COST_KINDS:
            bad.append((kind, _("unknown action kind; choose from {kinds}").format(kinds=", ".join(COST_KINDS))))
            continue
        try:
            number = math.nan if isinstance(value, bool) else float(value)
        except (TypeError, ValueError):
            number = math.nan
        if math.isfinite(number) and number > 0:
            good[kind] = int(number) if number.is_integer() else number
        else:
            bad.append((kind, _("must be a positive number, not {value!r}").format(value=value)))
    return good, bad


#: The documented default costs.
DEFAULT_COSTS = Costs()
#: Every action costs one unit: the budget is a number of actions.
UNIT_COSTS = Costs(1, 1, 1, 1)

"""Reading the desk's questions from query strings and forms, and answering them.

Pages and the JSON API share these, so a page and ``GET /api/refer`` can never
disagree on what a question means.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from ..analysis.answer import ReferralAnswer
from ..analysis.paths import Referral
from ..analysis.walkin import WalkIn
from ..errors import UsageError
from ..i18n import _
from ..io.referral_log import REFERRAL_COLUMNS, check_referral, split_via
from .state import DeskState

__all__ = ["ask", "parse_int", "referral_row", "step_sentences", "target_of"]

#: Most providers a desk question may ask for.
MAX_K = 50


def parse_int(params: Mapping[str, str], name: str, default: int, *, lo: int, hi: int) -> int:
    """An integer parameter within ``lo..hi``.

    Raises
    ------
    UsageError
        If it is not an integer in range.
    """
    text = str(params.get(name, "") or "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise UsageError(_("{name} must be a whole number, not {value!r}").format(name=name, value=text)) from None
    if not lo <= value <= hi:
        raise UsageError(_("{name} must be between {lo} and {hi}").format(name=name, lo=lo, hi=hi))
    return value


def target_of(params: Mapping[str, str]) -> str | WalkIn:
    """The client of a question: ``actor=ID``, or a walk-in (``region``, ``sector``, ``via``).

    Raises
    ------
    UsageError
        If neither (or both) is given.

    Examples
    --------
    >>> target_of({"actor": "e1"})
    'e1'
    >>> target_of({"region": "Kingston", "sector": "", "via": "a,b"}).via
    ('a', 'b')
    """
    actor = str(params.get("actor", "") or "").strip()
    via = split_via(str(params.get("via", "") or ""))
    if actor and via:
        raise UsageError(_("give either actor or a walk-in's via, not both"))
    if actor:
        return actor
    if not via:
        raise UsageError(_("give actor=ID, or a walk-in's region, sector and via"))
    return WalkIn(region=str(params.get("region", "") or "").strip(),
                  sector=str(params.get("sector", "") or "").strip(), via=tuple(via))


def ask(state: DeskState, params: Mapping[str, str], *, limit: int | None = None) -> ReferralAnswer:
    """Answer a referral question of a query string (``actor`` or walk-in, ``service``, ``k``).

    Raises
    ------
    UsageError, UnknownIdError
        On a missing or bad parameter (with the closest ids for an unknown one).
    """
    service = str(params.get("service", "") or "").strip()
    if not service:
        raise UsageError(_("give service=ID"))
    k = parse_int(params, "k", 3, lo=1, hi=MAX_K)
    return state.analysis.answer(target_of(params), service, k=k, include_private=state.include_private,
                                 limit=limit)


#: Referral channels in the order a step is read when several join two actors.
_CHANNELS = ("member_of", "client_of", "brokered_by", "refers_to", "coordinates", "partners_with")


def _phrase(link_type: str) -> str:
    # each phrase spelled out so that the translator's extraction finds it
    return {
        "member_of": _("{a} is a member of {b}"),
        "client_of": _("{a} is a client of {b}"),
        "brokered_by": _("{a} is brokered by {b}"),
        "refers_to": _("{a} refers clients to {b}"),
        "coordinates": _("{a} coordinates {b}"),
        "coordinated_by": _("{a} is coordinated by {b}"),
        "partners_with": _("{a} partners with {b}"),
    }[link_type]


def step_sentences(state: DeskState, referral: Referral, client_name: str) -> list[str]:
    """Each step of a referral path in words ("X is brokered by Y").

    Where several channels join two actors, the step is read as the first of
    them in the order of :data:`_CHANNELS`.
    """
    out = []
    names = [client_name] + [state.name(s.id) for s in referral.steps]
    for i, step in enumerate(referral.steps):
        a, b = names[i], names[i + 1]
        t = next((c for c in _CHANNELS if c in step.types), "")
        if t == "coordinates" and (referral.path[i], referral.path[i + 1]) not in state.coordinates:
            t = "coordinated_by"
        out.append(_phrase(t).format(a=a, b=b) if t else f"{a} → {b}")
    return out


def referral_row(state: DeskState, form: Mapping[str, str]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A referral row from a form or JSON body, with its problems (``(column, message)``).

    ``date`` defaults to today and ``status`` to ``open``.
    """
    row: dict[str, str] = {c: str(form.get(c, "") or "").strip() for c in REFERRAL_COLUMNS if c != "id"}
    row["note"] = str(form.get("note", "") or "")
    row["date"] = row["date"] or date.today().isoformat()
    row["status"] = row["status"] or "open"
    row["via"] = ";".join(split_via(row["via"]))
    eco = state.eco
    problems = check_referral(row, actors=eco.actors.index, institutions=state.institutions,
                              services=eco.services.index)
    return row, problems

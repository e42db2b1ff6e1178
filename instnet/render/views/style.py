"""How the map looks: colours, shapes and edge styles per kind and link type, and the legends."""

from __future__ import annotations

import math
from typing import Any

from ...i18n import N_, _
from ...model import Ecosystem
from ...schema import KINDS, LINK_TYPES


#: Colour (Okabe-Ito, colour-blind safe), vis-network shape and legend text per kind.
KIND_STYLE: dict[str, tuple[str, str, str]] = {
    "enterprise": ("#56B4E9", "dot", N_("Enterprise")),
    "network": ("#0072B2", "diamond", N_("Network / cluster")),
    "broker": ("#E69F00", "star", N_("Network broker")),
    "bds_provider": ("#009E73", "square", N_("BDS provider")),
    "specialized_centre": ("#CC79A7", "triangle", N_("Specialised centre")),
    "policy_body": ("#D55E00", "hexagon", N_("Policy body")),
    "association": ("#F0E442", "triangleDown", N_("Association")),
    "donor": ("#999999", "dot", N_("Donor")),
}
#: Plural of each kind's legend text (pooled institutions: "12 smaller BDS providers").
KIND_PLURAL: dict[str, str] = {
    "enterprise": N_("Enterprises"), "network": N_("Networks / clusters"), "broker": N_("Network brokers"),
    "bds_provider": N_("BDS providers"), "specialized_centre": N_("Specialised centres"),
    "policy_body": N_("Policy bodies"), "association": N_("Associations"), "donor": N_("Donors"),
}
GROUP_KINDS = {"enterprise": "enterprise_group", "network": "network_group"}
GROUP_STYLE: dict[str, tuple[str, str, str]] = {
    "enterprise_group": ("#56B4E9", "dot", N_("Enterprises of a region × sector")),
    "network_group": ("#0072B2", "diamond", N_("Networks of a region × sector")),
}

#: vis-network edge style and legend text per link type. Referral channels are
#: solid (or long-dashed when both ways); other links are dotted and lighter.
LINK_STYLE: dict[str, dict[str, Any]] = {
    "member_of": {"color": "#7f7f7f", "dashes": False, "width": 1, "arrows": "to", "label": N_("member of")},
    "client_of": {"color": "#3a6fd8", "dashes": False, "width": 1.5, "arrows": "to", "label": N_("client of")},
    "brokered_by": {"color": "#8e44ad", "dashes": False, "width": 1.5, "arrows": "to", "label": N_("brokered by")},
    "refers_to": {"color": "#c77c00", "dashes": False, "width": 2, "arrows": "to", "label": N_("refers to")},
    "coordinates": {"color": "#b34700", "dashes": [10, 4], "width": 3, "arrows": "to",
                    "label": N_("coordinates (both ways)")},
    "partners_with": {"color": "#00795a", "dashes": [10, 4], "width": 2, "arrows": "",
                      "label": N_("partners with (both ways)")},
    "funds": {"color": "#b8a000", "dashes": [2, 5], "width": 1, "arrows": "to", "label": N_("funds (not a referral)")},
    "trains": {"color": "#1aa3b5", "dashes": [2, 5], "width": 1, "arrows": "to", "label": N_("trains (not a referral)")},
    "supplies": {"color": "#8d6e63", "dashes": [2, 5], "width": 1, "arrows": "to",
                 "label": N_("supplies (not a referral)")},
}
UNMET_BORDER = "#c00000"
CUTOFF_BORDER = "#ff00aa"
PATH_COLOUR = "#202020"

#: Above this many enterprises the map draws region × sector groups instead.
DEFAULT_GROUP_THRESHOLD = 300
#: Above this many institutions only this many are drawn one by one; the others are pooled by kind x region.
DEFAULT_MAX_INSTITUTIONS = 1000


def coverage_colour(cov: float | None) -> str:
    """Red (0) - amber (0.5) - green (1); grey when unknown."""
    if cov is None or (isinstance(cov, float) and math.isnan(cov)):
        return "#bdbdbd"
    stops = [(0.0, (0xd7, 0x30, 0x27)), (0.5, (0xfe, 0xe0, 0x8b)), (1.0, (0x1a, 0x98, 0x50))]
    for (x0, c0), (x1, c1) in zip(stops, stops[1:]):
        if cov <= x1:
            t = (cov - x0) / (x1 - x0)
            rgb = [round(a + (b - a) * t) for a, b in zip(c0, c1)]
            return "#%02x%02x%02x" % tuple(rgb)
    return "#1a9850"


def legend_kinds(eco: Ecosystem, group: set[str]) -> list[dict[str, str]]:
    present = set(eco.actors["kind"])
    out = []
    for k in KINDS:
        if k not in present:
            continue
        if k in group:
            gk = GROUP_KINDS[k]
            colour, shape, text = GROUP_STYLE[gk]
            out.append({"kind": gk, "colour": "#fee08b", "shape": shape, "text": _capital(_(text))})
        else:
            colour, shape, text = KIND_STYLE[k]
            out.append({"kind": k, "colour": colour, "shape": shape, "text": _capital(_(text))})
    return out


def _capital(text: str) -> str:
    # a legend entry starts with a capital even where a label is shared with lower-case tables
    return text[:1].upper() + text[1:]


def kind_text(kind: str) -> str:
    """The legend text of ``kind`` ("Network broker") in the language in force."""
    return _capital(_(KIND_STYLE[kind][2]))


def legend_links(eco: Ecosystem) -> list[dict[str, Any]]:
    present = set(eco.links["type"])
    return [{"type": t, "colour": LINK_STYLE[t]["color"], "width": LINK_STYLE[t]["width"],
             "dash": " ".join(str(x) for x in LINK_STYLE[t]["dashes"]) if LINK_STYLE[t]["dashes"] else "",
             "text": _(LINK_STYLE[t]["label"])} for t in LINK_TYPES if t in present]


def legend_marks(remove: bool) -> list[dict[str, str]]:
    out = [{"colour": UNMET_BORDER, "text": _("ring: has needs no reachable provider serves")}]
    if remove:
        out.append({"colour": CUTOFF_BORDER, "text": _("ring: cut off by the removal")})
    out.append({"colour": "", "text": _("institution size: impact (needs lost if it is removed)")})
    return out

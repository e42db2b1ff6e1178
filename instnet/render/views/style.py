"""How the map looks: colours, shapes and edge styles per kind and link type, and the legends."""

from __future__ import annotations

import math
from typing import Any

from ...model import Ecosystem
from ...schema import KINDS, LINK_TYPES


#: Colour (Okabe-Ito, colour-blind safe), vis-network shape and legend text per kind.
KIND_STYLE: dict[str, tuple[str, str, str]] = {
    "enterprise": ("#56B4E9", "dot", "Enterprise"),
    "network": ("#0072B2", "diamond", "Network / cluster"),
    "broker": ("#E69F00", "star", "Network broker"),
    "bds_provider": ("#009E73", "square", "BDS provider"),
    "specialized_centre": ("#CC79A7", "triangle", "Specialised centre"),
    "policy_body": ("#D55E00", "hexagon", "Policy body"),
    "association": ("#F0E442", "triangleDown", "Association"),
    "donor": ("#999999", "dot", "Donor"),
}
GROUP_KINDS = {"enterprise": "enterprise_group", "network": "network_group"}
GROUP_STYLE: dict[str, tuple[str, str, str]] = {
    "enterprise_group": ("#56B4E9", "dot", "Enterprises of a region × sector"),
    "network_group": ("#0072B2", "diamond", "Networks of a region × sector"),
}

#: vis-network edge style and legend text per link type. Referral channels are
#: solid (or long-dashed when both ways); other links are dotted and lighter.
LINK_STYLE: dict[str, dict[str, Any]] = {
    "member_of": {"color": "#7f7f7f", "dashes": False, "width": 1, "arrows": "to", "label": "member of"},
    "client_of": {"color": "#3a6fd8", "dashes": False, "width": 1.5, "arrows": "to", "label": "client of"},
    "brokered_by": {"color": "#8e44ad", "dashes": False, "width": 1.5, "arrows": "to", "label": "brokered by"},
    "refers_to": {"color": "#c77c00", "dashes": False, "width": 2, "arrows": "to", "label": "refers to"},
    "coordinates": {"color": "#b34700", "dashes": [10, 4], "width": 3, "arrows": "to",
                    "label": "coordinates (both ways)"},
    "partners_with": {"color": "#00795a", "dashes": [10, 4], "width": 2, "arrows": "",
                      "label": "partners with (both ways)"},
    "funds": {"color": "#b8a000", "dashes": [2, 5], "width": 1, "arrows": "to", "label": "funds (not a referral)"},
    "trains": {"color": "#1aa3b5", "dashes": [2, 5], "width": 1, "arrows": "to", "label": "trains (not a referral)"},
    "supplies": {"color": "#8d6e63", "dashes": [2, 5], "width": 1, "arrows": "to",
                 "label": "supplies (not a referral)"},
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
            out.append({"kind": gk, "colour": "#fee08b", "shape": shape, "text": text})
        else:
            colour, shape, text = KIND_STYLE[k]
            out.append({"kind": k, "colour": colour, "shape": shape, "text": text})
    return out


def legend_links(eco: Ecosystem) -> list[dict[str, Any]]:
    present = set(eco.links["type"])
    return [{"type": t, "colour": LINK_STYLE[t]["color"], "width": LINK_STYLE[t]["width"],
             "dash": " ".join(str(x) for x in LINK_STYLE[t]["dashes"]) if LINK_STYLE[t]["dashes"] else "",
             "text": LINK_STYLE[t]["label"]} for t in LINK_TYPES if t in present]


def legend_marks(remove: bool) -> list[dict[str, str]]:
    out = [{"colour": UNMET_BORDER, "text": "ring: has needs no reachable provider serves"}]
    if remove:
        out.append({"colour": CUTOFF_BORDER, "text": "ring: cut off by the removal"})
    out.append({"colour": "", "text": "institution size: impact (needs lost if it is removed)"})
    return out

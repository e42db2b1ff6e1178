"""Display labels of the fixed vocabularies, in the language in force, and reading them back.

Dataset files, JSON and CSV keep the codes of :mod:`instnet.schema` (``enterprise``,
``client_of``, ``no_path``); tables, pages and the template show :func:`label`.
:func:`code_for` reads a label (in any language) or a close misspelling of one back
as its code, for validation to accept ``empresa`` as kind ``enterprise`` with a warning.

Examples
--------
>>> from instnet.i18n import set_language
>>> _ = set_language("es")
>>> label("kind", "broker"), label("reason", "too_far"), label("kind", "unknown-code")
('articulador de redes', 'demasiado lejos', 'unknown-code')
>>> code_for("kind", "Empresa"), code_for("kind", "centro especialisado"), code_for("kind", "banana")
('enterprise', 'specialized_centre', None)
>>> _ = set_language("en")
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from .i18n import LANGUAGES, N_, _, translation

__all__ = ["VOCABULARIES", "code_for", "column_label", "fold", "label"]

#: code -> English label (marked for the catalogue), per vocabulary.
VOCABULARIES: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType({
    "kind": MappingProxyType({
        "enterprise": N_("enterprise"),
        "network": N_("network"),
        "broker": N_("network broker"),
        "bds_provider": N_("BDS provider"),
        "specialized_centre": N_("specialised centre"),
        "policy_body": N_("policy body"),
        "association": N_("association"),
        "donor": N_("donor"),
    }),
    "type": MappingProxyType({
        "member_of": N_("member of"),
        "client_of": N_("client of"),
        "brokered_by": N_("brokered by"),
        "refers_to": N_("refers to"),
        "coordinates": N_("coordinates"),
        "partners_with": N_("partners with"),
        "funds": N_("funds"),
        "trains": N_("trains"),
        "supplies": N_("supplies"),
    }),
    "category": MappingProxyType({
        "market_access": N_("market access"),
        "input_supply": N_("input supply"),
        "technology": N_("technology"),
        "training": N_("training"),
        "finance": N_("finance"),
        "infrastructure": N_("infrastructure"),
        "policy_advocacy": N_("policy advocacy"),
        "networking": N_("networking"),
    }),
    "size": MappingProxyType({
        "micro": N_("micro"), "small": N_("small"), "medium": N_("medium"), "large": N_("large"),
    }),
    "fee": MappingProxyType({
        "free": N_("free"), "subsidised": N_("subsidised"), "market": N_("market price"),
    }),
    "status": MappingProxyType({
        "open": N_("open"), "contacted": N_("contacted"), "served": N_("served"),
        "declined": N_("declined"), "no_show": N_("no show"), "withdrawn": N_("withdrawn"),
    }),
    "decline": MappingProxyType({
        "capacity": N_("no capacity"), "scope": N_("outside its scope"), "eligibility": N_("not eligible"),
        "cost": N_("cost"), "other": N_("other reason"),
    }),
    "reason": MappingProxyType({
        "no_provider": N_("no provider"),
        "out_of_scope": N_("out of scope"),
        "no_path": N_("no path"),
        "too_far": N_("too far"),
    }),
    "role": MappingProxyType({
        "coordinator": N_("coordinator"),
        "gatekeeper": N_("gatekeeper"),
        "representative": N_("representative"),
        "consultant": N_("consultant"),
        "liaison": N_("liaison"),
        "articulation": N_("cut vertex"),
    }),
    "change": MappingProxyType({
        "actors added": N_("actors added"), "actors removed": N_("actors removed"),
        "links added": N_("links added"), "links removed": N_("links removed"),
        "offers added": N_("offers added"), "offers removed": N_("offers removed"),
        "gaps closed": N_("gaps closed"), "gaps opened": N_("gaps opened"),
        "bottlenecks rose": N_("bottlenecks rose"), "bottlenecks fell": N_("bottlenecks fell"),
    }),
    "indicator": MappingProxyType({
        "needs": N_("needs"), "coverage": N_("coverage"), "avg_hops": N_("average hops"),
        "network_share": N_("network share"), "brokers_per_100": N_("brokers per 100"),
        "institutions_per_100": N_("institutions per 100"), "density": N_("density"),
        "centralisation": N_("centralisation"), "fragmentation": N_("fragmentation"),
        "links_per_institution": N_("links per institution"), "top1_load_share": N_("top-1 load share"),
        "top5_load_share": N_("top-5 load share"), "supplies_share": N_("supplies share"),
    }),
})

#: Headings of the columns that terminal tables show (code -> English heading).
COLUMNS: Final[Mapping[str, str]] = MappingProxyType({
    "actor": N_("actor"), "name": N_("name"), "kind": N_("kind"), "type": N_("type"), "id": N_("id"),
    "service": N_("service"), "region": N_("region"), "sector": N_("sector"), "needs": N_("needs"),
    "served": N_("served"), "unmet": N_("unmet"), "coverage": N_("coverage"), "reason": N_("reason"),
    "hops": N_("hops"), "rank": N_("rank"), "provider": N_("provider"), "strength": N_("strength"),
    "path": N_("path"), "impact": N_("impact"), "cut": N_("cut"), "load": N_("load"),
    "cap": N_("cap"), "capacity": N_("capacity"), "util": N_("util"),
    "utilisation": N_("utilisation"), "betw": N_("betw"), "betweenness": N_("betweenness"),
    "cutpt": N_("cutpt"), "brok": N_("brok"), "brokerage": N_("brokerage"),
    "count": N_("count"), "table": N_("table"), "key": N_("key"), "category": N_("category"),
    "link": N_("link"), "action": N_("action"), "gain": N_("gain"), "source": N_("source"),
    "target": N_("target"), "year": N_("year"), "institution": N_("institution"),
    "indicator": N_("indicator"), "value": N_("value"), "status": N_("status"), "fee": N_("fee"),
    "size": N_("size"), "change": N_("change"), "before": N_("before"), "after": N_("after"),
    "lost": N_("lost"), "detail": N_("detail"), "newly served": N_("newly served"), "where": N_("where"),
    "definition": N_("definition"), "overall": N_("overall"),
    "newly served (service@region/sector)": N_("newly served (service@region/sector)"),
})


def label(vocabulary: str, code: str) -> str:
    """The display label of ``code`` in ``vocabulary``, in the language in force (the code if unknown)."""
    english = VOCABULARIES.get(vocabulary, {}).get(code)
    return _(english) if english else code


def column_label(column: str) -> str:
    """The heading of a table column, in the language in force (the name itself if unknown)."""
    english = COLUMNS.get(column)
    return _(english) if english else column


def fold(text: str) -> str:
    """``text`` without case, accents or surrounding spaces, ``_`` read as a space (for matching).

    Examples
    --------
    >>> fold("  Peña_Núñez ")
    'pena nunez'
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(plain.replace("_", " ").casefold().split())


def _known(vocabulary: str) -> dict[str, str]:
    """Folded code or label (every language) -> code."""
    out: dict[str, str] = {}
    for code, english in VOCABULARIES[vocabulary].items():
        out.setdefault(fold(code), code)
        for lang in LANGUAGES:
            out.setdefault(fold(translation(lang).gettext(english)), code)
    return out


def code_for(vocabulary: str, text: str, *, cutoff: float = 0.85) -> str | None:
    """The code that ``text`` names: a label in any language, or a close misspelling of a label or code.

    None when nothing is close enough (``cutoff`` is difflib's similarity ratio).
    """
    known = _known(vocabulary)
    key = fold(text)
    if key in known:
        return known[key]
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=cutoff)
    return known[close[0]] if close else None

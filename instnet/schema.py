"""The fixed vocabulary of the dataset format (docs/format.md).

Everything that may become a Neo4j label or relationship type comes from the
constants in this module and nowhere else.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

#: Actor kinds, in the order of docs/format.md.
KINDS: Final = (
    "enterprise",
    "network",
    "broker",
    "bds_provider",
    "specialized_centre",
    "policy_body",
    "association",
    "donor",
)

#: Kinds that count as "institutions": every kind except enterprise and network.
INSTITUTION_KINDS: Final = frozenset(KINDS) - {"enterprise", "network"}

#: Kinds that may have needs.
NEEDING_KINDS: Final = frozenset({"enterprise", "network"})

SIZES: Final = ("micro", "small", "medium", "large")

#: BDS service categories.
CATEGORIES: Final = (
    "market_access",
    "input_supply",
    "technology",
    "training",
    "finance",
    "infrastructure",
    "policy_advocacy",
    "networking",
)

FEES: Final = ("free", "subsidised", "market")

_INST = INSTITUTION_KINDS

#: Link types: allowed source kinds, allowed target kinds, referral direction.
#: ``referral`` is "forward" (source -> target), "both" or None (not a channel).
LINK_RULES: Final = MappingProxyType(
    {
        "member_of": (frozenset({"enterprise"}), frozenset({"network", "association"}), "forward"),
        "client_of": (frozenset({"enterprise", "network"}), _INST, "forward"),
        "brokered_by": (frozenset({"network"}), _INST, "forward"),
        "refers_to": (_INST, _INST, "forward"),
        "coordinates": (frozenset({"policy_body", "broker", "specialized_centre"}), _INST, "both"),
        "partners_with": (_INST, _INST, "both"),
        "funds": (frozenset({"donor", "policy_body"}), _INST | {"network"}, None),
        "trains": (_INST, _INST | {"network"}, None),
        "supplies": (frozenset({"enterprise"}), frozenset({"enterprise"}), None),
    }
)

LINK_TYPES: Final = tuple(LINK_RULES)
REFERRAL_TYPES: Final = tuple(t for t, rule in LINK_RULES.items() if rule[2])

#: Neo4j label for each kind (plus the common label ``Actor``).
KIND_LABELS: Final = MappingProxyType(
    {
        "enterprise": "Enterprise",
        "network": "Network",
        "broker": "Broker",
        "bds_provider": "BDSProvider",
        "specialized_centre": "SpecializedCentre",
        "policy_body": "PolicyBody",
        "association": "Association",
        "donor": "Donor",
    }
)
ACTOR_LABEL: Final = "Actor"

#: Neo4j relationship type for each link type.
LINK_REL_TYPES: Final = MappingProxyType({t: t.upper() for t in LINK_TYPES})

#: Table name -> (required columns, optional columns). Unknown columns are kept.
TABLES: Final = MappingProxyType(
    {
        "actors": (
            ("id", "name", "kind"),
            ("sector", "region", "size", "capacity", "since", "until", "private",
             "lat", "lon", "description"),
        ),
        "services": (("id", "name", "category"), ()),
        "offers": (("actor", "service"), ("regions", "sectors", "capacity", "fee", "since", "until")),
        "needs": (("actor", "service"), ("priority",)),
        "links": (("source", "target", "type"), ("weight", "since", "until")),
    }
)

#: Tables a dataset must contain (``ecosystem.toml`` is optional).
REQUIRED_TABLES: Final = ("actors", "services", "offers", "needs", "links")

#: Keys of ``ecosystem.toml``.
META_KEYS: Final = ("name", "country", "year", "description", "source")

#: Columns holding a semicolon-separated scope list.
SCOPE_SEP: Final = ";"


def scope(text: str) -> frozenset[str]:
    """Parse a scope cell (``regions`` or ``sectors`` of an offer).

    An empty cell means "all" and gives the empty set.

    Examples
    --------
    >>> sorted(scope("Kingston; Montego Bay"))
    ['Kingston', 'Montego Bay']
    >>> scope("")
    frozenset()
    """
    return frozenset(p.strip() for p in text.split(SCOPE_SEP) if p.strip())


#: Years a dataset may name (``since``, ``until``, ``year``), both ends included:
#: four digits, from the oldest chambers of commerce to well past any plan.
YEAR_RANGE: Final = (1800, 2100)

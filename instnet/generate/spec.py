"""The vocabulary of generated ecosystems: sectors, services, institution roles and their habits."""

from __future__ import annotations

from typing import Final

from ..schema import CATEGORIES, LINK_TYPES

#: The reference year of generated ecosystems (``ecosystem.toml`` ``year``).
YEAR: Final = 2024

SECTOR_NAMES: Final = (
    "apparel", "food_processing", "furniture", "metalworking", "handicraft",
    "leather_footwear", "agro_processing", "tourism", "construction_materials",
    "electronics", "auto_parts", "textiles", "plastics", "printing", "ceramics",
    "software", "dairy", "coffee", "fisheries", "jewellery", "chemicals",
    "wood_products", "hammocks", "beverages", "cosmetics",
)

#: (name, category) of every generated service, ids ``s01``.. in this order.
SERVICES: Final = (
    ("Export promotion", "market_access"),
    ("Trade fair participation", "market_access"),
    ("Market information", "market_access"),
    ("Buyer matchmaking", "market_access"),
    ("E-commerce onboarding", "market_access"),
    ("Joint input purchasing", "input_supply"),
    ("Raw material sourcing", "input_supply"),
    ("Equipment leasing", "input_supply"),
    ("Supplier development", "input_supply"),
    ("Quality certification", "technology"),
    ("Product design", "technology"),
    ("Process upgrading", "technology"),
    ("Testing laboratory", "technology"),
    ("Technology transfer", "technology"),
    ("Digitalisation advice", "technology"),
    ("Management training", "training"),
    ("Technical skills training", "training"),
    ("Entrepreneurship training", "training"),
    ("Apprenticeships", "training"),
    ("Export readiness training", "training"),
    ("Microcredit", "finance"),
    ("Working capital loans", "finance"),
    ("Credit guarantees", "finance"),
    ("Grant schemes", "finance"),
    ("Venture capital", "finance"),
    ("Export credit insurance", "finance"),
    ("Industrial park space", "infrastructure"),
    ("Common facility centre", "infrastructure"),
    ("Incubator space", "infrastructure"),
    ("Logistics hub", "infrastructure"),
    ("Policy dialogue", "policy_advocacy"),
    ("Regulatory compliance advice", "policy_advocacy"),
    ("Business registration", "policy_advocacy"),
    ("Network brokering", "networking"),
    ("Cluster development", "networking"),
    ("Business linkages", "networking"),
)

#: Services of which the generator picks two that nobody offers.
UNOFFERED_CANDIDATES: Final = (
    "Venture capital", "Export credit insurance", "Testing laboratory", "Logistics hub",
    "E-commerce onboarding",
)
N_UNOFFERED: Final = 2
N_RARE: Final = 5

#: Link type name -> code (index into :data:`instnet.schema.LINK_TYPES`).
LINK_CODE: Final = {name: code for code, name in enumerate(LINK_TYPES)}

# Institution roles, in id order.
NATIONAL, REGIONAL, MINISTRY, BROKER, CENTRE, ASSOC, DONOR, BDS = range(8)
ROLE_KIND: Final = (
    "policy_body", "policy_body", "policy_body", "broker", "specialized_centre",
    "association", "donor", "bds_provider",
)
MINISTRY_NAMES: Final = (
    "Ministry of Industry", "Ministry of Trade", "Ministry of Labour", "Export Promotion Board",
    "National Standards Bureau", "Ministry of Agriculture", "Ministry of Tourism",
    "Investment Promotion Agency",
)
BDS_WORDS: Final = (
    "Business Services", "Consulting", "Training Institute", "Credit Union", "Microfinance",
    "Design Studio", "Laboratory", "Export Services", "Accounting Services", "Tech Hub",
)

# Categories each role offers from.
ROLE_CATEGORIES: Final = {
    NATIONAL: ("policy_advocacy", "finance", "networking"),
    REGIONAL: ("finance", "networking", "policy_advocacy", "training"),
    MINISTRY: ("policy_advocacy", "finance"),
    BROKER: ("networking", "market_access"),
    CENTRE: ("technology", "training", "market_access", "input_supply", "infrastructure"),
    ASSOC: ("policy_advocacy", "market_access", "networking", "training"),
    DONOR: ("finance",),
    BDS: tuple(c for c in CATEGORIES if c != "policy_advocacy"),
}
# (fewest, most) offers per institution of each role.
ROLE_OFFERS: Final = {
    NATIONAL: (2, 3), REGIONAL: (1, 3), MINISTRY: (1, 2), BROKER: (1, 3),
    CENTRE: (2, 5), ASSOC: (1, 3), DONOR: (1, 2), BDS: (1, 5),
}
FEES: Final = ("free", "subsidised", "market")
ROLE_FEE_P: Final = {
    NATIONAL: (0.7, 0.3, 0.0), REGIONAL: (0.6, 0.4, 0.0), MINISTRY: (0.7, 0.3, 0.0),
    BROKER: (0.3, 0.6, 0.1), CENTRE: (0.2, 0.6, 0.2), ASSOC: (0.3, 0.4, 0.3),
    DONOR: (0.6, 0.4, 0.0), BDS: (0.12, 0.33, 0.55),
}

ACTOR_COLUMNS: Final = (
    "id", "name", "kind", "sector", "region", "size", "capacity", "since", "until",
    "private", "lat", "lon", "description",
)

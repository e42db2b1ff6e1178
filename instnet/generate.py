"""Synthetic national-scale ecosystems for benchmarks (``instnet generate``).

:func:`generate` writes a dataset folder in the format of DESIGN.md section 2
(``ecosystem.toml``, ``actors.csv``, ``services.csv``, ``offers.csv``,
``needs.csv``, ``links.csv``). Everything is drawn from
``numpy.random.default_rng(seed)`` in a fixed order, so the same arguments give
byte-identical files; the enterprise-sized work is vectorised, so a million
enterprises take seconds.

The shape of the ecosystem is meant to look like a real national SME support
system, skew included, because later analyses are benchmarked on it:

* **Geography.** Regions (``region01`` the capital, the largest) and sectors
  (``apparel``, ``food_processing``, ...) have Zipf-like sizes; each region has
  its own sector mix (clusters), so a few (region, sector) cells hold most
  enterprises.
* **Institutions** of every institution kind, mostly ``bds_provider``. One
  national coordinating ``policy_body`` (``i00001``) ``coordinates`` the
  regional coordinators, the specialised centres, ministries and many brokers;
  each regional coordinator ``coordinates`` the brokers and half the providers
  of its region. Specialised centres (one or more per sector, located where the
  sector clusters), sector chambers (``association``), ``donor`` funds,
  ``refers_to`` from brokers and centres to providers chosen by a heavy-tailed
  "fame" (hubs), ``partners_with`` by preferential attachment, plus
  non-referral ``funds`` and ``trains`` links. Institutions cluster in the big
  regions more than enterprises do, so the periphery is under-served.
* **Networks**: about one per 40 enterprises, each in one (region, sector)
  cell, mostly ``brokered_by`` a broker of their region (else the regional
  coordinator); some are clients of their sector's centre, funded or trained.
* **Enterprises**: about 35 % are ``member_of`` a network of their cell; others
  are ``client_of`` 0-2 institutions drawn mostly from a pool of four local
  institutions per cell (two famous providers of the region, the regional
  coordinator, the sector's centre), with a small long tail of other local
  institutions; about 12 % of non-members join their sector chamber; about 8 %
  have no link at all. Many enterprises therefore share (region, sector,
  referral contacts) -- at 1,000,000 enterprises there are tens of thousands of
  such signatures. A few small firms ``supplies`` a lead firm of their region.
* **Services**: 36 services over the 8 BDS categories. Supply is uneven (a few
  services offered by many providers), five rare services are offered by one
  to three providers for a few regions only (offer ``regions`` scope), centre
  offers are scoped to their sector, regional providers often to their region,
  and two services are offered by nobody.
* **Needs**: 1-3 per enterprise, skewed towards popular services with a
  sector-specific tilt, priority 1-3; a third of networks have needs too.
* Weights are in (0, 1] with at most three decimals (a few left empty, i.e. 1);
  many rows carry ``since`` years (1990-2024) and a few ``until`` years, so
  ``--as-of`` changes the picture; institutions have a ``capacity`` scaled to
  their direct clients (some end up overloaded); a few actors are private.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final, NamedTuple

import numpy as np
import pandas as pd

from .errors import UsageError
from .schema import CATEGORIES, LINK_RULES, SIZES

__all__ = ["generate"]

#: The reference year of generated ecosystems (``ecosystem.toml`` ``year``).
YEAR: Final = 2024

MAX_REGIONS: Final = 1000
MAX_SECTORS: Final = 200
MAX_ENTERPRISES: Final = 50_000_000
MAX_INSTITUTIONS: Final = 1_000_000

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
_UNOFFERED_CANDIDATES: Final = (
    "Venture capital", "Export credit insurance", "Testing laboratory", "Logistics hub",
    "E-commerce onboarding",
)
_N_UNOFFERED: Final = 2
_N_RARE: Final = 5

_LINK_TYPES: Final = tuple(LINK_RULES)
_T = {name: code for code, name in enumerate(_LINK_TYPES)}

# Institution roles, in id order.
_NATIONAL, _REGIONAL, _MINISTRY, _BROKER, _CENTRE, _ASSOC, _DONOR, _BDS = range(8)
_ROLE_KIND: Final = (
    "policy_body", "policy_body", "policy_body", "broker", "specialized_centre",
    "association", "donor", "bds_provider",
)
_MINISTRY_NAMES: Final = (
    "Ministry of Industry", "Ministry of Trade", "Ministry of Labour", "Export Promotion Board",
    "National Standards Bureau", "Ministry of Agriculture", "Ministry of Tourism",
    "Investment Promotion Agency",
)
_BDS_WORDS: Final = (
    "Business Services", "Consulting", "Training Institute", "Credit Union", "Microfinance",
    "Design Studio", "Laboratory", "Export Services", "Accounting Services", "Tech Hub",
)

# Categories each role offers from (None: all but policy_advocacy).
_ROLE_CATEGORIES: Final = {
    _NATIONAL: ("policy_advocacy", "finance", "networking"),
    _REGIONAL: ("finance", "networking", "policy_advocacy", "training"),
    _MINISTRY: ("policy_advocacy", "finance"),
    _BROKER: ("networking", "market_access"),
    _CENTRE: ("technology", "training", "market_access", "input_supply", "infrastructure"),
    _ASSOC: ("policy_advocacy", "market_access", "networking", "training"),
    _DONOR: ("finance",),
    _BDS: tuple(c for c in CATEGORIES if c != "policy_advocacy"),
}
# (fewest, most) offers per institution of each role.
_ROLE_OFFERS: Final = {
    _NATIONAL: (2, 3), _REGIONAL: (1, 3), _MINISTRY: (1, 2), _BROKER: (1, 3),
    _CENTRE: (2, 5), _ASSOC: (1, 3), _DONOR: (1, 2), _BDS: (1, 5),
}
_FEES: Final = ("free", "subsidised", "market")
_ROLE_FEE_P: Final = {
    _NATIONAL: (0.7, 0.3, 0.0), _REGIONAL: (0.6, 0.4, 0.0), _MINISTRY: (0.7, 0.3, 0.0),
    _BROKER: (0.3, 0.6, 0.1), _CENTRE: (0.2, 0.6, 0.2), _ASSOC: (0.3, 0.4, 0.3),
    _DONOR: (0.6, 0.4, 0.0), _BDS: (0.12, 0.33, 0.55),
}

_ACTOR_COLUMNS: Final = (
    "id", "name", "kind", "sector", "region", "size", "capacity", "since", "until",
    "private", "lat", "lon", "description",
)


class _Links(NamedTuple):
    """A block of links as integer actor indexes (written in block order)."""

    src: np.ndarray
    tgt: np.ndarray
    type: np.ndarray  # index into _LINK_TYPES
    weight: np.ndarray  # NaN = empty (1)
    since: pd.arrays.IntegerArray
    until: pd.arrays.IntegerArray


# --------------------------------------------------------------------------- arguments


def _count(name: str, value: object, lowest: int, highest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise UsageError(f"{name} must be a whole number, not {value!r}")
    number = int(value)
    if not lowest <= number <= highest:
        raise UsageError(f"{name} must be between {lowest:,} and {highest:,}, not {number:,}")
    return number


def _default_regions(enterprises: int, institutions: int) -> int:
    by_size = round(math.sqrt(enterprises) / 8)
    return max(3, min(40, by_size, max(3, institutions // 4)))


def _default_sectors(enterprises: int) -> int:
    return max(3, min(25, round(enterprises ** (1 / 3) / 2)))


# --------------------------------------------------------------------------- helpers


def _zipf(n: int, exponent: float) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1, dtype=float) ** exponent
    return w / w.sum()


def _int_array(values: np.ndarray, present: np.ndarray | None = None) -> pd.arrays.IntegerArray:
    """Nullable Int64 column (empty cells where ``present`` is False)."""
    values = np.asarray(values, dtype=np.int64)
    mask = np.zeros(len(values), dtype=bool) if present is None else ~np.asarray(present, bool)
    return pd.arrays.IntegerArray(values, mask)


def _weights(
    rng: np.random.Generator, n: int, lo: float, hi: float, a: float = 2.0, b: float = 2.0,
    blank: float = 0.05,
) -> np.ndarray:
    """Link weights in (0, 1] with at most 3 decimals; NaN (written empty = 1) for a few."""
    w = lo + (hi - lo) * rng.beta(a, b, n)
    w = np.clip(np.ceil(w * 1000.0), 1, 1000) / 1000.0
    w[rng.random(n) < blank] = np.nan
    return w


def _years(
    rng: np.random.Generator, base: np.ndarray, p_since: float, p_until: float,
    lo: int = 1990, hi: int = 2020,
) -> tuple[pd.arrays.IntegerArray, pd.arrays.IntegerArray]:
    """``since``/``until`` columns for rows that cannot start before ``base`` (0 = unknown)."""
    n = len(base)
    since = np.minimum(np.maximum(base, rng.integers(lo, hi + 1, n)), YEAR)
    has_since = rng.random(n) < p_since
    until = np.minimum(since + rng.geometric(0.12, n), YEAR)
    has_until = (rng.random(n) < p_until) & (until > since)
    return _int_array(since, has_since), _int_array(until, has_until)


def _grouped(keys: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(order, start, count): members of group g are ``order[start[g]:start[g]+count[g]]``."""
    order = np.argsort(keys, kind="stable")
    count = np.bincount(keys, minlength=n_groups)
    start = np.cumsum(count) - count
    return order, start, count


def _pick_in_group(
    order: np.ndarray, start: np.ndarray, count: np.ndarray, groups: np.ndarray, u: np.ndarray,
) -> np.ndarray:
    """A uniformly chosen member of each row's group, -1 where the group is empty."""
    c = count[groups]
    pos = start[groups] + np.minimum((u * c).astype(np.int64), np.maximum(c - 1, 0))
    out = np.full(len(groups), -1, dtype=np.int64)
    ok = c > 0
    out[ok] = order[pos[ok]]
    return out


def _float_text(values: np.ndarray) -> np.ndarray:
    """Shortest text of each float (``""`` for NaN); much faster than ``to_csv``'s own."""
    return np.array([repr(x) if x == x else "" for x in values.tolist()], dtype=object)


def _with_blank(values: Sequence[str]) -> np.ndarray:
    """Object array of ``values`` plus a trailing ``""`` so index -1 reads as empty."""
    return np.array([*values, ""], dtype=object)


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


# --------------------------------------------------------------------------- generator


def generate(
    out_dir: str | Path,
    *,
    enterprises: int = 1000,
    institutions: int = 100,
    seed: int = 0,
    regions: int | None = None,
    sectors: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Write a synthetic national SME support ecosystem as a dataset folder.

    The folder holds ``ecosystem.toml``, ``actors.csv``, ``services.csv``,
    ``offers.csv``, ``needs.csv`` and ``links.csv`` in the format of DESIGN.md
    section 2 (UTF-8, comma-separated, header row). The ecosystem is skewed
    like a real one (see the module documentation): Zipf-sized regions and
    sectors, hub institutions, networks per (region, sector), enterprises that
    share local contacts, uneven and scoped service supply, a few services
    nobody offers and isolated enterprises. The same arguments always give
    byte-identical files.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write; created (with its parents) when missing. Existing
        files of the same names are overwritten, other files are left alone.
    enterprises : int, default 1000
        Number of enterprises (1 to 50,000,000). About one network is added
        per 40 enterprises.
    institutions : int, default 100
        Number of institutions (8 to 1,000,000), of all six institution
        kinds, mostly ``bds_provider``.
    seed : int, default 0
        Seed of ``numpy.random.default_rng`` (non-negative).
    regions : int, optional
        Number of regions (1 to 1000). Default: ``round(sqrt(enterprises) / 8)``
        bounded to 3..40 and to at most ``institutions // 4`` (but at least 3).
    sectors : int, optional
        Number of sectors (1 to 200). Default: ``round(enterprises ** (1/3) / 2)``
        bounded to 3..25.
    progress : callable, optional
        Called with a short message at each stage (for a progress display).

    Returns
    -------
    Path
        The dataset folder.

    Raises
    ------
    UsageError
        If a count is not a whole number or is out of range (negative counts,
        fewer than 8 institutions, ...), or ``out_dir`` is an existing file.

    Examples
    --------
    >>> import tempfile
    >>> folder = generate(tempfile.mkdtemp(), enterprises=20, institutions=8, seed=1)
    >>> sorted(p.name for p in folder.iterdir())
    ['actors.csv', 'ecosystem.toml', 'links.csv', 'needs.csv', 'offers.csv', 'services.csv']
    >>> sum(1 for _ in open(folder / "actors.csv", encoding="utf-8")) - 1  # 8 + 1 network + 20
    29
    """
    n_ent = _count("enterprises", enterprises, 1, MAX_ENTERPRISES)
    n_inst = _count("institutions", institutions, 8, MAX_INSTITUTIONS)
    seed = _count("seed", seed, 0, 2**63 - 1)
    n_reg = (_default_regions(n_ent, n_inst) if regions is None
             else _count("regions", regions, 1, MAX_REGIONS))
    n_sec = (_default_sectors(n_ent) if sectors is None
             else _count("sectors", sectors, 1, MAX_SECTORS))
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    builder = _Builder(n_ent, n_inst, n_reg, n_sec, seed, progress or (lambda _msg: None))
    builder.build()
    builder.write(folder)
    return folder


class _Builder:
    """Holds the arrays of one generated ecosystem while it is being built."""

    def __init__(
        self, n_ent: int, n_inst: int, n_reg: int, n_sec: int, seed: int,
        say: Callable[[str], None],
    ) -> None:
        self.E, self.I, self.R, self.S = n_ent, n_inst, n_reg, n_sec
        self.N = min(n_ent, max(1, round(n_ent / 40)))
        self.seed = seed
        self.say = say
        self.rng = np.random.default_rng(seed)
        self.link_parts: list[_Links] = []

    # ----------------------------------------------------------------- build

    def build(self) -> None:
        self.say("geography")
        self._geography()
        self.say(f"institutions: {self.I:,}")
        self._institutions()
        self.say("services and offers")
        self._services()
        self._offers()
        self.say(f"enterprises: {self.E:,}; networks: {self.N:,}")
        self._enterprises()
        self._networks()
        self.say("links")
        self._institution_links()
        self._network_links()
        self._enterprise_links()
        self.say("needs")
        self._needs()
        self._capacity()

    def _geography(self) -> None:
        rng, R, S = self.rng, self.R, self.S
        self.region_names = [f"region{r + 1:0{max(2, len(str(R)))}d}" for r in range(R)]
        self.sector_names = [
            SECTOR_NAMES[s] if s < len(SECTOR_NAMES) else f"sector{s + 1:03d}" for s in range(S)
        ]
        self.region_w = _zipf(R, 1.0)
        self.sector_w = _zipf(S, 0.9)
        tilt = np.exp(rng.normal(0.0, 1.0, (R, S)))
        cell = self.region_w[:, None] * self.sector_w[None, :] * tilt
        self.cell_p = (cell / cell.sum()).ravel()
        self.region_given_sector = cell / cell.sum(axis=0, keepdims=True)  # column s: p(r | s)
        self.region_lat = rng.uniform(8.0, 18.0, R)
        self.region_lon = rng.uniform(-92.0, -78.0, R)

    def _institutions(self) -> None:
        rng, I, R, S = self.rng, self.I, self.R, self.S
        n_donor = max(1, round(0.01 * I))
        n_assoc = max(1, round(0.03 * I))
        n_centre = max(1, round(0.04 * I))
        n_broker = max(1, round(0.06 * I))
        n_min = round(0.004 * I)
        rest = I - 1 - n_donor - n_assoc - n_centre - n_broker - n_min
        n_rc = min(R, max(0, rest - max(3, int(0.6 * I))))
        n_bds = rest - n_rc
        counts = (1, n_rc, n_min, n_broker, n_centre, n_assoc, n_donor, n_bds)
        role = np.repeat(np.arange(8), counts)
        self.role = role
        self.role_idx = {r: np.flatnonzero(role == r) for r in range(8)}
        region = np.zeros(I, dtype=np.int64)
        sector = np.full(I, -1, dtype=np.int64)
        region[self.role_idx[_REGIONAL]] = np.arange(n_rc)
        region[self.role_idx[_BROKER]] = rng.choice(R, n_broker, p=self.region_w)
        bds_w = self.region_w**1.3
        region[self.role_idx[_BDS]] = rng.choice(R, n_bds, p=bds_w / bds_w.sum())
        # Centres: sector by sector (largest first), located where the sector clusters.
        centres = self.role_idx[_CENTRE]
        sector[centres] = np.arange(n_centre) % S
        for c in centres:
            region[c] = rng.choice(R, p=self.region_given_sector[:, sector[c]])
        # Associations: a general chamber, then national sector chambers, then regional ones.
        assocs = self.role_idx[_ASSOC]
        for j, a in enumerate(assocs[1:]):
            sector[a] = j % S
            region[a] = 0 if j < S else rng.choice(R, p=self.region_given_sector[:, sector[a]])
        self.inst_region, self.inst_sector = region, sector
        self.fame = rng.pareto(1.2, I) + 1.0  # heavy tail: a few hub providers
        # Founding years: the national agency and the coordinators are stable.
        since = rng.integers(1950, 2021, I)
        since[role == _NATIONAL] = 1985
        known = rng.random(I) < 0.9
        known[role <= _REGIONAL] = True
        self.inst_since = np.where(known, since, 0)
        until = np.minimum(since + 3 + rng.geometric(0.08, I), YEAR)
        self.inst_until = np.where(
            (rng.random(I) < 0.03) & (role >= _BROKER) & (until > since), until, 0,
        )
        self.inst_private = (rng.random(I) < 0.03) & (role == _BDS)
        # Names and descriptions.
        rn, sn = self.region_names, self.sector_names
        words = rng.integers(0, len(_BDS_WORDS), I)
        names: list[str] = []
        descriptions: list[str] = []
        counter = dict.fromkeys(range(8), 0)
        for i in range(I):
            r = int(role[i])
            counter[r] += 1
            k = counter[r]
            reg = rn[region[i]]
            sec = sn[sector[i]] if sector[i] >= 0 else ""
            label = sec.replace("_", " ").capitalize()
            if r == _NATIONAL:
                names.append("National SME Coordinating Agency")
                descriptions.append("system coordinator of the national SME support network")
            elif r == _REGIONAL:
                names.append(f"{reg} Regional Development Agency")
                descriptions.append(f"regional coordinator of {reg}")
            elif r == _MINISTRY:
                base = _MINISTRY_NAMES[(k - 1) % len(_MINISTRY_NAMES)]
                extra = (k - 1) // len(_MINISTRY_NAMES)
                names.append(base if extra == 0 else f"{base} {extra + 1}")
                descriptions.append("national policy body")
            elif r == _BROKER:
                names.append(f"{reg} Network Broker {k}")
                descriptions.append(f"network broker in {reg}")
            elif r == _CENTRE:
                names.append(f"{label} Technical Centre {reg}")
                descriptions.append(f"specialised centre for {sec} in {reg}")
            elif r == _ASSOC:
                if sector[i] < 0:
                    names.append("National Chamber of Commerce")
                    descriptions.append("general chamber of commerce")
                elif region[i] == 0 and k - 1 <= S:
                    names.append(f"National {label} Association")
                    descriptions.append(f"national association of the {sec} sector")
                else:
                    names.append(f"{label} Association of {reg} {k}")
                    descriptions.append(f"regional association of the {sec} sector")
            elif r == _DONOR:
                names.append(f"Development Fund {k}")
                descriptions.append("donor")
            else:
                names.append(f"{_BDS_WORDS[words[i]]} {reg} {k}")
                descriptions.append(f"business development service provider in {reg}")
        self.inst_names, self.inst_desc = names, descriptions
        # Lookup tables per region / cell.
        self.rc_of_region = np.full(R, -1, dtype=np.int64)
        self.rc_of_region[region[self.role_idx[_REGIONAL]]] = self.role_idx[_REGIONAL]
        self.centre_of_cell = np.full((R, S), -1, dtype=np.int64)
        for c in centres[::-1]:  # the first centre of a sector serves the whole country ...
            self.centre_of_cell[:, sector[c]] = c
        for c in centres[::-1]:  # ... unless the region has its own
            self.centre_of_cell[region[c], sector[c]] = c
        self.assoc_of_cell = np.full((R, S), assocs[0], dtype=np.int64)
        for a in assocs[1:][::-1]:
            if region[a] == 0:
                self.assoc_of_cell[:, sector[a]] = a
        for a in assocs[1:][::-1]:
            if region[a] != 0:
                self.assoc_of_cell[region[a], sector[a]] = a
        # Per-region candidates by kind (sorted by id), for local choices.
        self.bds_of_region = [np.flatnonzero((role == _BDS) & (region == r)) for r in range(R)]
        self.brokers_of_region = [
            np.flatnonzero((role == _BROKER) & (region == r)) for r in range(R)
        ]
        local = (role == _BDS) | (role == _BROKER) | (role == _CENTRE) | (role == _REGIONAL)
        local_ids = np.flatnonzero(local)
        order, start, count = _grouped(region[local_ids], R)
        self.local_groups = (local_ids[order], start, count)

    def _services(self) -> None:
        rng = self.rng
        n = len(SERVICES)
        self.svc_names = [name for name, _ in SERVICES]
        self.svc_cat = np.array([CATEGORIES.index(cat) for _, cat in SERVICES])
        demand_rank = rng.permutation(n)
        self.demand_w = _zipf(n, 0.75)[demand_rank]
        supply = self.demand_w**0.7 * np.exp(rng.normal(0.0, 0.6, n))
        unoffered = rng.choice(  # needed by some, but not among the five most needed
            [i for i in map(self.svc_names.index, _UNOFFERED_CANDIDATES) if demand_rank[i] >= 5],
            _N_UNOFFERED, replace=False,
        )
        networking = CATEGORIES.index("networking")
        candidates = [
            s for s in range(n)
            if s not in unoffered and demand_rank[s] >= 6 and self.svc_cat[s] != networking
        ]
        rare = rng.choice(candidates, _N_RARE, replace=False)
        self.unoffered = np.sort(unoffered)
        self.rare = np.sort(rare)
        supply[self.unoffered] = 0.0
        supply[self.rare] = 0.0
        self.supply_w = supply

    def _offers(self) -> None:
        rng, R, S = self.rng, self.R, self.S
        n_svc = len(SERVICES)
        actor_parts: list[np.ndarray] = []
        svc_parts: list[np.ndarray] = []
        for r in range(8):
            members = self.role_idx[r]
            if members.size == 0:
                continue
            allowed = np.isin(self.svc_cat, [CATEGORIES.index(c) for c in _ROLE_CATEGORIES[r]])
            p = self.supply_w * allowed
            if p.sum() == 0:
                continue
            p = p / p.sum()
            lo, hi = _ROLE_OFFERS[r]
            if r == _BDS:
                k = rng.choice(np.arange(lo, hi + 1), members.size, p=[0.25, 0.35, 0.2, 0.12, 0.08])
            else:
                k = rng.integers(lo, hi + 1, members.size)
            picks = np.sort(rng.choice(n_svc, (members.size, hi), p=p), axis=1)
            keep = np.ones_like(picks, dtype=bool)
            keep[:, 1:] = picks[:, 1:] != picks[:, :-1]
            keep &= np.cumsum(keep, axis=1) <= k[:, None]
            rows = np.broadcast_to(members[:, None], picks.shape)
            actor_parts.append(rows[keep])
            svc_parts.append(picks[keep])
        actor = np.concatenate(actor_parts)
        svc = np.concatenate(svc_parts)
        # Rare services: one to three providers, each for its own region (and maybe a neighbour).
        bds = self.role_idx[_BDS]
        rare_actor: list[int] = []
        rare_svc: list[int] = []
        for s in self.rare:
            for a in rng.choice(bds, min(bds.size, int(rng.integers(1, 4))), replace=False):
                rare_actor.append(int(a))
                rare_svc.append(int(s))
        # Every service except the unoffered ones is offered at least once.
        offered = np.zeros(n_svc, dtype=bool)
        offered[svc] = True
        offered[self.rare] = True
        fill = [s for s in range(n_svc) if not offered[s] and s not in self.unoffered]
        fill_actor = [int(rng.choice(bds)) for _ in fill]
        actor = np.concatenate([actor, np.array(rare_actor + fill_actor, dtype=np.int64)])
        svc = np.concatenate([svc, np.array(rare_svc + fill, dtype=np.int64)])
        is_rare = np.zeros(actor.size, dtype=bool)
        is_rare[actor.size - len(fill) - len(rare_actor):actor.size - len(fill)] = True
        # One offer per (actor, service), sorted.
        key = actor * n_svc + svc
        key, first = np.unique(key, return_index=True)
        is_rare = is_rare[first]
        actor, svc = key // n_svc, key % n_svc
        n = actor.size
        role = self.role[actor]
        region = self.inst_region[actor]
        sector = self.inst_sector[actor]
        # Scope.
        u = rng.random(n)
        extra_region = rng.integers(0, R, n)
        rn, sn = self.region_names, self.sector_names
        regions_col: list[str] = []
        sectors_col: list[str] = []
        n_sectors = rng.integers(1, 4, n)
        sector_pick = rng.choice(S, (n, 3), p=self.sector_w)
        donor_regions = rng.integers(2, 6, n)
        sector_scoped = rng.random(n) < 0.1
        for j in range(n):
            r, reg, sec = int(role[j]), int(region[j]), int(sector[j])
            scope_r = ""
            scope_s = ""
            if is_rare[j]:
                scope_r = rn[reg] if u[j] < 0.6 or R == 1 else ";".join(
                    rn[x] for x in sorted({reg, int(extra_region[j])}))
            elif r == _REGIONAL:
                scope_r = rn[reg]
            elif r == _BROKER and u[j] < 0.5:
                scope_r = rn[reg]
            elif r == _CENTRE:
                scope_s = sn[sec]
            elif r == _ASSOC and sec >= 0:
                scope_s = sn[sec]
                if reg != 0:
                    scope_r = rn[reg]
            elif r == _DONOR and u[j] < 0.4:
                m = min(R, int(donor_regions[j]))
                scope_r = ";".join(rn[R - m:])  # donors target the smallest regions
            elif r == _BDS:
                if u[j] < 0.45:
                    scope_r = rn[reg]
                elif u[j] < 0.6:
                    scope_r = ";".join(rn[x] for x in range(max(0, reg - 1), min(R, reg + 2)))
                if sector_scoped[j]:
                    chosen = sorted({int(x) for x in sector_pick[j, : n_sectors[j]]})
                    scope_s = ";".join(sn[x] for x in chosen)
            regions_col.append(scope_r)
            sectors_col.append(scope_s)
        capacity = rng.integers(2, 60, n) * 10
        has_capacity = (rng.random(n) < 0.3) & (role != _NATIONAL) & (role != _MINISTRY)
        fee_u = rng.random(n)
        fee_cdf = np.cumsum(np.array([_ROLE_FEE_P[int(r)] for r in range(8)]), axis=1)[role]
        fee_code = (fee_u[:, None] > fee_cdf).sum(axis=1).clip(0, 2)
        fee = np.array(_FEES, dtype=object)[fee_code]
        fee[rng.random(n) < 0.15] = ""
        since, until = _years(rng, self.inst_since[actor], 0.5, 0.03, 1990, 2022)
        self.offers = pd.DataFrame({
            "actor": self._inst_ids()[actor],
            "service": self._svc_ids()[svc],
            "regions": regions_col,
            "sectors": sectors_col,
            "capacity": _int_array(capacity, has_capacity),
            "fee": fee,
            "since": since,
            "until": until,
        })

    def _enterprises(self) -> None:
        rng, E, S = self.rng, self.E, self.S
        cell = rng.choice(self.R * S, E, p=self.cell_p)
        self.e_cell = cell
        self.e_region = cell // S
        self.e_sector = cell % S
        self.e_size = rng.choice(4, E, p=[0.62, 0.26, 0.10, 0.02])
        age = np.minimum(rng.exponential(14.0, E).astype(np.int64), 74)
        since = YEAR - age
        self.e_since = np.where(rng.random(E) < 0.85, since, 0)
        until = np.minimum(since + 1 + rng.geometric(0.1, E), YEAR)
        self.e_until = np.where((rng.random(E) < 0.02) & (until > since), until, 0)
        self.e_private = rng.random(E) < 0.01

    def _networks(self) -> None:
        rng, E, N, R, S = self.rng, self.E, self.N, self.R, self.S
        founders = rng.choice(E, N, replace=False)
        order = np.lexsort((founders, self.e_cell[founders]))
        founders = founders[order]
        self.n_cell = self.e_cell[founders]
        self.n_region = self.n_cell // S
        self.n_sector = self.n_cell % S
        net_order, net_start, net_count = _grouped(self.n_cell, R * S)
        cnt = net_count[self.e_cell]
        share = float((cnt > 0).mean())
        p_join = min(0.9, 0.35 / share) if share > 0 else 0.0
        u, v = rng.random(E), rng.random(E)
        member = (cnt > 0) & (u < p_join)
        e_net = np.full(E, -1, dtype=np.int64)
        pos = net_start[self.e_cell[member]] + (v[member] ** 1.5 * cnt[member]).astype(np.int64)
        e_net[member] = net_order[pos]
        e_net[founders] = np.arange(N)
        member[founders] = True
        self.e_net, self.e_member = e_net, member
        base = np.maximum(self.e_since[founders], 0)
        self.n_since = np.where(
            rng.random(N) < 0.9, np.maximum(base, rng.integers(1995, 2024, N)), 0,
        )
        self.n_until = np.where(
            rng.random(N) < 0.03, np.minimum(self.n_since + rng.integers(2, 12, N), YEAR), 0,
        )
        self.n_until[self.n_until <= self.n_since] = 0
        self.n_ids_width = max(5, len(str(N)))

    # ----------------------------------------------------------------- links

    def _add_links(
        self, src: np.ndarray, tgt: np.ndarray, types: np.ndarray, weight: np.ndarray,
    ) -> None:
        base = np.maximum(self._since_of(src), self._since_of(tgt))
        since, until = _years(self.rng, base, 0.6, 0.02)
        self.link_parts.append(_Links(src, tgt, types, weight, since, until))

    def _since_of(self, idx: np.ndarray) -> np.ndarray:
        I, N = self.I, self.N
        out = np.zeros(idx.size, dtype=np.int64)
        m = idx < I
        out[m] = self.inst_since[idx[m]]
        m = (idx >= I) & (idx < I + N)
        out[m] = self.n_since[idx[m] - I]
        m = idx >= I + N
        out[m] = self.e_since[idx[m] - I - N]
        return out

    def _institution_links(self) -> None:
        rng, I, R = self.rng, self.I, self.R
        role, region = self.role, self.inst_region
        links: dict[tuple[int, int, int], None] = {}  # an ordered set
        partners: set[tuple[int, int]] = set()

        def add(s: int, t: int, kind: str) -> None:
            if s == t:
                return
            code = _T[kind]
            if kind == "partners_with":
                key = (min(s, t), max(s, t))
                if key in partners or (s, t, _T["coordinates"]) in links or (
                        t, s, _T["coordinates"]) in links:
                    return
                partners.add(key)
            links.setdefault((s, t, code), None)

        national = int(self.role_idx[_NATIONAL][0])
        # The national agency coordinates the system.
        for group, share in ((_REGIONAL, 1.0), (_CENTRE, 1.0), (_MINISTRY, 1.0), (_BROKER, 0.5),
                             (_BDS, 0.04)):
            for i in self.role_idx[group]:
                if rng.random() < share:
                    add(national, int(i), "coordinates")
        add(national, int(self.role_idx[_ASSOC][0]), "coordinates")
        # Regional coordinators coordinate their brokers and half their providers.
        for rc in self.role_idx[_REGIONAL]:
            r = region[rc]
            for b in self.brokers_of_region[r]:
                add(int(rc), int(b), "coordinates")
            for p in self.bds_of_region[r]:
                if rng.random() < 0.5:
                    add(int(rc), int(p), "coordinates")
        # Referrals to providers chosen by fame, mostly local.
        bds = self.role_idx[_BDS]
        glob_cdf = np.cumsum(self.fame[bds])
        reg_cdf = [np.cumsum(self.fame[b]) for b in self.bds_of_region]

        def famous_provider(r: int, local: float) -> int:
            pool = self.bds_of_region[r]
            if pool.size and rng.random() < local:
                cdf = reg_cdf[r]
                return int(pool[min(pool.size - 1, np.searchsorted(cdf, rng.random() * cdf[-1]))])
            at = np.searchsorted(glob_cdf, rng.random() * glob_cdf[-1])
            return int(bds[min(bds.size - 1, at)])

        for group, lo, hi, p_source in ((_BROKER, 3, 8, 1.0), (_CENTRE, 3, 10, 1.0),
                                        (_REGIONAL, 2, 5, 1.0), (_BDS, 1, 2, 0.3),
                                        (_ASSOC, 1, 3, 0.5)):
            for s in self.role_idx[group]:
                if rng.random() >= p_source:
                    continue
                for _ in range(int(rng.integers(lo, hi + 1))):
                    add(int(s), famous_provider(int(region[s]), 0.6), "refers_to")
        for b in self.role_idx[_BROKER]:
            c = self.centre_of_cell[region[b], int(rng.integers(0, self.S))]
            if c >= 0 and rng.random() < 0.5:
                add(int(b), int(c), "refers_to")
        # Partnerships by preferential attachment (60 % within the region).
        endpoints: list[int] = []
        by_region: list[list[int]] = [[] for _ in range(R)]
        for v in rng.permutation(I):
            v = int(v)
            r = int(region[v])
            for _ in range(1 if rng.random() < 0.5 else 2):
                local = by_region[r]
                if local and rng.random() < 0.6:
                    t = local[int(rng.integers(0, len(local)))]
                elif endpoints:
                    t = endpoints[int(rng.integers(0, len(endpoints)))]
                else:  # the very first institution: nobody to attach to yet
                    endpoints.append(v)
                    by_region[r].append(v)
                    continue
                add(v, t, "partners_with")
                endpoints += (v, t)
                by_region[r].append(v)
                by_region[int(region[t])].append(t)
        # Funding and training (not referral channels).
        fundable = np.flatnonzero(np.isin(role, (_REGIONAL, _BROKER, _CENTRE, _BDS, _ASSOC)))
        for d in self.role_idx[_DONOR]:
            n_funded = min(fundable.size, int(rng.integers(3, 16)))
            for t in rng.choice(fundable, n_funded, replace=False):
                add(int(d), int(t), "funds")
        for group, share in ((_CENTRE, 0.6), (_BROKER, 0.3)):
            for i in self.role_idx[group]:
                if rng.random() < share:
                    add(national, int(i), "funds")
        for m in self.role_idx[_MINISTRY]:
            for t in rng.choice(bds, min(bds.size, int(rng.integers(2, 6))), replace=False):
                add(int(m), int(t), "funds")
        for c in self.role_idx[_CENTRE]:
            local = self.bds_of_region[region[c]]
            pool = local if local.size else bds
            for t in rng.choice(pool, min(pool.size, int(rng.integers(2, 7))), replace=False):
                add(int(c), int(t), "trains")
        keys = np.array(list(links), dtype=np.int64).reshape(-1, 3)
        src, tgt, types = keys[:, 0], keys[:, 1], keys[:, 2]
        weight = np.empty(src.size)
        spec = {
            "coordinates": (0.6, 1.0), "refers_to": (0.2, 1.0), "partners_with": (0.2, 1.0),
            "funds": (0.1, 1.0), "trains": (0.1, 1.0),
        }
        for kind, (lo, hi) in spec.items():
            m = types == _T[kind]
            weight[m] = _weights(rng, int(m.sum()), lo, hi)
        self._add_links(src, tgt, types, weight)

    def _network_links(self) -> None:
        rng, N, R, I = self.rng, self.N, self.R, self.I
        nid = I + np.arange(N)
        broker = np.full(N, -1, dtype=np.int64)
        all_brokers = self.role_idx[_BROKER]
        for r in range(R):
            nets = np.flatnonzero(self.n_region == r)
            if nets.size == 0:
                continue
            cand = self.brokers_of_region[r]
            if cand.size == 0:
                rc = self.rc_of_region[r]
                cand = np.array([rc]) if rc >= 0 else all_brokers
            p = self.fame[cand] / self.fame[cand].sum()
            broker[nets] = rng.choice(cand, nets.size, p=p)
            rc = self.rc_of_region[r]
            if rc >= 0:  # a fifth of networks are brokered by the regional coordinator
                broker[nets[rng.random(nets.size) < 0.2]] = rc
        brokered = rng.random(N) < 0.92
        centre = self.centre_of_cell[self.n_region, self.n_sector]
        is_client = (rng.random(N) < 0.3) & (centre >= 0)
        donors = self.role_idx[_DONOR]
        funded = rng.random(N) < 0.08
        donor = donors[rng.integers(0, donors.size, N)]
        trained = (rng.random(N) < 0.15) & (centre >= 0)
        parts = (
            (nid[brokered], broker[brokered], "brokered_by", 0.5, 1.0),
            (nid[is_client], centre[is_client], "client_of", 0.3, 1.0),
            (donor[funded], nid[funded], "funds", 0.1, 1.0),
            (centre[trained], nid[trained], "trains", 0.1, 1.0),
        )
        self._add_sorted_links(parts, key=lambda s, t: np.where(s >= I, s, t))

    def _add_sorted_links(
        self,
        parts: Sequence[tuple[np.ndarray, np.ndarray, str, float, float]],
        key: Callable[[np.ndarray, np.ndarray], np.ndarray],
    ) -> None:
        src = np.concatenate([p[0] for p in parts]).astype(np.int64)
        tgt = np.concatenate([p[1] for p in parts]).astype(np.int64)
        types = np.concatenate([np.full(p[0].size, _T[p[2]], dtype=np.int64) for p in parts])
        weight = np.concatenate([_weights(self.rng, p[0].size, p[3], p[4]) for p in parts])
        order = np.lexsort((tgt, types, key(src, tgt)))
        self._add_links(src[order], tgt[order], types[order], weight[order])

    def _enterprise_links(self) -> None:
        rng, E, I, N, R, S = self.rng, self.E, self.I, self.N, self.R, self.S
        eid = I + N + np.arange(E)
        cell, region = self.e_cell, self.e_region
        member = self.e_member
        isolated = ~member & (rng.random(E) < 0.12)
        free = ~member & ~isolated
        # Pool of four local institutions per cell: two famous providers of the region,
        # the regional coordinator (else a broker of the region), the sector's centre.
        pool = np.full((R * S, 4), -1, dtype=np.int64)
        all_bds = self.role_idx[_BDS]
        for r in range(R):
            cand = self.bds_of_region[r]
            if cand.size == 0:
                cand = self.bds_of_region[0] if self.bds_of_region[0].size else all_bds
            p = self.fame[cand] / self.fame[cand].sum()
            picks = rng.choice(cand.size, (S, 2), p=p)
            same = picks[:, 1] == picks[:, 0]
            picks[same, 1] = (picks[same, 0] + 1) % cand.size
            rows = slice(r * S, (r + 1) * S)
            pool[rows, 0] = cand[picks[:, 0]]
            if cand.size > 1:
                pool[rows, 1] = cand[picks[:, 1]]
            coordinator = self.rc_of_region[r]
            if coordinator < 0 and self.brokers_of_region[r].size:
                b = self.brokers_of_region[r]
                coordinator = b[np.argmax(self.fame[b])]
            pool[rows, 2] = coordinator
            pool[rows, 3] = self.centre_of_cell[r]
        k = np.zeros(E, dtype=np.int64)
        k[free] = rng.choice(3, int(free.sum()), p=[0.15, 0.55, 0.30])
        k[member] = rng.random(int(member.sum())) < 0.12
        slot_p = [0.45, 0.25, 0.15, 0.15]
        s1 = rng.choice(4, E, p=slot_p)
        s2 = rng.choice(4, E, p=slot_p)
        s2 = np.where(s2 == s1, (s1 + 1) % 4, s2)
        s1[member] = 0
        c1 = np.where(k >= 1, pool[cell, s1], -1)
        c2 = np.where(k >= 2, pool[cell, s2], -1)
        order, start, count = self.local_groups
        for c in (c1, c2):  # a thin long tail of other local institutions
            tail = (c >= 0) & (rng.random(E) < 0.006)
            pick = _pick_in_group(order, start, count, region[tail], rng.random(int(tail.sum())))
            c[tail] = np.where(pick >= 0, pick, c[tail])
        c2[c2 == c1] = -1
        has1, has2 = c1 >= 0, c2 >= 0
        # Sector chambers.
        in_assoc = free & (rng.random(E) < 0.12)
        assoc = self.assoc_of_cell.ravel()[cell]
        # Subcontracting: a few small firms supply a lead firm (medium/large) of their region.
        lead = np.flatnonzero(self.e_size >= 2)
        l_order, l_start, l_count = _grouped(region[lead], R)
        supplier = ~isolated & (self.e_size <= 1) & (rng.random(E) < 0.03)
        buyer = _pick_in_group(lead[l_order], l_start, l_count, region[supplier],
                               rng.random(int(supplier.sum())))
        sup_src = eid[supplier][buyer >= 0]
        sup_tgt = I + N + buyer[buyer >= 0]
        parts = (
            (eid[member], I + self.e_net[member], "member_of", 0.4, 1.0),
            (eid[in_assoc], assoc[in_assoc], "member_of", 0.2, 0.7),
            (eid[has1], c1[has1], "client_of", 0.05, 1.0),
            (eid[has2], c2[has2], "client_of", 0.05, 1.0),
            (sup_src, sup_tgt, "supplies", 0.1, 1.0),
        )
        self.e_isolated = isolated
        self._add_sorted_links(parts, key=lambda s, t: s)

    # ----------------------------------------------------------------- needs, capacity

    def _needs(self) -> None:
        rng, E, N, S = self.rng, self.E, self.N, self.S
        n_svc = len(SERVICES)
        tilt = self.demand_w[None, :] * np.exp(rng.normal(0.0, 0.7, (S, n_svc)))
        tilt /= tilt.sum(axis=1, keepdims=True)
        picks = np.empty((E, 3), dtype=np.int64)
        order, start, count = _grouped(self.e_sector, S)
        for s in range(S):
            members = order[start[s]:start[s] + count[s]]
            picks[members] = rng.choice(n_svc, (members.size, 3), p=tilt[s])
        k = rng.choice(3, E, p=[0.5, 0.32, 0.18]) + 1
        keep = np.ones((E, 3), dtype=bool)
        keep[:, 1] = picks[:, 1] != picks[:, 0]
        keep[:, 2] = (picks[:, 2] != picks[:, 0]) & (picks[:, 2] != picks[:, 1])
        keep &= np.arange(3)[None, :] < k[:, None]
        priority = rng.choice(3, (E, 3), p=[0.3, 0.45, 0.25]) + 1
        rows = np.broadcast_to((self.I + N + np.arange(E))[:, None], (E, 3))
        # Networks: a third have one or two needs.
        n_has = rng.random(N) < 0.35
        n_k = rng.integers(1, 3, N)
        n_picks = rng.choice(n_svc, (N, 2), p=self.demand_w)
        n_keep = np.stack([n_has, n_has & (n_k == 2) & (n_picks[:, 1] != n_picks[:, 0])], axis=1)
        n_prio = rng.choice(3, (N, 2), p=[0.4, 0.4, 0.2]) + 1
        n_rows = np.broadcast_to((self.I + np.arange(N))[:, None], (N, 2))
        actor = np.concatenate([n_rows[n_keep], rows[keep]])
        svc = np.concatenate([n_picks[n_keep], picks[keep]])
        prio = np.concatenate([n_prio[n_keep], priority[keep]])
        self.needs = (actor, svc, prio)

    def _capacity(self) -> None:
        rng, I = self.rng, self.I
        direct = np.zeros(I, dtype=np.int64)
        for part in self.link_parts:
            m = (part.type == _T["client_of"]) & (part.tgt < I)
            direct += np.bincount(part.tgt[m], minlength=I)
        cap = (direct * 1.5 + 20) * np.exp(rng.normal(0.0, 0.6, I))
        cap = np.maximum(10, np.round(cap / 10).astype(np.int64) * 10)
        has = (rng.random(I) < 0.92) & ~np.isin(self.role, (_NATIONAL, _MINISTRY, _DONOR))
        self.inst_capacity = (cap, has)

    # ----------------------------------------------------------------- ids

    def _inst_ids(self) -> np.ndarray:
        if not hasattr(self, "_inst_id_cache"):
            w = max(5, len(str(self.I)))
            self._inst_id_cache = np.array(
                [f"i{k:0{w}d}" for k in range(1, self.I + 1)], dtype=object,
            )
        return self._inst_id_cache

    def _svc_ids(self) -> np.ndarray:
        return np.array([f"s{k:02d}" for k in range(1, len(SERVICES) + 1)], dtype=object)

    def _all_ids(self) -> np.ndarray:
        wn = max(5, len(str(self.N)))
        we = max(7, len(str(self.E)))
        return np.concatenate([
            self._inst_ids(),
            np.array([f"n{k:0{wn}d}" for k in range(1, self.N + 1)], dtype=object),
            np.array([f"e{k:0{we}d}" for k in range(1, self.E + 1)], dtype=object),
        ])

    # ----------------------------------------------------------------- write

    def write(self, folder: Path) -> None:
        rng = self.rng
        I, N, E = self.I, self.N, self.E
        ids = self._all_ids()
        self.say("writing ecosystem.toml, services.csv, offers.csv")
        self._write_meta(folder)
        services = pd.DataFrame({
            "id": self._svc_ids(),
            "name": self.svc_names,
            "category": [cat for _, cat in SERVICES],
        })
        _to_csv(services, folder / "services.csv")
        _to_csv(self.offers, folder / "offers.csv")

        self.say(f"writing actors.csv ({I + N + E:,} rows)")
        regions = _with_blank(self.region_names)
        sectors = _with_blank(self.sector_names)
        sizes = _with_blank(SIZES)
        kinds = np.array(_ROLE_KIND, dtype=object)
        wn = max(5, len(str(N)))
        net_sector_label = [s.replace("_", " ") for s in self.sector_names]
        net_names = [
            f"{net_sector_label[s]} network {self.region_names[r]} {k:0{wn}d}"
            for k, (r, s) in enumerate(zip(self.n_region.tolist(), self.n_sector.tolist()), 1)
        ]
        ent_ids = ids[I + N:]
        ent_names = np.array(["Enterprise " + x[1:] for x in ent_ids], dtype=object)
        region_idx = np.concatenate([self.inst_region, self.n_region, self.e_region])
        sector_idx = np.concatenate([self.inst_sector, self.n_sector, self.e_sector])
        size_idx = np.concatenate([np.full(I + N, -1), self.e_size])
        cap, has_cap = self.inst_capacity
        since = np.concatenate([self.inst_since, self.n_since, self.e_since])
        until = np.concatenate([self.inst_until, self.n_until, self.e_until])
        private = np.concatenate([self.inst_private, np.zeros(N, dtype=bool), self.e_private])
        jitter = np.concatenate([np.full(I + N, 0.3), np.full(E, 0.4)])
        n_all = I + N + E
        lat = self.region_lat[region_idx] + rng.normal(0.0, 1.0, n_all) * jitter
        lon = self.region_lon[region_idx] + rng.normal(0.0, 1.0, n_all) * jitter
        actors = pd.DataFrame({
            "id": ids,
            "name": np.concatenate([
                np.array(self.inst_names, dtype=object), np.array(net_names, dtype=object),
                ent_names,
            ]),
            "kind": np.concatenate([
                kinds[self.role], np.full(N, "network", dtype=object),
                np.full(E, "enterprise", dtype=object),
            ]),
            "sector": sectors[sector_idx],
            "region": regions[region_idx],
            "size": sizes[size_idx],
            "capacity": _int_array(np.concatenate([cap, np.zeros(N + E, dtype=np.int64)]),
                                   np.concatenate([has_cap, np.zeros(N + E, dtype=bool)])),
            "since": _int_array(since, since > 0),
            "until": _int_array(until, until > 0),
            "private": np.where(private, "true", "false").astype(object),
            "lat": _float_text(np.rint(lat * 1e4) / 1e4),
            "lon": _float_text(np.rint(lon * 1e4) / 1e4),
            "description": np.concatenate([
                np.array(self.inst_desc, dtype=object), np.full(N + E, "", dtype=object),
            ]),
        }, columns=list(_ACTOR_COLUMNS))
        del ent_names, net_names
        _to_csv(actors, folder / "actors.csv")
        del actors

        actor, svc, prio = self.needs
        self.say(f"writing needs.csv ({actor.size:,} rows)")
        needs = pd.DataFrame({
            "actor": ids[actor], "service": self._svc_ids()[svc], "priority": prio,
        })
        _to_csv(needs, folder / "needs.csv")
        del needs

        n_links = sum(part.src.size for part in self.link_parts)
        self.say(f"writing links.csv ({n_links:,} rows)")
        types = np.array(_LINK_TYPES, dtype=object)
        header = True
        path = folder / "links.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            for part in self.link_parts:
                frame = pd.DataFrame({
                    "source": ids[part.src],
                    "target": ids[part.tgt],
                    "type": types[part.type],
                    "weight": _float_text(part.weight),
                    "since": part.since,
                    "until": part.until,
                })
                frame.to_csv(fh, index=False, header=header, lineterminator="\n")
                header = False

    def _write_meta(self, folder: Path) -> None:
        args = (f"--enterprises {self.E} --institutions {self.I} --seed {self.seed} "
                f"--regions {self.R} --sectors {self.S}")
        meta = {
            "name": f"synthetic-e{self.E}-i{self.I}-s{self.seed}",
            "country": "Synthetic",
            "year": YEAR,
            "description": (
                f"Synthetic national SME support ecosystem: {self.E:,} enterprises, "
                f"{self.N:,} networks and {self.I:,} institutions in {self.R} regions "
                f"and {self.S} sectors, with hubs, local contact pools, scoped and "
                f"missing services (for benchmarks; not real data)."
            ),
            "source": f"synthetic, generated by instnet generate {args}",
        }
        lines = []
        for key, value in meta.items():
            lines.append(f"{key} = {value}" if isinstance(value, int) else
                         f"{key} = {_toml_string(value)}")
        (folder / "ecosystem.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _to_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")

"""Synthetic national-scale ecosystems for benchmarks (``instnet generate``).

:func:`generate` writes a dataset folder in the format of docs/format.md
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

import math
from collections.abc import Callable
from pathlib import Path
from typing import Final

import numpy as np

from ..errors import OutputError, UsageError
from ..i18n import _, format_int
from ..io.outfile import atomic_dir
from .builder import Builder
from .output import write
from .spec import SECTOR_NAMES, SERVICES, YEAR  # noqa: F401 (importable from here, as before)

__all__ = ["generate"]

MAX_REGIONS: Final = 1000
MAX_SECTORS: Final = 200
MAX_ENTERPRISES: Final = 50_000_000
MAX_INSTITUTIONS: Final = 1_000_000


def _count(name: str, value: object, lowest: int, highest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise UsageError(_("{name} must be a whole number, not {value!r}").format(name=name, value=value),
                         argument=name)
    number = int(value)
    if not lowest <= number <= highest:
        raise UsageError(_("{name} must be between {lowest} and {highest}, not {number}").format(
            name=name, lowest=format_int(lowest), highest=format_int(highest), number=format_int(number)),
            argument=name)
    return number


def _default_regions(enterprises: int, institutions: int) -> int:
    by_size = round(math.sqrt(enterprises) / 8)
    return max(3, min(40, by_size, max(3, institutions // 4)))


def _default_sectors(enterprises: int) -> int:
    return max(3, min(25, round(enterprises ** (1 / 3) / 2)))


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
    ``offers.csv``, ``needs.csv`` and ``links.csv`` in the format of docs/format.md
    (UTF-8, comma-separated, header row). The ecosystem is skewed
    like a real one (see the module documentation): Zipf-sized regions and
    sectors, hub institutions, networks per (region, sector), enterprises that
    share local contacts, uneven and scoped service supply, a few services
    nobody offers and isolated enterprises. The same arguments always give
    byte-identical files.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write; created (with its parents) when missing. The dataset is
        written into a temporary folder beside it and swapped in when complete,
        so an interruption leaves the old folder as it was; other files in the
        folder are kept.
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
        raise UsageError(_("{folder} exists and is not a folder").format(folder=folder))
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write {str(folder)!r}: {exc.strerror or exc}") from exc
    builder = Builder(n_ent, n_inst, n_reg, n_sec, seed, progress or (lambda _msg: None))
    builder.build()
    # Written beside the target and swapped in whole: an interrupted run never
    # leaves a mix of old and new tables (other files of the folder are kept).
    with atomic_dir(folder, keep_others=True) as tmp:
        write(builder, tmp)
    return folder

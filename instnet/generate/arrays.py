"""Array helpers of the generator: weights, years, grouping and text columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from .spec import YEAR


class Links(NamedTuple):
    """A block of links as integer actor indexes (written in block order)."""

    src: np.ndarray
    tgt: np.ndarray
    type: np.ndarray  # index into instnet.schema.LINK_TYPES
    weight: np.ndarray  # NaN = empty (1)
    since: pd.arrays.IntegerArray
    until: pd.arrays.IntegerArray


def zipf(n: int, exponent: float) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1, dtype=float) ** exponent
    return w / w.sum()


def int_array(values: np.ndarray, present: np.ndarray | None = None) -> pd.arrays.IntegerArray:
    """Nullable Int64 column (empty cells where ``present`` is False)."""
    values = np.asarray(values, dtype=np.int64)
    mask = np.zeros(len(values), dtype=bool) if present is None else ~np.asarray(present, bool)
    return pd.arrays.IntegerArray(values, mask)


def draw_weights(
    rng: np.random.Generator, n: int, lo: float, hi: float, a: float = 2.0, b: float = 2.0,
    blank: float = 0.05,
) -> np.ndarray:
    """Link weights in (0, 1] with at most 3 decimals; NaN (written empty = 1) for a few."""
    w = lo + (hi - lo) * rng.beta(a, b, n)
    w = np.clip(np.ceil(w * 1000.0), 1, 1000) / 1000.0
    w[rng.random(n) < blank] = np.nan
    return w


def draw_years(
    rng: np.random.Generator, base: np.ndarray, p_since: float, p_until: float,
    lo: int = 1990, hi: int = 2020,
) -> tuple[pd.arrays.IntegerArray, pd.arrays.IntegerArray]:
    """``since``/``until`` columns for rows that cannot start before ``base`` (0 = unknown)."""
    n = len(base)
    since = np.minimum(np.maximum(base, rng.integers(lo, hi + 1, n)), YEAR)
    has_since = rng.random(n) < p_since
    until = np.minimum(since + rng.geometric(0.12, n), YEAR)
    has_until = (rng.random(n) < p_until) & (until > since)
    return int_array(since, has_since), int_array(until, has_until)


def grouped(keys: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(order, start, count): members of group g are ``order[start[g]:start[g]+count[g]]``."""
    order = np.argsort(keys, kind="stable")
    count = np.bincount(keys, minlength=n_groups)
    start = np.cumsum(count) - count
    return order, start, count


def pick_in_group(
    order: np.ndarray, start: np.ndarray, count: np.ndarray, groups: np.ndarray, u: np.ndarray,
) -> np.ndarray:
    """A uniformly chosen member of each row's group, -1 where the group is empty."""
    c = count[groups]
    pos = start[groups] + np.minimum((u * c).astype(np.int64), np.maximum(c - 1, 0))
    out = np.full(len(groups), -1, dtype=np.int64)
    ok = c > 0
    out[ok] = order[pos[ok]]
    return out


def float_text(values: np.ndarray) -> np.ndarray:
    """Shortest text of each float (``""`` for NaN); much faster than ``to_csv``'s own."""
    return np.array([repr(x) if x == x else "" for x in values.tolist()], dtype=object)


def with_blank(values: Sequence[str]) -> np.ndarray:
    """Object array of ``values`` plus a trailing ``""`` so index -1 reads as empty."""
    return np.array([*values, ""], dtype=object)

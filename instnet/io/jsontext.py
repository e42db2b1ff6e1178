"""JSON text of the library's answers, for the command line and the desk alike.

NaN and infinities (which JSON cannot hold) are written as ``null``; numpy and
pandas scalars as the Python values they hold; sets sorted, tuples as lists.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["json_text"]


def json_text(data: Any, *, indent: int | None = None) -> str:
    """``data`` as JSON text (UTF-8 characters kept as they are).

    Examples
    --------
    >>> json_text({"name": "NaNa's", "share": float("nan"), "ids": ("b", "a")})
    '{"name": "NaNa\\'s", "share": null, "ids": ["b", "a"]}'
    """
    return json.dumps(_finite(data), indent=indent, ensure_ascii=False, default=_default, allow_nan=False)


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities as None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return _finite(value.item())
    if isinstance(value, set | frozenset):
        return sorted(value)
    if value is None or str(value) == "<NA>":  # pandas' NA, without importing pandas
        return None
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")

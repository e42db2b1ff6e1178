"""Raw text tables and keys, their expected columns and headers, and the Arrow string helpers that reading and validating share.

Nothing here imports the rest of instnet but the vocabulary (:mod:`instnet.schema`),
the errors and the translations, so :mod:`instnet.io.read`, :mod:`instnet.io.validate` and :mod:`instnet.model` can
all build on it without importing one another in a circle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import Problem
from ..i18n import _
from ..schema import TABLES

__all__ = ["RawMeta", "RawTable", "arrow_strings", "check_header", "expected_columns", "isin", "text_frame"]


@dataclass
class RawTable:
    """One table as text, with a way to find the file line of each record."""

    file: str
    frame: pd.DataFrame
    line_of: Callable[[int], int]
    #: False when rows of the file could not be read (reported): references to its
    #: ids are then not checked, so one broken row does not cascade.
    complete: bool = True


@dataclass
class RawMeta:
    """The ecosystem's own keys as read (``ecosystem.toml`` or the ``ecosystem`` sheet).

    ``values`` are as the file holds them (checked by :mod:`instnet.io.validate`);
    ``rows`` gives the line of each key, for located messages.
    """

    file: str = "ecosystem.toml"
    values: dict = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def isin(values: pd.Series | pd.Index, known: pd.Series | pd.Index) -> np.ndarray:
    """Vectorised membership test of string ids (pandas' own ``isin`` loops in Python
    over ``known`` for Arrow-backed strings, which is slow for a million ids).

    Examples
    --------
    >>> isin(pd.Series(["a", "b"]), pd.Index(["b"])).tolist()
    [False, True]
    """
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    found = pc.is_in(arrow_strings(values), value_set=arrow_strings(known))
    return found.to_numpy(zero_copy_only=False).astype(bool)


def arrow_strings(values: pd.Series | pd.Index) -> pa.Array:
    """The text of ``values`` as one Arrow string array, without a copy through Python objects."""
    arr = getattr(values, "array", values)
    if hasattr(arr, "__arrow_array__"):
        out = arr.__arrow_array__()
    else:
        out = pa.array(np.asarray(values, dtype=object), type=pa.large_string())
    if isinstance(out, pa.ChunkedArray):
        out = out.combine_chunks() if out.num_chunks != 1 else out.chunk(0)
    if out.type != pa.large_string():
        out = out.cast(pa.large_string())
    return out


def expected_columns(table: str) -> tuple[str, ...]:
    """Return the required and optional columns of ``table``, in order.

    Examples
    --------
    >>> expected_columns("needs")
    ('actor', 'service', 'priority')
    """
    required, optional = TABLES[table]
    return required + optional


def check_header(first: list[str], fname: str, problems: list[Problem]) -> list[str] | None:
    header = [h.strip() for h in first]
    bad = False
    if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
        sep = next(s for s in ";\t|" if s in header[0])
        problems.append(
            Problem(fname, 1, "", _("the header is one column {header!r}: the file looks {separator}-separated; "
                                    "instnet reads comma-separated CSV").format(
                header=header[0], separator=_("tab") if sep == chr(9) else repr(sep)))
        )
        return None
    seen: set[str] = set()
    for i, h in enumerate(header, 1):
        if not h:
            problems.append(Problem(fname, 1, f"#{i}", _("empty column name in header")))
            bad = True
        elif h in seen:
            problems.append(Problem(fname, 1, h, _("duplicate column name in header")))
            bad = True
        seen.add(h)
    return None if bad else header


def text_frame(rows: list[list[str]], header: list[str]) -> pd.DataFrame:
    if rows:
        return pd.DataFrame(rows, columns=header, dtype="str")
    return pd.DataFrame({h: pd.Series([], dtype="str") for h in header})

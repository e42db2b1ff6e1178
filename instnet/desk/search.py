"""Find a client by name or id, ignoring case and accents ("pena" finds "Peña").

Names and ids are folded once at start as :func:`instnet.labels.fold` folds the
query (accents and case dropped, ``_`` read as a space), with Arrow's vectorised
string kernels, so a search over a million names is one substring scan in C.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..labels import fold
from ..model import Ecosystem, arrow_strings

__all__ = ["ClientSearch"]

#: Kinds a broker looks up as clients.
CLIENT_KINDS = ("enterprise", "network")


def _fold_array(values: pa.Array) -> pa.Array:
    """:func:`instnet.labels.fold` of every value, with Arrow's vectorised kernels."""
    decomposed = pc.utf8_normalize(values, form="NFKD")
    plain = pc.replace_substring_regex(decomposed, pattern=r"[^\x00-\x7f]+", replacement="")
    spaced = pc.replace_substring(plain, pattern="_", replacement=" ")
    squeezed = pc.replace_substring_regex(pc.utf8_trim_whitespace(pc.ascii_lower(spaced)),
                                          pattern=r"\s+", replacement=" ")
    return squeezed


class ClientSearch:
    """Clients (enterprises and networks) of an ecosystem, searchable by name or id.

    Private actors are found only by their exact id unless ``include_private``.

    Examples
    --------
    >>> eco = Ecosystem.from_records(actors=[
    ...     {"id": "e1", "name": "Confecciones Peña", "kind": "enterprise"},
    ...     {"id": "e2", "name": "PEÑALOZA Hermanos", "kind": "enterprise"},
    ...     {"id": "p", "name": "Peña Lab", "kind": "bds_provider"}])
    >>> ClientSearch(eco).find("pena")  # names starting with it first
    ['e2', 'e1']
    >>> ClientSearch(eco).find("E2")
    ['e2']
    """

    def __init__(self, eco: Ecosystem, *, include_private: bool = False) -> None:
        a = eco.actors
        keep = a["kind"].isin(CLIENT_KINDS).to_numpy(dtype=bool).copy()
        self._all_clients = frozenset(a.index[keep])
        if not include_private:
            keep &= ~a["private"].to_numpy(dtype=bool)
        ids = a.index[keep]
        self._ids = np.asarray(ids, dtype=object)
        self._names = _fold_array(arrow_strings(a["name"][keep]))
        self._folded_ids = _fold_array(arrow_strings(pd.Series(self._ids, dtype=object)))

    def ids(self) -> list[str]:
        """Every searchable client id (for suggestions)."""
        return [str(i) for i in self._ids]

    def find(self, query: str, *, limit: int = 25) -> list[str]:
        """Client ids whose name or id contains ``query`` (folded): exact id first, then by position.

        Names that start with the query come before those that contain it; ties
        keep the dataset's order.
        """
        q = fold(query)
        exact = [query.strip()] if query.strip() in self._all_clients else []
        if not q:
            return exact
        hit = pc.or_(pc.match_substring(self._names, q), pc.match_substring(self._folded_ids, q))
        rows = np.flatnonzero(hit.to_numpy(zero_copy_only=False))
        starts = pc.starts_with(pc.take(self._names, pa.array(rows, type=pa.int64())), q)
        first = np.asarray(starts.to_numpy(zero_copy_only=False), dtype=bool) if len(rows) else np.zeros(0, bool)
        order = np.concatenate([rows[first], rows[~first]])
        out = exact + [str(i) for i in self._ids[order[: limit + 1]] if i not in exact]
        return out[:limit]


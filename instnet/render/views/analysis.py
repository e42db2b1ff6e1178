"""The analytic results the views and exports show, computed where the modules are installed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from ...analysis.bottlenecks import bottlenecks as bottleneck_table
from ...model import Ecosystem
from ...analysis.paths import best_paths


@dataclass
class Analysis:
    """The analytic results a view or export shows (``None`` where not available)."""

    max_hops: int
    paths: pd.DataFrame | None = None
    institutions: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def size_by(self) -> str:
        if self.institutions is not None and "impact" in self.institutions:
            return "impact"
        if self.paths is not None:
            return "load"
        return "degree"


def analyse(eco: Ecosystem, *, max_hops: int = 4, bottlenecks: bool = True) -> Analysis:
    """Run the analytics a view needs; a missing analytics module becomes a note.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> a = analyse(read_dataset("jamaica"))
    >>> a.max_hops
    4
    """
    out = Analysis(max_hops=max_hops)
    out.paths = best_paths(eco, max_hops=max_hops)
    if bottlenecks:
        frame = bottleneck_table(eco, max_hops=max_hops, paths=out.paths)
        out.institutions = frame.set_index("id") if "id" in frame.columns else frame
    return out


def load_from_paths(paths: pd.DataFrame) -> pd.Series:
    """Load per institution: served needs whose best path passes through or ends at it.

    Examples
    --------
    >>> p = pd.DataFrame({"served": [True, True, False],
    ...                   "path": [("e", "b", "p"), ("e", "p"), ()]})
    >>> load_from_paths(p).to_dict()
    {'b': 1, 'p': 2}
    """
    counts: dict[str, int] = defaultdict(int)
    for path in paths.loc[paths["served"].to_numpy(dtype=bool), "path"]:
        for node in path[1:]:
            counts[node] += 1
    return pd.Series(dict(sorted(counts.items())), dtype="int64")

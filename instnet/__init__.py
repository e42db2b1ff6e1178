"""instnet: map the institutional support network around SMEs and show where it fails.

Everything a notebook needs is one attribute away, imported on first use (so that
``import instnet`` and ``instnet --help`` stay fast)::

    >>> import instnet
    >>> eco = instnet.read_dataset("jamaica")
    >>> a = instnet.Analysis(eco, max_hops=4)
    >>> a.gaps(by="service").coverage < 1.0
    True

The pipeline stages are the subpackages ``instnet.io`` (read, validate, write),
``instnet.model``, ``instnet.graph``, ``instnet.analysis``, ``instnet.render``,
``instnet.neo4j``, ``instnet.desk`` and ``instnet.cli``; see docs/python.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name -> (module, attribute) it is imported from on first use.
_API: dict[str, tuple[str, str]] = {
    # data in and out
    "read_dataset": ("instnet.io.read", "read_dataset"),
    "write_dataset": ("instnet.io.write", "write_dataset"),
    "Ecosystem": ("instnet.model", "Ecosystem"),
    "referral_graph": ("instnet.graph", "referral_graph"),
    # analysis
    "Analysis": ("instnet.analysis.core", "Analysis"),
    "coverage": ("instnet.analysis.gaps", "coverage"),
    "gaps": ("instnet.analysis.gaps", "coverage"),
    "best_paths": ("instnet.analysis.paths", "best_paths"),
    "refer": ("instnet.analysis.paths", "refer"),
    "unmet": ("instnet.analysis.gaps", "unmet"),
    "bottlenecks": ("instnet.analysis.bottlenecks", "bottlenecks"),
    "impact": ("instnet.analysis.impact", "impact"),
    "what_if": ("instnet.analysis.load", "what_if"),
    "recommend": ("instnet.analysis.recommend", "recommend"),
    "indicators": ("instnet.analysis.indicators", "indicators"),
    "trend": ("instnet.analysis.trend", "trend"),
    "diff": ("instnet.analysis.trend", "diff"),
    # outputs
    "write_map": ("instnet.render.html", "write_map"),
    "write_report": ("instnet.render.report", "write_report"),
    # errors
    "InstnetError": ("instnet.errors", "InstnetError"),
    "DatasetError": ("instnet.errors", "DatasetError"),
    "Problem": ("instnet.errors", "Problem"),
}

#: Subpackages and modules reachable as attributes (``instnet.analysis``, ...).
_SUBMODULES = ("analysis", "cli", "desk", "errors", "generate", "graph", "i18n", "io", "model", "neo4j", "render",
               "schema")

__all__ = ["__version__", *sorted(_API), *_SUBMODULES]


def __getattr__(name: str) -> Any:
    if name in _API:
        module, attr = _API[name]
        value = getattr(importlib.import_module(module), attr)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from . import analysis, cli, desk, errors, generate, graph, i18n, io, model, neo4j, render, schema  # noqa: F401
    from .analysis.bottlenecks import bottlenecks  # noqa: F401
    from .analysis.core import Analysis  # noqa: F401
    from .analysis.gaps import coverage, coverage as gaps, unmet  # noqa: F401
    from .analysis.impact import impact  # noqa: F401
    from .analysis.indicators import indicators  # noqa: F401
    from .analysis.load import what_if  # noqa: F401
    from .analysis.paths import best_paths, refer  # noqa: F401
    from .analysis.recommend import recommend  # noqa: F401
    from .analysis.trend import diff, trend  # noqa: F401
    from .errors import DatasetError, InstnetError, Problem  # noqa: F401
    from .graph import referral_graph  # noqa: F401
    from .io.read import read_dataset  # noqa: F401
    from .io.write import write_dataset  # noqa: F401
    from .model import Ecosystem  # noqa: F401
    from .render.html import write_map  # noqa: F401
    from .render.report import write_report  # noqa: F401

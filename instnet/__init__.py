"""instnet: map the institutional support network around SMEs and show where it fails."""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import DatasetError, InstnetError, Problem  # noqa: E402
from .model import Ecosystem  # noqa: E402
from .io.read import read_dataset  # noqa: E402
from .graph import referral_graph  # noqa: E402

__all__ = [
    "DatasetError",
    "Ecosystem",
    "InstnetError",
    "Problem",
    "__version__",
    "read_dataset",
    "referral_graph",
]

"""The ``instnet`` command line: thin click commands over the library.

Each command family lives in its own module and registers itself on :data:`main`.
"""

from __future__ import annotations

import click

from .. import __version__
from .common import InstnetGroup


@click.group(cls=InstnetGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="instnet")
def main() -> None:
    """Map the institutional support network around SMEs and show where it fails."""


# Command families register themselves on import (order = order in --help).
from . import core  # noqa: E402,F401
from . import analysis  # noqa: E402,F401
from . import bottlenecks_cmd  # noqa: E402,F401
from . import planning  # noqa: E402,F401
from . import export_cmd  # noqa: E402,F401
from . import neo4j_cmd  # noqa: E402,F401
from . import io_cmd  # noqa: E402,F401
from . import desk_cmd  # noqa: E402,F401

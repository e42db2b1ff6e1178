"""What the interactive map and the exports draw: allow-listed, analysed actor data.

Nothing here writes HTML. The analytics come from one
:class:`instnet.analysis.core.Analysis` (best referral paths, bottlenecks);
:func:`actor_frame` is the one allow-list of actor fields every output uses (the
map, GraphML, GEXF, JSON); :func:`build_view` turns an ecosystem into the nodes and
edges of one map view (plain dicts in vis-network's vocabulary) plus the legend,
filter choices and the sentences that say what the view shows.

Private actors (``private`` true) follow :mod:`instnet.render.privacy`: a stable
pseudonym (``private-enterprise-1a2b3c4d``) and label (``Enterprise (private)``), no
name, description or coordinates, unless ``include_private`` is given.
"""

from .actors import actor_frame, display_ids, display_name
from .build import View, build_view
from .style import (
    CUTOFF_BORDER, DEFAULT_GROUP_THRESHOLD, DEFAULT_MAX_INSTITUTIONS,
    GROUP_KINDS, GROUP_STYLE, KIND_STYLE, LINK_STYLE, PATH_COLOUR, UNMET_BORDER,
    coverage_colour, kind_text,
)

__all__ = [
    "actor_frame", "display_ids", "display_name", "View", "build_view",
    "coverage_colour", "KIND_STYLE", "GROUP_KINDS", "GROUP_STYLE", "LINK_STYLE", "UNMET_BORDER", "CUTOFF_BORDER",
    "PATH_COLOUR", "DEFAULT_GROUP_THRESHOLD", "DEFAULT_MAX_INSTITUTIONS", "kind_text",
]

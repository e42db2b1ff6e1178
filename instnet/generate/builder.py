"""The arrays of one ecosystem being generated, and the order of the generation stages."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..i18n import _, format_int
from .arrays import Links
from .enterprises import draw_enterprises, draw_needs, draw_networks
from .institutions import draw_geography, draw_institutions
from .links import draw_capacity, draw_enterprise_links, draw_institution_links, draw_network_links
from .services import draw_offers, draw_services
from .spec import SERVICES


class Builder:
    """Holds the arrays of one generated ecosystem while it is being built.

    Every stage (a ``draw_*`` function of :mod:`.institutions`, :mod:`.services`,
    :mod:`.enterprises` and :mod:`.links`) reads the arrays of the stages before it
    and adds its own as attributes; all of them draw from the one ``rng`` in the
    order of :meth:`build`, so the same seed gives the same ecosystem.
    """

    def __init__(
        self, n_ent: int, n_inst: int, n_reg: int, n_sec: int, seed: int,
        say: Callable[[str], None],
    ) -> None:
        self.E, self.I, self.R, self.S = n_ent, n_inst, n_reg, n_sec
        self.N = min(n_ent, max(1, round(n_ent / 40)))
        self.seed = seed
        self.say = say
        self.rng = np.random.default_rng(seed)
        self.link_parts: list[Links] = []
        self.net_id_width = max(5, len(str(self.N)))

    def build(self) -> None:
        self.say(_("geography"))
        draw_geography(self)
        self.say(_("institutions: {n}").format(n=format_int(self.I)))
        draw_institutions(self)
        self.say(_("services and offers"))
        draw_services(self)
        draw_offers(self)
        self.say(_("enterprises: {enterprises}; networks: {networks}").format(
            enterprises=format_int(self.E), networks=format_int(self.N)))
        draw_enterprises(self)
        draw_networks(self)
        self.say(_("links"))
        draw_institution_links(self)
        draw_network_links(self)
        draw_enterprise_links(self)
        self.say(_("needs"))
        draw_needs(self)
        draw_capacity(self)

    # ----------------------------------------------------------------- ids

    def inst_ids(self) -> np.ndarray:
        if not hasattr(self, "_inst_id_cache"):
            w = max(5, len(str(self.I)))
            self._inst_id_cache = np.array(
                [f"i{k:0{w}d}" for k in range(1, self.I + 1)], dtype=object,
            )
        return self._inst_id_cache

    def svc_ids(self) -> np.ndarray:
        return np.array([f"s{k:02d}" for k in range(1, len(SERVICES) + 1)], dtype=object)

    def all_ids(self) -> np.ndarray:
        we = max(7, len(str(self.E)))
        return np.concatenate([
            self.inst_ids(),
            np.array([f"n{k:0{self.net_id_width}d}" for k in range(1, self.N + 1)], dtype=object),
            np.array([f"e{k:0{we}d}" for k in range(1, self.E + 1)], dtype=object),
        ])

"""What the desk keeps in memory: one :class:`~instnet.analysis.core.Analysis`, and what pages derive from it.

Best paths, coverage (service x region) and the referral search index are
computed at start; the bottleneck table and the map, which a broker seldom opens
and which take longer on a national dataset, are derived from the same analysis
on first use in a background thread (the page says so and refreshes) and then kept.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..analysis.answer import ReferralAnswer, contact_of, display_name
from ..analysis.core import Analysis
from ..analysis.gaps import GapReport
from ..analysis.walkin import WalkIn
from ..io.referral_log import REFERRAL_COLUMNS
from ..model import Ecosystem
from .search import ClientSearch
from .store import ReferralLog

log = logging.getLogger(__name__)

__all__ = ["DeskState", "Lazy", "prepare"]

#: At most this many institutions are offered as walk-in "via" choices.
MAX_VIA_CHOICES = 400


class Lazy:
    """A value computed once, in a background thread, on first request."""

    def __init__(self, compute: Callable[[], Any], name: str) -> None:
        self._compute = compute
        self._name = name
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.value: Any = None
        self.error: BaseException | None = None

    def get(self, *, wait: bool = False) -> Any:
        """The value, or None while it is being computed (``wait`` blocks until it is there)."""
        with self._lock:
            if self.value is None and self.error is None and self._thread is None:
                self._thread = threading.Thread(target=self._run, name=f"desk-{self._name}", daemon=True)
                self._thread.start()
            thread = self._thread
        if wait and thread is not None:
            thread.join()
        if self.error is not None:
            raise self.error
        return self.value

    def _run(self) -> None:
        try:
            self.value = self._compute()
        except Exception as exc:  # kept and re-raised to the request that asks for it
            log.exception("desk: computing %s failed", self._name)
            self.error = exc


@dataclass
class DeskState:
    """The analysed ecosystem and everything the pages answer from."""

    analysis: Analysis
    include_private: bool
    gaps: GapReport
    search: ClientSearch
    services: list[tuple[str, str]]
    regions: list[str]
    sectors: list[str]
    via_choices: list[tuple[str, str]]
    log: ReferralLog
    bottlenecks: Lazy = field(init=False)
    map_page: Lazy = field(init=False)

    @property
    def eco(self) -> Ecosystem:
        """The ecosystem, as of the year the desk uses."""
        return self.analysis.eco

    @property
    def max_hops(self) -> int:
        """Longest referral path, in links."""
        return self.analysis.max_hops

    @property
    def paths(self) -> pd.DataFrame:
        """The best referral path of every need (computed at start)."""
        return self.analysis.paths

    def __post_init__(self) -> None:
        self.bottlenecks = Lazy(self._bottlenecks, "bottlenecks")
        self.map_page = Lazy(self._map_page, "map")
        links = self.eco.links
        both = links[(links["type"] == "coordinates").to_numpy()]
        #: (source, target) of every ``coordinates`` link, to tell its direction in a sentence
        self.coordinates = frozenset(zip(both["source"], both["target"]))
        self.institutions = frozenset(self.eco.institution_ids)
        self._service_names = dict(zip(self.eco.services.index, self.eco.services["name"]))
        self._need_index: pd.Index | None = None

    def service_name(self, service: str) -> str:
        """The name of a service (its id when the dataset does not have it)."""
        return str(self._service_names.get(service, service))

    def contact(self, actor: str) -> dict[str, str]:
        """The contact details shown for ``actor``."""
        return contact_of(self.eco, actor, include_private=self.include_private)

    def need_rows(self, actor: str) -> list[int]:
        """Positions in :attr:`paths` of the needs of ``actor``."""
        if self._need_index is None:
            self._need_index = pd.Index(self.paths["actor"].to_numpy(dtype=object))
        got = self._need_index.get_indexer_for([actor])
        return [int(i) for i in got if i >= 0]

    def unmet_in(self, service: str, region: str) -> list[str]:
        """Actors whose need of ``service`` is unmet, in ``region`` (``""``: actors without one)."""
        unmet = self.gaps.unmet
        actors = unmet["actor"].to_numpy(dtype=object)[(unmet["service"] == service).to_numpy()]
        regions = self.eco.actors["region"].reindex(actors).to_numpy(dtype=object)
        return [str(a) for a, r in zip(actors, regions) if str(r) == region]

    def why_unmet(self, actor: str | WalkIn, service: str) -> ReferralAnswer:
        """The answer for a need (with its reason when unmet)."""
        return self.analysis.answer(actor, service, k=1, include_private=self.include_private)

    def eco_referrals(self) -> list[dict[str, str]]:
        """The referrals of the dataset's own ``referrals.csv`` (empty when it has none)."""
        table = getattr(self.eco, "referrals", None)
        if table is None or len(table) == 0:
            return []
        return [{c: str(v) for c, v in r.items()} for r in table[list(REFERRAL_COLUMNS)].to_dict("records")]

    def _bottlenecks(self) -> Any:
        return self.analysis.bottleneck_analysis

    def _map_page(self) -> str:
        from ..render.html import map_html

        self.bottlenecks.get(wait=True)  # the map sizes institutions by them: computed once, in one thread
        return map_html(self.eco, analysis=self.analysis, include_private=self.include_private)

    def name(self, actor: str) -> str:
        """The name shown for ``actor`` (a private actor by its kind only)."""
        return display_name(self.eco, actor, include_private=self.include_private)


def prepare(eco: Ecosystem, *, log_store: ReferralLog, max_hops: int = 4, include_private: bool = False,
            progress: Callable[[str], None] | None = None) -> DeskState:
    """Analyse ``eco`` once for the desk.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem as of the year the desk uses.
    log_store : ReferralLog
        Where referrals are recorded.
    max_hops : int, default 4
        Longest referral path, in links.
    include_private : bool, default False
        Show private actors' names and contact details.
    progress : callable, optional
        Called with a short description before each stage.

    Returns
    -------
    DeskState
    """
    say = progress or (lambda _text: None)
    analysis = Analysis(eco, max_hops=max_hops)
    say("best referral paths")
    log.info("desk: %d needs, %d served", len(analysis.paths), int(analysis.served.sum()))
    say("coverage by service and region")
    gaps = analysis.gaps(by=("service", "region"))
    say("client search")
    search = ClientSearch(eco, include_private=include_private)
    services = sorted(((str(i), str(n)) for i, n in eco.services["name"].items()), key=lambda s: (s[1].lower(), s[0]))
    actors = eco.actors
    regions = sorted({str(r) for r in actors["region"].unique() if str(r)})
    sectors = sorted({str(s) for s in actors["sector"].unique() if str(s)})
    via = actors[~actors["kind"].isin(["enterprise"]).to_numpy()]
    if not include_private:
        via = via[~via["private"].to_numpy(dtype=bool)]
    order = {"broker": 0, "specialized_centre": 1, "policy_body": 2, "association": 3, "network": 4}
    ranked = sorted(((order.get(str(k), 5), str(n).lower(), str(i), str(n)) for i, n, k in
                     zip(via.index, via["name"], via["kind"])))[:MAX_VIA_CHOICES]
    via_choices = [(i, n) for _o, _l, i, n in ranked]
    say("referral index")
    analysis.prepare_referrals(include_private=include_private)  # here, not at the first question
    state = DeskState(analysis=analysis, include_private=include_private, gaps=gaps,
                      search=search, services=services, regions=regions, sectors=sectors,
                      via_choices=via_choices, log=log_store)
    state.need_rows("")  # the client page's look-up of needs by actor
    return state

"""An answer's JSON text (``GET /api/refer``) is exactly its dict (``instnet refer --format json``).

:meth:`ReferralAnswer.to_json` joins the out-of-reach list from pieces written
once per provider and sentence; here it is checked against ``json.dumps`` of
:meth:`ReferralAnswer.to_dict`, byte for byte, with names that need escaping,
private actors, both languages and walk-ins.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from instnet.analysis.answer import answer
from instnet.analysis.walkin import WalkIn
from instnet.i18n import using_language
from instnet.schema import INSTITUTION_KINDS

from strategies import ecosystems

#: Names a JSON writer must escape, and markup.
HOSTILE = st.one_of(st.text(max_size=12), st.sampled_from(
    ['"><img src=x onerror=alert(1)>', 'back\\slash "quoted"', "line\nbreak\ttab", "\u2028\u2029", "NaN", "Peña"]))

ODD_REGION = 'Peña "sur"\\ <b>'


@settings(max_examples=60, deadline=None)
@given(eco=ecosystems(dated=False), data=st.data())
def test_to_json_is_json_dumps_of_to_dict(eco, data) -> None:
    actors = eco.actors.copy()
    actors["name"] = [data.draw(HOSTILE) for _ in range(len(actors))]
    actors["private"] = [data.draw(st.booleans()) for _ in range(len(actors))]
    # a region outside every scope, written in the sentences of the providers out of scope
    actors["region"] = [data.draw(st.sampled_from((r, ODD_REGION))) for r in actors["region"]]
    eco = eco.replace_tables(actors=actors)
    lang = data.draw(st.sampled_from(("en", "es")))
    include_private = data.draw(st.booleans())
    entry = [a for a, k in eco.actors["kind"].items() if k in INSTITUTION_KINDS or k == "network"]
    clients: list[str | WalkIn] = [a for a, k in eco.actors["kind"].items() if k in ("enterprise", "network")]
    if entry:
        clients.append(WalkIn(region=data.draw(st.sampled_from(("r1", "r2", "", ODD_REGION))), sector="s1",
                              via=tuple(data.draw(st.lists(st.sampled_from(entry), min_size=1, max_size=2,
                                                           unique=True)))))
    limit = data.draw(st.sampled_from((None, 0, 1, 3)))
    with using_language(lang):
        for client in clients:
            for service in eco.services.index:
                ans = answer(eco, client, service, max_hops=data.draw(st.integers(1, 4)),
                             include_private=include_private, limit=limit)
                text = ans.to_json()
                assert text == json.dumps(ans.to_dict(), ensure_ascii=False)
                assert json.loads(text)["out_of_reach"] == [
                    {"provider": u.provider, "name": ans.names[u.provider], "reason": u.reason, "hops": u.hops,
                     "detail": u.detail} for u in ans.out_of_reach]

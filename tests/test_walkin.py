"""Walk-ins: a client who is not in the dataset is served exactly as the same enterprise added to it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from instnet import read_dataset
from instnet.analysis.answer import answer
from instnet.analysis.paths import refer, unreachable_providers
from instnet.analysis.walkin import WalkIn, walk_in_ecosystem
from instnet.cli import main
from instnet.errors import UnknownIdError, UsageError
from instnet.schema import INSTITUTION_KINDS

from strategies import REGIONS, SECTORS, ecosystems


@settings(max_examples=150, deadline=None)
@given(eco=ecosystems(dated=False), data=st.data())
def test_walk_in_equals_the_same_enterprise_added(eco, data) -> None:
    entry = [a for a, k in eco.actors["kind"].items() if k in INSTITUTION_KINDS or k == "network"]
    via = tuple(data.draw(st.lists(st.sampled_from(entry), min_size=1, max_size=3, unique=True)))
    walk_in = WalkIn(region=data.draw(st.sampled_from(REGIONS)), sector=data.draw(st.sampled_from(SECTORS)),
                     via=via)
    max_hops = data.draw(st.integers(1, 4))
    added = walk_in_ecosystem(eco, walk_in)
    for service in eco.services.index:
        assert refer(eco, walk_in, service, k=10, max_hops=max_hops) == \
            refer(added, walk_in.id, service, k=10, max_hops=max_hops)
        assert unreachable_providers(eco, walk_in, service, max_hops=max_hops, limit=None) == \
            unreachable_providers(added, walk_in.id, service, max_hops=max_hops, limit=None)
        a = answer(eco, walk_in, service, k=10, max_hops=max_hops).to_dict()
        b = answer(added, walk_in.id, service, k=10, max_hops=max_hops).to_dict()
        a.pop("walk_in")
        assert a == b


def test_a_walk_in_does_not_change_the_ecosystem() -> None:
    eco = read_dataset("jamaica")
    before = refer(eco, "ent_kgn_g01", "pattern_making")
    refer(eco, WalkIn(region="Kingston", sector="garments", via=("jampro_pc",)), "pattern_making")
    assert refer(eco, "ent_kgn_g01", "pattern_making") == before
    assert "walk-in" not in eco.actors.index


def test_walk_in_mistakes_are_named() -> None:
    eco = read_dataset("jamaica")
    with pytest.raises(UnknownIdError) as err:
        refer(eco, WalkIn(region="Kingston", sector="", via=("jampro_pcc",)), "credit")
    assert "jampro_pc" in err.value.suggestions
    with pytest.raises(UsageError, match="enterprise"):
        refer(eco, WalkIn(region="Kingston", sector="", via=("ent_kgn_g01",)), "credit")
    with pytest.raises(UsageError, match="via"):
        refer(eco, WalkIn(region="Kingston", sector="", via=()), "credit")
    with pytest.raises(UsageError, match="actor of the dataset"):
        refer(eco, WalkIn(region="Kingston", sector="", via=("jampro_pc",), id="jampro"), "credit")


def _refer(*args: str):
    return CliRunner().invoke(main, ["refer", "jamaica", *args])


def test_cli_walk_in_equals_the_library() -> None:
    r = _refer("--walk-in", "--region", "Kingston", "--sector", "garments", "--via", "jampro_pc,net_kgn_garments",
               "pattern_making", "--format", "json")
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)
    walk_in = WalkIn(region="Kingston", sector="garments", via=("jampro_pc", "net_kgn_garments"))
    eco = read_dataset("jamaica")
    assert got == answer(eco.as_of(eco.data_year), walk_in, "pattern_making").to_dict()
    assert got["referrals"][0]["path"][0] == "walk-in"
    table = _refer("--walk-in", "--region", "Kingston", "--sector", "garments", "--via", "jampro_pc",
                   "pattern_making")
    assert table.exit_code == 0 and "walk-in client" in table.output


def test_cli_unknown_actor_mentions_walk_in_and_usage_errors_exit_2() -> None:
    r = _refer("nobody_here", "credit")
    assert r.exit_code == 2 and "--walk-in" in r.output and "Traceback" not in r.output
    assert _refer("--walk-in", "--region", "Kingston", "credit").exit_code == 2  # no --via
    assert _refer("--walk-in", "--via", "jampro_pc", "ent_kgn_g01", "credit").exit_code == 2  # an ACTOR too
    assert _refer("--region", "Kingston", "ent_kgn_g01", "credit").exit_code == 2  # walk-in options alone
    r = _refer("--walk-in", "--via", "jampro_pcc", "credit")
    assert r.exit_code == 2 and "jampro_pc" in r.output

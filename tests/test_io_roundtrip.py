"""Data in and out: template, Kumu and HSDS round trips give the same tables and gaps.

For every built-in dataset and for random ecosystems: dataset -> format -> read back
gives equal tables (and ecosystem settings) and the same ``gaps`` JSON; an HSDS export
imported and exported again is byte-identical; every HSDS export passes frictionless
validation against the shipped official HSDS 3.0 schema.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from instnet.analysis.gaps import coverage
from instnet.io.hsds import official_package, write_hsds
from instnet.io.hsds_import import read_hsds
from instnet.io.kumu import read_kumu, write_kumu
from instnet.io.read import BUILTIN_NAMES, read_dataset
from instnet.io.template import write_template
from instnet.model import Ecosystem
from hsds_check import assert_valid_hsds
from strategies import ecosystems

TABLES = ("actors", "services", "offers", "needs", "links")
SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_same(a: Ecosystem, b: Ecosystem) -> None:
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table), check_exact=True)
    assert dict(a.meta) == dict(b.meta)
    gaps_a = coverage(a, by=("service", "region", "sector")).to_dict(unmet=True)
    gaps_b = coverage(b, by=("service", "region", "sector")).to_dict(unmet=True)
    assert json.dumps(gaps_a, sort_keys=True) == json.dumps(gaps_b, sort_keys=True)


def via_template(eco: Ecosystem, folder: Path) -> Ecosystem:
    return read_dataset(write_template(folder / "t.xlsx", eco, include_private=True))


def via_kumu(eco: Ecosystem, folder: Path) -> Ecosystem:
    return read_kumu(write_kumu(eco, folder / "k.xlsx", include_private=True)).ecosystem


def via_hsds(eco: Ecosystem, folder: Path) -> Ecosystem:
    out = write_hsds(eco, folder / "pkg", include_private=True)
    assert_valid_hsds(out)
    return read_hsds(out).ecosystem


ROUTES = {"template": via_template, "kumu": via_kumu, "hsds": via_hsds}


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_builtin_round_trip(name: str, route: str, tmp_path: Path) -> None:
    eco = read_dataset(name)
    assert_same(eco, ROUTES[route](eco, tmp_path))


@pytest.mark.parametrize("route", ROUTES)
def test_random_round_trip(route: str) -> None:
    @SETTINGS
    @given(ecosystems())
    def check(eco: Ecosystem) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            assert_same(eco, ROUTES[route](eco, Path(tmp)))

    check()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_hsds_export_import_export_is_byte_identical(name: str, tmp_path: Path) -> None:
    first = write_hsds(read_dataset(name), tmp_path / "one", include_private=True)
    second = write_hsds(read_hsds(first).ecosystem, tmp_path / "two", include_private=True)
    assert_valid_hsds(second)
    one, two = _files(first), _files(second)
    assert list(one) == list(two)
    assert one == two
    assert len(one) == len(official_package()["resources"]) + 5 + 1


@SETTINGS
@given(ecosystems())
def test_hsds_random_export_import_export_is_byte_identical(eco: Ecosystem) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        first = write_hsds(eco, Path(tmp) / "one", include_private=True)
        second = write_hsds(read_hsds(first).ecosystem, Path(tmp) / "two", include_private=True)
        assert _files(first) == _files(second)
        assert_valid_hsds(second)


def test_hsds_mapping_of_an_offer(tmp_path: Path) -> None:
    """An offer is an HSDS service of its organization with one service area per region."""
    eco = Ecosystem.from_records(
        actors=[{"id": "e", "name": "Shop", "kind": "enterprise"},
                {"id": "p", "name": "Lab", "kind": "specialized_centre", "description": ""}],
        services=[{"id": "s", "name": "Testing", "category": "technology"}],
        offers=[{"actor": "p", "service": "s", "regions": "North; South", "fee": "free"}])
    out = write_hsds(eco, tmp_path / "pkg")
    assert_valid_hsds(out)
    orgs = pd.read_csv(out / "organizations.csv", dtype=str, keep_default_na=False)
    services = pd.read_csv(out / "services.csv", dtype=str, keep_default_na=False)
    areas = pd.read_csv(out / "service_areas.csv", dtype=str, keep_default_na=False)
    attrs = pd.read_csv(out / "attributes.csv", dtype=str, keep_default_na=False)
    terms = pd.read_csv(out / "taxonomy_terms.csv", dtype=str, keep_default_na=False)
    assert orgs[["name", "description"]].values.tolist() == [["Lab", "Lab"]]  # enterprises are not organizations
    assert services[["organization_id", "name", "status", "fees_description"]].values.tolist() == [
        [orgs.at[0, "id"], "Testing", "active", "free"]]
    assert areas["name"].tolist() == ["North", "South"]
    assert set(areas["service_id"]) == {services.at[0, "id"]}
    kind_attr = attrs[attrs["link_entity"] == "organization"]
    assert kind_attr["value"].tolist() == ["specialized_centre"]
    term = terms.set_index("id").loc[attrs[attrs["link_entity"] == "service"]["taxonomy_term_id"].iat[0]]
    assert (term["code"], term["name"]) == ("service:s", "Testing")
    assert terms.set_index("id").loc[term["parent_id"], "code"] == "category:technology"


def test_private_actors_stay_out_unless_asked(tmp_path: Path) -> None:
    eco = Ecosystem.from_records(
        actors=[{"id": "e", "name": "Shop", "kind": "enterprise", "private": True},
                {"id": "p", "name": "Lab", "kind": "bds_provider"}],
        services=[{"id": "s", "name": "Testing", "category": "technology"}],
        needs=[{"actor": "e", "service": "s"}],
        links=[{"source": "e", "target": "p", "type": "client_of"}])
    (tmp_path / "all").mkdir()
    for route in ROUTES.values():
        kept = route(eco, tmp_path / "all")
        assert "e" in kept.actors.index
    assert_valid_hsds(write_hsds(eco, tmp_path / "pkg"))
    hidden = read_hsds(tmp_path / "pkg").ecosystem
    assert list(hidden.actors.index) == ["p"] and len(hidden.needs) == 0 and len(hidden.links) == 0
    assert list(read_kumu(write_kumu(eco, tmp_path / "k.xlsx")).ecosystem.actors.index) == ["p"]
    assert list(read_dataset(write_template(tmp_path / "t.xlsx", eco)).actors.index) == ["p"]
    for path in (tmp_path / "pkg").iterdir():
        assert "Shop" not in path.read_text(encoding="utf-8")


def test_cli_round_trips(tmp_path: Path) -> None:
    """The commands themselves: export and import again give the dataset's tables."""
    from click.testing import CliRunner

    from instnet.cli import main

    def run(*args: str) -> str:
        result = CliRunner().invoke(main, list(args))
        assert result.exit_code == 0, result.output
        return result.output

    eco = read_dataset("honduras")
    run("template", "-o", str(tmp_path / "t.xlsx"), "--from", "honduras", "--include-private", "--lang", "es")
    assert_same(eco, read_dataset(tmp_path / "t.xlsx"))
    run("export", "kumu", "honduras", "-o", str(tmp_path / "k.xlsx"), "--include-private")
    out = run("import", "kumu", str(tmp_path / "k.xlsx"), "-o", str(tmp_path / "from_kumu"))
    assert f"{len(eco.actors)} actors" in out
    assert_same(eco, read_dataset(tmp_path / "from_kumu"))
    run("export", "hsds", "honduras", "-o", str(tmp_path / "pkg"), "--include-private")
    assert_valid_hsds(tmp_path / "pkg")
    run("import", "hsds", str(tmp_path / "pkg"), "-o", str(tmp_path / "from_hsds"))
    assert_same(eco, read_dataset(tmp_path / "from_hsds"))
    # The package still reads without its descriptor (default file names).
    (tmp_path / "pkg" / "datapackage.json").unlink()
    assert read_hsds(tmp_path / "pkg").ecosystem.links.equals(eco.links)

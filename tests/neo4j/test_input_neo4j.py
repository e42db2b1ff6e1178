"""Hostile input meets the real Neo4j: row order, passwords in URIs, separators, names."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from instnet.cli import main
from instnet.errors import Neo4jError, UsageError
from instnet.io.read import read_dataset
from instnet.model import Ecosystem
from instnet.neo4j.connection import Connection, Settings, connect
from instnet.neo4j.load import content_version, load_ecosystem
from instnet.neo4j.pull import read_ecosystem
from instnet.neo4j.server import ServerInfo

from minidata import make_dataset
from neo4j_helpers import assert_same_ecosystem, count_nodes, graph_snapshot


def cli(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_pull_then_load_of_the_same_data_changes_nothing(neo4j_env: dict[str, str], tmp_path: Path) -> None:
    # The minimal dataset lists actors in an order that is not the order a load
    # writes them in (grouped by kind), so the pulled files hold other row orders.
    source = make_dataset(tmp_path / "ds")
    (source / "ecosystem.toml").write_text('name = "order-test"\nyear = 1999\n', encoding="utf-8")
    eco = read_dataset(source)
    assert cli("neo4j", "load", source, "--ecosystem", "order-test", "--replace").exit_code == 0
    pulled = cli("neo4j", "pull", "-o", tmp_path / "pulled", "--ecosystem", "order-test")
    assert pulled.exit_code == 0, pulled.output
    back = read_dataset(tmp_path / "pulled")
    assert list(back.actors.index) != list(eco.actors.index)  # the rows did move
    assert content_version(back) == content_version(eco)
    with Connection(Settings.from_env()) as conn:
        before = graph_snapshot(conn, "order-test")
    again = cli("neo4j", "load", tmp_path / "pulled", "--ecosystem", "order-test")
    assert again.exit_code == 0, again.output
    assert "already held" in again.output
    with Connection(Settings.from_env()) as conn:
        assert graph_snapshot(conn, "order-test") == before


def test_a_password_inside_neo4j_uri_is_never_printed(neo4j_server: ServerInfo, neo4j_env: dict[str, str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "Hunter2-s3cret"
    scheme, rest = neo4j_server.uri.split("://", 1)
    for uri in (f"{scheme}://neo4j:{secret}@{rest}", f"neo4j://admin:{secret}@{rest}",
                f"http://admin:{secret}@{rest}"):
        monkeypatch.setenv("NEO4J_URI", uri)
        with pytest.raises(Neo4jError) as info:
            connect()
        assert secret not in str(info.value) and "***" in str(info.value)
        assert secret not in repr(Settings(uri=uri, password="x"))
        for args in (("neo4j", "list"), ("neo4j", "load", "honduras", "--ecosystem", "x")):
            result = cli(*args)
            assert result.exit_code == 2, result.output
            assert isinstance(result.exception, SystemExit)
            assert secret not in result.output and "***" in result.output, result.output


def test_a_cell_holding_every_separator_loads(conn: Connection) -> None:
    # Every ASCII separator and the first private-use characters: the characters a
    # column encoding would pick first.
    hostile = "x" + "".join(map(chr, (*range(0x1C, 0x20), *range(0xE000, 0xE100)))) + "y"
    eco = Ecosystem.from_records(
        actors=[{"id": "e1", "name": "Shop", "kind": "enterprise", "description": hostile},
                {"id": "p1", "name": hostile, "kind": "bds_provider"}],
        services=[{"id": "s1", "name": "Testing", "category": "technology"}],
        offers=[{"actor": "p1", "service": "s1"}],
        needs=[{"actor": "e1", "service": "s1"}],
        links=[{"source": "e1", "target": "p1", "type": "client_of"}],
        meta={"name": "separators"})
    result = load_ecosystem(eco, ecosystem="separators", connection=conn, replace=True)
    assert result.status in ("loaded", "replaced")
    back = read_ecosystem("separators", connection=conn)
    assert back.actors.at["e1", "description"] == hostile and back.actors.at["p1", "name"] == hostile
    assert_same_ecosystem(eco, back)


@pytest.mark.parametrize("name, why", [("two\nlines", "line break"), ("   ", "only spaces"),
                                       ("tab\there", "control character"), ("", "empty")])
def test_ecosystem_names_are_checked_before_loading(name: str, why: str, conn: Connection,
                                                    neo4j_env: dict[str, str]) -> None:
    eco = read_dataset("honduras")
    with pytest.raises(UsageError, match=why):
        load_ecosystem(eco, ecosystem=name, connection=conn)
    assert count_nodes(conn, name) == 0
    if name:  # an empty --ecosystem falls back to the dataset's own name
        result = cli("neo4j", "load", "honduras", "--ecosystem", name)
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
        assert why in result.output
    listed = cli("neo4j", "list")
    assert listed.exit_code == 0 and "two\nlines" not in listed.output

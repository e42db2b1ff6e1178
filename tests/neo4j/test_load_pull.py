"""Load then pull gives the same tables; loads are idempotent; ecosystems stay apart."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from instnet.cli import main
from instnet.errors import DatasetError, UsageError
from instnet.model import Ecosystem
from instnet.neo4j.connection import Connection
from instnet.neo4j.load import delete_ecosystem, list_ecosystems, load_ecosystem
from instnet.neo4j.pull import read_ecosystem
from instnet.neo4j.writeback import gather_analytics, write_back
from instnet.io.read import read_dataset

from neo4j_helpers import assert_same_ecosystem, count_nodes, graph_snapshot

BUILTINS = ("jamaica", "honduras", "nicaragua", "mexico")


@pytest.mark.parametrize("name", BUILTINS)
def test_round_trip_builtin(name: str, conn: Connection) -> None:
    eco = read_dataset(name)
    result = load_ecosystem(eco, ecosystem=f"rt-{name}", connection=conn, replace=True)
    assert result.counts["actors"] == len(eco.actors)
    assert_same_ecosystem(eco, read_ecosystem(f"rt-{name}", connection=conn))


def test_cli_load_then_pull_gives_the_same_dataset(neo4j_env: dict[str, str], tmp_path) -> None:
    runner = CliRunner()
    loaded = runner.invoke(main, ["neo4j", "load", "honduras", "--ecosystem", "cli-honduras"])
    assert loaded.exit_code == 0, loaded.output
    pulled = runner.invoke(main, ["neo4j", "pull", "-o", str(tmp_path / "out"),
                                  "--ecosystem", "cli-honduras"])
    assert pulled.exit_code == 0, pulled.output
    assert_same_ecosystem(read_dataset("honduras"), read_dataset(tmp_path / "out"))
    listed = runner.invoke(main, ["neo4j", "list"])
    assert "cli-honduras" in listed.output


def test_double_load_is_idempotent(conn: Connection) -> None:
    eco = read_dataset("nicaragua")
    first = load_ecosystem(eco, ecosystem="twice", connection=conn, replace=True)
    before = graph_snapshot(conn, "twice")
    second = load_ecosystem(eco, ecosystem="twice", connection=conn)
    assert second.status == "unchanged" and second.version == first.version
    assert graph_snapshot(conn, "twice") == before
    # a replace with the same data is the same graph too
    load_ecosystem(eco, ecosystem="twice", connection=conn, replace=True)
    assert graph_snapshot(conn, "twice") == before
    assert count_nodes(conn, "twice") == len(eco.actors) + len(eco.services)


def test_two_ecosystems_side_by_side(conn: Connection) -> None:
    jamaica, honduras, mexico = (read_dataset(n) for n in ("jamaica", "honduras", "mexico"))
    load_ecosystem(jamaica, ecosystem="side-a", connection=conn, replace=True)
    load_ecosystem(honduras, ecosystem="side-b", connection=conn, replace=True)
    b_before = graph_snapshot(conn, "side-b")
    with pytest.raises(UsageError, match="replace=True"):
        load_ecosystem(mexico, ecosystem="side-a", connection=conn)
    assert_same_ecosystem(jamaica, read_ecosystem("side-a", connection=conn))
    replaced = load_ecosystem(mexico, ecosystem="side-a", connection=conn, replace=True)
    assert replaced.status == "replaced"
    assert_same_ecosystem(mexico, read_ecosystem("side-a", connection=conn))
    assert count_nodes(conn, "side-a") == len(mexico.actors) + len(mexico.services)
    assert graph_snapshot(conn, "side-b") == b_before
    assert delete_ecosystem("side-a", connection=conn)
    assert count_nodes(conn, "side-a") == 0
    assert "side-a" not in {r["name"] for r in list_ecosystems(connection=conn)}
    assert graph_snapshot(conn, "side-b") == b_before
    assert_same_ecosystem(honduras, read_ecosystem("side-b", connection=conn))


def test_invalid_dataset_writes_nothing(neo4j_env: dict[str, str], tmp_path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "actors.csv").write_text("id,name,kind\na,A,enterprise\na,B,wizard\n", encoding="utf-8")
    for table, header in (("services", "id,name,category"), ("offers", "actor,service"),
                          ("needs", "actor,service"), ("links", "source,target,type")):
        (bad / f"{table}.csv").write_text(header + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["neo4j", "load", str(bad), "--ecosystem", "never"])
    assert result.exit_code == 2
    assert "actors.csv" in result.output
    from instnet.neo4j.connection import Settings

    with Connection(Settings.from_env()) as c:
        assert count_nodes(c, "never") == 0


def test_names_full_of_special_characters(conn: Connection) -> None:
    nasty = ["O'Brien \"Ltd\"", "back\\slash\\", "{braces} ${param} {{LABEL}}",
             "MATCH (n) DETACH DELETE n //", "`RETURN` 1; CREATE (x)", "ünïcödé — 中文 \t tab",
             "  spaced  ", "NULL", "null", "0012", "line\nbreak"]
    eco = Ecosystem.from_records(
        actors=[{"id": f"e{i}-{s.strip()}", "name": s, "kind": "enterprise", "region": s,
                 "description": s, "x-custom col": s} for i, s in enumerate(nasty)]
        + [{"id": "p'}) DETACH DELETE n", "name": "MERGE", "kind": "bds_provider"}],
        services=[{"id": "s\\'\"", "name": "}{", "category": "training"}],
        offers=[{"actor": "p'}) DETACH DELETE n", "service": "s\\'\"", "regions": ";".join(nasty[:3]),
                 "note {x}": "RETURN 1", "n2": ""}],
        needs=[{"actor": f"e{i}-{s.strip()}", "service": "s\\'\""} for i, s in enumerate(nasty)],
        links=[{"source": f"e{i}-{s.strip()}", "target": "p'}) DETACH DELETE n", "type": "client_of",
                "why": s}
               for i, s in enumerate(nasty)],
        meta={"name": "quote's \"eco\"", "description": "{x} \\ MATCH"})
    name = "eco ' \" \\ } { `DROP` MATCH (n) DETACH DELETE n"
    load_ecosystem(eco, ecosystem=name, connection=conn, replace=True)
    back = read_ecosystem(name, connection=conn)
    assert_same_ecosystem(eco, back)
    assert back.actors["name"].tolist() == eco.actors.loc[back.actors.index, "name"].tolist()


def test_write_back_sets_properties(conn: Connection) -> None:
    eco = read_dataset("jamaica")
    load_ecosystem(eco, ecosystem="wb", connection=conn, replace=True)
    table = gather_analytics(eco)
    assert {"impact", "load", "betweenness", "need_coverage"} <= set(table.columns), list(table.columns)
    assert write_back("wb", table, connection=conn) == len(table)
    top = table["impact"].astype("Float64").idxmax()
    got = conn.records("MATCH (e:Ecosystem {name: 'wb'}) "
                       "MATCH (a:Actor {ecosystem: 'wb', version: e.version, id: $id}) "
                       "RETURN a.impact AS impact, a.betweenness AS b", {"id": top})[0]
    assert got["impact"] == int(table.loc[top, "impact"])
    assert got["b"] == pytest.approx(float(table.loc[top, "betweenness"]))
    # the dataset itself is unchanged by write-back
    assert_same_ecosystem(eco, read_ecosystem("wb", connection=conn))
    with pytest.raises(UsageError):
        write_back("wb", pd.DataFrame({"name": ["x"]}, index=[top]), connection=conn)
    with pytest.raises(UsageError):
        write_back("wb", pd.DataFrame({"bad name}": [1]}, index=[top]), connection=conn)
    with pytest.raises(UsageError):
        write_back("wb", pd.DataFrame({"score": [1]}, index=["no-such-actor"]), connection=conn)


def test_pull_of_edited_graph_is_validated(conn: Connection) -> None:
    eco = read_dataset("nicaragua")
    load_ecosystem(eco, ecosystem="edited", connection=conn, replace=True)
    conn.run("MATCH (e:Ecosystem {name: 'edited'}) MATCH (a:Actor {ecosystem: 'edited', "
             "version: e.version}) WITH a LIMIT 1 SET a.kind = 'wizard'")
    with pytest.raises(DatasetError, match="kind"):
        read_ecosystem("edited", connection=conn)


def test_analyst_queries_run(conn: Connection) -> None:
    from instnet.neo4j.queries import query
    from instnet.io.resources import cypher_dir

    eco = read_dataset("jamaica")
    load_ecosystem(eco, ecosystem="analyst", connection=conn, replace=True)
    table = gather_analytics(eco)
    write_back("analyst", table, connection=conn)
    offer = eco.offers.iloc[0]
    params = {"ecosystem": "analyst", "service": offer["service"],
              "region": str(eco.actors["region"].iloc[0]), "actor": offer["actor"]}
    names = sorted(p.stem for p in cypher_dir().glob("analyst_*.cypher"))
    assert len(names) >= 4
    results = {name: conn.records(query(name), params) for name in names}
    assert results["analyst_referral_hubs"], "every built-in dataset has referral channels"
    assert offer["actor"] in {r["provider"] for r in results["analyst_providers_of_service"]} \
        or offer["regions"]
    assert results["analyst_bottlenecks"][0]["impact"] == table["impact"].max()

"""Comparing ecosystems up to row order, and counting what a database holds."""

from __future__ import annotations

import pandas as pd

from instnet.model import Ecosystem
from instnet.neo4j.connection import Connection

#: C1 only: the JVM starts about twice as fast on two cores; tests need no peak speed.
FAST_START = ("-XX:TieredStopAtLevel=1",)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns[:3])).reset_index(drop=True)


def assert_same_ecosystem(a: Ecosystem, b: Ecosystem) -> None:
    """The five tables are equal (values, dtypes, columns), up to row order."""
    for table in ("actors", "services"):
        left, right = getattr(a, table), getattr(b, table)
        assert sorted(left.index) == sorted(right.index), table
        pd.testing.assert_frame_equal(left, right.loc[left.index], obj=table)
    for table in ("offers", "needs", "links"):
        left, right = getattr(a, table), getattr(b, table)
        pd.testing.assert_frame_equal(_sorted(left), _sorted(right), obj=table)
    assert dict(a.meta) == dict(b.meta)


def graph_snapshot(conn: Connection, ecosystem: str) -> tuple:
    """Every node and relationship of an ecosystem (all versions), as sorted tuples."""
    nodes = conn.records(
        "MATCH (n) WHERE n.ecosystem = $e OR n.name = $e AND n:Ecosystem "
        "RETURN labels(n) AS labels, properties(n) AS props", {"e": ecosystem})
    rels = conn.records(
        "MATCH (a {ecosystem: $e})-[r]->(b) "
        "RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props", {"e": ecosystem})

    def freeze(row: dict) -> str:
        props = {k: v for k, v in row.get("props", {}).items() if k not in ("loaded_at", "started_at", "touched_at")}
        return repr(sorted({**row, "props": sorted(props.items())}.items(), key=lambda kv: kv[0]))

    return tuple(sorted(map(freeze, nodes))), tuple(sorted(map(freeze, rels)))


def count_nodes(conn: Connection, ecosystem: str) -> int:
    """Actor and service nodes of an ecosystem, every version included."""
    return conn.records("MATCH (n) WHERE (n:Actor OR n:Service) AND n.ecosystem = $e "
                        "RETURN count(n) AS n", {"e": ecosystem})[0]["n"]

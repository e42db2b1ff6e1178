"""A load killed midway leaves the previous ecosystem whole; a rerun completes it."""

from __future__ import annotations

import pytest

from instnet.errors import Neo4jError
from instnet.generate import generate
from instnet.neo4j import server
from instnet.neo4j.connection import Connection
from instnet.neo4j.load import load_ecosystem
from instnet.neo4j.pull import read_ecosystem
from instnet.io.read import read_dataset

from neo4j_helpers import FAST_START, assert_same_ecosystem, count_nodes

ENTERPRISES = 6_000


def test_server_killed_during_load(neo4j_server: server.ServerInfo, conn: Connection,
                                   tmp_path_factory: pytest.TempPathFactory) -> None:
    previous = read_dataset("mexico")
    load_ecosystem(previous, ecosystem="national", connection=conn, replace=True)

    folder = generate(tmp_path_factory.mktemp("gen") / "national", enterprises=ENTERPRISES,
                      institutions=150, seed=7)
    big = read_dataset(folder)
    total = sum(len(getattr(big, t)) for t in ("actors", "services", "offers", "needs", "links"))
    killed = []

    def kill_midway(step: str, done: int, all_rows: int) -> None:
        if not killed and done >= all_rows * 0.4:
            killed.append((step, done))
            server.kill(state_dir=neo4j_server.state_dir)

    with pytest.raises(Neo4jError, match="unchanged"):
        load_ecosystem(big, ecosystem="national", connection=conn, replace=True,
                       batch_size=500, progress=kill_midway)
    assert killed and killed[0][1] < total

    port = int(neo4j_server.uri.rsplit(":", 1)[1])
    restarted = server.start(state_dir=neo4j_server.state_dir, port=port, heap="1g",
                             pagecache="256m", jvm_options=FAST_START)
    assert restarted.uri == neo4j_server.uri

    # the committed ecosystem is the previous one, whole; the staged half is invisible
    assert_same_ecosystem(previous, read_ecosystem("national", connection=conn))

    # a rerun deletes the staged half and completes the load, with exact counts
    result = load_ecosystem(big, ecosystem="national", connection=conn, replace=True)
    assert result.status == "replaced"
    assert count_nodes(conn, "national") == len(big.actors) + len(big.services)
    back = read_ecosystem("national", connection=conn)
    for table in ("actors", "services", "offers", "needs", "links"):
        assert len(getattr(back, table)) == len(getattr(big, table)), table
    assert_same_ecosystem(big, back)

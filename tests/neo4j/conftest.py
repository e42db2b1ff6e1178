"""A real Neo4j server for the Neo4j tests (never a mock).

The server is the bundled one (:mod:`instnet.neo4j.server`), started once per
session in a temporary folder and stopped at the end. If it cannot be obtained
(no Java, no Maven, no network for the first fetch) the tests are skipped with
the reason, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from instnet.errors import InstnetError
from instnet.neo4j import server
from instnet.neo4j.connection import Connection

from neo4j_helpers import FAST_START

HERE = os.path.dirname(__file__)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if str(item.fspath).startswith(HERE) and "neo4j_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.neo4j)


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[server.ServerInfo]:
    state = tmp_path_factory.mktemp("neo4j-server")
    try:
        info = server.start(state_dir=state, heap="1g", pagecache="256m", jvm_options=FAST_START)
    except InstnetError as exc:
        reason = f"the bundled Neo4j server could not be started: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield info
    finally:
        server.stop(state_dir=state)


@pytest.fixture(scope="session")
def conn(neo4j_server: server.ServerInfo) -> Iterator[Connection]:
    with Connection(neo4j_server.settings, max_retry_time=5.0) as c:
        yield c


@pytest.fixture()
def neo4j_env(neo4j_server: server.ServerInfo, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment a user gets from `eval "$(instnet neo4j server start)"`."""
    env = {"NEO4J_URI": neo4j_server.uri, "NEO4J_USER": neo4j_server.user,
           "NEO4J_PASSWORD": neo4j_server.password, "NEO4J_DATABASE": neo4j_server.database}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env

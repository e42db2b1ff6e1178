"""Wrong password, unreachable server, missing password: one clear line, exit 2."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from instnet.cli import main
from instnet.errors import Neo4jError
from instnet.neo4j.connection import Settings, connect
from instnet.neo4j.server import ServerInfo, free_port


def _run(env: dict[str, str | None], *args: str):
    return CliRunner().invoke(main, ["neo4j", *args], env=env)


def _one_clear_line(result, password: str | None = None) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    if password:
        assert password not in result.output
    return lines[0]


def test_wrong_password(neo4j_server: ServerInfo) -> None:
    secret = "not-the-password-" + "x" * 8
    env = {"NEO4J_URI": neo4j_server.uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": secret}
    line = _one_clear_line(_run(env, "list"), secret)
    assert "refused the credentials" in line


def test_unreachable_server() -> None:
    secret = "some-password-123"
    env = {"NEO4J_URI": f"bolt://127.0.0.1:{free_port()}", "NEO4J_PASSWORD": secret}
    line = _one_clear_line(_run(env, "pull", "-o", "out", "--ecosystem", "x"), secret)
    assert "cannot reach Neo4j" in line


def test_missing_password() -> None:
    env = {"NEO4J_URI": "bolt://127.0.0.1:7687", "NEO4J_PASSWORD": None}
    line = _one_clear_line(_run(env, "load", "jamaica"))
    assert "NEO4J_PASSWORD is not set" in line


def test_bad_uri_scheme() -> None:
    env = {"NEO4J_URI": "http://localhost:7474", "NEO4J_PASSWORD": "x"}
    line = _one_clear_line(_run(env, "list"))
    assert "not a Neo4j URI" in line


def test_secure_schemes_are_accepted() -> None:
    for uri in ("neo4j+s://example.org", "bolt+s://example.org:7687", "neo4j://h", "bolt+ssc://h"):
        Settings(uri=uri, password="x").check()


def test_password_never_in_repr() -> None:
    s = Settings(password="hunter2-secret")
    assert "hunter2" not in repr(s)
    with pytest.raises(Neo4jError) as err:
        connect(Settings(uri=f"bolt://127.0.0.1:{free_port()}", password="hunter2-secret"))
    assert "hunter2" not in str(err.value)


def test_analytic_command_on_neo4j_dataset(neo4j_env: dict[str, str]) -> None:
    """DATASET=neo4j with a missing ecosystem: one clear line, exit 2."""
    result = CliRunner().invoke(main, ["neo4j", "write-back", "neo4j", "--ecosystem", "no such"],
                                env=neo4j_env)
    line = _one_clear_line(result, neo4j_env["NEO4J_PASSWORD"])
    assert "no ecosystem 'no such'" in line

"""The desk under Starlette's test client, with a fresh SQLite referral log per test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from instnet.desk import DeskConfig, SqliteLog, create_app, prepare
from instnet.model import Ecosystem

BASE = "http://127.0.0.1:8765"


@pytest.fixture
def desk(tmp_path: Path) -> Callable[..., TestClient]:
    """``desk(eco, **config)`` -> a test client of a desk serving ``eco`` (log in ``tmp_path``)."""
    logs: list[SqliteLog] = []

    def make(eco: Ecosystem, *, include_private: bool = False, **config: object) -> TestClient:
        log = SqliteLog(tmp_path / f"log{len(logs)}.sqlite")
        logs.append(log)
        state = prepare(eco, log_store=log, include_private=include_private)
        client = TestClient(create_app(state, DeskConfig(**config)), base_url=BASE, follow_redirects=False)
        client.state = state  # type: ignore[attr-defined]
        return client

    yield make
    for log in logs:
        log.close()


def csrf_of(client: TestClient) -> str:
    """The CSRF token of the client's session (the JSON API hands it out)."""
    return client.get("/api/csrf").json()["csrf"]


def post_json(client: TestClient, url: str, body: dict, *, method: str = "POST") -> object:
    """A same-origin JSON POST/PATCH with the session's CSRF token."""
    token = csrf_of(client)
    return client.request(method, url, json=body, headers={"Origin": BASE, "X-CSRF-Token": token})

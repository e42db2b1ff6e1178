"""The referral log holds what the desk acknowledged: concurrent writes, and a server killed mid-stream."""

from __future__ import annotations

import http.client
import json
import signal
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from instnet.desk.store import SqliteLog

from .server import start_desk

BODY = {"date": "2026-03-02", "actor": "ent_kgn_g01", "service": "pattern_making", "provider": "kingston_atc",
        "via": "net_kgn_garments;jampro_pc", "status": "open", "broker": "ann"}


class Session:
    """One API client: a cookie, its CSRF token, one connection."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.origin = url
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.conn.request("GET", "/api/csrf")
        r = self.conn.getresponse()
        self.cookie = r.getheader("set-cookie").split(";")[0]
        self.token = json.loads(r.read())["csrf"]

    def post(self, note: str) -> tuple[int, dict]:
        body = json.dumps({**BODY, "note": note})
        self.conn.request("POST", "/api/referrals", body=body, headers={
            "Content-Type": "application/json", "Origin": self.origin, "X-CSRF-Token": self.token,
            "Cookie": self.cookie})
        r = self.conn.getresponse()
        return r.status, json.loads(r.read())


def test_fifty_concurrent_referrals_give_fifty_rows(tmp_path: Path) -> None:
    desk = start_desk("jamaica", tmp_path)
    try:
        def one(i: int) -> tuple[int, dict]:
            return Session(desk.url).post(f"concurrent {i}")

        with ThreadPoolExecutor(50) as pool:
            answers = list(pool.map(one, range(50)))
        assert [s for s, _ in answers] == [201] * 50
        ids = {a["id"] for _, a in answers}
        assert len(ids) == 50
    finally:
        desk.stop()
    log = SqliteLog(desk.log)
    rows = log.rows()
    log.close()
    assert len(rows) == 50
    assert {r["id"] for r in rows} == ids
    assert sorted(r["note"] for r in rows) == sorted(f"concurrent {i}" for i in range(50))


def test_a_server_killed_mid_stream_keeps_every_acknowledged_referral(tmp_path: Path) -> None:
    desk = start_desk("jamaica", tmp_path)
    acked: list[str] = []
    stop = threading.Event()

    def writer(n: int) -> None:
        session = Session(desk.url)
        i = 0
        while not stop.is_set():
            try:
                status, answer = session.post(f"writer {n} #{i}")
            except (OSError, http.client.HTTPException, ValueError):
                return  # the server is gone
            if status == 201:
                acked.append(answer["id"])
            i += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    while len(acked) < 40:
        threading.Event().wait(0.01)
    desk.proc.send_signal(signal.SIGKILL)
    desk.proc.wait(10)
    stop.set()
    for t in threads:
        t.join(30)
    db = sqlite3.connect(desk.log)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    log = SqliteLog(desk.log)
    stored = {r["id"] for r in log.rows()}
    log.close()
    assert len(acked) >= 40
    assert set(acked) <= stored

"""The desk's safety rules: escaping, Host, Origin and CSRF, logins, body size."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from click.testing import CliRunner

from instnet import read_dataset
from instnet.cli import main
from instnet.desk.security import add_user, read_users

from .conftest import BASE, csrf_of, post_json
from .deskdata import HOSTILE, hostile

PAGES = ("/", "/?q=script", "/?q=img", "/client?id=e1", "/refer?actor=e1&service=s1", "/refer?actor=e1&service=s2",
         "/slip?actor=e1&service=s1&provider=prov", "/referrals", "/gaps", "/gaps/cell?service=s2&region=" + HOSTILE[1],
         "/refer?region=" + HOSTILE[1] + "&sector=&via=net&service=s1")


def _assert_inert(html: str) -> None:
    for bad in HOSTILE:
        assert bad not in html
    assert "<script" not in html.lower()
    assert not re.search(r"<img[^>]*onerror", html, re.I)


def test_hostile_names_and_notes_render_as_text_on_every_page(desk) -> None:
    client = desk(hostile())
    r = post_json(client, "/api/referrals", {"actor": "e1", "service": "s1", "provider": "prov", "via": "net;brk",
                                             "status": "open", "broker": HOSTILE[0], "note": HOSTILE[1]})
    assert r.status_code == 201
    rid = r.json()["id"]
    for url in (*PAGES, f"/referrals/{rid}", f"/referrals/{rid}/slip"):
        page = client.get(url)
        assert page.status_code == 200, url
        _assert_inert(page.text)
        assert "&lt;script&gt;" in page.text or "&#34;&gt;&lt;img" in page.text, url
    assert client.get("/bottlenecks").status_code == 200  # computed in the background, then shown
    state = client.state
    state.bottlenecks.get(wait=True)
    _assert_inert(client.get("/bottlenecks").text)
    # every page carries the policy: no script at all on the desk's own pages
    policy = client.get("/").headers["content-security-policy"]
    assert "script-src" not in policy and "default-src 'none'" in policy


def test_a_foreign_host_gets_400(desk) -> None:
    client = desk(read_dataset("jamaica"))
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/api/referrals", headers={"Host": "evil.example:8765"}).status_code == 400
    assert client.get("/", headers={"Host": "localhost:8765"}).status_code == 200
    allowed = desk(read_dataset("jamaica"), allow_hosts=("desk.agency.example",))
    assert allowed.get("/", headers={"Host": "desk.agency.example"}).status_code == 200


def test_posts_without_origin_or_token_get_403_and_write_nothing(desk) -> None:
    client = desk(read_dataset("jamaica"))
    body = {"actor": "ent_kgn_g01", "service": "pattern_making", "provider": "kingston_atc", "status": "open"}
    token = csrf_of(client)
    assert client.post("/api/referrals", json=body, headers={"Origin": "http://evil.example",
                                                             "X-CSRF-Token": token}).status_code == 403
    assert client.post("/api/referrals", json=body, headers={"X-CSRF-Token": token}).status_code == 403
    assert client.post("/api/referrals", json=body, headers={"Origin": BASE}).status_code == 403
    assert client.post("/api/referrals", json=body, headers={"Origin": BASE, "X-CSRF-Token": "x"}).status_code == 403
    form = {**body, "csrf": token}
    assert client.post("/referrals", data=form, headers={"Origin": "http://evil.example"}).status_code == 403
    assert client.post("/referrals", data={**body, "csrf": "wrong"}, headers={"Origin": BASE}).status_code == 403
    assert client.post("/referrals", data=body, headers={"Referer": BASE + "/refer"}).status_code == 403
    assert client.get("/api/referrals").json()["referrals"] == []
    # the same form from the desk itself is accepted
    ok = client.post("/referrals", data=form, headers={"Referer": BASE + "/refer?x=1"})
    assert ok.status_code == 303 and len(client.get("/api/referrals").json()["referrals"]) == 1
    rid = client.get("/api/referrals").json()["referrals"][0]["id"]
    patch = client.patch(f"/api/referrals/{rid}", json={"status": "served"}, headers={"Origin": "http://evil.example",
                                                                                       "X-CSRF-Token": token})
    assert patch.status_code == 403
    assert client.get("/api/referrals").json()["referrals"][0]["status"] == "open"


def test_session_cookie_is_httponly_and_strict(desk) -> None:
    cookie = desk(read_dataset("jamaica")).get("/").headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def _users(tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "users"
    add_user(path, "ann", "s3cret-pass")
    return read_users(path)


def test_with_users_every_page_and_api_call_needs_a_login(desk, tmp_path: Path, caplog) -> None:
    client = desk(read_dataset("jamaica"), users=_users(tmp_path))
    for url in ("/", "/referrals", "/gaps", "/bottlenecks", "/map", "/map/embed", "/client?id=ent_kgn_g01",
                "/refer?actor=ent_kgn_g01&service=cad_design", "/slip?actor=a&service=b&provider=c"):
        r = client.get(url)
        assert r.status_code == 303 and r.headers["location"] == "/login", url
    for url in ("/api/refer?actor=ent_kgn_g01&service=cad_design", "/api/gaps", "/api/bottlenecks",
                "/api/referrals"):
        assert client.get(url).status_code == 401, url
    token = csrf_of(client) if client.get("/api/csrf").status_code == 200 else None
    assert token is None  # not even the token is handed out before a login
    login_page = client.get("/login")
    assert login_page.status_code == 200
    token = re.search(r'name="csrf" value="([^"]+)"', login_page.text).group(1)
    with caplog.at_level(logging.DEBUG):
        wrong = client.post("/login", data={"csrf": token, "user": "ann", "password": "guess-Pa55"},
                            headers={"Origin": BASE})
        unknown = client.post("/login", data={"csrf": token, "user": "bob", "password": "guess-Pa55"},
                              headers={"Origin": BASE})
    assert wrong.status_code == 403 and unknown.status_code == 403
    assert "Wrong user name or password" in wrong.text
    assert "guess-Pa55" not in caplog.text and "guess-Pa55" not in wrong.text
    assert client.get("/api/referrals").status_code == 401
    ok = client.post("/login", data={"csrf": token, "user": "ann", "password": "s3cret-pass"},
                     headers={"Origin": BASE})
    assert ok.status_code == 303
    assert client.get("/api/referrals").status_code == 200
    assert client.get("/").status_code == 200 and "ann" in client.get("/").text


def test_host_other_than_loopback_needs_users(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["serve", "jamaica", "--host", "0.0.0.0"])
    assert r.exit_code == 2
    assert "--users" in r.output and "Traceback" not in r.output


def test_a_bad_users_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "users"
    bad.write_text("ann:plaintext-password\n")
    r = CliRunner().invoke(main, ["serve", "jamaica", "--users", str(bad), "--port", "0"])
    assert r.exit_code == 2 and "line 1" in r.output and "plaintext-password" not in r.output
    r = CliRunner().invoke(main, ["serve", "jamaica", "--users", str(tmp_path / "missing"), "--port", "0"])
    assert r.exit_code == 2 and "users file" in r.output


def test_adduser_writes_a_hash_never_the_password(tmp_path: Path) -> None:
    users = tmp_path / "users"
    r = CliRunner().invoke(main, ["serve", "adduser", "--users", str(users), "ann"],
                           input="correct-horse\ncorrect-horse\n")
    assert r.exit_code == 0, r.output
    text = users.read_text()
    assert "correct-horse" not in text and "correct-horse" not in r.output
    assert list(read_users(users)) == ["ann"]
    r = CliRunner().invoke(main, ["serve", "adduser", "--users", str(users), "--password-stdin", "bob"],
                           input="short\n")
    assert r.exit_code == 2 and "8 characters" in r.output


def test_private_actors_show_as_their_kind_unless_included(desk) -> None:
    eco = read_dataset("honduras")
    private = eco.actors[eco.actors["private"].to_numpy(dtype=bool)]
    actor = str(private.index[0])
    name = str(private.loc[actor, "name"])
    client = desk(eco)
    found = client.get("/", params={"q": name}).text
    assert f"/client?id={actor}" not in found and "No client matches" in found
    assert f"/client?id={actor}" in desk(eco, include_private=True).get("/", params={"q": name}).text
    page = client.get("/client", params={"id": actor})
    assert page.status_code == 200 and name not in page.text and "Enterprise (private)" in page.text
    service = str(eco.needs.loc[eco.needs["actor"] == actor, "service"].iloc[0])
    assert name not in client.get("/refer", params={"actor": actor, "service": service}).text
    region = str(private.loc[actor, "region"])
    assert name not in client.get("/gaps/cell", params={"service": service, "region": region}).text
    shown = desk(eco, include_private=True)
    assert name in shown.get("/client", params={"id": actor}).text


def test_a_flood_of_visitors_without_a_cookie_does_not_log_users_out(monkeypatch) -> None:
    # every request without a session cookie gets a session; the store is bounded, and the
    # sessions that go when it is full are the anonymous ones, oldest first
    from instnet.desk import security

    monkeypatch.setattr(security, "MAX_SESSIONS", 5)
    sessions = security.Sessions()
    first_visitor = sessions.new()
    ann = sessions.new(user="ann")
    for _ in range(50):
        latest = sessions.new()
    assert sessions.get(ann.token) is ann
    assert sessions.get(latest.token) is latest
    assert sessions.get(first_visitor.token) is None
    for name in ("bob", "cy", "dee", "eve", "fay"):  # all logged in: then the oldest goes
        sessions.new(user=name)
    assert sessions.get(ann.token) is None

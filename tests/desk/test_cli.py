"""``instnet serve`` refuses to start with a clear message (exit 2) on bad input."""

from __future__ import annotations

import socket
from pathlib import Path

from click.testing import CliRunner

from instnet.cli import main


def test_a_bad_dataset_exits_2(tmp_path: Path) -> None:
    (tmp_path / "actors.csv").write_text("id,name\n")
    r = CliRunner().invoke(main, ["serve", str(tmp_path), "--port", "0"])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "actors.csv" in r.output
    r = CliRunner().invoke(main, ["serve", "jamaika", "--port", "0"])
    assert r.exit_code == 2 and "jamaica" in r.output


def test_a_port_in_use_exits_2() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        r = CliRunner().invoke(main, ["serve", "jamaica", "--port", str(port)])
    assert r.exit_code == 2 and f"127.0.0.1:{port}" in r.output and "Traceback" not in r.output


def test_serve_help_shows_the_options() -> None:
    r = CliRunner().invoke(main, ["serve", "jamaica", "--help"])
    assert r.exit_code == 0 and "--users" in r.output and "--allow-host" in r.output


def test_connections_to_the_desk_are_sent_without_nagle_delay() -> None:
    # a response leaves as two writes (headers, body): with Nagle's algorithm the second waits for
    # the client's delayed acknowledgement, about 40 ms on Linux, on every page
    from instnet.cli.desk_cmd import _bind

    listener = _bind("127.0.0.1", 0)
    try:
        with socket.create_connection(listener.getsockname()[:2]):
            conn, _addr = listener.accept()
            with conn:
                assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        listener.close()

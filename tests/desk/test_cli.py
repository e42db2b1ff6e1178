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

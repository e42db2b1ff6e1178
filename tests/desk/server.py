"""Start a real desk (``instnet serve`` in a subprocess, uvicorn on a free port) for tests."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

STARTUP_SECONDS = 120


@dataclass
class Desk:
    proc: subprocess.Popen
    url: str
    log: Path
    stderr: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def start_desk(dataset: str, folder: Path, *args: str) -> Desk:
    """Run ``instnet serve DATASET --port 0`` in ``folder``; return once it answers."""
    log = folder / "desk.sqlite"
    err = folder / "desk.stderr"
    cmd = [sys.executable, "-m", "instnet", "serve", dataset, "--port", "0", "--log", str(log), *args]
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb"}
    proc = subprocess.Popen(cmd, cwd=folder, stdout=subprocess.DEVNULL, stderr=err.open("wb"), env=env)
    deadline = time.time() + STARTUP_SECONDS
    url = None
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the desk exited with {proc.returncode}: {err.read_text()}")
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", err.read_text(errors="replace"))
        if found:
            url = f"http://127.0.0.1:{found.group(1)}"
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=5) as r:
                    if r.status == 200:
                        return Desk(proc, url, log, err)
            except OSError:
                pass  # not listening yet: try again after the pause below
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"the desk did not start within {STARTUP_SECONDS} s: {err.read_text()}")


def csrf(opener: urllib.request.OpenerDirector, url: str) -> str:
    """The CSRF token of the opener's session."""
    with opener.open(url + "/api/csrf", timeout=10) as r:
        return json.loads(r.read())["csrf"]

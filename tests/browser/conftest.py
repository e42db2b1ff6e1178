"""Headless Chromium (Debian's package) driven by Playwright for the browser tests.

Every test here is marked ``browser``. Without ``/usr/bin/chromium`` they are
skipped, except under CI (``CI=true``) where that is a failure.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("INSTNET_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
BUILTINS = ("jamaica", "honduras", "nicaragua", "mexico")
INJECTIONS = ("<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>")
SECRET = "Secret Holdings Confidential"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        msg = f"chromium not found at {CHROMIUM}"
        if os.environ.get("CI") == "true":
            pytest.fail(msg + " (CI=true: the browser tests must run)")
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@dataclass
class Opened:
    page: object
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def external(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("file://", "data:"))]

    def js(self, expr: str):
        # a function (not a bare string): the page's CSP forbids eval
        return self.page.evaluate(f"() => {expr}")


@pytest.fixture
def open_page(browser):
    """Open a local HTML file, record requests, console errors and dialogs; wait for the map."""
    contexts = []

    def _open(path: Path, *, wait_map: bool = True) -> Opened:
        ctx = browser.new_context(viewport={"width": 1400, "height": 950})
        contexts.append(ctx)
        page = ctx.new_page()
        o = Opened(page)
        page.on("request", lambda r: o.requests.append(r.url))
        page.on("console", lambda m: o.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: o.console_errors.append(str(e)))

        def on_dialog(d):
            o.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)
        # anything that is not the file itself is refused (and recorded above)
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                   else route.abort())
        page.goto(Path(path).resolve().as_uri())
        if wait_map:
            page.wait_for_selector("body[data-map-ready=true]", state="attached", timeout=60000)
        return o

    yield _open
    for ctx in contexts:
        ctx.close()


def hostile_ecosystem():
    """A small valid ecosystem whose every text field tries to inject markup, plus a private actor."""
    from instnet import Ecosystem

    a, b = INJECTIONS
    return Ecosystem.from_records(
        actors=[
            {"id": a, "name": a, "kind": "enterprise", "region": b, "sector": a, "description": b},
            {"id": "e2", "name": b, "kind": "enterprise", "region": "North", "sector": "food"},
            {"id": "e3", "name": "Plain & Simple <b>Bold</b>", "kind": "enterprise", "region": "North"},
            {"id": "secret_co", "name": SECRET, "kind": "enterprise", "region": "North", "private": "true",
             "description": "private description " + SECRET},
            {"id": "net", "name": "Net href=javascript:alert(1)", "kind": "network", "region": "North"},
            {"id": "brk", "name": "Broker <a href=\"javascript:alert(1)\">x</a>", "kind": "broker"},
            {"id": "prov", "name": b + " Provider", "kind": "bds_provider", "region": "North"},
        ],
        services=[{"id": "s1", "name": a, "category": "training"},
                  {"id": "s2", "name": b, "category": "finance"}],
        offers=[{"actor": "prov", "service": "s1"}],
        needs=[{"actor": a, "service": "s1"}, {"actor": "e2", "service": "s2"},
               {"actor": "secret_co", "service": "s1"}, {"actor": "e3", "service": "s1"}],
        links=[{"source": a, "target": "net", "type": "member_of"},
               {"source": "e2", "target": "brk", "type": "client_of"},
               {"source": "secret_co", "target": "brk", "type": "client_of"},
               {"source": "net", "target": "brk", "type": "brokered_by"},
               {"source": "brk", "target": "prov", "type": "refers_to"}],
        meta={"name": a, "country": b, "description": a + b},
    )

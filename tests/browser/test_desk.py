"""The referral desk in a real browser: the broker's whole flow, on Jamaica and a Spanish-named dataset."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from instnet.io.write import write_dataset

from desk.deskdata import spanish
from desk.server import start_desk

pytestmark = pytest.mark.browser


@pytest.fixture
def opened(browser):
    """``opened(desk)`` -> a page that records requests and console errors and may only reach the desk."""
    contexts = []

    def make(desk):
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(ctx)
        page = ctx.new_page()
        page.requests, page.errors = [], []
        page.on("request", lambda r: page.requests.append(r.url))
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(desk.url + "/")
                   else route.abort())
        return page

    yield make
    for ctx in contexts:
        ctx.close()


def _clean(page, desk) -> None:
    assert page.errors == []
    assert [u for u in page.requests if not u.startswith(desk.url + "/")] == []


def _broker_flow(page, desk, *, search: str, found: str, service: str, provider: str) -> None:
    page.goto(desk.url + "/")
    page.fill("#q", search)
    page.click("form[role=search] button")
    page.click(f"ul.results a:has-text('{found}')")
    assert page.locator("h1").inner_text() == found
    page.select_option("#service", label=service)
    page.click("form.inline button")
    first = page.locator("li.provider").first
    assert provider in first.locator("h3").inner_text()
    assert first.locator("ol.steps li").count() >= 1
    assert first.locator("dl.contact").count() == 1
    # the slip: printable, with the provider and the path
    page.click("li.provider >> nth=0 >> a.button")
    assert provider in page.locator("article.slip").inner_text()
    page.wait_for_load_state("load")
    page.emulate_media(media="print")
    expect(page.locator("nav.slipnav")).to_be_hidden()
    page.emulate_media(media="screen")
    page.go_back()
    # record it, then change its status
    form = page.locator("li.provider >> nth=0 >> form.record")
    form.locator("input[name=broker]").fill("Ana")
    form.locator("input[name=note]").fill("llamar el lunes")
    form.locator("button").click()
    assert "Recorded" in page.locator("p.saved").inner_text()
    rid = page.locator("h1").inner_text().split()[-1]
    page.select_option("form.status-form select[name=status]", "served")
    page.click("form.status-form button")
    assert "served" in page.locator("dd.status").inner_text()
    page.goto(desk.url + "/referrals")
    row = page.locator(f"tr#ref-{rid}")
    assert row.count() == 1 and "served" in row.locator("td.status").inner_text()
    assert "Ana" in row.inner_text()


def _gaps_drill_down(page, desk) -> None:
    page.goto(desk.url + "/gaps")
    page.locator("table.gaps a").first.click()
    reasons = page.locator("td.reason")
    assert reasons.count() >= 1
    assert reasons.first.get_attribute("data-reason") in ("no_provider", "out_of_scope", "no_path", "too_far")


def test_broker_flow_on_jamaica(opened, tmp_path: Path) -> None:
    desk = start_desk("jamaica", tmp_path)
    try:
        page = opened(desk)
        _broker_flow(page, desk, search="stitch", found="Kingston Stitch Works",
                     service="Computerised pattern making and grading", provider="Apparel Technical Centre")
        _gaps_drill_down(page, desk)
        # an unmet need shows why, and which providers cannot take the client
        page.goto(desk.url + "/refer?actor=ent_kgn_g01&service=credit")
        assert page.locator("p.reason").count() == 1
        page.goto(desk.url + "/map")
        frame = page.frame_locator("iframe.map")
        frame.locator("body[data-map-ready=true]").wait_for(state="attached", timeout=60000)
        _clean(page, desk)
    finally:
        desk.stop()


def test_broker_flow_on_a_spanish_named_dataset(opened, tmp_path: Path) -> None:
    folder = write_dataset(spanish(), tmp_path / "sps")
    desk = start_desk(str(folder), tmp_path)
    try:
        page = opened(desk)
        _broker_flow(page, desk, search="pena", found="Confecciones Peña", service="Diseño de patrones",
                     provider="Instituto de Diseño Textil")
        assert page.locator("html").get_attribute("lang") == "en"
        # a walk-in from a region no provider covers gets the reason
        page.goto(desk.url + "/")
        page.select_option("#region", "Olancho")
        page.select_option("#via", label="CERTEC (Centro de Servicios Empresariales)")
        page.select_option("#service", label="Diseño de patrones")
        page.click("form[action='/refer'] button")
        assert "out_of_scope" in page.locator("p.reason").inner_text()
        assert "Instituto de Diseño Textil" in page.locator("table").inner_text()
        _gaps_drill_down(page, desk)
        _clean(page, desk)
    finally:
        desk.stop()


def test_the_desk_in_spanish(opened, tmp_path: Path) -> None:
    """``instnet serve honduras --lang es``: Spanish pages, labels and numbers; search ignores accents."""
    desk = start_desk("honduras", tmp_path, "--lang", "es")
    try:
        page = opened(desk)
        page.goto(desk.url + "/")
        assert page.locator("html").get_attribute("lang") == "es"
        assert page.locator("h1").first.inner_text() == "Buscar un cliente"
        # no accents and no capitals typed: "metalurgica reyes" finds "Metalúrgica Reyes"
        page.fill("#q", "metalurgica reyes")
        page.click("form[role=search] button")
        hit = page.locator("ul.results li").first
        assert hit.locator("a").inner_text() == "Metalúrgica Reyes" and "empresa" in hit.inner_text()
        hit.locator("a").click()
        page.select_option("#service", label="Laboratorio de ensayo de materiales")
        page.click("form.inline button")
        first = page.locator("li.provider").first
        assert "Laboratorio de Materiales, UNAH" in first.locator("h3").inner_text()
        assert "fuerza 0,56" in first.inner_text()  # a decimal comma
        form = first.locator("form.record")
        form.locator("input[name=broker]").fill("Ana")
        form.locator("button").click()
        assert page.locator("p.saved").inner_text() == "Anotada en el registro de referencias."
        page.select_option("form.status-form select[name=status]", "served")
        page.click("form.status-form button")
        assert page.locator("dd.status").inner_text() == "cliente atendido"
        page.goto(desk.url + "/gaps")
        assert page.locator("h1").inner_text() == "Cobertura por servicio y región"
        assert "," in page.locator("p.big").inner_text() and "%" in page.locator("p.big").inner_text()
        _gaps_drill_down(page, desk)
        page.goto(desk.url + "/bottlenecks")
        assert "articulador de redes" in page.locator("table").inner_text()
        _clean(page, desk)
    finally:
        desk.stop()

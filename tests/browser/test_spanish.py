"""The Spanish map and report in headless Chromium: page language, Spanish words, search without accents."""

from __future__ import annotations

import re

import pytest

from instnet import read_dataset
from instnet.i18n import set_language
from instnet.render.html import write_map
from instnet.render.report import write_report

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def spanish_pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("es")
    eco = read_dataset("honduras")
    set_language("es")
    try:
        write_map(eco, folder / "map.html")
        write_report(eco, folder / "report.html")
    finally:
        set_language("en")
    return folder, eco


def _search(o, text: str) -> tuple[list[str], str]:
    o.page.fill("#instnet-search", text)
    o.page.press("#instnet-search", "Enter")
    return o.js("window.instnetMap.network.getSelectedNodes()"), o.page.inner_text("#instnet-status")


@pytest.mark.parametrize("page", ["map.html", "report.html"])
def test_spanish_page_searches_without_accents(spanish_pages, open_page, page: str) -> None:
    folder, eco = spanish_pages
    o = open_page(folder / page)
    assert o.js("document.documentElement.lang") == "es"
    assert o.page.inner_text("#instnet-reset") == "Mostrar todo"
    assert "Se muestran" in o.page.inner_text("#instnet-status")
    # "camara de comercio e industrias de cortes" (no accents, lower case) finds the chamber
    name = eco.actors.at["ccic", "name"]
    assert name == "Cámara de Comercio e Industrias de Cortés"
    selected, status = _search(o, "camara de comercio e industrias de cortes")
    assert selected == ["ccic"] and status == f"Encontrado: {name}."
    # a part of a name, accents typed where the name has none and missing where it has them
    selected, _ = _search(o, "METALURGICA REYES")
    assert selected == ["ent_fm_mw_01"] and eco.actors.at["ent_fm_mw_01", "name"] == "Metalúrgica Reyes"
    _, status = _search(o, "zzz no existe")
    assert status == "Ningún actor coincide con «zzz no existe»."
    assert o.console_errors == [] and o.external == []


def test_spanish_report_reads_spanish(spanish_pages, open_page) -> None:
    folder, _eco = spanish_pages
    o = open_page(folder / "report.html")
    headings = o.page.locator("section h2").all_inner_texts()
    assert headings[:4] == ["El ecosistema en cifras", "Cobertura", "Grupos con más necesidades no atendidas",
                            "Cuellos de botella de la derivación"]
    # Spanish percentages: a space (no-break) before the sign
    assert re.fullmatch(r"\d{1,3}\s%", o.page.inner_text(".coverage .big"))

"""Spanish everywhere a person reads: complete catalogues, no English left, --lang, labels, numbers."""

from __future__ import annotations

import html
import importlib.util
import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from click.testing import CliRunner

from instnet import read_dataset
from instnet.cli import main
from instnet.cli.lang import lang_in
from instnet.i18n import current_language, format_percent, language_from_env, set_language
from instnet.io.validate import read_labels
from instnet.labels import VOCABULARIES, code_for, label

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
i18n_tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(i18n_tool)


@pytest.fixture(autouse=True)
def english_after():
    yield
    set_language("en")


@pytest.fixture(scope="module")
def template() -> Catalog:
    return i18n_tool.extract()


@pytest.fixture(scope="module")
def spanish() -> Catalog:
    return i18n_tool.read_catalogue("es")


# ----------------------------------------------------------------- catalogue complete


def test_every_string_is_in_the_spanish_catalogue_translated_and_compiled(template: Catalog) -> None:
    # what `pybabel extract` finds (code, templates, click) plus every command's help text
    assert len(template) > 400
    assert i18n_tool.problems(template, "es") == []


def test_a_new_untranslated_string_fails_the_check(template: Catalog) -> None:
    grown = Catalog(locale="en", domain="instnet")
    for msg in template:
        if msg.id:
            grown.add(msg.id)
    grown.add("A sentence nobody has translated yet.")
    assert i18n_tool.problems(grown, "es") == ["es: missing 'A sentence nobody has translated yet.'"]


def test_help_texts_of_the_command_tree_are_extracted(template: Catalog) -> None:
    for text in ("Show this message and exit.", "Usage:", "Output format.",
                 "Service gaps: coverage of needs overall and per group, worst groups first."):
        assert template.get(text) is not None, text


# ----------------------------------------------------------------- no English left


def _fragments(msgid: str) -> list[str]:
    """The literal pieces of an English msgid that a leak would show (two words or more)."""
    pieces = re.split(r"\{[^}]*\}|%\([^)]*\)[sd]|%%|<[^>]+>|\n|\x08", msgid)
    return [p.strip(" .,:;()[]-—") for p in pieces if len(p.strip(" .,:;()[]-—").split()) >= 2]


def english_leaks(text: str, catalogue: Catalog) -> list[str]:
    """English catalogue phrases (whose Spanish differs) that appear in ``text``."""
    found = []
    for msg in catalogue:
        if not msg.id or isinstance(msg.id, tuple):
            ids, strings = (msg.id, msg.string) if msg.id else ((), ())
        else:
            ids, strings = (msg.id,), (msg.string,)
        for english, spanish in zip(ids, strings):
            if english == spanish:
                continue
            found += [f for f in _fragments(english) if f not in spanish
                      and re.search(r"(?<!\w)" + re.escape(f) + r"(?!\w)", text)]
    return sorted(set(found))


def _page_text(page: str) -> str:
    """What a reader of an HTML page sees: text, attributes and the map's data, not the vendored code."""
    data = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', page, flags=re.S)
    page = re.sub(r"<script\b.*?</script>|<style\b.*?</style>", " ", page, flags=re.S)
    return html.unescape(page) + "\n".join(json.dumps(json.loads(d), ensure_ascii=False) for d in data)


def _commands(group, path=()):
    yield path
    for name, cmd in sorted(getattr(group, "commands", {}).items()):
        yield from _commands(cmd, (*path, name))


def test_every_help_is_spanish(spanish: Catalog) -> None:
    runner = CliRunner()
    paths = list(_commands(main))
    assert len(paths) > 15
    for path in paths:
        res = runner.invoke(main, [*path, "--help", "--lang", "es"])
        assert res.exit_code == 0, (path, res.output)
        assert "Uso:" in res.output and "Opciones:" in res.output, path
        assert english_leaks(res.output, spanish) == [], path


@pytest.mark.parametrize("args", [("gaps", "honduras", "--unmet"), ("refer", "honduras", "ent_cho_fp_01", "credit"),
                                  ("bottlenecks", "honduras", "--top", "3"), ("info", "nicaragua"),
                                  ("recommend", "mexico", "--budget", "2"), ("validate", "honduras"),
                                  ("diff", "nicaragua", "--from", "1996", "--to", "1999"),
                                  ("trend", "honduras", "--from", "1997", "--to", "1998"),
                                  ("bottlenecks", "mexico", "--remove", "csd_chihuahua")])
def test_command_output_is_spanish(spanish: Catalog, args) -> None:
    res = CliRunner().invoke(main, [*args, "--lang", "es"])
    assert res.exit_code == 0, res.output
    assert english_leaks(res.output, spanish) == []


def test_spanish_report_and_map_have_no_english(spanish: Catalog, tmp_path: Path) -> None:
    runner = CliRunner()
    for args in (["report", "honduras"], ["export", "html", "honduras"], ["report", "mexico", "--format", "md"]):
        out = tmp_path / ("out.md" if "md" in args else "out.html")
        res = runner.invoke(main, [*args, "-o", str(out), "--lang", "es"])
        assert res.exit_code == 0, res.output
        text = out.read_text(encoding="utf-8")
        assert english_leaks(_page_text(text) if out.suffix == ".html" else text, spanish) == [], args
        if out.suffix == ".html":
            assert '<html lang="es">' in text


def test_the_leak_check_finds_english(spanish: Catalog) -> None:
    assert english_leaks("Uso: instnet gaps\n\nShow this message and exit.", spanish) == ["Show this message and exit"]


# ----------------------------------------------------------------- choosing the language


def test_lang_option_beats_environment_beats_locale() -> None:
    runner = CliRunner()
    assert "Uso:" in runner.invoke(main, ["--help"], env={"INSTNET_LANG": "es"}).output
    assert "Usage:" in runner.invoke(main, ["--help", "--lang", "en"], env={"INSTNET_LANG": "es"}).output
    assert "Uso:" in runner.invoke(main, ["gaps", "--help"], env={"INSTNET_LANG": "", "LANG": "es_HN.UTF-8"}).output
    assert "Usage:" in runner.invoke(main, ["gaps", "--help"], env={"INSTNET_LANG": "", "LANG": "C",
                                                                     "LC_ALL": ""}).output
    assert language_from_env({"LC_ALL": "es_MX.UTF-8"}) == "es"
    assert lang_in(["neo4j", "server", "status", "--lang=es"]) == "es"


def test_click_errors_are_spanish() -> None:
    res = CliRunner().invoke(main, ["gaps", "honduras", "--nope", "--lang", "es"])
    assert res.exit_code == 2 and "No existe la opción '--nope'" in res.output
    res = CliRunner().invoke(main, ["refer", "honduras", "--lang", "es"])
    assert res.exit_code == 2 and "Falta un argumento" in res.output
    res = CliRunner().invoke(main, ["gaps", "honduras", "--lang", "fr"])
    assert res.exit_code == 2 and "--lang" in res.output


def test_instnet_errors_are_spanish() -> None:
    res = CliRunner().invoke(main, ["refer", "honduras", "ent_cho_fp_0", "credit", "--lang", "es"])
    assert res.exit_code == 2
    assert "actor desconocido 'ent_cho_fp_0'; ¿quiso decir" in res.output


def test_json_keeps_codes_and_plain_numbers() -> None:
    runner = CliRunner()
    en = runner.invoke(main, ["gaps", "honduras", "--unmet", "--format", "json", "--lang", "en"]).output
    es = runner.invoke(main, ["gaps", "honduras", "--unmet", "--format", "json", "--lang", "es"]).output
    assert json.loads(es) == json.loads(en)
    csv_es = runner.invoke(main, ["bottlenecks", "honduras", "--format", "csv", "--lang", "es"]).output
    assert csv_es == runner.invoke(main, ["bottlenecks", "honduras", "--format", "csv"]).output
    assert "broker" in csv_es and "articulador" not in csv_es


def test_tables_use_labels_and_spanish_numbers() -> None:
    eco = read_dataset("honduras")
    out = CliRunner().invoke(main, ["gaps", "honduras", "--lang", "es"]).output
    served = int(eco.needs.shape[0])  # every need of honduras is counted
    assert f"de {served} necesidades atendidas" in out
    assert re.search(r"\(\d\d,\d\s%\)", out)  # 83,1 % — decimal comma, space before the sign
    info = CliRunner().invoke(main, ["info", "honduras", "--lang", "es", "--no-indicators"]).output
    assert "articulador de redes" in info and "proveedor de SDE" in info and "bds_provider" not in info


def test_numbers_follow_the_language() -> None:
    set_language("es")
    assert format_percent(0.831, 1) == "83,1\xa0%"
    set_language("en")
    assert format_percent(0.831, 1) == "83.1%"
    assert current_language() == "en"


# ----------------------------------------------------------------- labels


def test_every_code_has_a_label_in_each_language() -> None:
    for vocabulary, codes in VOCABULARIES.items():
        set_language("es")
        spanish = {code: label(vocabulary, code) for code in codes}
        set_language("en")
        english = {code: label(vocabulary, code) for code in codes}
        for code in codes:
            assert english[code] and spanish[code], (vocabulary, code)
        # the Spanish labels name each code once
        assert len(set(spanish.values())) == len(codes), vocabulary


@pytest.mark.parametrize("vocabulary,text,code", [
    ("kind", "empresa", "enterprise"), ("kind", "Articulador de redes", "broker"),
    ("kind", "centro especialisado", "specialized_centre"), ("kind", "BDS provider", "bds_provider"),
    ("kind", "specialised centre", "specialized_centre"), ("type", "cliente de", "client_of"),
    ("type", "Deriva a", "refers_to"), ("category", "capacitacion", "training"), ("size", "Pequeña", "small"),
    ("fee", "subsidiado", "subsidised"), ("kind", "banana", None), ("type", "", None),
])
def test_code_for_reads_labels_and_misspellings(vocabulary: str, text: str, code: str | None) -> None:
    assert code_for(vocabulary, text) == code


def test_validation_accepts_labels_with_a_warning(tmp_path: Path, caplog) -> None:
    src = ROOT / "datasets" / "honduras"
    for f in src.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    actors = (tmp_path / "actors.csv").read_text(encoding="utf-8")
    actors = actors.replace(",enterprise,", ",empresa,").replace(",broker,", ",Articulador de redes,", 1)
    (tmp_path / "actors.csv").write_text(actors, encoding="utf-8")
    links = (tmp_path / "links.csv").read_text(encoding="utf-8").replace(",client_of", ",cliente de")
    (tmp_path / "links.csv").write_text(links, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="instnet"):
        eco = read_dataset(tmp_path)
    original = read_dataset("honduras")
    assert eco.actors["kind"].tolist() == original.actors["kind"].tolist()
    assert eco.links["type"].tolist() == original.links["type"].tolist()
    said = "\n".join(r.getMessage() for r in caplog.records)
    assert "'empresa' read as kind 'enterprise' (138 rows)" in said
    assert "'cliente de' read as type 'client_of'" in said
    # the command line shows the warning (in Spanish with --lang es) and the data validates
    res = subprocess.run([sys.executable, "-m", "instnet", "validate", str(tmp_path), "--lang", "es"],
                         capture_output=True, text=True)
    assert res.returncode == 0 and "'empresa' se leyó como tipo 'enterprise' (138 filas)" in res.stderr


def test_unknown_label_is_still_an_error() -> None:
    import pandas as pd

    from instnet.io.read import RawTable

    raw = RawTable("actors.csv", pd.DataFrame({"kind": ["banana"]}), lambda i: i + 2)
    assert read_labels({"actors": raw})["actors"].frame["kind"].tolist() == ["banana"]


def test_bad_input_is_reported_in_spanish(tmp_path: Path) -> None:
    src = ROOT / "datasets" / "honduras"
    for f in src.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    actors = (tmp_path / "actors.csv").read_text(encoding="utf-8").replace(",Cortés,small,", ",Cortés,enorme,", 1)
    (tmp_path / "actors.csv").write_text(actors, encoding="utf-8")
    links = (tmp_path / "links.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "links.csv").write_text("\n".join([*links, "certec,certec,refers_to,,,"]) + "\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["validate", str(tmp_path), "--lang", "es"])
    assert res.exit_code == 2
    assert "error: 2 problemas en el conjunto de datos" in res.output
    assert "actors.csv, fila" in res.output and "columna 'size': 'enorme' no es uno de micro, small" in res.output
    assert "columna 'target': un vínculo no puede unir a un actor consigo mismo" in res.output

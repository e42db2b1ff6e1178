"""Extract, update and compile instnet's gettext catalogues (run it through ``scripts/i18n``).

Three sources make the template ``instnet/locale/instnet.pot``:

* every string marked with ``_``/``N_``/``ngettext`` in instnet's Python code and
  ``{{ _("…") }}`` in its jinja2 templates (``babel.cfg``);
* click's own messages ("Usage:", "Options", "Error: No such option …"), extracted
  from the installed click package the same way, because instnet translates them
  in its own catalogue (see ``instnet/cli/lang.py``);
* the help text of every command and option, read from the command tree (click
  keeps docstrings and ``help=`` strings as written; they are translated when shown).

``update`` merges the template into each language's ``.po`` (new strings come in
empty, for a translator to fill in) and compiles the ``.mo`` files that ship in the
wheel. ``problems`` lists what a catalogue lacks; the test suite calls it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "instnet"
LOCALE = PKG / "locale"
POT = LOCALE / "instnet.pot"
DOMAIN = "instnet"
TRANSLATED = ("es",)


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _extracted(folder: Path) -> Iterable[str | tuple[str, ...]]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, str(ROOT / "babel.cfg"))
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(folder), method_map, options_map, keywords=DEFAULT_KEYWORDS):
        yield message


def extract() -> Catalog:
    """The template catalogue: every string a person may read, from the three sources."""
    from instnet.cli import main
    from instnet.cli.lang import help_texts

    template = Catalog(project="instnet", domain=DOMAIN, charset="utf-8", fuzzy=False)
    for folder in (PKG, Path(click.__file__).parent):
        for message in _extracted(folder):
            if message and (message[0] if isinstance(message, tuple) else message).strip():
                template.add(message)
    for text in help_texts(main):
        template.add(text)
    return template


def read_catalogue(lang: str) -> Catalog:
    with po_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def problems(template: Catalog, lang: str) -> list[str]:
    """What the ``lang`` catalogue lacks: missing, empty or fuzzy entries, a stale ``.mo``."""
    cat = read_catalogue(lang)
    out = []
    for msg in template:
        if not msg.id:
            continue
        have = cat.get(msg.id)
        key = msg.id[0] if isinstance(msg.id, tuple) else msg.id
        if have is None:
            out.append(f"{lang}: missing {key!r}")
        elif have.fuzzy:
            out.append(f"{lang}: fuzzy {key!r}")
        elif not all(have.string if isinstance(have.string, tuple) else (have.string,)):
            out.append(f"{lang}: untranslated {key!r}")
    mo = po_path(lang).with_suffix(".mo")
    if not mo.exists():
        out.append(f"{lang}: {mo.name} is missing (run scripts/i18n)")
    else:
        with mo.open("rb") as fh:
            compiled = {_key(m.id): _key(m.string) for m in read_mo(fh) if m.id and all(_key(m.string))}
        wanted = {_key(m.id): _key(m.string) for m in cat if m.id and not m.fuzzy and all(_key(m.string))}
        if compiled != wanted:
            out.append(f"{lang}: {mo.name} is older than {po_path(lang).name} (run scripts/i18n)")
    return out


def _key(value: str | tuple[str, ...] | list[str]) -> str | tuple[str, ...]:
    return tuple(value) if isinstance(value, list | tuple) else (value,)


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, no_location=True, sort_output=True, ignore_obsolete=True)


def update() -> None:
    """Write the template, merge it into every ``.po`` and compile the ``.mo`` files."""
    template = extract()
    if POT.exists():  # same strings as before: keep the date, so a rerun changes no file
        with POT.open("rb") as fh:
            old = read_po(fh)
        if {m.id for m in old} == {m.id for m in template}:
            template.creation_date = old.creation_date
    _write(template, POT)
    for lang in TRANSLATED:
        path = po_path(lang)
        if path.exists():
            cat = read_catalogue(lang)
        else:
            cat = Catalog(locale=lang, domain=DOMAIN, project="instnet", charset="utf-8", fuzzy=False)
        cat.update(template, no_fuzzy_matching=True)
        _write(cat, path)
        with path.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, cat, use_fuzzy=False)
        left = [p for p in problems(template, lang) if ".mo" not in p]
        print(f"{lang}: {len(template)} strings, {len(left)} to translate")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report what the catalogues lack")
    args = parser.parse_args(argv)
    if not args.check:
        update()
    template = extract()
    found = [p for lang in TRANSLATED for p in problems(template, lang)]
    for line in found[:200]:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

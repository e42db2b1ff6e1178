"""Validation of exported HSDS packages with frictionless (shared by the HSDS tests)."""

from __future__ import annotations

import json
from pathlib import Path

import frictionless

from instnet.io.hsds import SPEC_DIR


def assert_valid_hsds(folder: Path) -> None:
    """frictionless validates the package, whose HSDS resources carry the shipped official
    HSDS 3.0 schemas verbatim (so this is validation against the official schema: types,
    formats, required values, keys and foreign keys), plus the instnet resources."""
    official = json.loads((SPEC_DIR / "datapackage.json").read_text(encoding="utf-8"))
    written = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    for resource in official["resources"]:
        assert next(r for r in written if r["name"] == resource["name"]) == resource
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]

"""Open Referral HSDS 3.0 tabular data packages: ``instnet export hsds``.

An exported package is a folder of CSV files plus ``datapackage.json``: every
resource of the official HSDS 3.0 package (its schema copied verbatim from the
shipped official descriptor, ``hsds3/datapackage.json``), so that it passes
``frictionless validate``, plus five ``instnet_*`` resources described in the same
descriptor. Mapping (docs/data-in-out.md):

* an institution is an ``organization`` (its kind an ``attribute`` linking it to a
  term of the taxonomy ``instnet actor kinds``);
* an offer is a ``service`` of its organization, with one ``service_area`` row per
  region of its scope; the instnet service is a ``taxonomy_term`` of the taxonomy
  ``instnet services`` (its parent is the term of its category), linked to the
  HSDS service through an ``attribute`` row;
* ``instnet_actors``, ``instnet_services``, ``instnet_offers``, ``instnet_needs`` and
  ``instnet_links`` hold the dataset's tables exactly as ``write_dataset`` writes
  them (HSDS has no place for enterprises, networks, needs or referral links), and
  the ecosystem settings sit under the descriptor key ``instnet``. instnet reads
  these back, so a round trip is lossless; an HSDS consumer sees organizations and
  services.

Every HSDS id is a UUID derived from instnet ids (:func:`instnet.io.ids.uuid_for`),
so exporting the same ecosystem twice gives byte-identical files.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from ..model import Ecosystem
from ..schema import CATEGORIES, INSTITUTION_KINDS, KINDS
from .formats import shareable
from .ids import uuid_for
from .outfile import atomic_dir
from .write import csv_text, table_text

__all__ = ["EXTRA_RESOURCES", "hsds_tables", "official_package", "write_hsds"]

SPEC_DIR = Path(__file__).parent / "hsds3"

#: Extra resource name -> dataset table it carries.
EXTRA_RESOURCES = {"instnet_actors": "actors", "instnet_services": "services", "instnet_offers": "offers",
                   "instnet_needs": "needs", "instnet_links": "links"}
SERVICES_TAXONOMY = "instnet services"
KINDS_TAXONOMY = "instnet actor kinds"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?:[/?#][A-Za-z0-9._~:/?#@!$&'()*+,;=%-]*)?$")
_EXTRA_KEYS = {"instnet_actors": ["id"], "instnet_services": ["id"]}
_EXTRA_FKS = {
    "instnet_offers": [("actor", "instnet_actors"), ("service", "instnet_services")],
    "instnet_needs": [("actor", "instnet_actors"), ("service", "instnet_services")],
    "instnet_links": [("source", "instnet_actors"), ("target", "instnet_actors")],
}


@cache
def _official_text() -> str:
    return (SPEC_DIR / "datapackage.json").read_text(encoding="utf-8")


def official_package() -> dict[str, Any]:
    """The official HSDS 3.0 tabular data package descriptor (a fresh copy).

    Examples
    --------
    >>> pkg = official_package()
    >>> pkg["version"], [r["name"] for r in pkg["resources"]][:3]
    ('3.0.0', ['organization', 'program', 'service'])
    """
    return json.loads(_official_text())


def official_resource(name: str) -> dict[str, Any]:
    """One resource of :func:`official_package` by name (``organization``, ``service``, ...)."""
    return next(r for r in official_package()["resources"] if r["name"] == name)


def field_names(resource: dict[str, Any]) -> list[str]:
    """The column names of a resource, in order."""
    return [f["name"] for f in resource["schema"]["fields"]]


def _frame(resource: str, rows: dict[str, list[str]]) -> pd.DataFrame:
    """A text frame with every column of an official resource (missing ones empty)."""
    columns = field_names(official_resource(resource))
    n = len(next(iter(rows.values()))) if rows else 0
    return pd.DataFrame({c: pd.Series(rows.get(c, [""] * n), dtype="str") for c in columns})


def _scope_parts(cell: str) -> list[str]:
    seen: dict[str, None] = {}
    for part in cell.split(";"):
        if part.strip():
            seen.setdefault(part.strip(), None)
    return list(seen)


def _organizations(actors: pd.DataFrame) -> pd.DataFrame:
    inst = actors[actors["kind"].isin(INSTITUTION_KINDS).to_numpy()]
    ids = inst.index.tolist()
    desc = inst["description"].where(inst["description"].str.strip() != "", inst["name"])
    rows = {"id": [uuid_for("actor", i) for i in ids], "name": inst["name"].tolist(), "description": desc.tolist()}
    for column, pattern in (("email", _EMAIL), ("website", _URL)):
        if column in inst.columns:
            rows[column] = [v if pattern.match(v) else "" for v in inst[column].astype("str").tolist()]
    return _frame("organization", rows)


def _taxonomy(eco: Ecosystem) -> tuple[pd.DataFrame, pd.DataFrame]:
    tax = {name: uuid_for("taxonomy", name) for name in (SERVICES_TAXONOMY, KINDS_TAXONOMY)}
    taxonomies = _frame("taxonomy", {
        "id": list(tax.values()), "name": list(tax),
        "description": ["instnet's business development service categories and services",
                        "instnet's kinds of institutions"]})
    terms: dict[str, list[str]] = {k: [] for k in ("id", "code", "name", "description", "parent_id",
                                                   "taxonomy", "taxonomy_id")}

    def add(code: str, name: str, parent: str, taxonomy: str) -> None:
        for key, value in (("id", uuid_for("term", code)), ("code", code), ("name", name),
                           ("description", name), ("parent_id", parent), ("taxonomy", taxonomy),
                           ("taxonomy_id", tax[taxonomy])):
            terms[key].append(value)

    for cat in CATEGORIES:
        add(f"category:{cat}", cat, "", SERVICES_TAXONOMY)
    for sid, name, cat in zip(eco.services.index, eco.services["name"], eco.services["category"], strict=True):
        add(f"service:{sid}", name, uuid_for("term", f"category:{cat}"), SERVICES_TAXONOMY)
    for kind in KINDS:
        if kind in INSTITUTION_KINDS:
            add(f"kind:{kind}", kind, "", KINDS_TAXONOMY)
    return taxonomies, _frame("taxonomy_term", terms)


def _services(eco: Ecosystem) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[str]]]:
    offers = eco.offers
    names = eco.services["name"]
    rows: dict[str, list[str]] = {k: [] for k in ("id", "organization_id", "name", "status", "fees_description")}
    areas: dict[str, list[str]] = {k: [] for k in ("id", "service_id", "name")}
    attrs: dict[str, list[str]] = {k: [] for k in ("id", "link_id", "taxonomy_term_id", "link_entity", "value")}
    for actor, service, regions, fee, until in zip(offers["actor"], offers["service"], offers["regions"],
                                                    offers["fee"], offers["until"], strict=True):
        key = f"{actor}\x1f{service}"
        sid = uuid_for("offer", key)
        rows["id"].append(sid)
        rows["organization_id"].append(uuid_for("actor", actor))
        rows["name"].append(names.at[service])
        rows["status"].append("active" if pd.isna(until) else "inactive")
        rows["fees_description"].append(fee)
        for region in _scope_parts(regions):
            areas["id"].append(uuid_for("service_area", f"{key}\x1f{region}"))
            areas["service_id"].append(sid)
            areas["name"].append(region)
        for k, v in (("id", uuid_for("attribute", f"offer\x1f{key}")), ("link_id", sid),
                     ("taxonomy_term_id", uuid_for("term", f"service:{service}")),
                     ("link_entity", "service"), ("value", service)):
            attrs[k].append(v)
    return _frame("service", rows), _frame("service_area", areas), attrs


def hsds_tables(eco: Ecosystem) -> dict[str, pd.DataFrame]:
    """Every resource of the exported package as a text frame, by resource name.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> tables = hsds_tables(read_dataset("jamaica"))
    >>> tables["organization"].loc[0, ["id", "name"]].tolist()
    ['c9843377-d4b4-5127-8bf9-5bb41a8642e9', 'JAMPRO (Jamaica Promotions Corporation)']
    """
    organizations = _organizations(eco.actors)
    taxonomies, terms = _taxonomy(eco)
    services, areas, attrs = _services(eco)
    inst = eco.actors[eco.actors["kind"].isin(INSTITUTION_KINDS).to_numpy()]
    for actor, kind in zip(inst.index, inst["kind"], strict=True):
        for k, v in (("id", uuid_for("attribute", f"kind\x1f{actor}")), ("link_id", uuid_for("actor", actor)),
                     ("taxonomy_term_id", uuid_for("term", f"kind:{kind}")), ("link_entity", "organization"),
                     ("value", kind)):
            attrs[k].append(v)
    made = {"organization": organizations, "service": services, "service_area": areas,
            "taxonomy": taxonomies, "taxonomy_term": terms, "attribute": _frame("attribute", attrs)}
    out = {r["name"]: made.get(r["name"], _frame(r["name"], {})) for r in official_package()["resources"]}
    for name, table in EXTRA_RESOURCES.items():
        out[name] = table_text(eco, table)
    return out


def _extra_resource(name: str, frame: pd.DataFrame) -> dict[str, Any]:
    schema: dict[str, Any] = {"fields": [
        {"name": str(c), "type": "string", **({"constraints": {"required": True}} if c in ("id",) else {})}
        for c in frame.columns]}
    if name in _EXTRA_KEYS:
        schema["primaryKey"] = _EXTRA_KEYS[name]
    if name in _EXTRA_FKS:
        schema["foreignKeys"] = [{"fields": col, "reference": {"resource": ref, "fields": "id"}}
                                 for col, ref in _EXTRA_FKS[name]]
    return {"name": name, "path": f"{name}.csv", "description": f"instnet {EXTRA_RESOURCES[name]} table "
            "(the dataset format), so that instnet reads the package back without loss",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "profile": "tabular-data-resource",
            "schema": schema}


def _json_value(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def descriptor(eco: Ecosystem, tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """The ``datapackage.json`` of an exported package."""
    pkg = official_package()
    out = {k: v for k, v in pkg.items() if k not in ("resources", "license", "homepage")}
    out["title"] = str(eco.meta.get("name") or "instnet ecosystem")  # never the source path: stable
    out["resources"] = pkg["resources"] + [_extra_resource(n, tables[n]) for n in EXTRA_RESOURCES]
    out["instnet"] = {"ecosystem": {str(k): _json_value(v) for k, v in eco.meta.items()}}
    return out


def write_hsds(eco: Ecosystem, folder: str | Path, *, include_private: bool = False) -> Path:
    """Write ``eco`` as an HSDS 3.0 tabular data package (see the module doc).

    Parameters
    ----------
    eco : Ecosystem
    folder : str or Path
        The package folder; replaced as a whole only when complete.
    include_private : bool
        Keep actors marked private; by default they and their rows are left out.

    Returns
    -------
    Path

    Raises
    ------
    OutputError
        If the folder cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from instnet import read_dataset
    >>> out = write_hsds(read_dataset("nicaragua"), pathlib.Path(tempfile.mkdtemp()) / "pkg")
    >>> (out / "organizations.csv").read_text().splitlines()[0].split(",")[:3]
    ['id', 'name', 'alternate_name']
    """
    eco = shareable(eco, include_private=include_private)
    tables = hsds_tables(eco)
    desc = descriptor(eco, tables)
    paths = {r["name"]: r["path"] for r in desc["resources"]}
    folder = Path(folder)
    with atomic_dir(folder) as tmp:
        for name, frame in tables.items():
            (tmp / paths[name]).write_bytes(csv_text(frame).encode("utf-8"))
        (tmp / "datapackage.json").write_text(json.dumps(desc, indent=2, ensure_ascii=False) + "\n",
                                              encoding="utf-8")
    return folder

"""Reading an Open Referral HSDS 3.0 tabular package: ``instnet import hsds``.

Two cases (docs/data-in-out.md):

* a package instnet exported carries the ``instnet_*`` resources: they are read as
  the dataset itself (lossless); the HSDS resources are still checked;
* a plain HSDS package (organizations, services, service areas, taxonomy terms,
  attributes) gives providers, offers with scope regions and services: each
  organization becomes an institution of the kind its ``instnet actor kinds``
  attribute names, else of the ``kind`` asked for; each HSDS service an offer of the
  instnet service its ``instnet services`` attribute names, else of a service made
  from its name (category ``category``); its service areas become the offer's
  regions. What is skipped, and why, is returned in words.

The checks follow the shipped official schema: required columns and values, UUID
ids, unique ids, and the references instnet relies on (service -> organization,
service area -> service, attribute -> taxonomy term). Problems are reported with
file, row and column, all together.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DatasetError, DatasetNotFoundError, Problem, UsageError
from ..i18n import _, ngettext
from ..schema import CATEGORIES, INSTITUTION_KINDS
from .hsds import EXTRA_RESOURCES, official_package
from .ids import slug_ids
from .formats import ImportResult
from .read import build_ecosystem, read_csv_table
from .tables import RawTable

__all__ = ["read_hsds"]

_UUID = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
#: Official resources instnet reads; the first two must be present.
USED = ("organization", "service", "service_area", "taxonomy_term", "attribute")
_REFERENCES = (("service", "organization_id", "organization"), ("service_area", "service_id", "service"),
               ("attribute", "taxonomy_term_id", "taxonomy_term"))


def _descriptor(folder: Path, problems: list[Problem]) -> dict[str, Any]:
    path = folder / "datapackage.json"
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        problems.append(Problem(path.name, 0, "", _("not valid JSON: {why}").format(why=exc)))
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(path.name, 0, "", _("a data package descriptor is a JSON object")))
        return {}
    return data


def _paths(desc: Mapping[str, Any]) -> dict[str, str]:
    """Resource name -> file name: the official defaults, then what the descriptor says."""
    paths = {r["name"]: r["path"] for r in official_package()["resources"]}
    paths.update({name: f"{name}.csv" for name in EXTRA_RESOURCES})
    for r in desc.get("resources") or []:
        if isinstance(r, dict) and isinstance(r.get("name"), str) and isinstance(r.get("path"), str):
            if "/" not in r["path"] and "\\" not in r["path"] and not r["path"].startswith("."):
                paths[r["name"]] = r["path"]
    return paths


def _check(raw: RawTable, resource: Mapping[str, Any], problems: list[Problem]) -> bool:
    """Required columns and values, UUID formats and unique ids of one official resource."""
    frame = raw.frame
    ok = True
    for field in resource["schema"]["fields"]:
        name = field["name"]
        required = bool(field.get("constraints", {}).get("required"))
        if name not in frame.columns:
            if required:
                problems.append(Problem(raw.file, 1, name, _("required column {column!r} is missing")
                                        .format(column=name)))
                ok = False
            continue
        values = frame[name]
        empty = (values.str.strip() == "").to_numpy(dtype=bool)
        if required:
            for i in np.flatnonzero(empty):
                problems.append(Problem(raw.file, raw.line_of(int(i)), name, _("a value is required")))
        if field.get("format") == "uuid":
            bad = ~empty & ~values.str.fullmatch(_UUID).fillna(False).to_numpy(dtype=bool)
            for i in np.flatnonzero(bad):
                problems.append(Problem(raw.file, raw.line_of(int(i)), name,
                                        _("{value!r} is not a UUID").format(value=values.iat[int(i)])))
    if "id" in frame.columns:
        dup = frame["id"].duplicated(keep="first").to_numpy() & (frame["id"] != "").to_numpy()
        for i in np.flatnonzero(dup):
            problems.append(Problem(raw.file, raw.line_of(int(i)), "id",
                                    _("duplicate id {value!r}").format(value=frame["id"].iat[int(i)])))
    return ok


def _references(tables: Mapping[str, RawTable], problems: list[Problem]) -> None:
    for child, column, parent in _REFERENCES:
        if child not in tables or parent not in tables or column not in tables[child].frame.columns:
            continue
        raw = tables[child]
        known = set(tables[parent].frame["id"]) if "id" in tables[parent].frame.columns else set()
        values = raw.frame[column]
        dangling = (values != "").to_numpy() & ~values.isin(known).to_numpy()
        for i in np.flatnonzero(dangling):
            problems.append(Problem(raw.file, raw.line_of(int(i)), column, _(
                "{value!r} is not the id of any row of {file}").format(value=values.iat[int(i)],
                                                                        file=tables[parent].file)))


def read_hsds(folder: str | Path, *, kind: str = "bds_provider", category: str = "training") -> ImportResult:
    """Read an HSDS 3.0 tabular package (a folder of CSV files) into an ecosystem.

    Parameters
    ----------
    folder : str or Path
        The package folder (``datapackage.json`` is optional).
    kind : str
        Kind of the organizations whose kind the package does not say.
    category : str
        Category of services the package does not place in an instnet category.

    Returns
    -------
    ImportResult
        The ecosystem and notes on what was skipped, and why.

    Raises
    ------
    DatasetNotFoundError
        If ``folder`` is not a folder.
    UsageError
        If ``kind`` is not an institution kind or ``category`` not a category.
    DatasetError
        With every located problem: a missing file or required column, a value
        that is not a UUID, a duplicate id, a reference to an unknown row, and
        whatever the dataset format forbids.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from instnet import read_dataset
    >>> from instnet.io.hsds import write_hsds
    >>> eco = read_dataset("mexico")
    >>> out = write_hsds(eco, pathlib.Path(tempfile.mkdtemp()) / "pkg", include_private=True)
    >>> read_hsds(out).ecosystem.links.equals(eco.links)
    True
    """
    if kind not in INSTITUTION_KINDS:
        raise UsageError(_("kind must be an institution kind ({kinds}), not {kind!r}")
                         .format(kinds=", ".join(sorted(INSTITUTION_KINDS)), kind=kind))
    if category not in CATEGORIES:
        raise UsageError(_("category must be one of {categories}, not {category!r}")
                         .format(categories=", ".join(CATEGORIES), category=category))
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetNotFoundError(_("{path}: an HSDS package is a folder of CSV files").format(path=folder))
    problems: list[Problem] = []
    desc = _descriptor(folder, problems)
    paths = _paths(desc)
    official = {r["name"]: r for r in official_package()["resources"]}
    tables: dict[str, RawTable] = {}
    for name in USED:
        path = folder / paths[name]
        if not path.is_file():
            if name in ("organization", "service"):
                problems.append(Problem(paths[name], 0, "", _("missing file: {path} not found").format(path=path)))
            continue
        raw = read_csv_table(path, problems)
        if raw is not None and _check(raw, official[name], problems):
            tables[name] = raw
    _references(tables, problems)
    extras = {n: folder / paths[n] for n in EXTRA_RESOURCES}
    lossless = all(p.is_file() for p in extras.values())
    if problems:
        raise DatasetError(sorted(set(problems)))
    if lossless:
        return _read_extras(folder, extras, desc)
    return _read_plain(folder, tables, paths, kind=kind, category=category)


def _read_extras(folder: Path, extras: Mapping[str, Path], desc: Mapping[str, Any]) -> ImportResult:
    problems: list[Problem] = []
    raw = {table: read_csv_table(extras[name], problems) for name, table in EXTRA_RESOURCES.items()}
    if problems:
        raise DatasetError(sorted(set(problems)))
    meta = (desc.get("instnet") or {}).get("ecosystem") or {}
    eco, more = build_ecosystem(raw, dict(meta), source=str(folder))
    if more:
        raise DatasetError(more)
    return ImportResult(eco, ())


def _terms(tables: Mapping[str, RawTable]) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Term id -> code, name and parent code (empty when the package has no terms)."""
    if "taxonomy_term" not in tables:
        return {}, {}, {}
    t = tables["taxonomy_term"].frame
    codes = t["code"] if "code" in t.columns else pd.Series([""] * len(t), dtype="str")
    code = dict(zip(t["id"], codes, strict=True))
    parents = t["parent_id"] if "parent_id" in t.columns else pd.Series([""] * len(t), dtype="str")
    parent = {i: code.get(p, "") for i, p in zip(t["id"], parents, strict=True)}
    return code, dict(zip(t["id"], t["name"], strict=True)), parent


def _attributes(tables: Mapping[str, RawTable], entity: str, prefix: str,
                code: Mapping[str, str]) -> dict[str, str]:
    """HSDS row id -> term id, for attributes linking ``entity`` rows to terms coded ``prefix...``."""
    if "attribute" not in tables:
        return {}
    a = tables["attribute"].frame
    out: dict[str, str] = {}
    for link, term, ent in zip(a["link_id"], a["taxonomy_term_id"], a["link_entity"], strict=True):
        if ent == entity and code.get(term, "").startswith(prefix):
            out.setdefault(link, term)
    return out


def _raw(file: str, rows: dict[str, list[str]], lines: list[int]) -> RawTable:
    frame = pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in rows.items()})
    return RawTable(file, frame, lambda i: lines[i] if i < len(lines) else 0)


def _read_plain(folder: Path, tables: Mapping[str, RawTable], paths: Mapping[str, str], *,
                kind: str, category: str) -> ImportResult:
    notes: list[str] = []
    code, term_name, parent = _terms(tables)
    org = tables["organization"]
    of = org.frame
    kind_of = _attributes(tables, "organization", "kind:", code)
    org_kind = [code[kind_of[i]][len("kind:"):] if i in kind_of else kind for i in of["id"]]
    defaulted = sum(1 for i in of["id"] if i not in kind_of)
    if defaulted:
        notes.append(ngettext("{n} organization has no instnet kind: read as {kind!r}",
                              "{n} organizations have no instnet kind: read as {kind!r}", defaulted)
                     .format(n=defaulted, kind=kind))
    actor_ids = slug_ids(of["name"].tolist())
    actor_of = dict(zip(of["id"], actor_ids, strict=True))
    org_lines = [org.line_of(i) for i in range(len(of))]
    actors = _raw(org.file, {"id": actor_ids, "name": of["name"].tolist(), "kind": org_kind,
                             "description": of["description"].tolist()}, org_lines)

    svc = tables["service"]
    sf = svc.frame
    term_of = _attributes(tables, "service", "service:", code)
    areas: dict[str, list[str]] = {}
    if "service_area" in tables and "service_id" in tables["service_area"].frame.columns:
        af = tables["service_area"].frame
        names = af["name"] if "name" in af.columns else pd.Series([""] * len(af), dtype="str")
        for sid, name in zip(af["service_id"], names, strict=True):
            if name.strip() and ";" not in name:
                areas.setdefault(sid, []).append(name.strip())
            elif name.strip():
                notes.append(_("service area {name!r} skipped: a region name cannot hold ';'").format(name=name))
    services: dict[str, tuple[str, str, int]] = {}
    offers: dict[tuple[str, str], tuple[list[str], str, int]] = {}
    inactive = 0
    untyped: dict[str, str] = {}
    taken = set()
    for i, (sid, oid, name, status) in enumerate(zip(sf["id"], sf["organization_id"], sf["name"], sf["status"],
                                                     strict=True)):
        if status in ("inactive", "defunct"):
            inactive += 1
            continue
        line = svc.line_of(i)
        if sid in term_of:
            term = term_of[sid]
            service = code[term][len("service:"):]
            cat = parent.get(term, "")[len("category:"):]
            services.setdefault(service, (term_name[term], cat if cat in CATEGORIES else category, line))
        else:
            if name not in untyped:
                untyped[name] = slug_ids([name], taken=taken)[0]
                taken.add(untyped[name])
            service = untyped[name]
            services.setdefault(service, (name, category, line))
        fee = sf["fees_description"].iat[i] if "fees_description" in sf.columns else ""
        regions = offers.setdefault((actor_of[oid], service), ([], fee, line))[0]
        regions.extend(r for r in areas.get(sid, []) if r not in regions)
    if inactive:
        notes.append(ngettext("{n} inactive or defunct service skipped", "{n} inactive or defunct services skipped",
                              inactive).format(n=inactive))
    if untyped:
        notes.append(ngettext("{n} service has no instnet category: read as {category!r}",
                              "{n} services have no instnet category: read as {category!r}", len(untyped))
                     .format(n=len(untyped), category=category))
    notes.extend(_unused(folder, paths))
    fees = {"free", "subsidised", "market"}
    service_rows = {"id": list(services), "name": [v[0] for v in services.values()],
                    "category": [v[1] for v in services.values()]}
    offer_rows = {"actor": [a for a, _s in offers], "service": [s for _a, s in offers],
                  "regions": [";".join(v[0]) for v in offers.values()],
                  "fee": [v[1] if v[1] in fees else "" for v in offers.values()]}
    raw = {
        "actors": actors,
        "services": _raw(svc.file, service_rows, [v[2] for v in services.values()]),
        "offers": _raw(svc.file, offer_rows, [v[2] for v in offers.values()]),
        "needs": _raw("needs", {"actor": [], "service": []}, []),
        "links": _raw("links", {"source": [], "target": [], "type": []}, []),
    }
    eco, more = build_ecosystem(raw, {"source": _("imported from the HSDS package {name}").format(name=folder.name)},
                                source=str(folder))
    if more:
        raise DatasetError(more)
    return ImportResult(eco, tuple(notes))


def _unused(folder: Path, paths: Mapping[str, str]) -> list[str]:
    """Notes on official resources with rows that instnet has no place for."""
    out = []
    for name, file in paths.items():
        if name in USED or name in EXTRA_RESOURCES or name == "taxonomy":
            continue
        path = folder / file
        if path.is_file():
            with path.open("rb") as handle:
                rows = max(sum(1 for _line in handle) - 1, 0)
            if rows:
                out.append(ngettext("{file}: {n} row not imported (instnet has no place for {what})",
                                    "{file}: {n} rows not imported (instnet has no place for {what})", rows)
                           .format(file=file, n=rows, what=name))
    return out

"""Kumu spreadsheets: ``instnet import kumu`` and ``instnet export kumu``.

Kumu (a system-mapping tool) imports a workbook with a sheet ``Elements`` (``Label``,
``Type``, ``Description``, ``Tags`` and any other columns) and a sheet
``Connections`` (``From``, ``To``, ``Type``, ``Strength`` and any other columns);
``From`` and ``To`` name elements by label.

Mapping (docs/data-in-out.md):

* an actor is an element whose ``Type`` is its kind; a service is an element of type
  ``service`` with a ``category`` column;
* a link is a connection whose ``Type`` is its link type and ``Strength`` its weight;
  an offer is a connection ``offers`` from an institution to a service, a need a
  connection ``needs`` from an enterprise or network to a service;
* every other instnet column travels as a column of the same name; the id travels
  in ``instnet id`` (a label is not an id: labels change, and Kumu wants them
  unique across actors and services), the name in ``instnet name`` when the label
  had to differ from it;
* importing a sheet without ``instnet id`` derives readable, stable ids from the
  labels (:func:`instnet.io.ids.slug_ids`); a Kumu type that is not an instnet kind
  or link type is mapped with a mapping file (``type,kind`` rows; an empty kind
  skips it), and what was skipped is reported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DatasetError, Problem, suggest
from ..i18n import _
from ..model import Ecosystem
from ..schema import KINDS, LINK_TYPES
from .ids import slug_ids
from .formats import ImportResult, shareable
from .tables import RawTable, expected_columns
from .workbook import open_workbook, read_sheet, workbook_meta
from .xlsx import add_meta_sheet, add_table_sheet, check_fits, new_workbook, save_workbook

__all__ = ["kumu_tables", "read_kumu", "read_type_mapping", "write_kumu"]

ID_COL = "instnet id"
NAME_COL = "instnet name"
SERVICE_TYPE = "service"
OFFER_TYPE = "offers"
NEED_TYPE = "needs"
ELEMENT_COLS = ("Label", "Type", "Description", "Tags")
CONNECTION_COLS = ("From", "To", "Type", "Strength")


# ------------------------------------------------------------------------- export


def _unique_labels(names: list[str], ids: list[str], types: list[str]) -> list[str]:
    counts = pd.Series(names, dtype="str").value_counts()
    labels = [n if counts[n] == 1 and n.strip() else f"{n} ({i})" for n, i in zip(names, ids, strict=True)]
    seen: dict[str, int] = {}
    out = []
    for label, i, t in zip(labels, ids, types, strict=True):
        if label in seen:
            label = f"{label} [{t}:{i}]"
        while label in seen:
            label += "'"
        seen[label] = 1
        out.append(label)
    return out


def _objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns as Python objects (ints, floats, bools, text; None when empty)."""
    out = {}
    for col in frame.columns:
        s = frame[col]
        out[col] = s.astype(object).where(s.notna(), None)
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            out[col] = out[col].where(out[col] != "", None)
    return pd.DataFrame(out, index=frame.index)


def kumu_tables(eco: Ecosystem) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``Elements`` and ``Connections`` sheets of ``eco`` as frames of cell values.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> elements, connections = kumu_tables(read_dataset("jamaica"))
    >>> list(elements.columns[:5]), list(connections.columns[:4])
    (['Label', 'Type', 'Description', 'Tags', 'instnet id'], ['From', 'To', 'Type', 'Strength'])
    """
    actors = eco.actors.rename_axis("id").reset_index()
    services = eco.services.rename_axis("id").reset_index()
    names = actors["name"].tolist() + services["name"].tolist()
    ids = actors["id"].tolist() + services["id"].tolist()
    types = actors["kind"].tolist() + [SERVICE_TYPE] * len(services)
    labels = _unique_labels(names, ids, types)
    actor_label = dict(zip(actors["id"], labels[: len(actors)], strict=True))
    service_label = dict(zip(services["id"], labels[len(actors):], strict=True))
    renamed = [n if lab != n else "" for n, lab in zip(names, labels, strict=True)]
    head = pd.DataFrame({"Label": labels, "Type": types,
                         "Description": actors["description"].tolist() + [""] * len(services),
                         "Tags": [""] * len(labels), ID_COL: ids, NAME_COL: renamed})
    rest_a = _objects(actors.drop(columns=["id", "name", "kind", "description"]))
    rest_s = _objects(services.drop(columns=["id", "name"]))
    body = pd.concat([rest_a, rest_s], ignore_index=True).astype(object)
    elements = pd.concat([_objects(head), body.where(body.notna(), None)], axis=1)

    links = eco.links
    parts = [pd.DataFrame({
        "From": links["source"].map(actor_label), "To": links["target"].map(actor_label),
        "Type": links["type"], "Strength": links["weight"],
    }).join(links.drop(columns=["source", "target", "type", "weight"]))]
    for kind, frame in ((OFFER_TYPE, eco.offers), (NEED_TYPE, eco.needs)):
        parts.append(pd.DataFrame({
            "From": frame["actor"].map(actor_label), "To": frame["service"].map(service_label),
            "Type": kind,
        }).join(frame.drop(columns=["actor", "service"])))
    connections = pd.concat([_objects(p) for p in parts], ignore_index=True).astype(object)
    return elements, connections.where(connections.notna(), None)


def write_kumu(eco: Ecosystem, path: str | Path, *, include_private: bool = False) -> Path:
    """Write ``eco`` as a workbook Kumu imports (sheets ``Elements`` and ``Connections``).

    Parameters
    ----------
    eco : Ecosystem
    path : str or Path
        The ``.xlsx`` file (replaced atomically).
    include_private : bool
        Keep actors marked private; by default they and their rows are left out.

    Returns
    -------
    Path

    Raises
    ------
    UsageError
        If a sheet would have more rows than a worksheet holds.
    OutputError
        If the file cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from instnet import read_dataset
    >>> eco = read_dataset("honduras")
    >>> out = write_kumu(eco, pathlib.Path(tempfile.mkdtemp()) / "k.xlsx", include_private=True)
    >>> back = read_kumu(out).ecosystem
    >>> back.actors.equals(eco.actors), back.links.equals(eco.links)
    (True, True)
    """
    eco = shareable(eco, include_private=include_private)
    elements, connections = kumu_tables(eco)
    check_fits("Elements", len(elements))
    check_fits("Connections", len(connections))
    wb = new_workbook()
    add_table_sheet(wb, "Elements", elements)
    add_table_sheet(wb, "Connections", connections)
    add_meta_sheet(wb, eco.meta)
    return save_workbook(wb, path)


# ------------------------------------------------------------------------- import


def read_type_mapping(path: str | Path) -> dict[str, str]:
    """Read a mapping file: CSV rows ``type,kind`` (Kumu type -> instnet kind or link type).

    An empty kind means "skip elements or connections of this type".

    Raises
    ------
    DatasetError
        If the file has no ``type`` and ``kind`` columns or maps to an unknown code.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "kinds.csv"
    >>> _ = p.write_text("type,kind\\nNGO,bds_provider\\nPhoto,\\n")
    >>> read_type_mapping(p)
    {'ngo': 'bds_provider', 'photo': ''}
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError([Problem(path.name, 0, "", _("cannot read the mapping file: {why}").format(why=exc))]) from exc
    rows = list(csv.DictReader(io.StringIO(text)))
    allowed = set(KINDS) | set(LINK_TYPES) | {SERVICE_TYPE, OFFER_TYPE, NEED_TYPE, ""}
    problems = []
    if not rows or not {"type", "kind"} <= set(rows[0]):
        problems.append(Problem(path.name, 1, "", _("a mapping file has the columns type,kind")))
    out: dict[str, str] = {}
    for line, row in enumerate(rows, 2):
        target = (row.get("kind") or "").strip()
        if target not in allowed:
            problems.append(Problem(path.name, line, "kind", _("{value!r} is not an instnet kind, link type, "
                                                               "'service', 'offers' or 'needs'").format(value=target)))
        out[(row.get("type") or "").strip().casefold()] = target
    if problems:
        raise DatasetError(problems)
    return out


def _code(text: str) -> str:
    return text.strip().casefold().replace(" ", "_").replace("-", "_")


def _resolve(kumu_type: str, mapping: Mapping[str, str], allowed: frozenset[str]) -> str | None:
    """The instnet code of a Kumu type, ``""`` to skip, None when it cannot be mapped."""
    key = kumu_type.strip().casefold()
    if key in mapping:
        return mapping[key]
    code = _code(kumu_type)
    return code if code in allowed else None


def _sheet(wb: Any, name: str, fname: str, problems: list[Problem]) -> RawTable | None:
    found = [s for s in wb.sheetnames if s.strip().casefold() == name.casefold()]
    if not found:
        problems.append(Problem(fname, 0, "", _("no sheet named {name!r}").format(name=name)))
        return None
    return read_sheet(wb[found[0]], f"{fname}[{found[0]}]", problems)


def _required(raw: RawTable, columns: tuple[str, ...], problems: list[Problem]) -> bool:
    missing = [c for c in columns if c not in raw.frame.columns]
    for c in missing:
        problems.append(Problem(raw.file, 1, c, _("required column {column!r} is missing").format(column=c)))
    return not missing


def _raw(file: str, frame: pd.DataFrame, lines: np.ndarray) -> RawTable:
    frame = frame.reset_index(drop=True).fillna("").astype("str")
    rows = [int(x) for x in lines]
    return RawTable(file, frame, lambda i: rows[i] if i < len(rows) else 0)


def _kept(frame: pd.DataFrame, known: tuple[str, ...], drop: set[str]) -> list[str]:
    """Known columns, then the other columns that hold a value in ``frame``."""
    extra = [c for c in frame.columns if c not in known and c not in drop and (frame[c] != "").any()]
    return [c for c in known if c in frame.columns] + extra


def read_kumu(path: str | Path, *, kinds: Mapping[str, str] | None = None) -> ImportResult:
    """Read a Kumu workbook into an ecosystem (see the module doc for the mapping).

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` workbook with sheets ``Elements`` and ``Connections``.
    kinds : mapping, optional
        Kumu type (case-insensitive) -> instnet kind or link type (``""``: skip),
        e.g. from :func:`read_type_mapping`.

    Returns
    -------
    ImportResult
        The ecosystem and notes on what was skipped.

    Raises
    ------
    DatasetError
        With every located problem: a missing sheet or ``Label`` column, duplicate
        labels, connections to unknown labels, types that cannot be mapped, and
        whatever the dataset format forbids.
    """
    path = Path(path)
    mapping = {k.casefold(): v for k, v in (kinds or {}).items()}
    problems: list[Problem] = []
    notes: list[str] = []
    wb = open_workbook(path)
    try:
        elements = _sheet(wb, "Elements", path.name, problems)
        connections = _sheet(wb, "Connections", path.name, problems)
        meta = workbook_meta(wb)
    finally:
        wb.close()
    if elements is None or not _required(elements, ("Label",), problems):
        raise DatasetError(problems)
    el = elements.frame
    el_lines = np.array([elements.line_of(i) for i in range(len(el))], dtype=np.int64)
    label = el["Label"].str.strip()
    for i in np.flatnonzero((label == "").to_numpy()):
        problems.append(Problem(elements.file, int(el_lines[i]), "Label", _("empty label")))
    first_row: dict[str, int] = {}
    for i, lab in enumerate(label.tolist()):
        if lab and lab in first_row:
            problems.append(Problem(elements.file, int(el_lines[i]), "Label",
                                    _("duplicate label {label!r} (also row {row})").format(label=lab, row=first_row[lab])))
        first_row.setdefault(lab, int(el_lines[i]))
    types = el["Type"] if "Type" in el.columns else pd.Series([""] * len(el), dtype="str")
    allowed_el = frozenset(KINDS) | {SERVICE_TYPE}
    target = [_resolve(t, mapping, allowed_el) for t in types.tolist()]
    for i, (t, code) in enumerate(zip(types.tolist(), target, strict=True)):
        if code is None:
            problems.append(Problem(elements.file, int(el_lines[i]), "Type", _(
                "type {type!r} is not an instnet kind ({kinds}) or 'service': map it in a kinds file "
                "(rows type,kind)").format(type=t, kinds=", ".join(KINDS))))
    skipped_types = sorted({t for t, c in zip(types.tolist(), target, strict=True) if c == ""})
    if skipped_types:
        notes.append(_("elements of type {types} skipped, as the kinds file says").format(types=", ".join(skipped_types)))
    code = pd.Series([c or "" for c in target], dtype="str")
    given = el[ID_COL].str.strip() if ID_COL in el.columns else pd.Series([""] * len(el), dtype="str")
    is_service = (code == SERVICE_TYPE).to_numpy()
    ids = given.tolist()
    for group in (is_service, ~is_service):
        idx = [i for i in np.flatnonzero(group) if not ids[i]]
        taken = {ids[i] for i in np.flatnonzero(group) if ids[i]}
        for i, new in zip(idx, slug_ids([label.iat[i] for i in idx], taken=taken), strict=True):
            ids[i] = new
    id_of = {lab: (c, i) for lab, c, i in zip(label.tolist(), code.tolist(), ids, strict=True)}
    name = el[NAME_COL].where(el[NAME_COL] != "", el["Label"]) if NAME_COL in el.columns else el["Label"]

    keep_a = (code != SERVICE_TYPE).to_numpy() & (code != "").to_numpy()
    actors = pd.DataFrame({"id": ids, "name": name, "kind": code})
    if "Description" in el.columns:
        actors["description"] = el["Description"]
    if "Tags" in el.columns:
        actors["tags"] = el["Tags"]
    std = set(ELEMENT_COLS) | {ID_COL, NAME_COL, "category"}
    actors = actors.join(el.drop(columns=[c for c in el.columns if c in std]))
    a_cols = _kept(actors[keep_a], expected_columns("actors"), set())
    services = pd.DataFrame({"id": ids, "name": name}).join(el.drop(columns=[c for c in el.columns if c in std - {"category"}]))
    if "category" not in services.columns:
        services["category"] = ""
    s_cols = _kept(services[is_service], expected_columns("services"), set(expected_columns("actors")))
    tables = {"actors": _raw(elements.file, actors.loc[keep_a, a_cols], el_lines[keep_a]),
              "services": _raw(elements.file, services.loc[is_service, s_cols], el_lines[is_service])}
    tables.update(_connections(connections, id_of, mapping, problems, notes))
    if problems:
        raise DatasetError(sorted(set(problems)))
    from .read import build_ecosystem

    eco, more = build_ecosystem(tables, meta, source=str(path))
    if more:
        raise DatasetError(more)
    return ImportResult(eco, tuple(notes))


def _connections(raw: RawTable | None, id_of: Mapping[str, tuple[str, str]], mapping: Mapping[str, str],
                 problems: list[Problem], notes: list[str]) -> dict[str, RawTable]:
    empty = {t: pd.DataFrame({c: pd.Series([], dtype="str") for c in expected_columns(t)})
             for t in ("offers", "needs", "links")}
    if raw is None or not _required(raw, ("From", "To", "Type"), problems):
        return {t: _raw("Connections", f, np.zeros(0, dtype=np.int64)) for t, f in empty.items()}
    frame = raw.frame
    lines = np.array([raw.line_of(i) for i in range(len(frame))], dtype=np.int64)
    allowed = frozenset(LINK_TYPES) | {OFFER_TYPE, NEED_TYPE}
    code = []
    ends: dict[str, list[str]] = {"From": [], "To": []}
    skipped = 0
    for i, row in enumerate(frame[["From", "To", "Type"]].itertuples(index=False)):
        c = _resolve(row.Type, mapping, allowed)
        if c is None:
            problems.append(Problem(raw.file, int(lines[i]), "Type", _(
                "type {type!r} is not an instnet link type ({types}), 'offers' or 'needs': map it in a "
                "kinds file (rows type,kind)").format(type=row.Type, types=", ".join(LINK_TYPES))))
        for col, lab in (("From", row.From), ("To", row.To)):
            found = id_of.get(lab.strip())
            if found is None:
                close = suggest(lab.strip(), id_of, n=2)
                hint = _("; did you mean {names}?").format(names=", ".join(map(repr, close))) if close else ""
                problems.append(Problem(raw.file, int(lines[i]), col,
                                        _("no element with label {label!r}").format(label=lab) + hint))
            elif found[0] == "":
                c = ""
            ends[col].append(found[1] if found else "")
        if c == "":
            skipped += 1
        code.append(c or "")
    if skipped:
        notes.append(_("{n} connections skipped (a skipped type, or an end that was skipped)").format(n=skipped))
    frame = frame.assign(**{"From": ends["From"], "To": ends["To"]})
    codes = pd.Series(code, dtype="str", index=frame.index)
    spec = {
        "links": (codes.isin(LINK_TYPES), {"From": "source", "To": "target", "Type": "type", "Strength": "weight"}),
        "offers": (codes == OFFER_TYPE, {"From": "actor", "To": "service"}),
        "needs": (codes == NEED_TYPE, {"From": "actor", "To": "service"}),
    }
    others = {c for t in ("offers", "needs", "links") for c in expected_columns(t)}
    out = {}
    for table, (mask, rename) in spec.items():
        m = mask.to_numpy(dtype=bool)
        part = frame[m].drop(columns=[c for c in frame.columns if c in CONNECTION_COLS and c not in rename])
        part = part.rename(columns=rename)
        if table == "links":
            part["type"] = codes[m]
        cols = _kept(part, expected_columns(table), others | set(CONNECTION_COLS))
        out[table] = _raw(raw.file, part[cols], lines[m])
    return out

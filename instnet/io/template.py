"""The workbook to fill in (``instnet template``): one sheet per table, notes, drop-downs.

The template is an ordinary dataset workbook (:func:`instnet.read_dataset` reads it)
with extras a person needs and the reader ignores:

* an ``instructions`` sheet and a ``referrals`` sheet for the referral log;
* a notes row under each header, every note starting with :data:`NOTE_MARK`
  (the reader skips a second row whose filled cells all start with it);
* drop-down lists (data validation) for every fixed vocabulary and for the ids of
  the ``actors`` and ``services`` sheets, so that links, offers and needs pick
  existing ids; the lists point at the id columns, so ids added later appear too.

``template(path, eco)`` pre-fills it with an ecosystem; numbers are written as
numbers, and a filled template reads exactly like the same data in CSV.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..i18n import _
from ..model import Ecosystem
from ..schema import CATEGORIES, FEES, KINDS, LINK_TYPES, REQUIRED_TABLES, SIZES
from .formats import shareable
from .read import expected_columns
from .workbook import NOTE_MARK
from .xlsx import add_meta_sheet, add_table_sheet, check_fits, new_workbook, save_workbook

__all__ = ["CONTACT_COLUMNS", "REFERRAL_COLUMNS", "write_template"]

#: Contact columns of actors (kept as ordinary text columns).
CONTACT_COLUMNS = ("contact", "phone", "email", "website", "address")
#: Columns of the referral log a broker keeps.
REFERRAL_COLUMNS = ("id", "date", "actor", "service", "provider", "via", "status", "reason", "broker", "note")
STATUSES = ("open", "contacted", "served", "declined", "no_show", "withdrawn")
REASONS = ("capacity", "scope", "eligibility", "cost", "other")

#: The last row a drop-down covers (Excel's last row).
LAST_ROW = 1_048_576
FIRST_DATA_ROW = 3


def _notes() -> dict[str, dict[str, str]]:
    """What goes in each column, per table (built at call time, in the language in force)."""
    years = _("a year, e.g. 2005; empty: always")
    return {
        "actors": {
            "id": _("required: a short unique id, e.g. jampro (case matters)"),
            "name": _("required: the full name"),
            "kind": _("required: pick from the list"),
            "sector": _("e.g. apparel"), "region": _("e.g. Kingston"),
            "size": _("enterprises: micro, small, medium or large"),
            "capacity": _("clients a year (a whole number)"),
            "since": _("first active year"), "until": _("year it closed (inactive from then)"),
            "private": _("true: names and contacts never leave without --include-private"),
            "lat": _("latitude, decimal degrees"), "lon": _("longitude, decimal degrees"),
            "description": _("free text"),
            "contact": _("a person to ask for"), "phone": _("phone number"), "email": _("e-mail address"),
            "website": _("web address"), "address": _("street address"),
        },
        "services": {
            "id": _("required: a short unique id, e.g. quality_cert"),
            "name": _("required: the service's name"),
            "category": _("required: pick from the list"),
        },
        "offers": {
            "actor": _("required: the institution offering (an id of the actors sheet)"),
            "service": _("required: an id of the services sheet"),
            "regions": _("regions served, separated by ';' (empty: all)"),
            "sectors": _("sectors served, separated by ';' (empty: all)"),
            "capacity": _("clients a year (a whole number)"), "fee": _("pick from the list"),
            "since": years, "until": years,
        },
        "needs": {
            "actor": _("required: an enterprise or network (an id of the actors sheet)"),
            "service": _("required: an id of the services sheet"),
            "priority": _("1 high, 2 medium, 3 low"),
        },
        "links": {
            "source": _("required: an id of the actors sheet"),
            "target": _("required: an id of the actors sheet"),
            "type": _("required: pick from the list (see instructions for who may link to whom)"),
            "weight": _("strength of the relationship, above 0 and at most 1 (empty: 1)"),
            "since": years, "until": years,
        },
        "referrals": {
            "id": _("a unique id of the referral"), "date": _("date, YYYY-MM-DD"),
            "actor": _("the client: an actor id, or a walk-in id"),
            "service": _("an id of the services sheet"), "provider": _("the provider's actor id"),
            "via": _("ids of the institutions in between, separated by ';'"),
            "status": _("pick from the list"), "reason": _("for declined: pick from the list"),
            "broker": _("who made the referral"), "note": _("free text"),
        },
    }


def _instructions() -> list[str]:
    return [
        _("How to fill in this workbook"),
        "",
        _("Each sheet is one table of the dataset. Row 1 names the columns, row 2 says what goes "
          "in each (you may delete it); type one record per row from row 3 on."),
        _("Required columns must be filled in every row; the others may stay empty."),
        _("Cells with a drop-down accept only the values in the list. Ids in offers, needs and "
          "links must be ids of the actors and services sheets: add actors and services first."),
        _("actors: every enterprise, network and institution. services: the business development "
          "services. offers: which institution offers which service, where. needs: which enterprise "
          "or network needs which service. links: who is linked to whom, and how."),
        _("Link types: member_of (enterprise to network or association), client_of (enterprise or "
          "network to institution), brokered_by (network to institution), refers_to, coordinates "
          "and partners_with (between institutions), funds, trains and supplies (not referral channels)."),
        _("ecosystem: the name, country and year the data describes, a description and the source."),
        _("Keep the sheet names and the column names as they are. Extra columns are kept as notes."),
        _("Check the workbook with: instnet validate FILE.xlsx"),
    ]


def _list(values: Sequence[str]) -> str:
    return '"' + ",".join(values) + '"'


def _validation(formula: str, column: str, *, prompt: str) -> DataValidation:
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                        errorStyle="stop", error=prompt, errorTitle=_("Not in the list"))
    dv.add(f"{column}{FIRST_DATA_ROW}:{column}{LAST_ROW}")
    return dv


def _drop_downs(table: str, columns: Sequence[str]) -> list[DataValidation]:
    actor_ids = f"actors!$A${FIRST_DATA_ROW}:$A${LAST_ROW}"
    service_ids = f"services!$A${FIRST_DATA_ROW}:$A${LAST_ROW}"
    pick = _("Pick a value from the list.")
    pick_id = _("Pick an id of the actors or services sheet (add it there first).")
    lists = {
        ("actors", "kind"): (_list(KINDS), pick), ("actors", "size"): (_list(SIZES), pick),
        ("actors", "private"): (_list(("true", "false")), pick),
        ("services", "category"): (_list(CATEGORIES), pick),
        ("offers", "actor"): (actor_ids, pick_id), ("offers", "service"): (service_ids, pick_id),
        ("offers", "fee"): (_list(FEES), pick),
        ("needs", "actor"): (actor_ids, pick_id), ("needs", "service"): (service_ids, pick_id),
        ("needs", "priority"): (_list(("1", "2", "3")), pick),
        ("links", "source"): (actor_ids, pick_id), ("links", "target"): (actor_ids, pick_id),
        ("links", "type"): (_list(LINK_TYPES), pick),
        ("referrals", "service"): (service_ids, pick_id), ("referrals", "provider"): (actor_ids, pick_id),
        ("referrals", "status"): (_list(STATUSES), pick), ("referrals", "reason"): (_list(REASONS), pick),
    }
    out = []
    for i, col in enumerate(columns, 1):
        found = lists.get((table, col))
        if found is not None:
            out.append(_validation(found[0], get_column_letter(i), prompt=found[1]))
    return out


def _table_frame(eco: Ecosystem | None, table: str) -> pd.DataFrame:
    if table == "referrals":
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in REFERRAL_COLUMNS})
    columns = list(expected_columns(table))
    if eco is None:
        if table == "actors":
            columns += list(CONTACT_COLUMNS)
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
    frame = getattr(eco, table)
    if table in ("actors", "services"):
        frame = frame.rename_axis("id").reset_index()
    return frame.reset_index(drop=True)


def write_template(path: str | Path, eco: Ecosystem | None = None, *, include_private: bool = False) -> Path:
    """Write the workbook to fill in, empty or pre-filled with ``eco``.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` file to write (replaced atomically).
    eco : Ecosystem, optional
        Pre-fill the tables with this ecosystem (every row, whatever its dates).
    include_private : bool
        Keep actors marked private; by default they and their rows are left out.

    Returns
    -------
    Path

    Raises
    ------
    UsageError
        If a table has more rows than a worksheet holds.
    OutputError
        If the file cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from instnet import read_dataset
    >>> out = write_template(pathlib.Path(tempfile.mkdtemp()) / "t.xlsx")
    >>> len(read_dataset(out).actors)
    0
    """
    if eco is not None:
        eco = shareable(eco, include_private=include_private)
    notes = _notes()
    frames = {table: _table_frame(eco, table) for table in (*REQUIRED_TABLES, "referrals")}
    for table, frame in frames.items():
        check_fits(table, len(frame), extra=1)
    wb = new_workbook()
    ws = wb.create_sheet(_("instructions"))
    ws.column_dimensions["A"].width = 110
    title = True
    for line in _instructions():
        cell = WriteOnlyCell(ws, value=line or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if title:
            cell.font, title = Font(bold=True, size=14), False
        ws.append([cell])
    hints = {"name": _("the ecosystem's name"), "country": _("the country"),
             "year": _("the year the data describes, e.g. 2005"), "description": _("free text"),
             "source": _("where the data comes from")}
    add_meta_sheet(wb, eco.meta if eco is not None else {}, hints={k: NOTE_MARK + v for k, v in hints.items()})
    for table, frame in frames.items():
        columns = [str(c) for c in frame.columns]
        row_notes = [NOTE_MARK + notes[table].get(c, _("kept as an extra column")) for c in columns]
        add_table_sheet(wb, table, frame, notes=row_notes, validations=_drop_downs(table, columns))
    return save_workbook(wb, path)

"""Write an Ecosystem back in the dataset format (a folder of CSV files)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import OutputError
from ..model import Ecosystem
from ..schema import META_KEYS, REQUIRED_TABLES
from .outfile import atomic_dir
from .referral_log import REFERRALS_TABLE, write_referrals


def _text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for col in frame.columns:
        s = frame[col]
        if s.dtype == bool:
            out[col] = s.map({True: "true", False: "false"})
        elif str(s.dtype) == "Int64":
            out[col] = s.astype("str").where(s.notna(), "")
        elif s.dtype.kind == "f":
            out[col] = [("" if pd.isna(v) else repr(float(v))) for v in s.to_numpy()]
        else:
            out[col] = s.astype("str")
    return pd.DataFrame(out, index=frame.index)


def table_text(eco: Ecosystem, table: str) -> pd.DataFrame:
    """Return ``table`` of ``eco`` as text columns, ids as the first column.

    Examples
    --------
    >>> eco = Ecosystem.from_records(actors=[{"id": "a", "name": "A", "kind": "donor"}])
    >>> table_text(eco, "actors").loc[0, ["id", "private", "capacity"]].tolist()
    ['a', 'false', '']
    """
    frame = getattr(eco, table)
    if table in ("actors", "services"):
        frame = frame.rename_axis("id").reset_index()
    return _text_frame(frame).reset_index(drop=True)


def _quoted(cells: pd.Series) -> pd.Series:
    # Python's csv writer (3.11) leaves a lone "\r" unquoted with "\n" line ends, so
    # a cell holding one would split its row: quote here, the way every reader expects.
    need = cells.str.contains(r'[",\r\n]', regex=True).to_numpy(dtype=bool)
    if need.any():
        cells = cells.where(~need, '"' + cells.str.replace('"', '""', regex=False) + '"')
    return cells


def csv_text(frame: pd.DataFrame) -> str:
    r"""Return a text frame as comma-separated text, ``\n`` line ends, quoted only where needed.

    Examples
    --------
    >>> csv_text(pd.DataFrame({"id": ["a", "b,c"], "note": ['a "b" c', "x\ry"]}))
    'id,note\na,"a ""b"" c"\n"b,c","x\ry"\n'
    """
    header = ",".join(_quoted(pd.Series([str(c) for c in frame.columns], dtype="str")))
    if len(frame) == 0:
        return header + "\n"
    lines = None
    for col in frame.columns:
        cells = _quoted(frame[col].astype("str"))
        lines = cells if lines is None else lines + "," + cells
    return header + "\n" + "\n".join(lines.tolist()) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    # A JSON string is a valid TOML basic string once DEL is escaped too.
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def write_dataset(eco: Ecosystem, folder: str | Path) -> Path:
    """Write ``eco`` as a dataset folder; the folder is replaced only when complete.

    Parameters
    ----------
    eco : Ecosystem
    folder : str or Path
        Destination; created if missing. The whole folder is written beside it
        and swapped in at the end, so an interruption leaves the old folder as it
        was; files of the old folder that are not dataset tables are kept.

    Returns
    -------
    Path
        The folder written.

    Examples
    --------
    >>> import tempfile
    >>> from instnet.io.read import read_dataset
    >>> eco = read_dataset("jamaica")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     again = read_dataset(write_dataset(eco, Path(tmp) / "copy"))
    >>> len(again.actors) == len(eco.actors)
    True
    """
    folder = Path(folder)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write {str(folder)!r}: {exc.strerror or exc}") from exc
    # Known keys and any other plain (string, number, boolean) value are kept.
    meta = {str(k): v for k, v in eco.meta.items()
            if v is not None and (k in META_KEYS or isinstance(v, str | int | float))}
    with atomic_dir(folder, keep_others=True) as tmp:
        (tmp / "ecosystem.toml").write_text(
            "".join(f"{_toml_key(k)} = {_toml_value(v)}\n" for k, v in meta.items()), encoding="utf-8"
        )
        for table in REQUIRED_TABLES:
            (tmp / f"{table}.csv").write_bytes(csv_text(table_text(eco, table)).encode("utf-8"))
        if eco.referrals is not None and len(eco.referrals):
            write_referrals(eco.referrals.to_dict("records"), tmp / f"{REFERRALS_TABLE}.csv")
    return folder

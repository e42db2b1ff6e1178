"""Write an Ecosystem back in the dataset format (a folder of CSV files)."""

from __future__ import annotations

import csv
import os
import tempfile
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from .model import Ecosystem
from .schema import META_KEYS, REQUIRED_TABLES


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


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def write_dataset(eco: Ecosystem, folder: str | Path) -> Path:
    """Write ``eco`` as a dataset folder; the folder is replaced only when complete.

    Parameters
    ----------
    eco : Ecosystem
    folder : str or Path
        Destination; created if missing. Existing table files are replaced
        atomically (written to a temporary folder first).

    Returns
    -------
    Path
        The folder written.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".instnet-", dir=folder.parent))
    try:
        meta = {k: v for k, v in eco.meta.items() if v is not None and k in META_KEYS or isinstance(v, str | int | float)}
        (tmp / "ecosystem.toml").write_text(
            "".join(f"{k} = {_toml_value(v)}\n" for k, v in meta.items()), encoding="utf-8"
        )
        for table in REQUIRED_TABLES:
            table_text(eco, table).to_csv(tmp / f"{table}.csv", index=False, quoting=csv.QUOTE_MINIMAL,
                                          lineterminator="\n")
        folder.mkdir(exist_ok=True)
        for item in tmp.iterdir():
            os.replace(item, folder / item.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder

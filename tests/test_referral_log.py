"""``referrals.csv`` in a dataset (read, checked, kept), and ``instnet outcomes`` over it and the desk's log."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from instnet import read_dataset
from instnet.cli import main
from instnet.desk.store import SqliteLog
from instnet.errors import DatasetError
from instnet.io.referral_log import REFERRAL_COLUMNS
from instnet.io.write import write_dataset

GOOD = [
    {"id": "r1", "date": "2024-02-01", "actor": "ent_kgn_g01", "service": "pattern_making",
     "provider": "kingston_atc", "via": "net_kgn_garments;jampro_pc", "status": "declined", "reason": "capacity",
     "broker": "Ann", "note": "full until June"},
    {"id": "r2", "date": "2024-02-03", "actor": "walk-in-17", "service": "cad_design",
     "provider": "jampro_design_centre", "via": "jampro_pc", "status": "served", "reason": "", "broker": "Ann",
     "note": ""},
]


def _dataset(tmp_path: Path, rows: list[dict]) -> Path:
    folder = write_dataset(read_dataset("jamaica"), tmp_path / "jam")
    with (folder / "referrals.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=REFERRAL_COLUMNS)
        w.writeheader()
        w.writerows(rows)
    return folder


def test_a_valid_referral_log_is_read_and_kept(tmp_path: Path) -> None:
    folder = _dataset(tmp_path, GOOD)
    eco = read_dataset(folder)
    assert eco.referrals[list(REFERRAL_COLUMNS)].to_dict("records") == GOOD
    again = read_dataset(write_dataset(eco, tmp_path / "copy"))
    assert again.referrals[list(REFERRAL_COLUMNS)].to_dict("records") == GOOD
    assert read_dataset("jamaica").referrals is None


def test_bad_referrals_are_located_errors(tmp_path: Path) -> None:
    bad = [dict(GOOD[0], provider="nobody"), dict(GOOD[1], status="finished"), dict(GOOD[1], id="r3", date="3/2/24"),
           dict(GOOD[1], id="r4", reason="cost"), dict(GOOD[0], id="r1")]
    folder = _dataset(tmp_path, bad)
    with pytest.raises(DatasetError) as err:
        read_dataset(folder)
    found = {(p.file, p.row, p.column) for p in err.value.problems}
    assert found == {("referrals.csv", 2, "provider"), ("referrals.csv", 3, "status"), ("referrals.csv", 4, "date"),
                     ("referrals.csv", 5, "reason"), ("referrals.csv", 6, "id")}
    assert "unknown provider 'nobody'" in str(err.value)
    r = CliRunner().invoke(main, ["validate", str(folder)])
    assert r.exit_code == 2
    assert "referrals.csv, row 2, column 'provider'" in r.output and "Traceback" not in r.output


def test_outcomes_counts_the_dataset_and_the_log(tmp_path: Path, monkeypatch) -> None:
    folder = _dataset(tmp_path, GOOD)
    log = SqliteLog(tmp_path / "log.sqlite")
    added = log.add({**GOOD[0], "status": "declined", "reason": "capacity", "note": "=HYPERLINK(\"x\")"})
    log.add({**GOOD[1], "status": "open"})
    log.close()
    r = CliRunner().invoke(main, ["outcomes", str(folder), "--log", str(tmp_path / "log.sqlite"), "--format", "json",
                                  "--export", str(tmp_path / "out.csv")])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["referrals"] == 4
    by_status = {s["status"]: s["referrals"] for s in data["by_status"]}
    assert by_status == {"open": 1, "contacted": 0, "served": 1, "declined": 2, "no_show": 0, "withdrawn": 0}
    assert {d["reason"]: d["declines"] for d in data["declines"]}["capacity"] == 2
    cap = data["capacity"]
    # kingston_atc: load 10 for capacity 8 in Jamaica, so the declines and the model agree
    assert [(c["provider"], c["declines"], c["agrees"]) for c in cap] == [("kingston_atc", 2, True)]
    assert [(p["provider"], p["referrals"], p["declined"]) for p in data["by_provider"]] == [
        ("jampro_design_centre", 2, 0), ("kingston_atc", 2, 2)]  # most referrals first, then id
    exported = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert len(exported) == 4 and {e["id"] for e in exported} >= {"r1", "r2", added["id"]}
    assert next(e for e in exported if e["id"] == added["id"])["note"].startswith("'=")  # no formula
    table = CliRunner().invoke(main, ["outcomes", str(folder), "--log", str(tmp_path / "log.sqlite")])
    assert table.exit_code == 0 and "4 referrals" in table.output and "Declines by reason" in table.output
    assert CliRunner().invoke(main, ["outcomes", str(folder), "--log", str(tmp_path / "nope.sqlite")]).exit_code == 2


def test_outcomes_without_a_log_uses_the_dataset(tmp_path: Path, monkeypatch) -> None:
    folder = _dataset(tmp_path, GOOD)
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["outcomes", str(folder), "--format", "csv"])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == "table,key,name,count" and "status,served,,1" in lines

"""Outputs read as sentences: counts agree with their nouns, names ending in a stop get no second one."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from instnet.cli import main
from instnet.io.resources import datasets_dir


def _ltd_dataset(tmp_path: Path) -> str:
    """Jamaica with every actor's name ending in "Ltd."."""
    folder = tmp_path / "ltd"
    shutil.copytree(datasets_dir() / "jamaica", folder)
    path = folder / "actors.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["name"] = r["name"].rstrip(".") + " Ltd."
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return str(folder)


def run(*args: str) -> str:
    res = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


def test_no_double_stops_no_plural_hedges_and_counts_agree(tmp_path: Path) -> None:
    ds = _ltd_dataset(tmp_path)
    texts = [run("gaps", ds, "--unmet"), run("refer", ds, "ent_man_g01", "pattern_making"),
             run("refer", ds, "ent_kgn_g07", "product_development"), run("bottlenecks", ds, "--show-lost"),
             run("recommend", ds), run("bottlenecks", ds, "--remove", "jampro_pc")]
    for args in (("report", ds, "--format", "md"), ("report", ds), ("export", "html", ds, "--focus", "ent_man_g01"),
                 ("export", "html", ds, "--focus", "ent_mby_g01")):
        out = tmp_path / f"out{len(texts)}"
        run(*args, "-o", str(out))
        texts.append(out.read_text(encoding="utf-8"))
    for text in texts:
        flat = " ".join(text.split())
        assert "Ltd.." not in flat and "Ltd. ." not in flat
        # the embedded JavaScript libraries legitimately contain "(s)"
        assert "(s)" not in re.sub(r"<script.*?</script>|<style.*?</style>", "", flat, flags=re.S)
        assert not re.search(r"\b1 (needs|networks|actions|hops)\b", flat), re.search(
            r".{40}\b1 (needs|networks|actions|hops)\b.{20}", flat)


def test_diff_headings_name_the_years() -> None:
    out = run("diff", "jamaica", "--from", "1993", "--to", "1999", "--limit", "50")
    assert "impact_a" not in out and "load_b" not in out
    assert "impact 1993" in out or "Bottlenecks" not in out

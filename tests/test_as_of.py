"""Analyses run as of the data year by default; --as-of all makes every row active."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from instnet.cli import main
from instnet.io.read import read_dataset


def _dataset(folder: Path, *, year: int | None) -> Path:
    """A shop whose only provider's offer of testing ended in 2020."""
    folder.mkdir()
    if year is not None:
        (folder / "ecosystem.toml").write_text(f'name = "closed lab"\nyear = {year}\n', encoding="utf-8")
    (folder / "actors.csv").write_text(
        "id,name,kind\nshop,Corner Shop,enterprise\nlab,Testing Lab,bds_provider\n", encoding="utf-8")
    (folder / "services.csv").write_text("id,name,category\ntesting,Testing,technology\n", encoding="utf-8")
    (folder / "offers.csv").write_text("actor,service,since,until\nlab,testing,2010,2020\n", encoding="utf-8")
    (folder / "needs.csv").write_text("actor,service\nshop,testing\n", encoding="utf-8")
    (folder / "links.csv").write_text("source,target,type\nshop,lab,client_of\n", encoding="utf-8")
    return folder


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_a_closed_offer_is_gone_by_default_and_back_with_as_of_all(tmp_path: Path) -> None:
    ds = str(_dataset(tmp_path / "d", year=2022))
    data = json.loads(run("refer", ds, "shop", "testing", "--format", "json").output)
    assert data["referrals"] == [] and data["as_of"] == 2022 and data["reason"] == "no_provider"
    text = run("refer", ds, "shop", "testing").output
    assert "as of 2022" in text and "nobody offers this service" in text
    data = json.loads(run("refer", ds, "shop", "testing", "--as-of", "all", "--format", "json").output)
    assert [r["provider"] for r in data["referrals"]] == ["lab"] and data["as_of"] == "all"
    assert "all years" in run("refer", ds, "shop", "testing", "--as-of", "all").output
    data = json.loads(run("refer", ds, "shop", "testing", "--as-of", "2015", "--format", "json").output)
    assert [r["provider"] for r in data["referrals"]] == ["lab"] and data["as_of"] == 2015
    gaps = json.loads(run("gaps", ds, "--format", "json", "--unmet").output)
    assert (gaps["served"], gaps["as_of"], gaps["unmet"][0]["reason"]) == (0, 2022, "no_provider")
    assert json.loads(run("gaps", ds, "--format", "json", "--as-of", "all").output)["served"] == 1
    for cmd in (("bottlenecks", ds), ("info", ds), ("recommend", ds)):
        assert json.loads(run(*cmd, "--format", "json").output)["as_of"] == 2022, cmd
    assert "as of 2022" in run("gaps", ds).output


def test_without_a_year_the_current_year(tmp_path: Path) -> None:
    ds = str(_dataset(tmp_path / "d", year=None))
    this_year = datetime.date.today().year
    assert read_dataset(ds).data_year == this_year
    data = json.loads(run("gaps", ds, "--format", "json").output)
    assert data["as_of"] == this_year and data["served"] == 0


def test_trend_refuses_as_of_and_bad_values_exit_2(tmp_path: Path) -> None:
    ds = str(_dataset(tmp_path / "d", year=2022))
    res = CliRunner().invoke(main, ["trend", ds, "--from", "2015", "--to", "2022", "--as-of", "2020"])
    assert res.exit_code == 2 and "--as-of" in res.output
    res = CliRunner().invoke(main, ["gaps", ds, "--as-of", "soon"])
    assert res.exit_code == 2 and "neither a year nor 'all'" in res.output
    data = json.loads(run("trend", ds, "--from", "2019", "--to", "2021", "--format", "json").output)
    assert [y["served"] for y in data["years"]] == [1, 0, 0]


@pytest.mark.parametrize("name", ["jamaica", "honduras", "nicaragua", "mexico"])
def test_built_in_datasets_are_analysed_as_of_1999(name: str) -> None:
    data = json.loads(run("gaps", name, "--format", "json").output)
    assert data["as_of"] == 1999
    eco = read_dataset(name)
    from instnet.analysis.gaps import coverage

    assert data["served"] == coverage(eco.as_of(1999)).served

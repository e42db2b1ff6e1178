"""The Python API: every public name of ``instnet`` on Jamaica, and one Analysis per command."""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import instnet
from instnet.cli import main

API = ["read_dataset", "write_dataset", "Analysis", "coverage", "gaps", "best_paths", "refer", "unmet",
       "bottlenecks", "impact", "what_if", "recommend", "indicators", "trend", "diff", "write_map",
       "write_report"]
SUBPACKAGES = ["io", "analysis", "render", "neo4j", "desk", "cli", "generate", "model", "graph", "schema", "errors"]


@pytest.fixture(scope="module")
def eco():
    return instnet.read_dataset("jamaica")


def _is_result(value: object) -> bool:
    """A DataFrame, or a frozen dataclass with ``to_dict()`` and ``to_frame()``."""
    if isinstance(value, pd.DataFrame):
        return True
    params = getattr(type(value), "__dataclass_params__", None)
    return (dataclasses.is_dataclass(value) and params is not None and params.frozen
            and isinstance(value.to_dict(), dict) and isinstance(value.to_frame(), pd.DataFrame))


def test_every_public_name_is_importable_from_instnet() -> None:
    from instnet import (  # noqa: F401
        Analysis, best_paths, bottlenecks, coverage, diff, gaps, impact, indicators, read_dataset, recommend,
        refer, trend, unmet, what_if, write_dataset, write_map, write_report,
    )

    for name in API + SUBPACKAGES:
        assert name in dir(instnet) and getattr(instnet, name) is not None, name
    assert instnet.gaps is instnet.coverage
    with pytest.raises(AttributeError):
        instnet.no_such_name  # noqa: B018


def test_every_public_function_runs_on_jamaica(eco, tmp_path: Path) -> None:
    from instnet import (
        Analysis, best_paths, bottlenecks, coverage, diff, gaps, impact, indicators, read_dataset, recommend,
        refer, trend, unmet, what_if, write_dataset, write_map, write_report,
    )

    results = {
        "coverage": coverage(eco, by="service"),
        "gaps": gaps(eco, by=("service", "region")),
        "best_paths": best_paths(eco),
        "unmet": unmet(eco),
        "bottlenecks": bottlenecks(eco),
        "impact": impact(eco),
        "what_if": what_if(eco, ["jampro_pc"]),
        "recommend": recommend(eco, budget=1),
        "indicators": indicators(eco),
        "trend": trend(eco, 1994, 1996),
        "diff": diff(eco.as_of(1994), eco.as_of(1996)),
    }
    for name, value in results.items():
        assert _is_result(value), name
    paths = results["best_paths"]
    assert len(paths) == len(eco.needs) and len(results["unmet"]) == int((~paths["served"]).sum())
    assert results["coverage"].served == int(paths["served"].sum())
    assert results["bottlenecks"].index[0] == "jampro_pc"
    assert results["what_if"].served_after < results["what_if"].served_before
    first = paths[paths["served"]].iloc[0]
    assert refer(eco, first["actor"], first["service"])[0].path == first["path"]

    written = write_dataset(eco, tmp_path / "copy")
    again = read_dataset(written)
    assert len(again.actors) == len(eco.actors) and len(again.needs) == len(eco.needs)
    assert write_map(eco, tmp_path / "map.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "jampro" in write_report(eco, tmp_path / "report.md", fmt="md").read_text(encoding="utf-8").lower()

    a = Analysis(eco)
    assert a.gaps().served == results["coverage"].served
    pd.testing.assert_frame_equal(a.bottlenecks, results["bottlenecks"])
    pd.testing.assert_frame_equal(a.impact, results["impact"])
    pd.testing.assert_frame_equal(a.unmet, results["unmet"])


def test_analysis_answers_what_ifs_like_the_functions(eco) -> None:
    a = instnet.Analysis(eco)
    for removed in (["jampro_pc"], ["jampro_pc", "heart"], ["uwi"]):
        mine, theirs = a.without(removed), instnet.what_if(eco, removed)
        assert mine.to_dict() == theirs.to_dict()
        pd.testing.assert_frame_equal(mine.lost_needs, theirs.lost_needs)
    lost = a.cut_off("jampro_pc")
    assert len(lost) == int(a.impact.loc["jampro_pc", "impact"])


def test_analysis_computes_each_result_once(eco, caplog) -> None:
    calls = _count_best_paths(caplog)
    a = instnet.Analysis(eco)
    a.gaps()
    a.gaps(by="region")
    _ = a.bottlenecks, a.load, a.indicators, a.panel, a.unmet
    a.without(["jampro_pc"])
    assert calls == [1]
    assert a.bottlenecks is a.bottlenecks and a.gaps() is a.gaps()


def _count_best_paths(caplog) -> list[int]:
    """Count the best-path computations by the line the engine logs for each one."""
    caplog.set_level(logging.INFO, logger="instnet.analysis")

    class Count(list):
        def __eq__(self, other: object) -> bool:
            return [sum(r.getMessage().startswith("best paths of") for r in caplog.records)] == other

    return Count()


@pytest.mark.parametrize("command", [
    ["report", "jamaica", "-o", "{tmp}/report.html"],
    ["report", "jamaica", "-o", "{tmp}/report.md", "--format", "md"],
    ["gaps", "jamaica", "--unmet", "--format", "json"],
    ["gaps", "jamaica", "--by", "service,reason", "--format", "json"],
    ["recommend", "jamaica", "--budget", "3", "--format", "json"],
    ["export", "html", "jamaica", "-o", "{tmp}/map.html", "--remove", "jampro_pc"],
    ["export", "json", "jamaica", "-o", "{tmp}/eco.json"],
    ["bottlenecks", "jamaica", "--format", "json"],
    ["info", "jamaica", "--format", "json"],
])
def test_one_command_computes_best_paths_once(command: list[str], tmp_path: Path, caplog) -> None:
    calls = _count_best_paths(caplog)
    res = CliRunner().invoke(main, [c.format(tmp=tmp_path) for c in command])
    assert res.exit_code == 0, res.output
    assert calls == [1]


def test_reasons_come_with_the_paths_once(eco, caplog) -> None:
    calls = _count_best_paths(caplog)
    a = instnet.Analysis(eco)
    report = a.gaps(by="service", reasons=True)
    assert a.gaps(by="reason").groups["needs"].sum() == report.needs
    _ = a.reasons, a.paths, a.bottlenecks
    assert calls == [1]
    pd.testing.assert_frame_equal(report.unmet, instnet.coverage(eco, by="service", reasons=True).unmet)
    assert list(a.reasons.index) == list(a.unmet.index)
    pd.testing.assert_frame_equal(instnet.unmet(eco, reasons=True), a.unmet.assign(
        reason=a.reasons["reason"], hops=a.reasons["hops"]))


def test_walk_ins_and_answers_from_the_analysis(eco) -> None:
    from instnet.analysis.answer import answer
    from instnet.analysis.walkin import WalkIn

    a = instnet.Analysis(eco)
    walk_in = WalkIn(region="Kingston", sector="garments", via=("jampro_pc",))
    assert a.with_walk_in(walk_in, "cad_design").to_dict() == answer(eco, walk_in, "cad_design").to_dict()
    unmet = a.unmet.iloc[0]
    mine = a.answer(unmet["actor"], unmet["service"])
    assert mine.to_dict() == answer(eco, unmet["actor"], unmet["service"]).to_dict()
    assert not mine.referrals and mine.reason == a.reasons.loc[a.unmet.index[0], "reason"]


def test_the_desk_computes_best_paths_once(eco, tmp_path: Path, caplog) -> None:
    from instnet.desk import SqliteLog, prepare

    calls = _count_best_paths(caplog)
    log = SqliteLog(tmp_path / "log.sqlite")
    try:
        state = prepare(eco, log_store=log)
        assert state.bottlenecks.get(wait=True).table.index[0] == "jampro_pc"
        assert "<html" in state.map_page.get(wait=True).lower()
        unmet = state.gaps.unmet.iloc[0]
        assert state.why_unmet(unmet["actor"], unmet["service"]).reason is not None
    finally:
        log.close()
    assert calls == [1]
    assert state.paths is state.analysis.paths and state.eco is state.analysis.eco


def test_library_errors_name_keywords_and_the_cli_names_flags(eco) -> None:
    with pytest.raises(instnet.errors.UsageError, match="^max_hops must") as caught:
        instnet.Analysis(eco, max_hops=0)
    assert caught.value.argument == "max_hops"
    with pytest.raises(instnet.errors.UsageError, match="^budget must") as caught:
        instnet.recommend(eco, budget=-1)
    res = CliRunner().invoke(main, ["trend", "jamaica", "--from", "1999", "--to", "1990"])
    assert res.exit_code == 2 and "--to (1990) is before --from (1999)" in res.output
    res = CliRunner().invoke(main, ["export", "html", "jamaica", "-o", "x.html", "--focus", "jampro",
                                    "--remove", "heart"])
    assert res.exit_code == 2 and "--focus and --remove draw different views" in res.output


def test_one_suggestion_helper_everywhere(eco) -> None:
    for call in (lambda: instnet.refer(eco, "jampro_p", "s1"),
                 lambda: instnet.what_if(eco, ["jampro_p"]),
                 lambda: instnet.Analysis(eco).cut_off("jampro_p")):
        with pytest.raises(instnet.errors.UnknownIdError) as caught:
            call()
        assert "jampro_pc" in caught.value.suggestions


def test_json_of_results_is_plain(eco) -> None:
    a = instnet.Analysis(eco)
    for value in (a.gaps().to_dict(), a.without(["jampro_pc"]).to_dict(), a.recommend(budget=1).to_dict()):
        json.dumps(value, default=str)

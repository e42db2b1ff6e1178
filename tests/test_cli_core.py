"""The command line: every command has help; validate and info on the built-in datasets."""

from __future__ import annotations

import io
import json

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from instnet.analysis import info as info_mod
from instnet.cli import main
from instnet.io.read import BUILTIN_NAMES, builtin_datasets, read_dataset


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [path]
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            out += _commands(cmd, path + (name,))
        else:
            out.append(path + (name,))
    return out


COMMANDS = _commands(main)


def test_the_command_tree_is_walked() -> None:
    assert ("validate",) in COMMANDS and ("info",) in COMMANDS and () in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "instnet")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    for flag in ("--help", "-h"):
        result = CliRunner().invoke(main, [*path, flag])
        assert result.exit_code == 0, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Usage:" in result.output
        cmd = main
        for name in path:
            cmd = cmd.commands[name]
        # Every command says what it does (its first help line shows in the output).
        assert cmd.help and cmd.help.strip().splitlines()[0][:40] in " ".join(result.output.split())


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and "instnet" in result.output


def _builtin(name: str) -> str:
    assert name in builtin_datasets()
    return name


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_validate_builtin(name: str) -> None:
    result = CliRunner().invoke(main, ["validate", _builtin(name)])
    assert result.exit_code == 0, result.output
    assert "valid (" in result.stdout


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_info_json_matches_the_library(name: str) -> None:
    eco = read_dataset(_builtin(name))
    eco = eco.as_of(eco.data_year)  # info counts what is active in the data year by default
    result = CliRunner().invoke(main, ["info", name, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    counts = info_mod.counts(eco)
    for key in ("actors", "links", "services", "totals"):
        assert data[key] == counts[key], key
    assert data["warnings"] == [str(p) for p in eco.warnings] + info_mod.warnings(eco)
    assert data["name"] == eco.name
    assert data["totals"]["actors"] == len(eco.actors) > 0
    assert sum(data["actors"].values()) == len(eco.actors)
    assert sum(data["links"].values()) == len(eco.links)


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_info_table_and_csv(name: str, tmp_path) -> None:
    _builtin(name)
    result = CliRunner().invoke(main, ["info", name])
    assert result.exit_code == 0, result.output
    assert "Actors by kind" in result.output
    result = CliRunner().invoke(main, ["info", name, "--format", "csv"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout), keep_default_na=False)
    assert list(table.columns) == ["table", "key", "count"]
    out = tmp_path / "info.json"
    result = CliRunner().invoke(main, ["info", name, "--format", "json", "-o", str(out)])
    assert result.exit_code == 0 and json.loads(out.read_text(encoding="utf-8"))["name"]


def test_info_as_of_on_a_builtin() -> None:
    name = _builtin("jamaica")
    eco = read_dataset(name)
    years = pd.concat([eco.actors["since"], eco.links["since"]]).dropna()
    year = int(years.min()) if len(years) else 2000
    result = CliRunner().invoke(main, ["info", name, "--as-of", str(year), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["as_of"] == year
    assert data["totals"] == info_mod.counts(eco.as_of(year))["totals"]


def test_unknown_builtin_suggests_a_name() -> None:
    _builtin("jamaica")
    result = CliRunner().invoke(main, ["validate", "jamaika"])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "did you mean jamaica" in result.output
    assert "Traceback" not in result.output


def test_generated_dataset_validates(tmp_path) -> None:
    out = tmp_path / "gen"
    result = CliRunner().invoke(main, ["generate", "-o", str(out), "--enterprises", "300", "--institutions", "20",
                                       "--seed", "3"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["validate", str(out)])
    assert result.exit_code == 0, result.output

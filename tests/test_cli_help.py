"""Every command and subcommand has --help (and -h), exits 0 and says what it does."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from termnorm.cli import app

runner = CliRunner()


def command_paths(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path under ``group`` (typer ships its own click, so groups are duck-typed)."""
    paths = [prefix]
    if hasattr(group, "commands"):
        for name, sub in sorted(group.commands.items()):
            paths += command_paths(sub, (*prefix, name))
    return paths


ROOT = typer.main.get_command(app)
PATHS = command_paths(ROOT)


def test_the_expected_commands_exist() -> None:
    assert {
        ("normalize",),
        ("annotate",),
        ("lookup",),
        ("glossary", "check"),
        ("glossary", "stats"),
        ("glossary", "export"),
    } <= set(PATHS)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "termnorm")
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help(path: tuple[str, ...], flag: str) -> None:
    result = runner.invoke(app, [*path, flag])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout
    command = ROOT
    for name in path:
        command = command.commands[name]
    summary = (command.help or "").strip().splitlines()[0]
    assert summary, f"{' '.join(path)} has no help text"
    assert summary[:30] in " ".join(result.stdout.split())


def test_no_arguments_shows_help() -> None:
    result = runner.invoke(app, [])
    assert "Usage:" in result.output
    assert result.exit_code in (0, 2)


def test_version() -> None:
    from termnorm import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"termnorm {__version__}"

"""Without --yes, apply shows what it would do and changes nothing unless the attendee agrees."""

from __future__ import annotations

from click.testing import CliRunner

from college_tui import cli
from college_tui.cli import common as cli_common

from .conftest import snapshot


def apply_answering(world, monkeypatch, answer: str):
    monkeypatch.setattr(cli_common, "interactive", lambda: True)  # as if typed at a terminal
    for key, value in world.env().items():
        monkeypatch.setenv(key, value)
    runner = CliRunner()
    return runner.invoke(
        cli.main, ["apply", *world.sandbox_args(), "--until", "project"], input=answer
    )


def test_saying_no_changes_nothing(world, monkeypatch):
    result = apply_answering(world, monkeypatch, "n\n")
    assert result.exit_code == 1, result.output
    assert (
        "[project] + There is no project College yet: would create the project College "
        "with the Agile process" in result.output
    )
    assert "Apply these changes? [Y/n]" in result.output
    assert result.output.rstrip().endswith("Nothing was changed.")
    assert snapshot(world.data).projects == []


def test_saying_yes_applies(world, monkeypatch):
    result = apply_answering(world, monkeypatch, "y\n")
    assert result.exit_code == 0, result.output
    assert "[project] ✓ Project College created (Agile)" in result.output
    assert "All 3 steps are done." in result.output
    assert snapshot(world.data).projects == ["College"]

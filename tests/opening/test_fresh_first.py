"""`college-tui --sandbox --fresh` at a terminal: --fresh carried out on the plan the command
line resolved, before the wizard opens (the wizard opens the sandbox itself, later)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from college_tui import cli, launch
from college_tui.cli import common as cli_common


@pytest.fixture
def wizard(monkeypatch, tmp_path):
    """A terminal, and the wizard replaced by a record of the options it was opened with."""
    opened: list[launch.TargetOptions] = []
    monkeypatch.setattr(launch, "in_a_terminal", lambda: True)
    monkeypatch.setattr(cli_common, "interactive", lambda: True)
    monkeypatch.setattr(launch, "run_wizard", lambda options: opened.append(options) or 0)
    monkeypatch.setenv("COLLEGE_TUI_STATE_DIR", str(tmp_path / "state"))
    return opened


def test_fresh_before_the_wizard_lists_asks_deletes_then_opens_it(tmp_path, wizard):
    data = tmp_path / "sandbox"
    data.mkdir()
    (data / "sandbox.db").write_bytes(b"")
    (data / "ports.json").write_text('{"port": 1}\n')
    result = CliRunner().invoke(
        cli.main, ["--sandbox", "--fresh", "--data", str(data)], input="y\n"
    )
    assert result.exit_code == 0, result.output
    assert "--fresh deletes:" in result.output
    assert f"the sandbox's own files in {data}: ports.json, sandbox.db" in result.output
    assert "Deleted: " in result.output
    assert sorted(p.name for p in data.iterdir()) == []
    assert len(wizard) == 1 and wizard[0].use_sandbox and wizard[0].data == data


def test_fresh_before_the_wizard_answered_no_deletes_nothing_and_opens_nothing(tmp_path, wizard):
    data = tmp_path / "sandbox"
    data.mkdir()
    (data / "sandbox.db").write_bytes(b"")
    result = CliRunner().invoke(
        cli.main, ["--sandbox", "--fresh", "--data", str(data)], input="n\n"
    )
    assert result.exit_code == 1, result.output
    assert "Nothing was deleted; nothing was changed." in result.output
    assert (data / "sandbox.db").exists()
    assert wizard == []


def test_fresh_before_the_wizard_under_a_file_says_nothing_was_deleted(tmp_path, wizard):
    mine = tmp_path / "notes.txt"
    mine.write_text("mine\n")
    result = CliRunner().invoke(cli.main, ["--sandbox", "--fresh", "--data", str(mine / "data")])
    assert result.exit_code == 1, result.output
    assert f"{mine} is a file, not a folder" in result.output
    assert result.output.rstrip().endswith("Nothing was deleted.")
    assert mine.read_text() == "mine\n"
    assert wizard == []

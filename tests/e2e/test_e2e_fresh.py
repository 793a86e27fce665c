"""`--fresh` never loses the attendee's work: it lists what it deletes, asks, and keeps unpushed work.

Each test first runs apply up to the clone, so the sandbox home holds a real clone; then the
attendee adds work to it and asks for --fresh.
"""

from __future__ import annotations

import subprocess

import pytest
from click.testing import CliRunner

from college_tui import cli
from college_tui.cli import common as cli_common

from .conftest import ANSWERS_PLAIN, snapshot


@pytest.fixture
def cloned(world):
    world.answers.write_text(ANSWERS_PLAIN, encoding="utf-8")
    result = world.apply("--until", "clone")
    assert result.returncode == 0, result.stdout + result.stderr
    clone = world.sandbox_home / "college" / "aidevcollege"
    assert (clone / ".git").is_dir()
    return clone


def git(clone, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(clone), *args], check=True, capture_output=True, text=True
    ).stdout


def fresh_answering(world, monkeypatch, answer: str):
    monkeypatch.setattr(cli_common, "interactive", lambda: True)  # as if typed at a terminal
    for key, value in world.env().items():
        monkeypatch.setenv(key, value)
    return CliRunner().invoke(
        cli.main,
        [
            "apply",
            *world.sandbox_args(),
            "--answers",
            str(world.answers),
            "--until",
            "project",
            "--fresh",
        ],
        input=answer,
    )


def test_fresh_answered_no_deletes_nothing(world, cloned, monkeypatch):
    (cloned / "my-notes.txt").write_text("mine\n")
    result = fresh_answering(world, monkeypatch, "n\n")
    assert result.exit_code == 1, result.output
    assert "--fresh deletes:" in result.output
    assert (
        f"the clone {cloned}, which holds 1 changed or new file(s) not committed "
        "(my-notes.txt)" in result.output
    )
    assert "the run-state file" in result.output
    assert "Delete them? [y/N]" in result.output
    assert result.output.rstrip().endswith("Nothing was deleted; nothing was changed.")
    assert (cloned / "my-notes.txt").read_text() == "mine\n"
    assert list(world.state.rglob("*.json"))
    assert snapshot(world.data).projects == ["College"]


def test_fresh_answered_yes_deletes_and_says_exactly_what(world, cloned, monkeypatch):
    result = fresh_answering(world, monkeypatch, "y\nn\n")  # yes to --fresh, no to the changes
    assert result.exit_code == 1, result.output
    assert f"the clone {cloned} (everything in it is on the sandbox server)" in result.output
    deleted = next(line for line in result.output.splitlines() if line.startswith("Deleted: "))
    assert str(world.data) in deleted and "sandbox.db" in deleted and str(cloned) in deleted
    assert not cloned.exists()
    assert "[project] + There is no project College yet" in result.output


@pytest.mark.parametrize(
    "work, words",
    [
        ("commit", "1 commit(s) not pushed to the server"),
        ("file", "1 changed or new file(s) not committed (draft.md)"),
    ],
)
def test_fresh_with_yes_keeps_a_clone_holding_work_unless_told_to_discard_it(
    world, cloned, work, words
):
    (cloned / "draft.md").write_text("my draft\n")
    if work == "commit":
        git(cloned, "add", "draft.md")
        git(
            cloned,
            "-c",
            "user.name=Ada",
            "-c",
            "user.email=ada@example.com",
            "commit",
            "-qm",
            "my work",
        )
    refused = world.apply("--fresh", "--until", "project")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert words in refused.stdout
    assert "Refusing to delete work that exists only in a clone" in refused.stderr
    assert "--discard-local-work" in refused.stderr
    assert (cloned / "draft.md").exists()
    assert snapshot(world.data).projects == ["College"]

    discarded = world.apply("--fresh", "--discard-local-work", "--until", "project")
    assert discarded.returncode == 0, discarded.stdout + discarded.stderr
    assert "Deleted: " in discarded.stdout and str(cloned) in discarded.stdout
    assert not cloned.exists()


def test_fresh_with_yes_and_a_clean_clone_goes_ahead(world, cloned):
    result = world.apply("--fresh", "--until", "project")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Deleted: " in result.stdout
    assert "[project] ✓ Project College created (Agile)" in result.stdout


@pytest.mark.parametrize("command", ["plan", "check"])
def test_plan_and_check_do_not_take_fresh(world, command):
    applied = world.apply("--until", "project")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    result = world.run(command, *world.sandbox_args("--fresh"))
    assert result.returncode == 2
    assert "No such option '--fresh'" in result.stderr
    assert snapshot(world.data).projects == ["College"]


def test_fresh_refuses_folders_that_are_not_a_sandbox(world):
    elsewhere = world.root / "my-documents"
    elsewhere.mkdir()
    (elsewhere / "thesis.tex").write_text("precious\n")
    refused = world.run("apply", "--sandbox", "--data", str(elsewhere), "--fresh", "--yes")
    assert refused.returncode == 2
    assert "does not look like a sandbox data folder" in refused.stderr
    assert [p.name for p in elsewhere.iterdir()] == ["thesis.tex"]

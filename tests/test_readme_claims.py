"""The README says only what is true: every command line it shows parses, every option it names exists.

A command or option the README promises but the CLI lacks (or no longer has) fails here.
"""

from __future__ import annotations

import re
import shlex
import warnings
from pathlib import Path

import click
import pytest

from college_tui import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
PLACEHOLDERS = {
    "NAME": "college",
    "DIR": "/tmp/x",
    "N": "8080",
    "SPEC": "latency=0.01",
    "FILE.toml": "answers.toml",
    "URL": "https://dev.azure.com/college",
}


def _commands() -> list[str]:
    return sorted(set(re.findall(r"`(college-tui(?: [^`]*)?)`", README)))


def _all_options(command: click.Command) -> set[str]:
    names = {opt for param in command.params for opt in getattr(param, "opts", [])}
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            names |= _all_options(sub)
    return names


def parse(line: str) -> None:
    """Parse `line` as the CLI would, down to its last subcommand (click raises on a bad one)."""
    words = [PLACEHOLDERS.get(w, w) for w in shlex.split(line.replace("[", "").replace("]", ""))]
    command: click.Command = cli.main
    ctx, args = None, words[1:]
    while True:
        ctx = command.make_context(words[0], args, parent=ctx)
        if not isinstance(command, click.Group):
            assert not ctx.args, f"{line}: unexpected {ctx.args}"
            return
        with warnings.catch_warnings():  # Click 8.2 deprecates protected_args, keeps it working
            warnings.simplefilter("ignore", DeprecationWarning)
            args = [*ctx.protected_args, *ctx.args]
        if not args:
            return
        _name, command, args = command.resolve_command(ctx, args)


@pytest.mark.parametrize("line", _commands())
def test_every_command_line_in_the_readme_parses(line):
    parse(line)


def test_a_command_line_the_cli_lacks_is_caught():
    with pytest.raises(click.UsageError):
        parse("college-tui plan --sandbox --fresh")
    with pytest.raises(click.UsageError):
        parse("college-tui sandbox serve --no-such-option")


def test_every_option_the_readme_names_exists():
    named = set(re.findall(r"`[^`]*?(--[a-z][a-z-]+)", README))
    named |= {opt for line in _commands() for opt in re.findall(r"--[a-z][a-z-]+", line)}
    assert named, "the README names no option at all?"
    assert named <= _all_options(cli.main), named - _all_options(cli.main)


def test_the_readme_makes_no_promise_for_later():
    assert "soon" not in README.lower()
    assert "no network" not in README.lower()


def test_the_readme_says_whom_headless_apply_and_the_wizard_invite(tmp_path):
    """Headless apply with the default answers invites nobody, while the wizard on the sandbox
    pre-fills one colleague: the README said "colleagues invited" for both (issue 16)."""
    from college_tui.ui.panels.members import SANDBOX_EXAMPLE
    from tests.e2e.conftest import World

    world = World(tmp_path)
    world.home.mkdir()
    result = world.run("apply", *world.sandbox_args(), "--yes", "--until", "members", timeout=120)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    said = re.search(r"\[members\] – (Skipped: nobody listed)", out)
    assert said, out
    flat = " ".join(README.split())
    assert f'says "{said.group(1)}" and adds no one' in flat
    assert f"the wizard on the sandbox instead pre-fills one colleague, `{SANDBOX_EXAMPLE}`" in flat

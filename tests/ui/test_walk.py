"""The whole wizard by keyboard only against the sandbox, then checked from outside."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from college_tui.steps.answers import default_alias
from college_tui.ui.panels.base import StepPanel
from college_tui.ui.widgets.step_list import SUMMARY
from tests.e2e.conftest import snapshot

from .conftest import PASSPHRASE, log_text, make_app, settle

COLLEAGUE = "alan@example.com"


@pytest.mark.parametrize("faults", [None, "ssh=closed"], ids=["ssh", "ssh-closed-https"])
async def test_enter_alone_with_a_member_and_a_passphrase_typed_reaches_the_summary(
    wizard_env, faults
):
    """With SSH closed (port 22 blocked) the same walk ends over HTTPS (issue 10)."""
    app = make_app(wizard_env.cli_opener(faults=faults), env=wizard_env)
    enters = 0
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.wizard
        assert screen.current == "sign-in"
        while screen.current != SUMMARY:
            step = screen.current
            if step == "members":
                assert app.focused.id == "members-members"
                await pilot.press("end", *f", {COLLEAGUE}")
            if step == "ssh-key":
                await pilot.press("tab", *PASSPHRASE, "tab", *PASSPHRASE)
            await pilot.press("enter")
            enters += 1
            await settle(app, pilot)
            assert enters <= 20, f"stuck on {screen.current}: {log_text(app)[-2000:]}"
            ok_states = ("done", "already")
            if faults and step == "ssh-key":  # registered; the login check could not connect
                ok_states += ("warning",)
            assert screen.step_list.states[step] in ok_states, (
                f"{step}: {screen.step_list.state_text(step)}\n{log_text(app)[-3000:]}"
            )
        summary = screen.query_one("#summary-checklist").content
        assert "9 of 9 challenge outcomes done" in str(summary), summary
        assert (
            screen.pull_request_url and "/_git/aidevcollege/pullrequest/" in screen.pull_request_url
        )
        assert isinstance(screen.panel("ssh-key"), StepPanel)
        key_text = str(screen.query_one("#ssh-key-public").content)
        assert "Fingerprint: SHA256:" in key_text and "ssh-rsa " in key_text
        on_screen = log_text(app)
        pat = None
        if screen.session:
            pat = screen.session.ctx.secrets.pat
        log_file = app.logfile.path.read_text(encoding="utf-8")
    assert enters <= 20
    for secret in (PASSPHRASE, pat):
        assert secret and secret not in on_screen and secret not in log_file
    assert "http POST" in log_file and "[pull-request]" in log_file  # the file has every event

    for stack in wizard_env.stacks:  # the wizard's sandbox stops; `check` starts its own
        stack.close()
    env = {k: v for k, v in os.environ.items()}
    check = subprocess.run(
        [
            sys.executable,
            "-m",
            "college_tui.cli",
            "check",
            "--sandbox",
            "--data",
            str(wizard_env.data),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    seen = snapshot(wizard_env.data, branch=f"users/{default_alias()}/hello-college")
    assert seen.projects == ["College"] and seen.process == "Agile"
    assert seen.teams.count("College Team") == 1 and seen.default_team == "College Team"
    assert {"grace@example.com", COLLEAGUE} <= seen.team_members
    assert (
        len(seen.ssh_keys) == 1 and seen.repos == ["College", "aidevcollege"] and seen.imports == 1
    )
    assert len(seen.active_prs) == 1
    assert seen.branches.count(f"refs/heads/users/{default_alias()}/hello-college") == 1

"""Azure DevOps mode's screens (PAT entry, organisation list) against `college-tui sandbox
serve` in another process, reached by URL like a real organisation."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys

import pytest
from textual.widgets import Input, OptionList, Select

from college_tui.launch import TargetOptions, wizard_opener

from .conftest import log_text, make_app, settle


@pytest.fixture
def served(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "college_tui.cli",
            "sandbox",
            "serve",
            "--data",
            str(tmp_path / "served"),
            "--print-json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        yield json.loads(line)
    finally:
        proc.terminate()
        proc.wait(20)


def org_app(served, wizard_env, stack):
    """The wizard on `--org URL` (the served sandbox, reached by URL as a real organisation)."""
    org_url = served["org_url"]
    options = TargetOptions(
        org_url=org_url,
        use_sandbox=False,
        data=None,
        faults=None,
        profile_url=served["profile_url"],
        verbose=False,
    )
    return make_app(wizard_opener(options, stack), start="org", env=wizard_env, org_url=org_url)


async def test_the_pat_is_typed_masked_then_the_organisations_are_listed(
    served, wizard_env, monkeypatch, tmp_path
):
    monkeypatch.delenv("AZURE_DEVOPS_PAT", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    pat, org_url = served["pat"], served["org_url"]
    with contextlib.ExitStack() as stack:
        app = org_app(served, wizard_env, stack)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            screen = app.wizard
            assert screen.step_list.state_text("sign-in") == "to do"
            # No PAT at hand (none in the environment or the keyring): the browser is the
            # default; this test chooses the PAT, as an attendee may.
            auth = screen.query_one("#sign-in-auth", Select)
            assert auth.value == "browser"
            auth.value = "pat"
            await settle(app, pilot)
            screen.panel("sign-in").focus_first()
            await settle(app, pilot)
            field = screen.query_one("#sign-in-pat", Input)
            assert field.password and app.focused is field
            intro = str(screen.query_one("#sign-in-panel .panel-header").render())
            assert "vso.code" in intro or "Code" in intro  # the scopes it needs are listed

            await pilot.press("enter")  # nothing typed: said under the field, nothing runs
            await settle(app, pilot)
            assert "Paste your personal access token" in str(
                screen.query_one("#sign-in-pat-error").content
            )
            assert screen.step_list.state_text("sign-in") == "to do"

            await pilot.press(*pat, "enter")
            await settle(app, pilot)
            assert screen.step_list.state_text("sign-in") == "done", log_text(app)[-2000:]
            assert screen.current == "organization"
            listing = screen.query_one("#organization-list", OptionList)
            names = [
                str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)
            ]
            assert served["org"] in names
            assert listing.display and screen.query_one("#organization-list-label").display
            frame = app.export_screenshot()
            await pilot.press("enter")  # the organisation shown
            await settle(app, pilot)
            assert screen.step_list.state_text("organization") in ("done", "already there")
            text = log_text(app)
            log_file = app.logfile.path.read_text(encoding="utf-8")
    assert pat not in frame and pat not in text and pat not in log_file
    from college_tui.workstation.secrets import load_pat

    assert not load_pat(org_url)  # "remember in the keyring" is off unless ticked


async def test_a_pat_in_the_environment_stays_the_default_over_the_browser(
    served, wizard_env, monkeypatch, tmp_path
):
    """--org URL with AZURE_DEVOPS_PAT set: the PAT at hand is the default (and it signs in)."""
    monkeypatch.setenv("AZURE_DEVOPS_PAT", served["pat"])
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    with contextlib.ExitStack() as stack:
        app = org_app(served, wizard_env, stack)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            assert app.wizard.query_one("#sign-in-auth", Select).value == "pat"

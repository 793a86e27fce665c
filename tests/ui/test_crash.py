"""One handler for every unexpected exception (issue 27): a bug in an event-loop handler ends the
app with exit code 1, the terminal restored, one apology naming the crash report, and never the
traceback with the frames' locals that Textual prints by default (a typed PAT among them)."""

from __future__ import annotations

import sys

import pytest
from textual.notifications import Notify
from textual.widgets import Input

from college_tui.steps.runner import APOLOGY
from college_tui.ui.wizard_model import WizardModel
from tests.ui.conftest import make_app, server_opener, settle, wait_until

SECRET = "typed-pat-4e7b1c9d0a2f-never-shown"


class Injected(RuntimeError):
    """The bug a test puts into an event-loop handler."""


async def test_a_bug_in_a_handler_holding_a_pat_ends_in_the_apology_and_a_clean_report(
    sandbox, wizard_env, monkeypatch, capsys
):
    held = {}

    def buggy_confirmation(self, steps, changes):
        # The caller (WizardScreen.collect_and_run, on the event loop) holds the typed PAT in its
        # local `secrets`: Textual's own handler would print it with the traceback's locals.
        typed = sys._getframe(1).f_locals["secrets"]  # steps.session.TypedSecrets
        held["pat"] = typed.pat
        raise Injected(f"a bug next to {typed.pat!r}")  # the worst case: the secret in the message

    monkeypatch.setattr(WizardModel, "confirmation", buggy_confirmation)
    opener = server_opener(sandbox, pat="", sandbox=False)
    app = make_app(opener, start="org", env=wizard_env, org_url=sandbox.info.org_url)
    with pytest.raises(Injected):  # run_test re-raises it for the test, as Textual does
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            field = app.wizard.query_one("#sign-in-pat", Input)
            field.focus()
            await pilot.press(*SECRET, "enter")
            await wait_until(pilot, lambda: not app.is_running, timeout=20, what="the exit")
    assert held.get("pat") == SECRET  # the handler really held it when it failed
    assert app.return_code == 1

    shown = capsys.readouterr().err  # what the restored terminal shows after the exit
    reports = sorted((wizard_env.state / "logs").glob("crash-*.log"))
    assert len(reports) == 1
    assert shown.strip() == f"{APOLOGY} The details are in {reports[0]}."  # one line, whole
    assert "Traceback" not in shown and SECRET not in shown

    report = reports[0].read_text(encoding="utf-8")
    assert SECRET not in report and "***" in report
    assert "Injected" in report and "buggy_confirmation" in report  # the chain, as text
    assert "textual 8.2.8" in report and "college-tui " in report  # the versions
    assert "collect_and_run" in report and "f_locals" not in report.split("Traceback")[0]
    assert oct(reports[0].stat().st_mode & 0o777) == "0o600"


async def test_the_device_code_on_the_clipboard_is_called_the_code(
    sandbox, wizard_env, monkeypatch
):
    """The sign-in panel copies the device code, not the link: where no browser opens, the
    notice says so (it once said the link was copied)."""
    from college_tui.events import NeedsYou

    monkeypatch.setenv("BROWSER", "false")  # webbrowser runs `false URL`: no browser opened
    monkeypatch.setattr("college_tui.steps.signin_help.suggested_auth", lambda: "browser")
    notices: list[str] = []

    def hook(message) -> None:
        if isinstance(message, Notify):
            notices.append(message.notification.message)

    app = make_app(server_opener(sandbox, sandbox=False), start="org", env=wizard_env)
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await settle(app, pilot)
        panel = app.wizard.panel("sign-in")
        panel.show_handoff(
            NeedsYou("sign-in", "Type the code.", "https://microsoft.com/devicelogin", "ABCD-1234")
        )
        await wait_until(pilot, lambda: any("No browser" in n for n in notices), what="notice")
        assert app.clipboard == "ABCD-1234"
    assert notices == [
        "No browser opened here. The code was sent to your terminal's clipboard (your terminal "
        "may not allow it)."
    ]

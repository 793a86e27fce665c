"""Device code blocked by Conditional Access (the sandbox's `devicecode=blocked`): the sign-in panel
says it in one sentence, offers the browser in place, and signs in with it (the real azure-identity
and MSAL; a stand-in browser plays the person)."""

from __future__ import annotations

from textual.widgets import Button, Select

from tests.azdo.stand_in_browser import use_stand_in_browser

from .conftest import make_app, server_opener, settle, wait_until

ADA = "ada@college.example"


async def test_the_panel_offers_the_browser_in_place_and_signs_in_with_it(
    start_sandbox, wizard_env, monkeypatch
):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER", "SSH_CONNECTION", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)
    server = start_sandbox(device_code_interval=1, faults="devicecode=blocked")
    app = make_app(server_opener(server), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        wizard = app.wizard
        panel = wizard.panel("sign-in")
        panel.query_one("#sign-in-auth", Select).value = "device-code"
        panel.query_one(".primary").focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: wizard.model.states["sign-in"] == "failed", what="refusal")
        await settle(app, pilot)
        outcome = str(panel.query_one(".outcome").content)
        assert "Your organisation blocks device-code sign-in" in outcome, outcome
        assert "AADSTS" not in outcome and "{" not in outcome
        assert panel.auth() == "browser"
        assert str(panel.query_one(".primary", Button).label) == "Sign in with the browser"

        monkeypatch.setenv("DISPLAY", ":0")  # a desktop: the browser can open
        browser = use_stand_in_browser(monkeypatch, ADA)
        panel.query_one(".primary").focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: wizard.model.states["sign-in"] == "done", what="sign-in")
        assert browser.visited, "the browser was not opened"
        assert wizard.session.ctx.credential.kind == "entra"


async def test_the_summary_says_how_an_https_clone_keeps_working_after_the_day(
    start_sandbox, wizard_env
):
    from college_tui.steps.session import Summary

    server = start_sandbox()
    hint = "After the day, … git -C /tmp/clone config credential.azreposCredentialType oauth …"

    app = make_app(server_opener(server), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.wizard
        after = screen.centre.summary().query_one("#summary-after")
        assert not after.display
        screen.centre.summary().fill(Summary([], [], "/tmp/clone", None, hint))
        await pilot.pause()
        assert after.display and "azreposCredentialType oauth" in str(after.content)

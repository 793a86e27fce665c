"""The wizard from nothing: the welcome's "My Azure DevOps" with no URL, against a served sandbox
named by COLLEGE_TUI_SERVICE_URL; sign-in with a device code read off the panel and typed on the
sandbox's device page over HTTP (the real azure-identity and MSAL); then the account's
organisations listed and one picked. Escape cancels a device code. At 60×20 the code and its
page stay whole (issue 25)."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
import requests

from college_tui.launch import TargetOptions, wizard_opener
from tests.azdo.stand_in_browser import sign_in_on_device_page

from .conftest import make_app, settle, wait_until

ADA = "ada@college.example"


@pytest.fixture
def from_nothing(start_sandbox, wizard_env, monkeypatch, tmp_path):
    """A served sandbox as "My Azure DevOps", a terminal with no display (device code)."""
    return served_from_nothing(start_sandbox, wizard_env, monkeypatch, tmp_path)


def served_from_nothing(start_sandbox, wizard_env, monkeypatch, tmp_path, **sandbox):
    """The served sandbox (started with `sandbox`) and the wizard app opened from nothing on it."""
    server = start_sandbox(device_code_interval=1, **sandbox)
    monkeypatch.setenv("COLLEGE_TUI_SERVICE_URL", server.info.base_url)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER", "SSH_CONNECTION", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)
    stack = contextlib.ExitStack()
    wizard_env.stacks.append(stack)
    options = TargetOptions(None, False, None, None, None, False)
    app = make_app(wizard_opener(options, stack), start=None, env=wizard_env)
    return server, app


async def refused_as_personal(app, pilot, account):
    """My Azure DevOps, a device code typed on the page by a personal account, the refusal
    seen: the sign-in panel and the wizard."""
    await settle(app, pilot)
    await pilot.click("#choose-org")
    await settle(app, pilot)
    wizard = app.wizard
    panel, code, url = await show_code(app, pilot)
    await asyncio.to_thread(sign_in_on_device_page, url, code, account)
    await wait_until(pilot, lambda: not wizard.model.running, what="the refusal")
    await settle(app, pilot)
    return panel, wizard


async def sign_up_in_sandbox(pilot, wizard, base: str, name: str, account: str) -> None:
    """What the person does on the sandbox's sign-up page the organisation step opened: the
    organisation `name` made for `account`; then the wizard's wait for it, over."""
    done = await asyncio.to_thread(
        requests.post,
        f"{base}/_sandbox/signup",
        data={"name": name, "account": account},
        timeout=10,
    )
    assert done.status_code == 201, done.text
    await wait_until(pilot, lambda: not wizard.model.running, what="the organisation")
    await settle(pilot.app, pilot)


async def show_code(app, pilot):
    """Enter on the sign-in panel; the code and page as the panel shows them."""
    wizard = app.wizard
    panel = wizard.panel("sign-in")
    await pilot.press("enter")
    await wait_until(pilot, lambda: panel.query("#device-code"), what="the device code")
    code = "".join(str(panel.query_one("#device-code").content).split())
    url = str(panel.query_one(".device-url").content)
    return panel, code, url


async def test_my_azure_devops_with_no_url_signs_in_with_a_device_code_and_picks_the_organisation(
    from_nothing, wizard_env
):
    server, app = from_nothing
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.click("#choose-org")  # no URL typed
        await settle(app, pilot)
        wizard = app.wizard
        assert wizard is not None and not wizard.sandbox and wizard.current == "sign-in"
        panel = wizard.panel("sign-in")
        assert panel.auth() == "device-code"  # no display here: the device code is suggested
        remember = panel.query_one("#sign-in-remember")
        assert remember.display and "encrypted token cache" in str(remember.label)
        assert not panel.query_one("#sign-in-pat").display  # no token to paste this way
        assert app.focused is panel.query_one(".primary")  # Enter signs in
        shown = str(panel.query_one(".panel-header").render())
        assert "tenant" in shown and "499b84ac-1321-427f-aa17-267ca6975798" in shown

        panel, code, url = await show_code(app, pilot)
        assert app.clipboard == code  # copied for the person
        assert url.startswith(f"{server.info.base_url}/_idp/")
        page = await asyncio.to_thread(sign_in_on_device_page, url, code, ADA)
        assert ADA in page
        await wait_until(pilot, lambda: not wizard.model.running, what="the sign-in")
        await settle(app, pilot)
        assert wizard.model.states["sign-in"] == "done", str(panel.query_one(".outcome").content)
        assert not panel.query("#device-code")  # the code went with the wait

        organization = wizard.panel("organization")
        listing = organization.query_one("#organization-list")
        await wait_until(pilot, lambda: listing.option_count > 0, what="the organisations")
        assert wizard.current == "organization"
        assert [str(listing.get_option_at_index(0).prompt)] == ["college-sandbox"]
        listing.focus()
        listing.highlighted = 0
        await pilot.press("enter")
        await wait_until(pilot, lambda: wizard.model.states["organization"] in ("done", "already"))
        await settle(app, pilot)
        ctx = wizard.session.ctx
        assert ctx.target.org_url == server.info.org_url and not ctx.target.org_pending
        # By hand names the organisation as soon as it is known.
        by_hand = str(wizard.panel("project").query_one(".panel-header").render())
        assert f"--organization {server.info.org_url}" in by_hand, by_hand
        assert "_no-organisation-yet" not in by_hand

        token = ctx.credential.git_password()
        assert token not in app.export_screenshot()
        for path in wizard_env.root.rglob("*"):
            if path.is_file():
                assert token.encode() not in path.read_bytes(), path


async def test_escape_cancels_a_device_code_and_enter_asks_for_a_new_one(from_nothing):
    server, app = from_nothing
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.click("#choose-org")
        await settle(app, pilot)
        wizard = app.wizard
        panel, first, _url = await show_code(app, pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not wizard.model.running, what="the cancel")
        await settle(app, pilot)
        assert wizard.model.states["sign-in"] == "failed"
        outcome = str(panel.query_one(".outcome").content)
        assert "Sign-in cancelled" in outcome and "AADSTS" not in outcome
        assert not panel.query("#device-code")

        panel.query_one(".primary").focus()
        panel, second, url = await show_code(app, pilot)
        assert second != first
        await asyncio.to_thread(sign_in_on_device_page, url, second, ADA)
        await wait_until(pilot, lambda: not wizard.model.running, what="the sign-in")
        assert wizard.model.states["sign-in"] == "done", str(panel.query_one(".outcome").content)


async def test_in_the_sandbox_the_token_stays_the_default_and_a_device_code_practises_entra(
    start_sandbox, wizard_env, monkeypatch
):
    from textual.widgets import Select

    from .conftest import server_opener

    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    server = start_sandbox(device_code_interval=1)
    app = make_app(server_opener(server), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        wizard = app.wizard
        panel = wizard.panel("sign-in")
        assert panel.auth() == "pat"  # the sandbox's own token: the Enter-only walk is unchanged
        modes = [value for _label, value in panel._modes()]
        assert modes == ["pat", "browser", "device-code"]  # no Azure CLI offline
        panel.query_one("#sign-in-auth", Select).value = "device-code"
        panel.query_one(".primary").focus()
        panel, code, url = await show_code(app, pilot)
        await asyncio.to_thread(sign_in_on_device_page, url, code, ADA)
        await wait_until(pilot, lambda: not wizard.model.running, what="the sign-in")
        await settle(app, pilot)
        assert wizard.model.states["sign-in"] == "done", str(panel.query_one(".outcome").content)
        assert wizard.session.ctx.credential.kind == "entra"
        assert "with Microsoft Entra" in str(panel.query_one(".outcome").content)


async def test_a_personal_account_is_told_why_and_creates_the_organisation_from_step_2(
    from_nothing,
):
    from college_tui.sandbox.identity.accounts import PERSONAL

    server, app = from_nothing
    robin = PERSONAL[1]
    async with app.run_test(size=(120, 40)) as pilot:
        panel, wizard = await refused_as_personal(app, pilot, robin)
        outcome = str(panel.query_one(".outcome").content)
        assert "Microsoft gives no Entra sign-in tokens" in outcome and "AADSTS" not in outcome
        assert "type its name on the organisation step" in outcome

        wizard.switch_to("organization")
        organization = wizard.panel("organization")
        organization.query_one("#organization-organization").value = "robins-org"
        organization.query_one(".primary").focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: organization.last_handoff is not None, what="hand-off")
        signup = organization.last_handoff.url
        assert signup.startswith(f"{server.info.base_url}/_sandbox/signup")
        await sign_up_in_sandbox(pilot, wizard, server.info.base_url, "robins-org", robin)
        assert wizard.model.states["organization"] == "done"
        assert "sign in with a token made in it" in str(organization.query_one(".outcome").content)
        assert wizard.session.ctx.target.org_url == f"{server.info.base_url}/robins-org"


async def test_over_ssh_with_no_display_the_panel_says_how_the_browser_can_still_work(
    from_nothing, monkeypatch
):
    """Over SSH with no display: device code is the default, and the panel gives the exact
    line that forwards the display so the browser's loopback sign-in works."""
    import getpass

    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.7 50022 198.51.100.4 22")
    _server, app = from_nothing
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.click("#choose-org")
        await settle(app, pilot)
        panel = app.wizard.panel("sign-in")
        assert panel.auth() == "device-code"
        hint = str(panel.query_one("#sign-in-over-ssh").content)
        assert f"ssh -X {getpass.getuser()}@198.51.100.4" in hint and "Device code" in hint


def screen_lines(app) -> list[str]:
    """The screen as the terminal shows it (toasts included): one string per row."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


@pytest.mark.parametrize("small", ["resized-during-the-wait", "small-before-the-code"])
async def test_at_60x20_during_a_device_code_wait_the_code_and_the_page_stay_whole(
    from_nothing, small
):
    """The toasts shown (`notifications=True`): at 60×20 they used to cover the box, whether
    the window shrank during the wait or was already small when the code appeared (the
    clipboard's notice "The code is copied" came with it)."""
    _server, app = from_nothing
    size = (60, 20) if small == "small-before-the-code" else (120, 40)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#choose-org").press()  # no URL: sign in first, a device code
        await settle(app, pilot)
        panel = app.wizard.panel("sign-in")
        await pilot.press("enter")
        await wait_until(pilot, lambda: panel.query("#device-code"), what="the device code")
        code = str(panel.query_one("#device-code").content)  # as the box spaces it out
        url = str(panel.query_one(".device-url").content)
        assert "".join(code.split()) and url.startswith("http")
        await wait_until(pilot, lambda: app.clipboard, what="the code copied")
        assert "".join(app.clipboard.split()) == "".join(code.split())

        if small == "resized-during-the-wait":
            await pilot.resize_terminal(60, 20)
        await pilot.pause()
        await pilot.pause(0.5)
        lines = screen_lines(app)
        shown = "\n".join(lines)
        assert app.size == (60, 20) and len(lines) == 20
        assert any(code in line for line in lines), f"the code is not whole:\n{shown}"
        assert any(url in line for line in lines), f"the page is not whole:\n{shown}"
        if small == "small-before-the-code":  # the clipboard's notice is said in the log instead
            log = app.wizard.query_one("#activity").text
            assert "The code was sent to your terminal's clipboard" in log
        app.wizard.session.cancel()

"""A personal Microsoft account rehearsed offline to the pull request: "My Azure DevOps" from
nothing against a served sandbox, the device code refused for the personal account (a short
sentence, the one way that works), the organisation created on the sign-up page, then the
wizard back on the sign-in with the token field focused; the token made on the sandbox's
"Personal access tokens" page (as on the real one), pasted, and the rest run to the summary."""

from __future__ import annotations

import asyncio
import re

import requests
from textual.widgets import Input

from college_tui.sandbox.identity.accounts import PERSONAL
from college_tui.ui.modals import ConfirmModal

from .conftest import log_text, settle, wait_until
from .test_sign_in_from_nothing import refused_as_personal, served_from_nothing, sign_up_in_sandbox


def make_token_on_the_page(pat_page: str, org: str) -> str:
    """What the person does on the Personal access tokens page: New token, Create, copy it."""
    page = requests.get(pat_page, headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200 and 'id="new-token"' in page.text, page.text
    base = pat_page.split(f"/{org}/")[0]
    made = requests.post(
        f"{base}/_sandbox/tokens", data={"org": org, "name": "college-tui"}, timeout=10
    )
    assert made.status_code == 201, made.text
    return re.search(r'<code id="token">([^<]+)</code>', made.text)[1]


async def test_a_personal_account_reaches_the_pull_request_with_a_token_made_in_the_sandbox(
    start_sandbox, wizard_env, monkeypatch, tmp_path
):
    server, app = served_from_nothing(start_sandbox, wizard_env, monkeypatch, tmp_path, ssh=True)
    base = server.info.base_url
    robin = PERSONAL[1]
    async with app.run_test(size=(80, 24)) as pilot:
        panel, wizard = await refused_as_personal(app, pilot, robin)
        said = str(panel.query_one(".outcome").content)
        assert "The way that works" in said and len(said) <= 6 * 70, said  # six lines at most

        wizard.switch_to("organization")
        organization = wizard.panel("organization")
        organization.query_one("#organization-organization", Input).value = "robins-org"
        await pilot.press("enter")  # the name field submits: Create
        await wait_until(pilot, lambda: organization.last_handoff is not None, what="hand-off")
        await sign_up_in_sandbox(pilot, wizard, base, "robins-org", robin)
        # Not on to a step that would fail "not signed in": back on the sign-in, token first.
        assert wizard.current == "sign-in" and panel.auth() == "pat"
        field = panel.query_one("#sign-in-pat", Input)
        assert app.focused is field
        org_url = f"{base}/robins-org"
        page = str(panel.query_one("#sign-in-pat-page").content)
        assert f"{org_url}/_usersSettings/tokens" in page

        token = await asyncio.to_thread(
            make_token_on_the_page, f"{org_url}/_usersSettings/tokens", "robins-org"
        )
        field.value = token
        await pilot.press("enter")
        await wait_until(pilot, lambda: wizard.model.states["sign-in"] == "done", what="sign-in")
        await settle(app, pilot)

        await pilot.press("ctrl+r")  # the rest, to the pull request
        for _ in range(2000):
            if isinstance(app.screen, ConfirmModal):
                await pilot.press("enter")  # yes: write the key in this (temporary) home
            if wizard.centre.summary().summary is not None and not wizard.model.running:
                break
            await pilot.pause(0.1)
        await settle(app, pilot)
        assert wizard.pull_request_url, log_text(app)[-3000:]
        assert "/robins-org/College/_git/aidevcollege/pullrequest/" in wizard.pull_request_url
        assert token not in app.export_screenshot() and token not in log_text(app)

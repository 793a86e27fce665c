"""Resume, failure and retry, answers refused before any call, quitting while a step runs."""

from __future__ import annotations

from textual.widgets import Input

from college_tui.ui.modals import ConfirmModal

from .conftest import log_text, make_app, request_total, server_opener, settle, wait_until


async def test_a_second_wizard_on_the_same_data_shows_what_is_done_and_starts_at_the_first_open_step(
    wizard_env,
):
    first = make_app(wizard_env.cli_opener(), env=wizard_env)
    async with first.run_test(size=(120, 40)) as pilot:
        await settle(first, pilot)
        for _ in ("sign-in", "project"):
            await pilot.press("enter")
            await settle(first, pilot)
        assert first.wizard.current == "team"
        await pilot.press("ctrl+q")  # nothing runs: quits without asking
    for stack in wizard_env.stacks:
        stack.close()

    second = make_app(wizard_env.cli_opener(), env=wizard_env)
    async with second.run_test(size=(120, 40)) as pilot:
        await settle(second, pilot)
        screen = second.wizard
        # Found made by the first session: "already there" (this session did not make them).
        assert [screen.step_list.state_text(k) for k in ("sign-in", "organization", "project")] == [
            "already there",
            "already there",
            "already there",
        ]
        # The sandbox, like Azure DevOps, makes the project's team with the project: the
        # inspection finds College Team already default, so the first open step is members.
        assert screen.step_list.state_text("team") == "already there"
        assert screen.step_list.state_text("members") == "to do"
        assert screen.current == "members" and second.focused.id == "members-members"


async def test_a_step_failing_under_faults_shows_the_engines_sentence_and_succeeds_on_retry(
    start_sandbox, wizard_env
):
    server = start_sandbox(faults="5xx=1.0,seed=3")
    app = make_app(server_opener(server), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.wizard
        assert screen.step_list.state_text("sign-in") == "failed"
        outcome = str(screen.query_one("#sign-in-outcome").content)
        assert outcome.startswith("✗ ") and "Traceback" not in outcome
        assert "503" in outcome or "unavailable" in outcome.lower(), outcome
        assert str(screen.query_one("#sign-in-run").label) == "Retry"

        server.faults.error_rate = 0.0  # the service recovers
        assert app.focused.id == "sign-in-run"
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.step_list.state_text("sign-in") == "done", log_text(app)[-2000:]
        assert "Signed in as" in str(screen.query_one("#sign-in-outcome").content)


async def test_an_invalid_project_name_is_flagged_under_its_field_and_nothing_is_called(
    sandbox, wizard_env
):
    app = make_app(server_opener(sandbox), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+n", "ctrl+n")
        screen = app.wizard
        assert screen.current == "project" and app.focused.id == "project-project"
        await pilot.press("end", "ctrl+u", *"Col/lege")  # replaces the pre-filled name
        assert screen.query_one("#project-project", Input).value == "Col/lege"
        error = str(screen.query_one("#project-project-error").content)
        assert "may not contain /" in error
        before = request_total(sandbox)
        await pilot.press("enter")
        await settle(app, pilot)
        assert request_total(sandbox) == before  # not one request
        assert screen.step_list.state_text("project") == "to do"
        assert app.focused.id == "project-project"


async def test_quitting_while_a_step_runs_asks_first_and_cancels_it_cleanly(
    start_sandbox, wizard_env
):
    server = start_sandbox(project_create_seconds=60)
    app = make_app(server_opener(server), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")  # sign in
        await settle(app, pilot)
        await pilot.press("enter")  # create the project: takes a minute here
        screen = app.wizard
        await wait_until(
            pilot,
            lambda: (
                "Creating project" in screen.status.operation or "queued" in screen.status.operation
            ),
            what="the project creation",
        )
        assert screen.busy and screen.step_list.state_text("project") == "running"
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert app.focused.id == "confirm-yes"
        await pilot.press("enter")
        await wait_until(pilot, lambda: not screen.busy, timeout=20, what="the cancel")
        await pilot.pause()
        text = log_text(app)
    assert app.return_code == 0
    assert "Cancelled: run the step again" in text
    assert not screen.session.ctx.state.is_done("project")


async def test_a_step_that_needs_you_shows_the_page_and_what_to_paste_there(
    start_sandbox, wizard_env, monkeypatch
):
    from college_tui.azdo.client import AzureDevOps
    from college_tui.azdo.errors import PortalRefused
    from college_tui.ui.panels.base import HandoffBox

    def refused(self, *args, **kwargs):
        raise PortalRefused("the portal answered HTTP 401 to the key upload", status=401)

    monkeypatch.setattr(AzureDevOps, "add_ssh_key", refused)
    app = make_app(server_opener(start_sandbox(ssh=True)), env=wizard_env)
    opened: list[str] = []
    monkeypatch.setattr(type(app), "open_link", lambda self, url: opened.append(url))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.wizard
        assert not screen.query(HandoffBox)  # mounted only when a step asks
        while screen.current != "ssh-key":
            await pilot.press("enter")
            await settle(app, pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.query("#ssh-key-panel .copy-detail"), what="box")
        try:
            box = screen.query_one(HandoffBox)
            _message, url, detail = box.texts
            assert url.startswith("http") and detail.startswith("ssh-rsa ")
            # The box takes the keyboard as it appears: Enter opens the page.
            await wait_until(pilot, lambda: app.focused is box.query_one(".open-page"), 10, "focus")
            for button, done in (
                (".open-page", lambda: opened),
                (".copy-detail", lambda: app.clipboard),
            ):
                for _ in range(12):  # by keyboard: Tab to the button, Enter
                    if app.focused is box.query_one(button):
                        break
                    await pilot.press("tab")
                await pilot.press("enter")
                await pilot.pause()
                assert done()
            assert opened == [url]
            assert app.clipboard == detail
            screen.panel("ssh-key").show_handoff(screen.panel("ssh-key").last_handoff)
            await pilot.pause()
            assert screen.query_one(HandoffBox) is box  # asked again: the same box stays
        finally:
            screen.session.cancel()  # the step stops waiting for the key
        await wait_until(pilot, lambda: not screen.busy, what="the step to stop")
        await settle(app, pilot)
        assert not screen.query(HandoffBox)  # the step went on: the box is gone
        # Typing in a field as the step asks again: the keyboard stays in the field.
        screen.model.typing.clock = lambda: 0.0  # every key typed is "a moment ago"
        field = screen.query_one("#ssh-key-passphrase", Input)
        field.focus()
        await pilot.press("x", "backspace", "enter")  # typed, then Enter in the field runs
        await wait_until(pilot, lambda: screen.query(HandoffBox), what="the box again")
        try:
            await pilot.pause()
            assert app.focused is field
        finally:
            screen.session.cancel()
        await wait_until(pilot, lambda: not screen.busy, what="the step to stop")

"""The wizard's own behaviour (issue 16 §5): quitting, ctrl+r, the confirmation before a real
organisation's key, and the summary's links where no browser opens."""

from __future__ import annotations

import threading

import pytest
from textual.notifications import Notify

from college_tui.steps.base import StepError
from college_tui.ui.engine_calls import StepGate
from college_tui.ui.modals import ConfirmModal
from tests.ui.conftest import log_text, make_app, server_opener, settle, wait_until


def gated(opener):
    """An opener that waits for the test's gate: the wizard stays "opening" meanwhile."""
    gate = threading.Event()

    def opener_after_gate(sandbox, org_url=None):
        if not gate.wait(30):
            raise StepError("The test never opened the gate.")
        return opener(sandbox, org_url)

    return opener_after_gate, gate


async def test_ctrl_q_while_the_target_opens_quits_at_once(sandbox, wizard_env):
    opener, gate = gated(server_opener(sandbox))
    app = make_app(opener, env=wizard_env)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert app.wizard.busy  # opening: read-only
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmModal)
    finally:
        gate.set()
    assert app.return_code == 0


async def test_ctrl_r_while_the_target_opens_runs_once_it_is_open(sandbox, wizard_env):
    opener, gate = gated(server_opener(sandbox))
    app = make_app(opener, env=wizard_env)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+r")
            gate.set()
            screen = app.wizard
            await wait_until(
                pilot,
                lambda: screen.step_list.state_text("sign-in") == "done",
                timeout=20,
                what="the run of the rest to sign in",
            )
            assert screen.model.running
            screen.session.cancel()  # enough: the rest was started
            await settle(app, pilot)
    finally:
        gate.set()


class WatchedGate(StepGate):
    """The wizard's gate between steps, telling the test when a run waits at it and when the
    run went on from it."""

    def __init__(self, may_start) -> None:
        super().__init__(may_start)
        self.waiting = threading.Event()
        self.released = threading.Event()

    def wait(self) -> None:
        if not self.may_start():
            self.waiting.set()
        super().wait()
        if self.waiting.is_set():
            self.released.set()


async def quit_asked_while_the_project_runs(app, pilot):
    """ctrl+r, then ctrl+q while the project (2 s) is being created; returns once the run waits
    at the gate between two steps: the screen and its watched gate."""
    await settle(app, pilot)
    screen = app.wizard
    screen.engine.gate = gate = WatchedGate(screen.model.may_start_next_step)
    await pilot.press("ctrl+r")  # sign in, organisation, project (2 s), team, ...
    await wait_until(
        pilot, lambda: screen.step_list.state_text("project") == "running", what="project"
    )
    await pilot.press("ctrl+q")
    await wait_until(pilot, gate.waiting.is_set, what="the run to wait between two steps")
    return screen, gate


async def test_while_the_quit_question_is_shown_no_new_step_starts(start_sandbox, wizard_env):
    server = start_sandbox(project_create_seconds=2)
    app = make_app(server_opener(server), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, gate = await quit_asked_while_the_project_runs(app, pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert screen.step_list.state_text("project") == "done"
        assert screen.step_list.state_text("team") == "to do"  # not started under the question
        await pilot.press("escape")  # keep going: the run goes on
        await wait_until(
            pilot,
            lambda: screen.step_list.state_text("team") != "to do",
            timeout=20,
            what="the team step",
        )
        screen.session.cancel()
        await settle(app, pilot)


async def test_a_real_organisations_key_is_asked_for_first_and_no_means_nothing_written(
    sandbox, wizard_env, tmp_path
):
    home = tmp_path / "home"
    app = make_app(server_opener(sandbox, home, sandbox=False), start="org", env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.wizard
        screen.switch_to("ssh-key")
        await pilot.pause()
        before = log_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "registers the key" in str(app.screen.question)
        await pilot.press("escape")
        await settle(app, pilot)
        assert not screen.model.running
        assert not (home / ".ssh").exists()
        assert log_text(app) == before  # nothing ran


async def test_enter_on_a_summary_link_copies_it_and_says_so_when_no_browser_opens(
    sandbox, wizard_env, monkeypatch
):
    from college_tui.steps.session import Summary

    monkeypatch.setenv("BROWSER", "false")  # webbrowser runs `false URL`: no browser opened
    notices: list[str] = []

    def hook(message) -> None:
        if isinstance(message, Notify):
            notices.append(message.notification.message)

    app = make_app(server_opener(sandbox), env=wizard_env)
    url = "http://127.0.0.1:1/contoso/College"
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await settle(app, pilot)
        screen = app.wizard
        screen.centre.summary().fill(Summary([], [("Project", url)], "/tmp/clone", None))
        await pilot.pause()
        screen.switch_to("summary")
        await pilot.pause()
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("clipboard" in n for n in notices), what="the notice")
        assert app.clipboard == url
    assert (
        "No browser opened here. The link was sent to your terminal's clipboard (your terminal "
        "may not allow it)." in notices
    )


@pytest.mark.timeout(120)
async def test_the_app_ending_while_the_quit_question_is_shown_leaves_no_run_waiting(
    start_sandbox, wizard_env
):
    server = start_sandbox(project_create_seconds=2)
    app = make_app(server_opener(server), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, gate = await quit_asked_while_the_project_runs(app, pilot)
        session = screen.session
    # The app is gone with the question unanswered (a crash, the terminal closed): the run
    # was cancelled and the gate opened, so the worker thread ended and the process can end.
    assert session.ctx.cancel.is_set()
    assert gate.released.wait(10), "the run still waits between two steps"

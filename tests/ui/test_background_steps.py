"""Run the rest in the wizard overlaps as `apply` does (ui/background_steps.py, issue 28): the SSH
key is made while the project is being created, the colleagues invited while the course is
imported; the step list keeps the course's order, the panel stays with the step in the
foreground, a failure is reported at its own step and the run resumes from there.

The sandbox's jobs move only when the test moves their clock (HeldClock): the key is seen done
while the project is still being created, whatever the machine's load."""

from __future__ import annotations

from pathlib import Path

from college_tui.ui.widgets.step_list import STEP_NAMES
from tests.sandbox.helpers import HeldClock

from .conftest import log_text, make_app, server_opener, settle, wait_until

STEPS = [key for key, _ in STEP_NAMES]  # the course's order
ENDED = ("done", "already there", "warning")


async def let_the_service_finish(pilot, clock: HeldClock, screen) -> None:
    """Move the sandbox's clock until the run ends (project and import done)."""

    def moved_and_ended() -> bool:
        clock.advance(5)
        return not screen.model.running

    await wait_until(pilot, moved_and_ended, timeout=120, what="the run of the rest to end")


async def test_run_the_rest_makes_the_key_while_the_project_is_being_created(
    start_sandbox, wizard_env
):
    clock = HeldClock()
    server = start_sandbox(ssh=True, clock=clock)
    app = make_app(server_opener(server), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.wizard
        clock.hold()  # the project stays "being created" until the test moves the clock
        await pilot.press("ctrl+r")
        await wait_until(
            pilot,
            lambda: screen.step_list.state_text("ssh-key") in ENDED,
            timeout=60,
            what="the SSH key, made in the background",
        )
        assert screen.step_list.state_text("project") == "running", log_text(app)[-2000:]
        assert screen.current == "project"  # the panel stays with the step in the foreground
        await let_the_service_finish(pilot, clock, screen)
        await settle(app, pilot)
        states = {key: screen.step_list.state_text(key) for key in STEPS}
        assert all(state in ENDED for state in states.values()), (states, log_text(app)[-3000:])
        log_file = app.logfile.path.read_text(encoding="utf-8")
    # The key's work was logged before the project's end, and each step's result in its place.
    assert log_file.index("[ssh-key]") < log_file.index("[project] ✓")


async def test_a_failure_in_the_background_is_reported_at_its_own_step_and_resumes(
    start_sandbox, wizard_env
):
    clock = HeldClock()
    server = start_sandbox(ssh=True, clock=clock)
    home = Path(server.info.data_dir) / "home"
    home.mkdir(parents=True, exist_ok=True)
    (home / ".ssh").write_text("a file where the key's folder goes\n")  # the key cannot be made
    app = make_app(server_opener(server, home), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.wizard
        clock.hold()
        await pilot.press("ctrl+r")
        await wait_until(
            pilot,
            lambda: screen.step_list.state_text("ssh-key") == "failed",
            timeout=60,
            what="the SSH key's failure, in the background",
        )
        assert screen.step_list.state_text("project") == "running"
        await let_the_service_finish(pilot, clock, screen)
        await settle(app, pilot)
        # The run stopped at the key's own place: what came before is done, what needs it waits.
        for key in ("sign-in", "organization", "project", "team", "members"):
            assert screen.step_list.state_text(key) in ENDED, log_text(app)[-3000:]
        assert screen.step_list.state_text("ssh-key") == "failed"
        assert screen.step_list.state_text("import") == "to do"
        assert screen.current == "ssh-key"

        (home / ".ssh").unlink()  # fixed: run the rest again, from the key
        await pilot.press("ctrl+r")
        await let_the_service_finish(pilot, clock, screen)
        await settle(app, pilot)
        states = {key: screen.step_list.state_text(key) for key in STEPS}
        assert all(state in ENDED for state in states.values()), (states, log_text(app)[-3000:])

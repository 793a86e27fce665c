"""The wizard's state machine without a terminal (college_tui/ui/wizard_model.py): facts in,
effects out. These run in milliseconds; the Pilot tests check that the screen applies them."""

from __future__ import annotations

from college_tui.events import (
    NeedsYou,
    StepFailed,
    StepFinished,
    StepProgress,
    StepStarted,
    Waiting,
)
from college_tui.steps.runner import apology
from college_tui.ui import wizard_effects as fx
from college_tui.ui import wizard_model as m
from college_tui.ui.widgets.step_list import STEP_NAMES
from college_tui.vocabulary import StepStatus

KEYS = [key for key, _ in STEP_NAMES]


def opened(sandbox: bool = True, done: tuple[str, ...] = ()) -> m.WizardModel:
    """A model whose target opened with `done` already there."""
    model = m.WizardModel(KEYS, sandbox)
    for key in done:
        model.event(StepFinished(key, f"{key} there", already_done=True), True, KEYS[0])
    results = [
        fx.Result(k, StepStatus.ALREADY if k in done else StepStatus.TODO, k.title()) for k in KEYS
    ]
    model.opened(results, [])
    return model


def of(kind, effects):
    return [e for e in effects if isinstance(e, kind)]


def test_ticks_are_facts_nothing_is_ticked_before_the_sign_in_and_nobody_listed_is_skipped():
    model = m.WizardModel(KEYS, sandbox=True)
    found = model.event(StepFinished("organization", "Organisation x", True), True, "sign-in")
    assert model.states["organization"] == StepStatus.TODO  # seen, but no ✓ before the sign-in
    assert found == [fx.Outcome("organization", "Found: Organisation x")]
    model.event(StepFinished("members", "Skipped: nobody listed", True, True), True, "sign-in")
    assert model.states["members"] == StepStatus.SKIPPED
    results = [fx.Result(k, StepStatus.TODO) for k in KEYS]
    effects = model.opened(results, [])
    assert of(fx.Status, effects) == [
        fx.Status(end="Ready: 0 of 9 steps done, 1 skipped. Enter runs the step shown.")
    ]
    assert "members" not in model.steps_left()
    model.run_started()
    signed = model.event(StepFinished("sign-in", "Signed in"), False, "sign-in")
    assert fx.SetState("organization", StepStatus.ALREADY) in signed  # ticked once signed in
    assert model.next_open_step("sign-in") == "project"
    ran = model.event(StepFinished("members", "Skipped: nobody listed", True, True), False, "x")
    assert fx.SetState("members", StepStatus.SKIPPED) in ran
    assert fx.Outcome("members", "Skipped: nobody listed") in ran  # no ✓ before it


def test_opening_shows_the_first_open_step_and_counts_what_is_done():
    model = m.WizardModel(KEYS, sandbox=True)
    model.event(StepFinished("sign-in", "Signed in", already_done=True), True, "sign-in")
    results = [fx.Result("sign-in", StepStatus.ALREADY)] + [
        fx.Result(k, StepStatus.TODO) for k in KEYS[1:]
    ]
    effects = model.opened(results, ["git is not installed"])
    assert fx.LogLine("! git is not installed") in effects
    assert of(fx.Status, effects) == [
        fx.Status(end="Ready: 1 of 9 steps done. Enter runs the step shown.")
    ]
    assert of(fx.ShowStep, effects) == [fx.ShowStep("organization")]
    # Found while the target opened: made before this session, so "already there", not "done".
    assert model.states["sign-in"] == StepStatus.ALREADY and not model.opening and model.open


def test_run_the_rest_runs_every_step_not_done_in_order():
    model = opened(done=("sign-in", "organization", "team"))
    assert model.run_rest() == [
        fx.RunSteps(("project", "members", "ssh-key", "import", "clone", "pull-request"))
    ]
    model.run_started()
    assert model.run_rest() == [fx.Tell("Wait: the wizard is still working.")]


def test_run_the_rest_while_the_target_opens_runs_once_it_is_open():
    model = m.WizardModel(KEYS, sandbox=True)
    assert of(fx.RunSteps, model.run_rest()) == []  # not yet: nothing is known
    model.event(StepFinished("sign-in", "Signed in", already_done=True), True, "sign-in")
    effects = model.opened(
        [fx.Result("sign-in", StepStatus.ALREADY)]
        + [fx.Result(k, StepStatus.TODO) for k in KEYS[1:]],
        [],
    )
    assert fx.RunSteps(tuple(KEYS[1:])) in effects
    assert not model.run_rest_pending


def test_a_failed_step_is_shown_and_retry_runs_it_alone():
    model = opened()
    model.run_started()
    model.event(StepStarted("sign-in", "Sign in"), False, "sign-in")
    assert model.states["sign-in"] == StepStatus.RUNNING
    failed = model.event(StepFailed("sign-in", "The PAT was refused."), False, "sign-in")
    assert fx.Outcome("sign-in", "✗ The PAT was refused.", failed=True) in failed
    effects = model.run_ended(
        [
            fx.Result("sign-in", StepStatus.FAILED, "Sign in"),
            fx.Result("organization", StepStatus.BLOCKED),
        ],
        [],
        None,
        "sign-in",
    )
    assert fx.Status(end="Sign in: failed. Press Enter to retry.") in effects
    assert fx.ShowStep("sign-in") in effects and model.states["organization"] == StepStatus.TODO
    assert model.retry() == [fx.ShowStep("sign-in"), fx.RunSteps(("sign-in",))]


def test_after_a_run_the_next_open_step_is_shown_not_a_done_one():
    model = opened(done=("sign-in", "team"))
    model.run_started()
    effects = model.run_ended(
        [fx.Result("project", StepStatus.DONE, "Project")], [], None, "project"
    )
    assert of(fx.ShowStep, effects) == [fx.ShowStep("members")]  # team was already there
    assert fx.Status(end="Done. Enter runs the next step.") in effects
    assert model.next_open_step("pull-request") is None


def test_problems_with_the_answers_run_nothing_and_say_so_on_the_panel_shown():
    model = opened()
    model.run_started()
    effects = model.run_ended([], ["project: may not contain /"], None, "project")
    assert effects == [
        fx.Outcome("project", "✗ project: may not contain /", failed=True),
        fx.Status(end="Nothing was run: fix the answer shown."),
    ]
    assert not model.running


def test_a_real_organisations_key_is_asked_for_before_it_is_registered():
    real = opened(sandbox=False)
    question = real.confirmation(("ssh-key", "import"), {"key_path": "/home/ada/.ssh/id_rsa"})
    assert question is not None and question.steps == ("ssh-key", "import")
    assert "/home/ada/.ssh/id_rsa" in question.question and "registers" in question.question
    assert real.confirmation(("project",), {}) is None
    assert opened(sandbox=True).confirmation(("ssh-key",), {"key_path": "x"}) is None


def test_quitting_is_at_once_unless_a_run_the_user_started_is_going_on():
    model = m.WizardModel(KEYS, sandbox=True)
    assert model.quit_requested() == fx.Quit.NOW  # the opening look only reads
    model = opened()
    assert model.quit_requested() == fx.Quit.NOW
    model.run_started()
    assert model.quit_requested() == fx.Quit.ASK_FIRST


def test_while_the_quit_question_is_shown_no_step_starts():
    model = opened()
    model.run_started()
    assert model.may_start_next_step()
    model.quit_requested()
    assert not model.may_start_next_step()
    assert model.start(["project"]) == [fx.Tell("Answer the question first.")]
    model.quit_answered(False)
    assert model.may_start_next_step()


def test_a_hand_off_replaces_the_last_operation_and_the_wait_says_how_long():
    model = opened(sandbox=False)
    model.run_started()
    model.event(StepProgress("ssh-key", "Uploading the public key", 0.5), False, "ssh-key")
    asked = model.event(NeedsYou("ssh-key", "Paste the key", "https://x"), False, "ssh-key")
    status = of(fx.Status, asked)[0]
    assert status.operation == "Your turn: see the panel." and status.clear_fraction
    assert status.wait == "Escape stops waiting."
    assert model.states["ssh-key"] == StepStatus.NEEDS_YOU
    waiting = model.event(Waiting("ssh-key", "Waiting for your key", 900), False, "ssh-key")
    assert waiting == [fx.Status(wait="Waiting 900 s: Waiting for your key (Escape stops waiting)")]


def test_inspect_only_events_change_states_only_while_opening():
    model = opened()
    assert model.event(StepFinished("project", "there"), True, "project") == []
    assert model.states["project"] == StepStatus.TODO


def test_the_summary_is_shown_once_the_run_has_ended():
    model = opened()
    model.run_started()
    effects = model.summary_filled(5, 7, "https://pr")
    assert fx.LogLine("Pull request: https://pr") in effects
    assert of(fx.ShowStep, effects) == []  # the run goes on: RunEnded shows it
    ended = model.run_ended([fx.Result("pull-request", StepStatus.DONE)], [], None, "pull-request")
    assert fx.ShowStep(fx.SUMMARY, later=True) in ended
    assert fx.Status(end=model.summary_sentence()) in ended


def test_a_crash_stops_the_run_and_apologises_with_the_log_file():
    model = opened()
    model.run_started()
    text = apology("/logs/crash.log")
    effects = model.crashed(text, "project")
    assert fx.LogLine(text) in effects and fx.Outcome("project", text, failed=True) in effects
    assert not model.running and model.quit_requested() == fx.Quit.NOW


def test_next_and_previous_stop_at_the_ends():
    model = opened()
    assert model.neighbour("sign-in", -1) == "sign-in"
    assert model.neighbour("pull-request", +1) == fx.SUMMARY
    assert model.neighbour(fx.SUMMARY, +1) == fx.SUMMARY


def test_a_step_started_early_runs_in_the_step_list_and_leaves_the_panel_and_status_alone():
    """ui/background_steps.py: the SSH key started while the project is being created."""
    model = opened()
    model.run_started()
    started = model.event(StepStarted("ssh-key", "Make your SSH key"), False, "project", True)
    assert started == [
        fx.SetState("ssh-key", StepStatus.RUNNING),
        fx.Outcome("ssh-key", m.BACKGROUND),
    ]
    assert not of(fx.ShowStep, started) and not of(fx.Status, started)
    assert model.event(StepProgress("ssh-key", "Registering", 0.5), False, "project", True) == []
    failed = model.event(
        StepFailed("ssh-key", "The key's folder is a file."), False, "project", True
    )
    assert fx.SetState("ssh-key", StepStatus.FAILED) in failed  # said at its own step
    # The same start in the foreground shows its panel and takes the status pane.
    foreground = model.event(StepStarted("project", "Create the project"), False, "team")
    assert of(fx.ShowStep, foreground) and of(fx.Status, foreground)

"""The wizard's decisions that used to live in the screen's mixins (issue 27), decided by the
model without a terminal: what follows a run, whether a run's next step may start, which
worker's failure stops the wizard, the organisation becoming known, and the sign-in's ways."""

from __future__ import annotations

import threading

from college_tui.events import NeedsYou, StepFinished
from college_tui.steps.signin import DEVICE_CODE_BLOCKED
from college_tui.ui import wizard_effects as fx
from college_tui.ui import wizard_model as m
from college_tui.ui.engine_calls import StepGate
from college_tui.ui.sign_in_modes import SignInModes
from college_tui.ui.typing_pause import TYPING_PAUSE
from college_tui.vocabulary import AuthMode, StepKey, StepStatus

from .test_wizard_model import of, opened

KEYS = list(StepKey)


def through(*keys: StepKey, status: StepStatus = StepStatus.DONE) -> list[fx.Result]:
    return [fx.Result(key, status) for key in keys]


def test_after_a_run_the_key_the_organisations_and_the_summary_are_read_only_when_due():
    real, sandbox = opened(sandbox=False), opened(sandbox=True)
    assert real.follow_up(through(StepKey.SIGN_IN)) == fx.FollowUp(list_organizations=True)
    assert sandbox.follow_up(through(StepKey.SIGN_IN)) == fx.FollowUp()  # its own organisation
    signed_and_picked = through(StepKey.SIGN_IN, StepKey.ORGANIZATION)
    assert real.follow_up(signed_and_picked) == fx.FollowUp()  # picked: no list to show
    assert real.follow_up(through(StepKey.SSH_KEY, status=StepStatus.WARNING)).show_key
    assert not real.follow_up(through(StepKey.SSH_KEY, status=StepStatus.FAILED)).show_key
    assert real.follow_up(through(StepKey.PULL_REQUEST)).fill_summary
    assert real.follow_up(through(*KEYS, status=StepStatus.ALREADY)).fill_summary
    assert not real.follow_up(through(*KEYS[:-1])).fill_summary
    assert m.WizardModel.run_goes_on(through(StepKey.PROJECT))
    assert not m.WizardModel.run_goes_on(through(StepKey.PROJECT, status=StepStatus.FAILED))


def test_an_organisation_made_known_renames_by_hand_and_a_personal_account_uses_its_token():
    model = opened(sandbox=False)
    url = "https://dev.azure.com/robins-org"
    assert model.organization_known(url) == [fx.ShowCommands(), fx.SignInWithPat(url)]
    model.run_started()
    model.run_ended(through(StepKey.SIGN_IN), [], None, StepKey.SIGN_IN)
    assert model.organization_known(url) == [fx.ShowCommands()]  # signed in: nothing to change


def test_only_the_engines_and_the_panels_failures_stop_the_wizard():
    model = opened()
    model.run_started()
    helper = model.worker_failed("browser", "Sorry.", StepKey.PROJECT)
    assert helper == [fx.LogLine("Sorry."), fx.Tell("Sorry.", error=True)]
    assert model.running  # the wizard goes on
    for group in (fx.ENGINE, fx.PANELS):
        stopped = opened()
        stopped.run_started()
        effects = stopped.worker_failed(group, "Sorry.", StepKey.PROJECT)
        assert fx.Outcome(StepKey.PROJECT, "Sorry.", failed=True) in effects
        assert of(fx.Status, effects) == [fx.Status(end="Stopped by an unexpected error.")]
        assert not stopped.busy


def test_a_run_waits_at_the_gate_while_the_quit_question_is_shown_and_goes_on_when_answered():
    model = opened()
    model.run_started()
    gate = StepGate(model.may_start_next_step)
    assert model.quit_requested() == fx.Quit.ASK_FIRST
    passed = threading.Event()
    worker = threading.Thread(target=lambda: (gate.wait(), passed.set()), daemon=True)
    worker.start()
    assert not passed.wait(0.2)  # held: no step starts under the question
    model.quit_answered(False)
    gate.changed()
    assert passed.wait(5)
    worker.join(5)


def test_the_screen_going_with_the_question_unanswered_lets_the_run_end():
    model = opened()
    model.run_started()
    model.quit_requested()
    assert not model.may_start_next_step()
    model.screen_gone()
    assert model.may_start_next_step()


def test_the_sandbox_offers_its_own_ways_and_never_a_typed_token():
    modes = SignInModes(sandbox=True, from_nothing=False)
    assert modes.offered() == (AuthMode.PAT, AuthMode.BROWSER, AuthMode.DEVICE_CODE)
    assert modes.default(AuthMode.AZURE_CLI, lambda: "browser") == AuthMode.PAT  # not offered
    assert modes.default(AuthMode.DEVICE_CODE, lambda: "browser") == AuthMode.DEVICE_CODE
    assert not modes.types_pat(AuthMode.PAT)
    assert not modes.secrets(AuthMode.PAT, "typed", remember=True)  # nothing typed is taken


def test_from_nothing_the_suggested_way_replaces_the_token_and_a_given_way_stays():
    def never() -> str:
        raise AssertionError("suggested only from nothing, for the PAT")

    fresh = SignInModes(sandbox=False, from_nothing=True)
    assert fresh.offered() == tuple(AuthMode)
    assert fresh.default(AuthMode.PAT, lambda: "device-code") == AuthMode.DEVICE_CODE
    assert fresh.default(AuthMode.AZURE_CLI, never) == AuthMode.AZURE_CLI
    with_org = SignInModes(sandbox=False, from_nothing=False)
    assert with_org.default(AuthMode.PAT, never) == AuthMode.PAT
    assert with_org.types_pat(AuthMode.PAT) and not with_org.types_pat(AuthMode.BROWSER)
    assert [with_org.remembers(mode) for mode in AuthMode] == [True, True, True, False]


def test_each_way_takes_its_own_secrets_and_a_blocked_device_code_gives_way_to_the_browser():
    modes = SignInModes(sandbox=False, from_nothing=False)
    token = modes.secrets(AuthMode.PAT, "  pat-value \n", remember=True)
    assert (token.pat, token.remember_pat) == ("pat-value", True)
    assert not modes.secrets(AuthMode.PAT, "   ", remember=True)  # nothing typed: nothing given
    entra = modes.secrets(AuthMode.DEVICE_CODE, "ignored", remember=True)
    assert entra.pat is None and entra.remember_sign_in is True
    assert not modes.secrets(AuthMode.AZURE_CLI, "ignored", remember=True)
    refused = f"✗ {DEVICE_CODE_BLOCKED} (Conditional Access)."
    assert modes.instead_of(AuthMode.DEVICE_CODE, refused) == AuthMode.BROWSER
    assert modes.instead_of(AuthMode.BROWSER, refused) is None
    assert modes.instead_of(AuthMode.DEVICE_CODE, "✗ The code expired.") is None


def test_escape_cancels_only_a_run_and_yes_to_quit_cancels_it_at_its_next_safe_point():
    model = opened()
    assert model.cancel_requested() == []  # nothing runs: nothing to stop
    model.run_started()
    escape = model.cancel_requested()
    assert escape == [fx.CancelRun(), fx.Status(wait="Cancelling: the step stops waiting…")]
    model.quit_requested()
    assert model.quit_answered(False) == [] and model.may_start_next_step()
    model.quit_requested()
    yes = model.quit_answered(True)
    assert fx.CancelRun() in yes and model.may_start_next_step()  # the run goes to its end


def test_a_box_that_needs_you_takes_the_keyboard_unless_a_field_is_being_typed_in():
    model = opened(sandbox=False)
    clock = [100.0]
    model.typing.clock = lambda: clock[0]
    model.run_started()
    ask = NeedsYou("ssh-key", "Add the key on this page", "https://x/_usersSettings/keys")

    def focus(current: str) -> bool:
        (handoff,) = of(fx.Handoff, model.event(ask, False, current))
        assert handoff.step == "ssh-key" and handoff.event == ask
        return handoff.focus

    assert focus("ssh-key")  # nobody typing: Enter opens the page
    assert not focus("project")  # its panel is not the one shown: the keyboard stays there
    model.typing.typed()  # a key changed a field, at 100 s
    clock[0] = 100.0 + TYPING_PAUSE / 2
    assert not focus("ssh-key")  # typing goes on: the letters stay in the field
    clock[0] = 100.0 + TYPING_PAUSE
    assert focus("ssh-key")  # a pause (e.g. Enter ran the step, seconds ago): the box takes it
    done = model.event(StepFinished("ssh-key", "Key added"), False, "ssh-key")
    assert fx.Handoff("ssh-key", None) in done  # the step went on: the box goes

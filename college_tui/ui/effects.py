"""The wizard model's effects (wizard_effects.py), applied to the wizard screen's widgets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..vocabulary import StepKey
from . import wizard_effects as fx

if TYPE_CHECKING:
    from .wizard import WizardScreen


def apply_effects(screen: WizardScreen, effects: list[fx.Effect]) -> None:
    """Each effect, in order, on the widget of the wizard screen that shows it (panels: once
    they exist). `screen` is the WizardScreen (not imported: this module is its helper)."""
    centre = screen.centre
    for effect in effects:
        if isinstance(effect, fx.SetState):
            screen.step_list.set_state(effect.step, effect.state)
        elif isinstance(effect, fx.Status):
            _status(screen, effect)
        elif isinstance(effect, fx.Outcome):
            if centre.panels:
                centre.panel(effect.step).show_outcome(effect.text, failed=effect.failed)
        elif isinstance(effect, fx.Handoff):
            if centre.panels:
                panel = centre.panel(effect.step)
                if effect.event is None:
                    panel.hide_handoff()
                else:
                    panel.show_handoff(effect.event, focus=effect.focus)
        elif isinstance(effect, fx.ShowStep):
            if effect.later:
                screen.call_after_refresh(screen.switch_to, effect.step)
            else:
                screen.switch_to(effect.step, focus=effect.focus)
        elif isinstance(effect, fx.LogLine):
            screen.log_line(effect.text)
        elif isinstance(effect, fx.RunSteps):
            screen.collect_and_run(effect.steps)
        elif isinstance(effect, fx.Tell):
            if effect.error:
                screen.app.notify(effect.text, severity="error", timeout=30)
            else:
                screen.app.notify(effect.text, severity="warning")
        elif isinstance(effect, fx.CancelRun):
            screen.engine.cancel()
        elif isinstance(effect, fx.ShowCommands):
            if screen.session is not None:
                centre.show_commands(screen.session)
        elif isinstance(effect, fx.SignInWithPat):
            from .panels.sign_in import SignInPanel

            centre.panel_of(StepKey.SIGN_IN, SignInPanel).use_pat(effect.org_url)


def _status(screen: WizardScreen, change: fx.Status) -> None:
    status = screen.status
    if change.begin is not None:
        status.begin(change.begin)
    if change.operation is not None:
        status.set_operation(change.operation)
    if change.clear_fraction:
        status.set_fraction(None)
    elif change.fraction is not None:
        status.set_fraction(change.fraction)
    if change.wait is not None:
        status.set_wait(change.wait)
    if change.end is not None:
        status.end(change.end)

"""The wizard model's effects (wizard_model.py), applied to the wizard screen's widgets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import wizard_model as model

if TYPE_CHECKING:
    from .wizard import WizardScreen


def apply_effects(screen: WizardScreen, effects: list[model.Effect]) -> None:
    """Each effect, in order, on the widget of the wizard screen that shows it (panels: once
    they exist). `screen` is the WizardScreen (not imported: this module is its helper)."""
    for effect in effects:
        if isinstance(effect, model.SetState):
            screen.step_list.set_state(effect.step, effect.state)
        elif isinstance(effect, model.Status):
            _status(screen, effect)
        elif isinstance(effect, model.Outcome):
            if screen.panels:
                screen.panel(effect.step).show_outcome(effect.text, failed=effect.failed)
        elif isinstance(effect, model.Handoff):
            if screen.panels:
                panel = screen.panel(effect.step)
                if effect.event is None:
                    panel.hide_handoff()
                else:
                    panel.show_handoff(effect.event)
        elif isinstance(effect, model.ShowStep):
            if effect.later:
                screen.call_after_refresh(screen.switch_to, effect.step)
            else:
                screen.switch_to(effect.step, focus=effect.focus)
        elif isinstance(effect, model.LogLine):
            screen.log_line(effect.text)
        elif isinstance(effect, model.RunSteps):
            screen.collect_and_run(effect.steps)
        elif isinstance(effect, model.Tell):
            screen.app.notify(effect.text, severity="warning")


def _status(screen: WizardScreen, change: model.Status) -> None:
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

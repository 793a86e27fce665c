"""What the wizard's model (wizard_model.py) says the screen does: its effects, as plain data.
No Textual: effects.py applies each to the wizard screen's widgets."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from ..vocabulary import StepKey, StepStatus

if TYPE_CHECKING:
    from .. import events as ev

SUMMARY = "summary"  # the checklist after the steps: shown where a step's panel is

# The worker groups of the wizard screen: a failure in one of the first two stops the wizard.
ENGINE = "engine"  # every engine call (open-target, run-steps)
PANELS = "panels"  # mounting the step panels


class Quit(Enum):
    """What ctrl+q does."""

    NOW = "quit-now"
    ASK_FIRST = "ask-first"  # no new step starts until the question is answered


@dataclass(frozen=True)
class SetState:
    step: StepKey
    state: StepStatus


@dataclass(frozen=True)
class Status:
    """A change of the status pane; None fields are left as they are."""

    begin: str | None = None  # a new operation: its clock starts
    operation: str | None = None
    fraction: float | None = None
    clear_fraction: bool = False
    wait: str | None = None
    end: str | None = None  # nothing runs any more: this sentence stays


@dataclass(frozen=True)
class Outcome:
    step: StepKey
    text: str
    failed: bool = False


@dataclass(frozen=True)
class Handoff:
    """Show what the engine needs you to do (event), or hide it (event None); `focus`: the box
    takes the keyboard (its "Open the page", else its "Copy"), so Enter does what it asks."""

    step: StepKey
    event: ev.NeedsYou | None
    focus: bool = False


@dataclass(frozen=True)
class ShowStep:
    step: str  # a step's key or SUMMARY
    focus: bool = True
    later: bool = False  # after the next refresh (the summary's buttons are being mounted)


@dataclass(frozen=True)
class LogLine:
    text: str


@dataclass(frozen=True)
class RunSteps:
    steps: tuple[StepKey, ...]


@dataclass(frozen=True)
class Ask:
    """A question before `steps` run (Enter says yes)."""

    question: str
    yes: str
    steps: tuple[StepKey, ...]


@dataclass(frozen=True)
class Tell:
    text: str  # a short notice (a toast)
    error: bool = False  # an apology: an error's colour, and long enough to read the path


@dataclass(frozen=True)
class CancelRun:
    """The run stops at its next safe point (a step waiting for the person stops waiting)."""


@dataclass(frozen=True)
class ShowCommands:
    """The organisation became known: every panel's By hand commands name it now."""


@dataclass(frozen=True)
class SignInWithPat:
    """The sign-in is still to do once the organisation exists (a personal account's way): the
    token, made on that organisation's page."""

    org_url: str


# What the screen does for the model (effects.py applies each).
Effect = (
    SetState
    | Status
    | Outcome
    | Handoff
    | ShowStep
    | LogLine
    | RunSteps
    | Ask
    | Tell
    | CancelRun
    | ShowCommands
    | SignInWithPat
)


@dataclass(frozen=True)
class Result:
    """What the wizard needs of a step's result (steps/runner.py StepResult)."""

    step: StepKey
    status: StepStatus
    title: str = ""

    @property
    def ok(self) -> bool:
        return self.status in FINISHED


@dataclass(frozen=True)
class FollowUp:
    """What the engine's worker reads for the screen after a run (or the opening)."""

    show_key: bool = False  # the public key, for the SSH key panel
    list_organizations: bool = False  # yours, for the organisation panel to pick from
    fill_summary: bool = False  # the challenge checklist, read from the service


FINISHED = (StepStatus.DONE, StepStatus.ALREADY, StepStatus.SKIPPED)
TICKED = (StepStatus.DONE, StepStatus.ALREADY)
# A result's status that changes the step list (others leave the state as it is: blocked, ...).
RESULT_STATES = (
    StepStatus.ALREADY,
    StepStatus.DONE,
    StepStatus.WARNING,
    StepStatus.FAILED,
    StepStatus.SKIPPED,
)

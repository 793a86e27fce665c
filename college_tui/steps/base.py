"""What every step is: `inspect` what already exists, `apply` idempotently, progress only as events.

A step never imports the UI or the sandbox. It reads the answers, talks to the service through the
azdo facade and to the machine through workstation/, remembers ids in the run state, and reports
through `ctx.emit`. Failures a user can meet are raised as `StepError` with a sentence that says
what happened and what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from ..events import Emit, Note, StepProgress

if TYPE_CHECKING:
    from ..azdo.client import AzureDevOps
    from ..target import Target
    from .answers import Answers
    from .state import RunState


class StepError(Exception):
    """A failure the attendee can act on; `message` says what happened and what to do next."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotReady(StepError):
    """An earlier step has not produced what this one needs (e.g. no project yet)."""


@dataclass
class Secrets:
    """Secrets of this run, in memory only (never written, never in an event)."""

    pat: str | None = None
    key_passphrase: str | None = None

    def __repr__(self) -> str:
        return "Secrets(***)"


@dataclass
class Context:
    """Everything a step may use."""

    target: Target
    answers: Answers
    state: RunState
    emit: Emit
    secrets: Secrets = field(default_factory=Secrets)
    azdo: AzureDevOps | None = None  # set by the sign-in step
    dry_run: bool = False  # `plan`: inspect only

    def service(self, step: str) -> AzureDevOps:
        if self.azdo is None:
            raise NotReady("Not signed in yet: run the sign-in step first.")
        return self.azdo.for_step(step)


@dataclass(frozen=True)
class Inspection:
    """What exists now for a step: `done` means applying would change nothing."""

    done: bool
    summary: str  # one line for `plan` and the step list ("Project College exists (Agile)")
    todo: str = ""  # what apply would do, when not done
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    summary: str
    already_done: bool = False


class Step:
    """Base class of the nine steps."""

    key: ClassVar[str]
    title: ClassVar[str]
    teaches: ClassVar[str] = ""  # what the course wants the attendee to learn here

    def inspect(self, ctx: Context) -> Inspection:
        raise NotImplementedError

    def apply(self, ctx: Context) -> Outcome:
        raise NotImplementedError

    # small conveniences for subclasses
    def progress(self, ctx: Context, message: str, fraction: float | None = None) -> None:
        ctx.emit(StepProgress(self.key, message, fraction))

    def note(self, ctx: Context, message: str) -> None:
        ctx.emit(Note(self.key, message))

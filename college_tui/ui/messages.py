"""Facts the engine's worker threads tell the screen, in the past tense (posted, thread-safe)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from ..events import Event
    from ..steps.runner import RunReport
    from ..steps.session import Session, Summary
    from ..vocabulary import StepKey


class EventArrived(Message):
    """An engine event (HTTP call, note, step started/finished/failed, hand-off, wait)."""

    def __init__(
        self, event: Event, line: str | None, looking: bool = False, background: bool = False
    ) -> None:
        super().__init__()
        self.event = event
        self.looking = looking  # from an inspect-only call (opening, the summary's check)
        self.background = background  # from a step started early (ui/background_steps.py)
        self.line = line  # the activity log's line for it (None: not shown)


class ProgressArrived(EventArrived):
    """A progress event; a newer one of the same step replaces one still queued (git floods)."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ProgressArrived) and message.event.step == self.event.step


class SessionOpened(Message):
    """The target is open and every step inspected."""

    def __init__(self, session: Session, report: RunReport, local_problems: list[str]) -> None:
        super().__init__()
        self.session = session
        self.report = report
        self.local_problems = local_problems


class OpenFailed(Message):
    """The target could not be opened: the sentence says why."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class RunEnded(Message):
    """A run of one or more steps ended (each step's result is in the report)."""

    def __init__(self, report: RunReport | None, problems: list[str] | None = None) -> None:
        super().__init__()
        self.report = report
        self.problems = problems or []  # answers the engine refused before any call


class SummaryFilled(Message):
    """The summary's checklist was read from the service (the walk is over, or the PR exists)."""

    def __init__(self, summary: Summary) -> None:
        super().__init__()
        self.summary = summary


class OrganizationsListed(Message):
    def __init__(self, names: list[str], problem: str = "") -> None:
        super().__init__()
        self.names = names
        self.problem = problem


class KeyShown(Message):
    def __init__(self, fingerprint: str, public_line: str) -> None:
        super().__init__()
        self.fingerprint = fingerprint
        self.public_line = public_line


class RunRequested(Message):
    """A panel's primary action: run its step with the values shown."""

    def __init__(self, step: StepKey) -> None:
        super().__init__()
        self.step = step


class CancelRequested(Message):
    """Escape on a panel whose step waits for the person (a device code): stop waiting."""

    def __init__(self, step: str) -> None:
        super().__init__()
        self.step = step

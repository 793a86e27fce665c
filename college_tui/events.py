"""Events: the only way progress leaves the engine (docs/architecture.md).

The TUI turns them into Textual messages, `college-tui apply` prints them as plain lines. They are
plain frozen dataclasses and never carry a secret: the HTTP layer redacts at the source. Their
text has its control characters made visible when they are made (visible.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .visible import visible_fields


@dataclass(frozen=True)
class Event:
    step: str  # the step's key (a vocabulary.StepKey), or "" for run-wide events

    def __post_init__(self) -> None:
        # Text from the service or files may hold terminal escapes: shown, never obeyed.
        visible_fields(self)


@dataclass(frozen=True)
class StepStarted(Event):
    title: str


@dataclass(frozen=True)
class Said(Event):
    """An event that tells the attendee something, in a sentence."""

    message: str


@dataclass(frozen=True)
class StepProgress(Said):
    fraction: float | None = None  # 0.0 .. 1.0 when known


@dataclass(frozen=True)
class Waiting(Said):
    """A bounded wait: a retry after a failure, a 429's Retry-After, or polling a long operation."""

    seconds: float
    attempt: int = 0

    @property
    def how_long(self) -> str:
        """The wait as words: "waiting 3 s", "waiting under a second", "trying again at once".

        Retries wait a jittered fraction of a second at first; "0 s" read as no wait at all.
        """
        if self.seconds <= 0:
            return "trying again at once"
        if self.seconds < 1:
            return "waiting under a second"
        return f"waiting {self.seconds:.0f} s"


@dataclass(frozen=True)
class NeedsYou(Said):
    """The attendee must act in the browser (or elsewhere); the step polls meanwhile."""

    url: str | None = None
    detail: str | None = None  # e.g. the public key line to paste, a device code


@dataclass(frozen=True)
class HttpCall(Event):
    method: str
    path: str  # redacted: no query secrets, no tokens
    status: int | None  # None when the connection failed
    duration_ms: float


@dataclass(frozen=True)
class Note(Said):
    """Something the attendee should read: what a step did and why (the course is about learning)."""


@dataclass(frozen=True)
class StepFinished(Event):
    summary: str
    already_done: bool = False
    skipped: bool = False  # nothing asked of it (nobody listed): neither done nor missing


@dataclass(frozen=True)
class StepFailed(Said):
    """The step failed: `message` says what happened and what to do next."""

    # For the activity log file only (an AADSTS code, a correlation id for an administrator):
    # never on screen or stdout, where the sentence alone is shown.
    log_detail: str = ""


Emit = Callable[[Event], None]


def event_as_dict(event: Event) -> dict[str, object]:
    """`event` as plain JSON values (a child process sends its events as lines:
    steps/members_apart.py); `event_from_dict` makes the same event again."""
    from dataclasses import asdict

    return {"kind": type(event).__name__, **asdict(event)}


def event_from_dict(found: dict[str, object]) -> Event:
    """The event `event_as_dict` gave; ValueError for a kind this module does not define."""
    values: dict[str, Any] = dict(found)  # the fields, as `event_as_dict` wrote them
    kind = _KINDS.get(str(values.pop("kind", "")))
    if kind is None:
        raise ValueError(f"not an event: {found.get('kind')!r}")
    return kind(**values)


_KINDS: dict[str, type[Event]] = {
    kind.__name__: kind
    for kind in (
        Event,
        StepStarted,
        Said,
        StepProgress,
        Waiting,
        NeedsYou,
        HttpCall,
        Note,
        StepFinished,
        StepFailed,
    )
}

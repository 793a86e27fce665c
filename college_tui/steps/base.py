"""What every step is: `inspect` what already exists, `apply` idempotently, progress only as events.

A step never imports the UI or the sandbox. It reads the answers, talks to the service through the
azdo facade and to the machine through workstation/, remembers ids in the run state, and reports
through `ctx.emit`. Failures a user can meet are raised as `StepError` with a sentence that says
what happened and what to do next.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ..events import Emit, NeedsYou, Note, StepProgress
from ..visible import visible_fields
from .lessons import LESSONS

if TYPE_CHECKING:
    from ..azdo.client import AzureDevOps
    from ..azdo.credentials import Credential
    from ..target import Target
    from .answers import Answers
    from .state import RunState

T = TypeVar("T")

# The longest pause between two probes of a service-side wait (project creation, import): the
# operations and import requests answer cheap GETs, and every second seen late is a second on
# the whole flow's critical path (issue 28).
POLL_CAP = 0.5


class StepError(Exception):
    """A failure the attendee can act on; `message` says what happened and what to do next."""

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail  # for the activity log file only (an AADSTS code, a correlation id)


class NotReady(StepError):
    """An earlier step has not produced what this one needs (e.g. no project yet)."""


@dataclass
class Secrets:
    """Secrets of this run, in memory only (never written, never in an event)."""

    pat: str | None = None
    key_passphrase: str | None = None
    remember_pat: bool = True  # sign-in may keep the PAT in the system keyring (the TUI asks)
    remember_sign_in: bool = False  # keep an Entra sign-in in the encrypted token cache

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
    credential: Credential | None = None  # azdo Credential, set by the sign-in step (never printed)
    cancel: threading.Event = field(default_factory=threading.Event)  # set to stop waits
    # Someone is there to act on a NeedsYou (e.g. create an organisation in the browser). False
    # for `apply --yes` or without a terminal: such a step fails at once instead of waiting.
    attended: bool = True

    def service(self, step: str) -> AzureDevOps:
        if self.azdo is None:
            raise NotReady("Not signed in yet: run the sign-in step first.")
        self.azdo.use_ssh_alias(self.target.ssh_alias)
        return self.azdo.for_step(step)

    def ssh_ready(self) -> Target:
        """The target once its SSH server listens: the embedded sandbox answers REST first and
        its SSH side comes up meanwhile (issue 28). A StepError when it did not start."""
        from ..target import SshNotStarted, ssh_settled

        if self.target.ssh_later is None:
            return self.target
        try:
            settled = ssh_settled(self.target, self.cancel)
        except SshNotStarted as exc:
            raise StepError(exc.message) from None
        if settled.ssh_later is not None:
            raise StepError("Cancelled: run the step again to continue where it stopped.")
        self.target = settled
        return settled

    def signed_in(self) -> Credential:
        """The sign-in step's credential (set whenever `azdo` is: after the sign-in step)."""
        if self.credential is None:
            raise RuntimeError("the credential is asked for before the sign-in step set it")
        return self.credential

    def sleep(self, seconds: float) -> None:
        """Wait `seconds`, or stop with a StepError as soon as the run is cancelled."""
        if self.cancel.wait(max(0.0, seconds)):
            raise StepError("Cancelled: run the step again to continue where it stopped.")

    def poll(
        self,
        probe: Callable[[], T | None],
        *,
        timeout: float,
        what: str,
        first: float = 0.1,
        factor: float = 1.5,
        cap: float = POLL_CAP,
    ) -> T:
        """Call `probe` until it returns something other than None, with backoff, bounded.

        The first probe goes at once; the pauses grow from `first` to `cap`, so a result is
        seen at most `cap` (plus one request) after it is ready. When the service says it is
        busy (X-RateLimit-Delay, or little of its quota left) the pause is at least what it
        asks; a Retry-After is waited out before the next request anyway (azdo/http.py).
        Raises StepError("Gave up waiting for {what} after N s ...") when `timeout` passes.
        """
        deadline = time.monotonic() + timeout
        delay = first
        while True:
            if self.azdo is not None:
                self.azdo.forget_reads()  # a poll waits for a change: never a remembered answer
            result = probe()
            if result is not None:
                return result
            left = deadline - time.monotonic()
            if left <= 0:
                raise StepError(
                    f"Gave up waiting for {what} after {timeout:g} s. Run the step "
                    "again to keep waiting."
                )
            busy = self.azdo.rate_limit_pause() if self.azdo is not None else 0.0
            self.sleep(min(max(delay, busy), left))
            delay = min(delay * factor, cap)

    def wait_for_person(
        self, probe: Callable[[], T | None], *, timeout: float, what: str, every: float
    ) -> T:
        """`poll` at a steady pace (`every` seconds) while the person acts in the browser."""
        return self.poll(probe, timeout=timeout, what=what, first=every, factor=1.0, cap=every)


@dataclass(frozen=True)
class Inspection:
    """What exists now for a step: `done` means applying would change nothing."""

    done: bool
    summary: str  # one line for `plan` and the step list ("Project College exists (Agile)")
    todo: str = ""  # what apply would do, when not done
    facts: dict[str, Any] = field(default_factory=dict)
    skipped: bool = False  # done only in that nothing was asked (nobody listed): never a tick

    def __post_init__(self) -> None:
        visible_fields(self)  # names from the service: shown, never obeyed by the terminal


@dataclass(frozen=True)
class Outcome:
    summary: str
    already_done: bool = False
    warnings: tuple[str, ...] = ()  # finished, but something needs a look (a member not added)
    skipped: bool = False  # nothing was asked of the step (nobody listed)

    def __post_init__(self) -> None:
        visible_fields(self)


class Step:
    """Base class of the nine steps. A step names its `key`; its title and what it teaches come
    from its lesson (steps/lessons.py) unless the class says its own."""

    key: ClassVar[str]
    title: ClassVar[str]
    teaches: ClassVar[str] = ""  # what the course wants the attendee to learn here
    # The step pins the target's SSH host key or connects to its SSH server: applying, the runner
    # waits for that server first (`Context.ssh_ready`; the embedded sandbox starts it while REST
    # answers, issue 28).
    needs_ssh: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        lesson = LESSONS.get(cls.__dict__.get("key", ""))
        if lesson is not None and "title" not in cls.__dict__:
            cls.title, cls.teaches = lesson.title, lesson.teaches

    def heading(self, answers: Answers) -> str:
        """The step's heading for these answers (the title names no project or team itself)."""
        lesson = LESSONS.get(self.key)
        if lesson is None or not lesson.heading or self.title != lesson.title:  # a title of its own
            return self.title
        return lesson.heading.format(answers=answers)

    def inspect(self, ctx: Context) -> Inspection:
        raise NotImplementedError

    def apply(self, ctx: Context) -> Outcome:
        raise NotImplementedError

    # small conveniences for subclasses
    def progress(self, ctx: Context, message: str, fraction: float | None = None) -> None:
        ctx.emit(StepProgress(self.key, message, fraction))

    def note(self, ctx: Context, message: str) -> None:
        ctx.emit(Note(self.key, message))


class HandOffStep(Step):
    """A step that may hand its work to the person (a page in the browser) and wait, polling at a
    steady pace, until the service shows it done: the organisation, the default team."""

    def __init__(self, wait_seconds: float = 600.0, poll_seconds: float = 3.0) -> None:
        self.wait_seconds = wait_seconds  # how long the person gets
        self.poll_seconds = poll_seconds

    def hand_off(
        self,
        ctx: Context,
        message: str,
        *,
        url: str,
        detail: str,
        probe: Callable[[], T | None],
        what: str,
    ) -> T:
        """Say what the person should do (and where), then wait until `probe` answers."""
        ctx.emit(NeedsYou(self.key, message, url=url, detail=detail))
        return ctx.wait_for_person(
            probe, timeout=self.wait_seconds, what=what, every=self.poll_seconds
        )

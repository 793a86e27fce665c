"""Steps that do not need each other run at the same time (issue 28); the order stays the course's.

The service makes you wait: ~15 s while it creates the project, ~30 s while it imports the course.
The SSH key needs only the organisation, so it is made, registered and pinned while the project
is being created; the colleagues need only the team, so they are invited while the course is
imported. The plan, the step list and the report keep the taught order: such a step starts early
(its `StepStarted` comes early, so the TUI shows it running in the background) and its result
takes its own place. A failure there is reported at its own step. The SSH key is waited for at
its own place (the clone after it needs it; it is long done by then); the colleagues at the end
of the run, which nothing after them needs. Each step keeps its own state, so a run that stopped
halfway resumes as before.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..vocabulary import StepKey

if TYPE_CHECKING:
    from ..events import Emit, Event
    from .base import Context, Step
    from .runner import StepResult

# step -> the step whose success lets it start
EARLY: dict[str, str] = {StepKey.SSH_KEY: StepKey.ORGANIZATION, StepKey.MEMBERS: StepKey.TEAM}
# started early and waited for only at the end of the run (nothing after them needs them)
AT_THE_END = frozenset({StepKey.MEMBERS})


RunOne = Callable[["Step"], "StepResult"]
Crashed = Callable[["Step", BaseException], "StepResult"]


class _Background:
    def __init__(self, step: Step, run_one: RunOne, crashed: Crashed) -> None:
        self.step = step
        self.result: StepResult | None = None
        self.thread = threading.Thread(
            target=self._run, args=(run_one, crashed), name=f"step-{step.key}", daemon=True
        )
        self.thread.start()

    def _run(self, run_one: RunOne, crashed: Crashed) -> None:
        try:
            self.result = run_one(self.step)
        except BaseException as exc:  # never lost: the runner's sentence for it
            self.result = crashed(self.step, exc)

    def join(self) -> StepResult:
        self.thread.join()
        assert self.result is not None
        return self.result


class Beside:
    """A read asked on another thread while the step goes on (the profile's and the connection
    data's hosts, Agile's id beside the project's look-up). Its events are held and leave from
    the step's own thread at `join()`, as every step's events do; a failure is kept quiet here
    (`join()` returns None) unless `raises`."""

    def __init__(
        self, svc: Any, step: str, emit: Emit, ask: Callable[[Any], Any], *, raises: bool = False
    ) -> None:
        self._events: queue.Queue[Event] = queue.Queue()
        self._emit = emit
        self._raises = raises
        self._value: Any = None
        self._error: BaseException | None = None
        quiet = svc.for_step(step, self._events.put)
        self._thread = threading.Thread(
            target=self._run, args=(ask, quiet), name=f"beside-{step}", daemon=True
        )
        self._thread.start()

    def _run(self, ask: Callable[[Any], Any], svc: Any) -> None:
        try:
            self._value = ask(svc)
        except Exception as exc:  # handed over (or dropped) by join()
            self._error = exc

    def finish(self) -> None:
        """Wait for the read and let its events go (again: nothing more)."""
        self._thread.join()
        while not self._events.empty():
            self._emit(self._events.get_nowait())

    def join(self) -> Any:
        self.finish()
        if self._error is not None and self._raises:
            raise self._error
        return self._value


class Overlap:
    """Which steps of one run start early, and their results when their turn comes."""

    def __init__(self, ctx: Context, steps: list[Step], run_one: RunOne, crashed: Crashed) -> None:
        self.ctx = ctx
        self.steps = steps
        self.run_one = run_one
        self.crashed = crashed
        self.background: dict[str, _Background] = {}
        self._plain_emit = ctx.emit
        lock = threading.Lock()

        def one_at_a_time(event: Event) -> None:  # steps side by side print whole lines
            with lock:
                self._plain_emit(event)

        if any(EARLY.get(s.key) in {t.key for t in steps} for s in steps):
            ctx.emit = one_at_a_time

    def result_of(self, step: Step) -> StepResult | None:
        """Run `step` now, or take the result of its early start (None: it still runs, and its
        result comes from `finish`)."""
        started = self.background.get(step.key)
        if started is None:
            return self.run_one(step)
        if step.key in AT_THE_END:
            return None
        return started.join()

    def started(self, done: Step) -> None:
        """`done` has finished well: start the later steps that were waiting only for it."""
        position = self.steps.index(done)
        for later in self.steps[position + 1 :]:
            if EARLY.get(later.key) == done.key and later.key not in self.background:
                self.background[later.key] = _Background(later, self.run_one, self.crashed)

    def skip(self, step: Step) -> StepResult | None:
        """The result of `step` if it started early although an earlier step then failed."""
        started = self.background.get(step.key)
        return started.join() if started is not None else None

    def finish(self) -> dict[str, StepResult]:
        """Wait for what still runs; the results of the steps finished at the end."""
        return {key: self.background[key].join() for key in AT_THE_END if key in self.background}

    def close(self) -> None:
        """On the way out (also on Ctrl+C): stop the background steps at their next wait."""
        if any(b.thread.is_alive() for b in self.background.values()):
            self.ctx.cancel.set()
            for started in self.background.values():
                started.thread.join(timeout=10)
        self.ctx.emit = self._plain_emit

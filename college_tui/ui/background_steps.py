"""Steps of a run that start early in the wizard, as `apply` starts them (steps/overlap.py).

The wizard runs the steps of one run one at a time (the quit question may come between two).
In a run of several (Run the rest), a step that needs only an earlier one starts on a thread of
its own as soon as that one finished well: the SSH key once the organisation is known, while
the project is being created; the colleagues once the team is there, while the course is
imported. Its events are marked as the background's (the step list shows it running; the panel
and the status pane stay with the step in the foreground), its result takes its own place in
the run's report, in the course's order, and a failure is reported at its own step. Each step
keeps its own run state, so a run that stopped resumes as before.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ..vocabulary import StepKey

if TYPE_CHECKING:
    from ..steps.runner import RunReport
    from ..steps.session import Session


class BackgroundSteps:
    """The early starts of one run: `keys` in order, run through `session`."""

    def __init__(self, session: Session, keys: tuple[StepKey, ...]) -> None:
        from ..steps.overlap import AT_THE_END, EARLY

        self.session = session
        self.keys = keys
        self._early = {StepKey(k): StepKey(v) for k, v in EARLY.items()}
        self._at_the_end = {StepKey(k) for k in AT_THE_END}
        self._threads: dict[StepKey, threading.Thread] = {}
        self._reports: dict[StepKey, RunReport] = {}
        self.running: set[StepKey] = set()  # read by the emit on any thread: membership only

    def start_after(self, done: StepKey) -> None:
        """`done` finished well: start the later steps of this run that wait only for it."""
        if len(self.keys) < 2:
            return
        for later in self.keys[self.keys.index(done) + 1 :]:
            if self._early.get(later) == done and later not in self._threads:
                self.running.add(later)
                thread = threading.Thread(
                    target=self._run, args=(later,), name=f"wizard-{later}", daemon=True
                )
                self._threads[later] = thread
                thread.start()

    def _run(self, key: StepKey) -> None:
        from ..steps.runner import run

        try:  # not Session.run: that clears a cancel the run in the foreground may need
            self._reports[key] = run(self.session.ctx, [self.session.step(key)])
        finally:
            self.running.discard(key)

    def result_at_its_place(self, key: StepKey) -> RunReport | None:
        """The report of `key` started early, waited for now; None: not started early, or one
        waited for at the end of the run (nothing after it needs it)."""
        if key not in self._threads or key in self._at_the_end:
            return None
        return self._join(key)

    def running_or_done(self) -> set[StepKey]:
        """The steps of this run started early (running, or finished and not taken yet)."""
        return set(self._threads)

    def at_the_end(self) -> dict[StepKey, RunReport]:
        """Wait for whatever still runs; the reports not taken yet."""
        return {key: self._join(key) for key in list(self._threads)}

    def _join(self, key: StepKey) -> RunReport:
        self._threads.pop(key).join()
        return self._reports.pop(key)

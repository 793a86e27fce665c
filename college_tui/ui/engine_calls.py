"""The engine's calls, in thread workers of the wizard screen: they never touch a widget, they
post messages (thread-safe) that the screen routes. A failure of ours ends in the screen's one
failure path (screens.py `CollegeScreen.on_worker_state_changed`)."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import work

from .collector import collector_paused
from .messages import (
    EventArrived,
    KeyShown,
    OpenFailed,
    OrganizationsListed,
    ProgressArrived,
    RunEnded,
    SessionOpened,
    SummaryFilled,
)
from .screens import WizardParts

if TYPE_CHECKING:
    from ..events import Event
    from ..steps.runner import StepResult
    from ..steps.session import Session, TypedSecrets

ENGINE = "engine"  # the worker group of every engine call


class EngineCalls(WizardParts):
    """Mixed into WizardScreen: `self` is the screen (sandbox, answers, session, keys)."""

    steps_may_start: threading.Event  # cleared while the quit question is shown

    def emit(self, event: Event) -> None:
        """The engine's `emit` (on the worker thread): the activity file, then a message."""
        from ..events import StepProgress

        line = self.college.logfile(event)
        kind = ProgressArrived if isinstance(event, StepProgress) else EventArrived
        self.post_message(kind(event, line, looking=self._looking))

    _looking = True  # set by the worker around inspect-only calls: their events change no state

    @work(thread=True, exclusive=True, group=ENGINE, name="open-target", exit_on_error=False)
    def open_target(self) -> None:
        """Open the target and inspect every step (a failure of ours: the one failure path)."""
        from ..steps.base import Secrets, StepError
        from ..steps.session import Session, local_problems
        from ..steps.state import StateLockedError

        try:
            with collector_paused():  # the sandbox and the SDK arrive: objects for the session
                opened = self.college.opener(self.sandbox, self.org_url)
                self.college.logfile.hide(opened.pat)
                answers = self.answers
                if opened.auth and not answers.auth_said:  # the engine's choice of a default
                    answers = replace(answers, auth=opened.auth)
                session = Session.start(
                    opened.target, answers, self.emit, secrets=Secrets(pat=opened.pat)
                )
                self.college.hold(session.hold_lock())
                report = session.inspect_all()
            self._looking = False
        except (StepError, StateLockedError) as exc:
            self.post_message(OpenFailed(getattr(exc, "message", None) or str(exc)))
            return
        self._after(session, report.results)
        self.post_message(SessionOpened(session, report, local_problems()))  # the last word

    @work(thread=True, exclusive=True, group=ENGINE, name="run-steps", exit_on_error=False)
    def _run_steps(
        self, keys: tuple[str, ...], changes: dict[str, object], secrets: TypedSecrets
    ) -> None:
        from ..steps.runner import FAILED, RunReport

        session = self.session
        if session is None:  # the screen runs steps only once SessionOpened came
            raise RuntimeError("steps were asked to run before the session opened")
        session.ctx.cancel.clear()  # a sign-in cancelled with Escape before: this run goes on
        problems = session.update_answers(**changes) if changes else []
        if problems:
            self.post_message(RunEnded(None, problems))
            return
        for secret in secrets.values():
            self.college.logfile.hide(secret)
        if secrets:
            session.set_secrets(secrets)
        report = RunReport()
        for key in keys:  # one step at a time: none starts while the quit question is shown
            self.steps_may_start.wait()
            if session.ctx.cancel.is_set():
                break
            step_report = session.run([key])
            report.results += step_report.results
            report.log_path = step_report.log_path or report.log_path
            if any(r.status == FAILED for r in step_report.results):
                break
        self._after(session, report.results)
        self.post_message(RunEnded(report))  # the last word: the screen takes Enter again

    def _after(self, session: Session, results: list[StepResult]) -> None:
        """Still on the worker: what the screen shows next (key, organisations, summary)."""
        from ..steps.runner import WARNING

        ok = {r.key for r in results if r.ok or r.status == WARNING}
        if "ssh-key" in ok:
            key = session.public_key()
            if key:
                self.post_message(KeyShown(*key))
        if "sign-in" in ok and not self.sandbox and "organization" not in ok:
            try:
                self.post_message(OrganizationsListed(session.organizations()))
            except Exception as exc:  # the list is a convenience: typing the name still works
                self.post_message(OrganizationsListed([], str(exc)))
        if ok >= set(self.keys) or "pull-request" in ok:
            self._looking = True
            try:
                summary = session.summary()
            finally:
                self._looking = False
            self.post_message(SummaryFilled(summary))

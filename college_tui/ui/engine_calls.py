"""The engine's calls, owned by the wizard screen: opening the target and running steps, each in
a named thread worker of the screen. They never touch a widget: they post messages (thread-safe)
that the screen routes, and ask the wizard model what to do between steps and after a run. A
failure of ours ends in the screen's one failure path (screens.py
`CollegeScreen.on_worker_state_changed`)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..vocabulary import StepKey
from .background_steps import BackgroundSteps
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
from .screens import college_app
from .wizard_effects import ENGINE, Result

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.worker import Worker

    from ..events import Event
    from ..steps.runner import RunReport
    from ..steps.session import Session, TypedSecrets
    from .app import CollegeApp
    from .panel_host import ShownAnswers
    from .wizard_model import WizardModel


def results(report: RunReport) -> list[Result]:
    """A run's results as the wizard model reads them."""
    return [Result(StepKey(r.key), r.status, r.title) for r in report.results]


class StepGate:
    """Where a run waits between two steps while the model says no step may start (the quit
    question). The worker waits on its thread; the event loop says when the answer changed."""

    def __init__(self, may_start: Callable[[], bool]) -> None:
        self.may_start = may_start
        self._changed = threading.Condition()

    def wait(self) -> None:
        """On the worker: return once the next step may start."""
        with self._changed:
            self._changed.wait_for(self.may_start)

    def changed(self) -> None:
        """On the event loop, after the model's answer may have changed."""
        with self._changed:
            self._changed.notify_all()


class EngineCalls:
    """`open_target` and `run` start the screen's workers (group ENGINE, one at a time); the
    session is the screen's once `SessionOpened` was handled (`adopt`)."""

    def __init__(self, screen: Screen[Any], model: WizardModel, answers: ShownAnswers) -> None:
        self.screen = screen
        self.model = model
        self.answers = answers
        self.session: Session | None = None
        self.gate = StepGate(model.may_start_next_step)
        self.looking = True  # around inspect-only calls: their events change no state
        self.background: BackgroundSteps | None = None  # the run's early starts

    @property
    def college(self) -> CollegeApp:
        return college_app(self.screen)

    def emit(self, event: Event) -> None:
        """The engine's `emit` (on the worker thread): the activity file, then a message."""
        from ..events import StepProgress

        line = self.college.logfile(event)
        kind = ProgressArrived if isinstance(event, StepProgress) else EventArrived
        early = self.background is not None and event.step in self.background.running
        self.screen.post_message(kind(event, line, looking=self.looking, background=early))

    def adopt(self, session: Session) -> None:
        """The session the opening made, once the screen has shown it."""
        self.session = session

    def cancel(self) -> None:
        """The run (or the step waiting for the person) stops at its next safe point."""
        if self.session is not None:
            self.session.cancel()

    def open_target(self, sandbox: bool, org_url: str | None) -> Worker[None]:
        """Open the target and inspect every step (a failure of ours: the one failure path)."""
        return self._start(lambda: self._open(sandbox, org_url), "open-target")

    def run(
        self, keys: tuple[StepKey, ...], changes: dict[str, object], secrets: TypedSecrets
    ) -> Worker[None]:
        """Run `keys` in order with the answers `changes` and the typed `secrets`."""
        self.model.run_started()
        return self._start(lambda: self._run(keys, changes, secrets), "run-steps")

    def _start(self, work: Callable[[], None], name: str) -> Worker[None]:
        """A named thread worker of the screen in the ENGINE group, one at a time; its failure
        takes the one failure path, never an exit."""
        return self.screen.run_worker(
            work,
            name=name,
            group=ENGINE,
            description=name,
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def _open(self, sandbox: bool, org_url: str | None) -> None:
        from ..steps.base import Secrets, StepError
        from ..steps.session import Session, local_problems
        from ..steps.state import StateLockedError

        try:
            with collector_paused():  # the sandbox and the SDK arrive: objects for the session
                opened = self.college.opener(sandbox, org_url)
                self.college.logfile.hide(opened.pat)
                answers = self.answers.get()
                if opened.auth and not answers.auth_said:  # the engine's choice of a default
                    answers = replace(answers, auth=opened.auth)
                session = Session.start(
                    opened.target, answers, self.emit, secrets=Secrets(pat=opened.pat)
                )
                self.college.hold(session.hold_lock())
                report = session.inspect_all()
            self.looking = False
        except (StepError, StateLockedError) as exc:
            self.screen.post_message(OpenFailed(getattr(exc, "message", None) or str(exc)))
            return
        self._follow_up(session, report)
        self.screen.post_message(SessionOpened(session, report, local_problems()))  # last word

    def _run(
        self, keys: tuple[StepKey, ...], changes: dict[str, object], secrets: TypedSecrets
    ) -> None:
        from ..steps.runner import RunReport

        session = self.session
        if session is None:  # the screen runs steps only once SessionOpened came
            raise RuntimeError("steps were asked to run before the session opened")
        session.ctx.cancel.clear()  # a sign-in cancelled with Escape before: this run goes on
        problems = session.update_answers(**changes) if changes else []
        if problems:
            self.screen.post_message(RunEnded(None, problems))
            return
        for secret in secrets.values():
            self.college.logfile.hide(secret)
        if secrets:
            session.set_secrets(secrets)
        reports: dict[StepKey, RunReport] = {}
        early = self.background = BackgroundSteps(session, keys)
        for key in keys:  # one step at a time: none starts while the quit question is shown
            self.gate.wait()
            if session.ctx.cancel.is_set():
                break
            step_report = early.result_at_its_place(key)
            if step_report is None and key in early.running_or_done():
                continue  # started early, waited for at the end: nothing after it needs it
            step_report = step_report or session.run([key])
            reports[key] = step_report
            if not self.model.run_goes_on(results(step_report)):
                break
            early.start_after(key)
        reports.update(early.at_the_end())  # a failure before them: they end all the same
        report = RunReport()
        for key in (k for k in keys if k in reports):  # the course's order, whatever finished first
            report.results += reports[key].results
            report.log_path = reports[key].log_path or report.log_path
        self._follow_up(session, report)
        self.screen.post_message(RunEnded(report))  # the last word: the screen takes Enter again

    def _follow_up(self, session: Session, report: RunReport) -> None:
        """Still on the worker: what the model says the screen shows next (key, organisations,
        summary), read from the engine."""
        follow = self.model.follow_up(results(report))
        if follow.show_key:
            key = session.public_key()
            if key:
                self.screen.post_message(KeyShown(*key))
        if follow.list_organizations:
            try:
                self.screen.post_message(OrganizationsListed(session.organizations()))
            except Exception as exc:  # the list is a convenience: typing the name still works
                self.screen.post_message(OrganizationsListed([], str(exc)))
        if follow.fill_summary:
            self.looking = True
            try:
                summary = session.summary()
            finally:
                self.looking = False
            self.screen.post_message(SummaryFilled(summary))

"""The wizard screen: step list, the current step's panel, status, activity log. A router only:
panels collect answers, the engine (through `Session`, in thread workers) does the work, events
come back as messages, `WizardModel` (wizard_model.py) decides what they change, and this screen
applies its effects to the widgets."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Header, Static

from . import wizard_model as model
from .collector import keep_out_of_full_collections
from .effects import apply_effects
from .engine_calls import ENGINE, EngineCalls
from .messages import (
    CancelRequested,
    EventArrived,
    KeyShown,
    OpenFailed,
    OrganizationsListed,
    RunEnded,
    RunRequested,
    SessionOpened,
    SummaryFilled,
)
from .panel_host import OPENING, PanelHost
from .screens import CollegeScreen, presize
from .textual_private import quiet_focus
from .widgets.activity_log import ActivityLog
from .widgets.footer import KeysFooter
from .widgets.status_pane import StatusPane
from .widgets.step_list import STEP_NAMES, StepList
from .wizard_model import SUMMARY

if TYPE_CHECKING:
    from textual import events
    from textual.message import Message
    from textual.worker import Worker

    from ..steps.answers import Answers
    from ..steps.runner import RunReport
    from ..steps.session import Session, TypedSecrets
    from .panels.base import StepPanel
    from .panels.summary import SummaryPanel


def _results(report: RunReport) -> list[model.Result]:
    return [model.Result(r.key, r.status, r.title) for r in report.results]


class WizardScreen(EngineCalls, PanelHost, CollegeScreen):
    BINDINGS = [
        Binding("ctrl+r,f5", "run_rest", "Run the rest"),
        Binding("ctrl+n,f8", "next_step", "Next step"),
        Binding("ctrl+b,f7", "previous_step", "Previous step"),
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("f2", "toggle_details", "Log details", show=False),  # the log's border says it
        Binding("escape", "stop_waiting", "Stop waiting", show=False),  # the status says it
        Binding("enter", "run_shown", "Run the step shown", show=False),  # buttons, fields: theirs
    ]
    # Nothing on this screen is styled by where the focus is: 10-15 ms less per panel switch.
    focused: Reactive[Widget | None] = quiet_focus()

    def __init__(self, sandbox: bool, org_url: str | None = None) -> None:
        super().__init__(id="wizard")
        self.sandbox = sandbox
        self.org_url = org_url
        self.session: Session | None = None
        self._answers: Answers | None = None  # made on first use (by a worker or the panels)
        self._answers_lock = threading.Lock()
        self.keys = [key for key, _ in STEP_NAMES]
        self.model = model.WizardModel(self.keys, sandbox)
        # Set while a run may start its next step; cleared while the quit question is shown.
        self.steps_may_start = threading.Event()
        self.steps_may_start.set()
        # The panels are mounted just after the first frame (mount_panels): the frame then
        # holds a few dozen widgets, not three hundred. The workers' messages that arrive
        # before are held and handled, in order, once the panels exist.
        self.panels: list[StepPanel] = []
        self.summary_panel: SummaryPanel | None = None
        self.panels_ready = False
        self._held: list[Message] = []

    @property
    def busy(self) -> bool:
        """Whether a worker of the engine is working (opening the target or running steps)."""
        return self.model.opening or self.model.running

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        presize(self)
        yield Header(show_clock=False, icon="◆")
        with Horizontal(id="main"):
            yield StepList(STEP_NAMES, id="step-list", narrow=self.has_class("-narrow"))
            with Vertical(id="center"):
                with ContentSwitcher(id="panels", initial=OPENING):
                    yield Static(self._opening_text(), id=OPENING, classes="step-panel")
                yield StatusPane(self.college.clock, id="status")
        yield ActivityLog(id="activity")
        yield KeysFooter()

    def on_resize(self, event: events.Resize) -> None:
        for steps in self.query(StepList):
            steps.set_narrow(event.size.width < 100)  # the -narrow breakpoint (app.py)

    def _opening_text(self) -> str:
        if self.sandbox:
            where = "the practice sandbox"
        else:
            where = self.college.scrub(self.org_url or "Azure DevOps (sign in first)")
        return f"Opening {where}…"

    def on_mount(self) -> None:
        self.log_line(f"Activity log file: {self.college.scrub(str(self.college.logfile.path))}")
        self.status.begin(self._opening_text())
        # After the first frame: the engine's thread would compete for the GIL with its paint.
        self.call_after_refresh(self.open_target)
        self.call_after_refresh(self.mount_panels)

    def on_unmount(self) -> None:
        # The screen goes with the app (a crash, a test's end, the terminal closed): a run waiting
        # at the gate between two steps, or in a step, must end so the process can.
        if self.session is not None:
            self.session.cancel()
        self.steps_may_start.set()

    @property
    def status(self) -> StatusPane:
        return self.query_one(StatusPane)

    @property
    def step_list(self) -> StepList:
        return self.query_one(StepList)

    def log_line(self, text: str) -> None:
        self.query_one(ActivityLog).add(text)

    def apply(self, effects: list[model.Effect]) -> None:
        """Do what the model decided."""
        apply_effects(self, effects)

    # -- messages from the workers ------------------------------------------------------------

    @on(EventArrived)
    def _engine_event(self, message: EventArrived) -> None:
        if self._hold(message):
            return
        self.query_one(ActivityLog).add_event(message.event, message.line, looking=message.looking)
        self.apply(self.model.event(message.event, message.looking, self.current))

    @on(SessionOpened)
    def _session_opened(self, message: SessionOpened) -> None:
        if self._hold(message):
            return
        keep_out_of_full_collections()  # what the open brought lives for the session
        self.session = message.session
        self.answers = message.session.ctx.answers
        self.college.target_org = message.session.ctx.target.org
        for panel in self.panels:
            panel.load(self.answers, self.sandbox, message.session.ctx.target.home)
            panel.show_command(message.session.by_hand(panel.STEP))
        self.apply(self.model.opened(_results(message.report), message.local_problems))

    @on(OpenFailed)
    def _open_failed(self, message: OpenFailed) -> None:
        if not self._hold(message):
            self.apply(self.model.open_failed(message.message))

    @on(RunEnded)
    def _run_ended(self, message: RunEnded) -> None:
        if self._hold(message):
            return
        keep_out_of_full_collections()
        report = message.report
        results = _results(report) if report else []
        log_path = str(report.log_path) if report and report.log_path else None
        if self.session is not None and self.college.target_org != self.session.ctx.target.org:
            # The organisation became known (picked or created): By hand names it from now on.
            self.college.target_org = self.session.ctx.target.org
            for panel in self.panels:
                panel.show_command(self.session.by_hand(panel.STEP))
            if self.model.states["sign-in"] not in model.TICKED:  # a personal account's way
                from .panels.sign_in import SignInPanel

                sign_in = self.panel_of("sign-in", SignInPanel)
                sign_in.use_pat(self.session.ctx.target.org_url)
        self.apply(self.model.run_ended(results, message.problems, log_path, self.current))

    @on(SummaryFilled)
    def _summary_filled(self, message: SummaryFilled) -> None:
        if self._hold(message):
            return
        summary = message.summary
        self.summary().fill(summary)
        done = sum(1 for item in summary.items if item.ok)
        self.apply(self.model.summary_filled(done, len(summary.items), summary.pull_request_url))

    @on(KeyShown)
    def _key_shown(self, message: KeyShown) -> None:
        if not self._hold(message):
            from .panels.ssh_key import SshKeyPanel

            self.panel_of("ssh-key", SshKeyPanel).show_key(message.fingerprint, message.public_line)

    @on(OrganizationsListed)
    def _organizations_listed(self, message: OrganizationsListed) -> None:
        if self._hold(message):
            return
        from .panels.organization import OrganizationPanel

        self.panel_of("organization", OrganizationPanel).show_organizations(
            message.names, listed=not message.problem
        )
        if message.problem:
            self.log_line(f"! Your organisations could not be listed: {message.problem}")

    def show_apology(self, text: str, worker: Worker[object]) -> None:
        if worker.group in (ENGINE, "panels"):  # the wizard cannot go on: it says so
            self.apply(self.model.crashed(text, self.current))
        else:  # a helper failed (warm-up, browser): the wizard goes on
            self.log_line(text)
            super().show_apology(text, worker)

    # -- actions ------------------------------------------------------------------------------

    @on(CancelRequested)
    def _cancel_requested(self, message: CancelRequested) -> None:
        """Escape while a step waits for the person (a device code, a new organisation, a key
        added by hand): the step ends, cancelled."""
        if self.model.running and self.session is not None:
            self.session.cancel()
            self.status.set_wait("Cancelling: the step stops waiting…")

    @on(RunRequested)
    def _run_requested(self, message: RunRequested) -> None:
        self.apply(self.model.start([message.step]))

    def run_steps(
        self, keys: tuple[str, ...], changes: dict[str, object], secrets: TypedSecrets
    ) -> None:
        self.model.run_started()
        self._run_steps(keys, changes, secrets)

    def action_stop_waiting(self) -> None:
        self.post_message(CancelRequested(self.current))

    def action_run_shown(self) -> None:
        """Enter where the focus is on no field or button (the step list, the log): the step
        shown runs, as its primary button would."""
        if self.panels_ready and self.current != SUMMARY:
            self.panel(self.current).request_run()

    def action_run_rest(self) -> None:
        self.apply(self.model.run_rest())

    def retry(self) -> None:
        self.apply(self.model.retry())

    def action_next_step(self) -> None:
        self.switch_to(self.model.neighbour(self.current, +1))

    def action_previous_step(self) -> None:
        self.switch_to(self.model.neighbour(self.current, -1))

    def action_toggle_details(self) -> None:
        self.query_one(ActivityLog).toggle_details()

    def action_help(self) -> None:
        from .modals import HelpModal

        self.app.push_screen(HelpModal())

    @on(StepList.OptionSelected, "#step-list")
    def _step_picked(self, event: StepList.OptionSelected) -> None:
        self.switch_to(event.option.id or self.keys[0])

    @on(StepList.RunAsked)
    def _step_run_asked(self, event: StepList.RunAsked) -> None:
        self.action_run_shown()  # Enter on the list: the step picked runs (its panel shown)

    def quit_requested(self) -> str:
        """ctrl+q: QUIT_NOW, or ASK_FIRST (no new step starts until it is answered)."""
        answer = self.model.quit_requested()
        if answer == model.ASK_FIRST:
            self.steps_may_start.clear()
        return answer

    def quit_answered(self, yes: bool) -> None:
        self.model.quit_answered(yes)
        if yes:
            if self.session is not None:
                self.session.cancel()
            self.status.set_wait("Cancelling: the step stops at its next safe point…")
        self.steps_may_start.set()

    @property
    def pull_request_url(self) -> str | None:
        panel = self.summary_panel
        summary = panel.summary if panel is not None else None
        return summary.pull_request_url if summary else None

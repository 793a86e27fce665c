"""The wizard screen: step list, the current step's panel, status, activity log. A router only:
panels collect answers, the engine (through `Session`, in thread workers) does the work, events
come back as messages, `WizardModel` (wizard_model.py) decides what they change, and this screen
applies its effects to the widgets.

The screen owns its collaborators, each typed and with state of its own: the model (every
decision, no Textual), the centre (`PanelHost`: the panels, the answers they show, which is
shown) and the engine's calls (`EngineCalls`: the workers that open the target and run steps)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Header, Input, Static

from ..vocabulary import StepKey
from .collector import keep_out_of_full_collections
from .effects import apply_effects
from .engine_calls import EngineCalls, results
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
from .panel_host import OPENING, PanelHost, ShownAnswers
from .screens import CollegeScreen, presize
from .textual_private import focus_restyles_little, quiet_focus
from .widgets.activity_log import ActivityLog
from .widgets.footer import KeysFooter
from .widgets.status_pane import StatusPane
from .widgets.step_list import STEP_NAMES, StepList
from .wizard_effects import SUMMARY, Effect, Quit
from .wizard_model import WizardModel

if TYPE_CHECKING:
    from textual import events
    from textual.worker import Worker

    from ..steps.session import Session
    from .panels.base import StepPanel

STEPS = [key for key, _ in STEP_NAMES]


@focus_restyles_little
class WizardScreen(CollegeScreen):
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
        self.model = WizardModel(STEPS, sandbox, org_url)
        answers = ShownAnswers(sandbox)
        # The panels are mounted just after the first frame (PanelHost.mount_panels): the
        # workers' messages that arrive before are held and handled, in order, once they exist.
        self.centre = PanelHost(self, STEPS, sandbox, answers, self.model.sign_in)
        self.engine = EngineCalls(self, self.model, answers)

    @property
    def busy(self) -> bool:
        """Whether a worker of the engine is working (opening the target or running steps)."""
        return self.model.busy

    @property
    def session(self) -> Session | None:
        return self.engine.session

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
            self.centre.mark_summary(event.size.width < 100)

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
        self.call_after_refresh(self.engine.open_target, self.sandbox, self.org_url)
        self.call_after_refresh(self.centre.mount_panels)

    def on_unmount(self) -> None:
        # The screen goes with the app (a crash, a test's end, the terminal closed): a run waiting
        # at the gate between two steps, or in a step, must end so the process can.
        self.engine.cancel()
        self.model.screen_gone()
        self.engine.gate.changed()

    @property
    def status(self) -> StatusPane:
        return self.query_one(StatusPane)

    @property
    def step_list(self) -> StepList:
        return self.query_one(StepList)

    def log_line(self, text: str) -> None:
        self.query_one(ActivityLog).add(text)

    def apply(self, effects: list[Effect]) -> None:
        """Do what the model decided."""
        apply_effects(self, effects)

    # -- the centre ---------------------------------------------------------------------------

    def panel(self, key: str) -> StepPanel:
        return self.centre.panel(key)

    def switch_to(self, key: str, *, focus: bool = True) -> None:
        """Show a step's panel (or the summary) and put the keyboard there."""
        self.centre.switch_to(key, focus=focus)

    @property
    def current(self) -> str:
        """The step shown (its key), or SUMMARY."""
        return self.centre.current

    # -- messages from the workers ------------------------------------------------------------

    @on(EventArrived)
    def _engine_event(self, message: EventArrived) -> None:
        if self.centre.hold(message):
            return
        self.query_one(ActivityLog).add_event(message.event, message.line, looking=message.looking)
        self.apply(
            self.model.event(message.event, message.looking, self.current, message.background)
        )

    @on(SessionOpened)
    def _session_opened(self, message: SessionOpened) -> None:
        if self.centre.hold(message):
            return
        keep_out_of_full_collections()  # what the open brought lives for the session
        self.engine.adopt(message.session)
        self.college.target_org = message.session.ctx.target.org
        self.centre.load(message.session)
        self.apply(self.model.opened(results(message.report), message.local_problems))

    @on(OpenFailed)
    def _open_failed(self, message: OpenFailed) -> None:
        if not self.centre.hold(message):
            self.apply(self.model.open_failed(message.message))

    @on(RunEnded)
    def _run_ended(self, message: RunEnded) -> None:
        if self.centre.hold(message):
            return
        keep_out_of_full_collections()
        report = message.report
        ran = results(report) if report else []
        log_path = str(report.log_path) if report and report.log_path else None
        session = self.session
        if session is not None and self.college.target_org != session.ctx.target.org:
            self.college.target_org = session.ctx.target.org  # picked or created
            self.apply(self.model.organization_known(session.ctx.target.org_url))
        self.apply(self.model.run_ended(ran, message.problems, log_path, self.current))

    @on(SummaryFilled)
    def _summary_filled(self, message: SummaryFilled) -> None:
        if self.centre.hold(message):
            return
        summary = message.summary
        self.centre.summary().fill(summary)
        done = sum(1 for item in summary.items if item.ok)
        self.apply(self.model.summary_filled(done, len(summary.items), summary.pull_request_url))

    @on(KeyShown)
    def _key_shown(self, message: KeyShown) -> None:
        if not self.centre.hold(message):
            from .panels.ssh_key import SshKeyPanel

            panel = self.centre.panel_of(StepKey.SSH_KEY, SshKeyPanel)
            panel.show_key(message.fingerprint, message.public_line)

    @on(OrganizationsListed)
    def _organizations_listed(self, message: OrganizationsListed) -> None:
        if self.centre.hold(message):
            return
        from .panels.organization import OrganizationPanel

        self.centre.panel_of(StepKey.ORGANIZATION, OrganizationPanel).show_organizations(
            message.names, listed=not message.problem
        )
        if message.problem:
            self.log_line(f"! Your organisations could not be listed: {message.problem}")

    def show_apology(self, text: str, worker: Worker[object]) -> None:
        """The engine's or the panels' failure stops the wizard; a helper's (warm-up, browser)
        is said and the wizard goes on (the model decides)."""
        self.apply(self.model.worker_failed(worker.group, text, self.current))

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        """A key changed a field: a box that appears now leaves the keyboard there (the model)."""
        if event.input.has_focus:
            self.model.typing.typed()

    # -- actions ------------------------------------------------------------------------------

    @on(CancelRequested)
    def _cancel_requested(self, message: CancelRequested) -> None:
        """Escape while a step waits for the person (a device code, a new organisation, a key
        added by hand): the step ends, cancelled."""
        self.apply(self.model.cancel_requested())

    @on(RunRequested)
    def _run_requested(self, message: RunRequested) -> None:
        self.apply(self.model.start([message.step]))

    def collect_and_run(self, keys: tuple[StepKey, ...]) -> None:
        """Run `keys` with the answers their panels show (problems: shown, nothing runs), after
        the model's question when it has one."""
        collected = self.centre.collect(keys)
        if collected is None:
            return
        changes, secrets = collected
        question = self.model.confirmation(keys, changes)
        if question is None:
            self.engine.run(keys, changes, secrets)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.engine.run(keys, changes, secrets)

        from .modals import ConfirmModal

        self.app.push_screen(ConfirmModal(question.question, question.yes), answered)

    def action_stop_waiting(self) -> None:
        self.post_message(CancelRequested(self.current))

    def action_run_shown(self) -> None:
        """Enter where the focus is on no field or button (the step list, the log): the step
        shown runs, as its primary button would."""
        if self.centre.ready and self.current != SUMMARY:
            self.centre.panel(self.current).request_run()

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
        self.switch_to(event.option.id or STEPS[0])

    @on(StepList.RunAsked)
    def _step_run_asked(self, event: StepList.RunAsked) -> None:
        self.action_run_shown()  # Enter on the list: the step picked runs (its panel shown)

    def quit_requested(self) -> Quit:
        """ctrl+q: Quit.NOW, or Quit.ASK_FIRST (no new step starts until it is answered)."""
        return self.model.quit_requested()

    def quit_answered(self, yes: bool) -> None:
        self.apply(self.model.quit_answered(yes))
        self.engine.gate.changed()  # a run waiting between two steps goes on (to its end)

    @property
    def pull_request_url(self) -> str | None:
        return self.centre.pull_request_url

"""The wizard screen: step list, the current step's panel, status, activity log. A router only:
panels collect answers, the engine (through `Session`, in thread workers) does the work, and
events come back as messages that this screen hands to the widget that shows them."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Header, Static

from .app import CollegeScreen, collector_paused, keep_out_of_full_collections, presize
from .messages import (
    Crashed,
    EventArrived,
    KeyShown,
    OpenFailed,
    OrganizationsListed,
    ProgressArrived,
    RunEnded,
    RunRequested,
    SessionOpened,
    SummaryReady,
)
from .widgets import step_list as states
from .widgets.activity_log import ActivityLog
from .widgets.footer import KeysFooter
from .widgets.status_pane import StatusPane
from .widgets.step_list import STEP_NAMES, SUMMARY, StepList

if TYPE_CHECKING:
    from ..steps.answers import Answers
    from ..steps.session import Session
    from .panels.base import StepPanel
    from .panels.summary import SummaryPanel

ENGINE = "engine"  # the worker group of every engine call
OPENING = "opening-panel"  # the centre's placeholder until the panels are mounted
READY_TIMEOUT = 30.0  # seconds a worker waits for the panels before posting anyway


def result_state(status: str) -> str | None:
    """The step list's state for a run result's status (None: leave it)."""
    from ..steps.runner import ALREADY, DONE, FAILED, WARNING

    return {
        ALREADY: states.ALREADY,
        DONE: states.DONE,
        WARNING: states.WARNING,
        FAILED: states.FAILED,
    }.get(status)


def _panel_classes():
    from .panels import PANELS
    from .panels.summary import SummaryPanel

    return PANELS, SummaryPanel


class WizardScreen(CollegeScreen):
    BINDINGS = [
        Binding("ctrl+r", "run_rest", "Run the rest"),
        Binding("ctrl+n", "next_step", "Next step"),
        Binding("ctrl+b", "previous_step", "Previous step"),
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("f2", "toggle_details", "Log details", show=False),  # the log's border says it
    ]
    # Textual repaints the whole screen when the focus moves; the widget that gains it and the
    # one that loses it repaint themselves (their :focus styles), and nothing on this screen is
    # styled by where the focus is. The full repaint was 10-15 ms of each panel switch.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, sandbox: bool, org_url: str | None = None) -> None:
        super().__init__(id="wizard")
        self.sandbox = sandbox
        self.org_url = org_url
        self.session: Session | None = None
        self._answers: Answers | None = None  # made on first use (by a worker or the panels)
        self._answers_lock = threading.Lock()
        self.inspecting = True
        self.engine_busy = True  # a worker runs an engine call (set and cleared on this thread)
        self.keys = [key for key, _ in STEP_NAMES]
        # The panels are mounted just after the first frame (mount_panels): the frame then
        # holds a few dozen widgets, not three hundred. Workers post nothing before that.
        self.panels: list[StepPanel] = []
        self.summary_panel: SummaryPanel | None = None
        self.panels_ready = threading.Event()

    @property
    def answers(self) -> Answers:
        """The answers the panels show: the engine's defaults until the session loads its own."""
        with self._answers_lock:
            if self._answers is None:
                from ..steps.answers import Answers, Member

                self._answers = Answers()
                # In the sandbox, a colleague it accepts: the members step is seen working.
                if self.sandbox:
                    from .panels.members import SANDBOX_EXAMPLE

                    self._answers.members = [Member(SANDBOX_EXAMPLE)]
            return self._answers

    @answers.setter
    def answers(self, answers: Answers) -> None:
        with self._answers_lock:
            self._answers = answers

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        presize(self)
        yield Header(show_clock=False, icon="◆")
        with Horizontal(id="main"):
            yield StepList(STEP_NAMES, id="step-list")
            with Vertical(id="center"):
                with ContentSwitcher(id="panels", initial=OPENING):
                    yield Static(self._opening_text(), id=OPENING, classes="step-panel")
                yield StatusPane(self.app.clock, id="status")
        yield ActivityLog(id="activity")
        yield KeysFooter()

    def _opening_text(self) -> str:
        where = "the practice sandbox" if self.sandbox else self.app.show(self.org_url or "")
        return f"Opening {where}…"

    def on_mount(self) -> None:
        self.log_line(f"Activity log file: {self.app.show(str(self.app.logfile.path))}")
        self.status.begin(self._opening_text())
        # After the first frame: the engine's thread would compete for the GIL with its paint.
        self.call_after_refresh(self.open_target)
        self.call_after_refresh(self.mount_panels)

    @work(group="panels", exit_on_error=False, description="Mount the step panels")
    async def mount_panels(self) -> None:
        """The nine panels and the summary, one at a time after the first frame, so that no
        single mount holds the event loop long; then the centre shows the first step."""
        import asyncio

        # Imported on a thread: the panels bring the engine's rules, which the engine's own
        # worker may be importing at this moment; waiting for that here would freeze the screen.
        PANELS, SummaryPanel = await asyncio.to_thread(_panel_classes)
        switcher = self.query_one(ContentSwitcher)
        for panel in [cls(self.answers, self.sandbox) for cls in PANELS] + [SummaryPanel()]:
            panel.display = False
            await switcher.mount(panel)
            if not self.is_attached:
                return  # the app is closing (quit at once)
            if isinstance(panel, SummaryPanel):
                self.summary_panel = panel
            else:
                self.panels.append(panel)
        if switcher.current == OPENING:
            switcher.current = self.panels[0].id
        await self.query_one(f"#{OPENING}").remove()
        self.panels_ready.set()

    def _post(self, message) -> None:
        """Post from a worker thread, once the panels exist to show it."""
        self.panels_ready.wait(READY_TIMEOUT)
        self.post_message(message)

    @property
    def status(self) -> StatusPane:
        return self.query_one(StatusPane)

    @property
    def step_list(self) -> StepList:
        return self.query_one(StepList)

    def panel(self, key: str) -> StepPanel:
        return self.panels[self.keys.index(key)]

    def log_line(self, text: str) -> None:
        self.query_one(ActivityLog).add(text)

    def show(self, key: str, *, focus: bool = True) -> None:
        """Show a step's panel (or the summary) and put the keyboard there."""
        if not self.panels_ready.is_set():
            return  # still mounting (a fraction of a second after the first frame)
        shown = self.summary_panel if key == SUMMARY else self.panel(key)
        self.query_one(ContentSwitcher).current = shown.id
        self.set_class(key == SUMMARY, "-summary")  # college.tcss: full width at 80 columns
        self.step_list.point_at(key)
        if focus:
            shown.focus_first()

    @property
    def current(self) -> str:
        current = self.query_one(ContentSwitcher).current or ""
        if current == "summary-panel":
            return SUMMARY
        return self.keys[0] if current == OPENING else current.removesuffix("-panel")

    @property
    def busy(self) -> bool:
        return self.engine_busy

    # -- engine calls (thread workers; they only post messages) -------------------------------

    def emit(self, event) -> None:
        """The engine's `emit` (called on the worker thread): log file, then a message."""
        line = self.app.printer.line(event)
        if line is not None:
            self.app.logfile.write(line)
        from ..events import StepProgress

        kind = ProgressArrived if isinstance(event, StepProgress) else EventArrived
        self._post(kind(event, line, looking=self._looking))

    _looking = True  # set by the worker around inspect-only calls: their events change no state

    @work(
        thread=True,
        exclusive=True,
        group=ENGINE,
        exit_on_error=False,
        description="Open the target and inspect every step",
    )
    def open_target(self) -> None:
        from ..steps.base import Secrets, StepError
        from ..steps.session import Session, local_problems
        from ..steps.state import StateLockedError

        try:
            with collector_paused():  # the sandbox and the SDK arrive: objects for the session
                opened = self.app.opener(self.sandbox, self.org_url)
                self.app.logfile.hide(opened.pat)
                session = Session.start(
                    opened.target, self.answers, self.emit, secrets=Secrets(pat=opened.pat)
                )
                self.app.hold(session.hold_lock())
                report = session.inspect_all()
            self._looking = False
        except (StepError, StateLockedError) as exc:
            self._post(OpenFailed(getattr(exc, "message", None) or str(exc)))
            return
        except Exception as exc:  # a bug of ours: apology + log file
            self._post(Crashed(self._crash_log(exc)))
            return
        self._after(session, report.results)
        self._post(SessionOpened(session, report, local_problems()))  # the last word

    @work(thread=True, exclusive=True, group=ENGINE, exit_on_error=False, description="Run steps")
    def _run_steps(self, keys: list[str], changes: dict, secrets: dict) -> None:
        session = self.session
        try:
            problems = session.update_answers(**changes) if changes else []
            if problems:
                self._post(RunEnded(None, problems))
                return
            for name in ("pat", "passphrase"):
                self.app.logfile.hide(secrets.get(name))
            if secrets:
                session.set_secrets(
                    pat=secrets.get("pat"),
                    passphrase=secrets.get("passphrase"),
                    remember_pat=bool(secrets.get("remember")),
                )
            report = session.run(keys)
        except Exception as exc:
            self._post(Crashed(self._crash_log(exc)))
            return
        self._after(session, report.results)
        self._post(RunEnded(report))  # the last word: the screen takes Enter again

    def _after(self, session: Session, results) -> None:
        """Still on the worker: what the screen shows next (key, organisations, summary)."""
        from ..steps.runner import WARNING

        ok = {r.key for r in results if r.ok or r.status == WARNING}
        if "ssh-key" in ok:
            key = session.public_key()
            if key:
                self._post(KeyShown(*key))
        if "sign-in" in ok and not self.sandbox and "organization" not in ok:
            try:
                self._post(OrganizationsListed(session.organizations()))
            except Exception as exc:  # the list is a convenience: typing the name still works
                self._post(OrganizationsListed([], str(exc)))
        if ok >= set(self.keys) or "pull-request" in ok:
            self._looking = True
            try:
                summary = session.summary()
            finally:
                self._looking = False
            self._post(SummaryReady(summary))

    def _crash_log(self, exc: BaseException):
        from ..steps.runner import write_crash_log

        secrets = self.session.ctx.secrets if self.session else None
        return write_crash_log(exc, "wizard", "run", secrets)

    # -- messages from the workers ------------------------------------------------------------

    @on(EventArrived)
    def _event(self, message: EventArrived) -> None:
        from ..events import (
            NeedsYou,
            Note,
            StepFailed,
            StepFinished,
            StepProgress,
            StepStarted,
            Waiting,
        )

        event = message.event
        self.query_one(ActivityLog).add_event(event, message.line, looking=message.looking)
        key = event.step
        if key not in self.keys:
            return
        panel = self.panel(key)
        if message.looking:
            if isinstance(event, StepFailed):
                panel.show_outcome(f"✗ {event.message}", failed=True)
                self.step_list.set_state(key, states.FAILED)
            elif isinstance(event, StepFinished) and self.inspecting:
                # Found made before this session (the sandbox's organisation exists from the
                # start): "already there", not "done" above a sign-in still to do.
                self.step_list.set_state(key, states.ALREADY)
                panel.show_outcome(f"✓ {event.summary}")
            return
        if isinstance(event, StepStarted):
            self.step_list.set_state(key, states.RUNNING)
            self.status.begin(event.title)
            if self.current != key:
                self.show(key, focus=False)
        elif isinstance(event, StepProgress):
            self.status.set_operation(event.message)
            self.status.set_fraction(event.fraction)
        elif isinstance(event, Waiting):
            self.status.set_wait(f"Waiting {event.seconds:.0f} s: {event.message}")
        elif isinstance(event, NeedsYou):
            self.step_list.set_state(key, states.NEEDS_YOU)
            panel.show_handoff(event)
            self.status.set_wait("Waiting for you: see the panel.")
        elif isinstance(event, Note) and event.message.startswith("Warning: "):
            panel.show_outcome(event.message)
        elif isinstance(event, StepFinished):
            self.step_list.set_state(key, states.ALREADY if event.already_done else states.DONE)
            panel.hide_handoff()
            panel.show_outcome(f"✓ {event.summary}")
        elif isinstance(event, StepFailed):
            self.step_list.set_state(key, states.FAILED)
            panel.hide_handoff()
            panel.show_outcome(f"✗ {event.message}", failed=True)

    @on(SessionOpened)
    def _opened(self, message: SessionOpened) -> None:
        from ..steps.runner import FAILED

        self.inspecting = False
        self.engine_busy = False  # what the open brought was frozen as its collector pause ended
        self.session = message.session
        self.answers = message.session.ctx.answers
        self.app.target_org = message.session.ctx.target.org
        home = message.session.ctx.target.home
        for panel in self.panels:
            panel.load(self.answers, self.sandbox, home)
        for problem in message.local_problems:
            self.log_line(f"! {problem}")
        for result in message.report.results:
            if result.status == FAILED:
                self.step_list.set_state(result.key, states.FAILED)
        left = [r.key for r in message.report.results if not r.ok]
        done = len(self.keys) - len(left)
        self.status.end(f"Ready: {done} of {len(self.keys)} steps done. Enter runs the step shown.")
        if left:
            self.show(left[0])
        else:
            self.show(SUMMARY)

    @on(OpenFailed)
    def _open_failed(self, message: OpenFailed) -> None:
        self.engine_busy = False
        self.status.end("Could not open the target.")
        self.log_line(f"✗ {message.message}")
        self.panels[0].show_outcome(f"✗ {message.message}", failed=True)

    @on(RunEnded)
    def _run_ended(self, message: RunEnded) -> None:
        from ..steps.runner import FAILED

        self.engine_busy = False
        keep_out_of_full_collections()
        if message.problems:
            panel = self.panel(self.current) if self.current in self.keys else self.panels[0]
            panel.show_outcome("✗ " + " ".join(message.problems), failed=True)
            self.status.end("Nothing was run: fix the answer shown.")
            return
        report = message.report
        for result in report.results:
            state = result_state(result.status)
            if state is not None:
                self.step_list.set_state(result.key, state)
        failed = [r for r in report.results if r.status == FAILED]
        if failed:
            self.status.end(f"{failed[0].title}: failed. Press Enter to retry.")
            self.show(failed[0].key)
            return
        if report.log_path:
            self.log_line(f"Details: {self.app.show(str(report.log_path))}")
        self.status.end("Done. Enter runs the next step.")
        last = report.results[-1].key if report.results else self.keys[0]
        following = self.keys[self.keys.index(last) + 1 :]
        open_steps = [
            k for k in following if self.step_list.states[k] not in (states.DONE, states.ALREADY)
        ]
        if open_steps:
            self.show(open_steps[0])
        elif self.summary_panel is not None and self.summary_panel.summary is not None:
            self._summary_status()
            self.call_after_refresh(self.show, SUMMARY)

    @on(SummaryReady)
    def _summary(self, message: SummaryReady) -> None:
        self.summary_panel.show(message.summary)
        self._summary_status()
        if message.summary.pull_request_url:
            self.log_line(f"Pull request: {self.app.show(message.summary.pull_request_url)}")
        if not self.engine_busy or self.inspecting:
            self.call_after_refresh(self.show, SUMMARY)  # once the link buttons are mounted

    def _summary_status(self) -> None:
        summary = self.summary_panel.summary
        done = sum(1 for item in summary.items if item.ok)
        self.status.end(
            f"Summary: {done} of {len(summary.items)} challenge outcomes done. "
            "Enter opens the link shown."
        )

    @on(KeyShown)
    def _key(self, message: KeyShown) -> None:
        from .panels.ssh_key import SshKeyPanel

        panel = self.panel("ssh-key")
        if isinstance(panel, SshKeyPanel):
            panel.show_key(message.fingerprint, message.public_line)

    @on(OrganizationsListed)
    def _organizations(self, message: OrganizationsListed) -> None:
        from .panels.organization import OrganizationPanel

        panel = self.panel("organization")
        if isinstance(panel, OrganizationPanel):
            panel.show_organizations(message.names)
        if message.problem:
            self.log_line(f"! Your organisations could not be listed: {message.problem}")

    @on(Crashed)
    def _crashed(self, message: Crashed) -> None:
        self.engine_busy = False
        where = f" The details are in {message.log_path}." if message.log_path else ""
        text = f"Sorry: something unexpected went wrong in college-tui.{where}"
        self.status.end("Stopped by an unexpected error.")
        self.log_line(text)
        if self.current in self.keys:
            self.panel(self.current).show_outcome(text, failed=True)

    # -- actions ------------------------------------------------------------------------------

    @on(RunRequested)
    def _run_requested(self, message: RunRequested) -> None:
        self.start([message.step])

    def start(self, keys: list[str]) -> None:
        """Run `keys` with the answers their panels show (problems: shown, nothing runs)."""
        if self.session is None or self.busy:
            self.app.notify(
                "Wait: the wizard is still working."
                if self.session
                else "The target is not open yet.",
                severity="warning",
            )
            return
        changes: dict = {}
        secrets: dict = {}
        for key in keys:
            panel = self.panel(key)
            found = panel.changes()
            if found is None:
                self.show(key, focus=False)
                return
            changes.update(found)
            secrets.update(panel.secrets())
        if "ssh-key" in keys and not self.sandbox:
            question = (
                f"The SSH key step writes {changes.get('key_path')} (and .pub) and "
                "college-tui's block in ~/.ssh/config. Go ahead?"
            )

            def answered(yes: bool | None) -> None:
                if yes:
                    self.run_steps(keys, changes, secrets)

            from .modals import ConfirmModal

            self.app.push_screen(ConfirmModal(question, "Write the key"), answered)
            return
        self.run_steps(keys, changes, secrets)

    def run_steps(self, keys: list[str], changes: dict, secrets: dict) -> None:
        self.engine_busy = True
        self._run_steps(keys, changes, secrets)

    def action_run_rest(self) -> None:
        left = [
            k for k in self.keys if self.step_list.states[k] not in (states.DONE, states.ALREADY)
        ]
        if left:
            self.start(left)

    def retry(self) -> None:
        failed = [k for k in self.keys if self.step_list.states[k] == states.FAILED]
        if failed:
            self.show(failed[0])
            self.start([failed[0]])

    def action_next_step(self) -> None:
        order = self.keys + [SUMMARY]
        self.show(order[min(len(order) - 1, order.index(self.current) + 1)])

    def action_previous_step(self) -> None:
        order = self.keys + [SUMMARY]
        self.show(order[max(0, order.index(self.current) - 1)])

    def action_toggle_details(self) -> None:
        self.query_one(ActivityLog).toggle_details()

    def action_help(self) -> None:
        from .modals import HelpModal

        self.app.push_screen(HelpModal())

    @on(StepList.OptionSelected, "#step-list")
    def _picked(self, event: StepList.OptionSelected) -> None:
        self.show(event.option.id or self.keys[0])

    def cancel(self) -> None:
        if self.session is not None:
            self.session.cancel()
        self.status.set_wait("Cancelling: the step stops at its next safe point…")

    @property
    def pull_request_url(self) -> str | None:
        panel = self.summary_panel
        summary = panel.summary if panel is not None else None
        return summary.pull_request_url if summary else None

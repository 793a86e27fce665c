"""The wizard's centre, owned by the wizard screen: the step panels and the summary, mounted
after the first frame, the answers they show, and which of them is shown.

The panels are mounted one at a time just after the first frame (the frame then holds a few
dozen widgets, not three hundred); the workers' messages that arrive before are held and handled,
in order, once the panels exist.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, TypeVar

from textual.widgets import ContentSwitcher

from ..vocabulary import StepKey
from .screens import college_app
from .widgets.step_list import StepList
from .wizard_effects import PANELS, SUMMARY

if TYPE_CHECKING:
    from textual.message import Message
    from textual.screen import Screen
    from textual.widget import Widget

    from ..steps.answers import Answers
    from ..steps.session import Session, TypedSecrets
    from .panels.base import StepPanel
    from .panels.summary import SummaryPanel
    from .sign_in_modes import SignInModes

P = TypeVar("P", bound="StepPanel")

OPENING = "opening-panel"  # the centre's placeholder until the panels are mounted


def _panel_classes() -> tuple[list[type[StepPanel]], type[SummaryPanel]]:
    from .panels import PANELS
    from .panels.summary import SummaryPanel

    return PANELS, SummaryPanel


class ShownAnswers:
    """The answers the panels show, shared by the centre (on the event loop) and the engine's
    worker (on its thread): the engine's defaults until the session loads its own."""

    def __init__(self, sandbox: bool) -> None:
        self.sandbox = sandbox
        self._answers: Answers | None = None  # made on first use (by a worker or the panels)
        self._lock = threading.Lock()

    def get(self) -> Answers:
        with self._lock:
            if self._answers is None:
                from ..steps.answers import Answers
                from ..steps.roster import Member

                self._answers = Answers()
                if self.sandbox:  # a colleague the sandbox accepts: the members step works
                    from .panels.members import SANDBOX_EXAMPLE

                    self._answers.members = [Member(SANDBOX_EXAMPLE)]
            return self._answers

    def set(self, answers: Answers) -> None:
        with self._lock:
            self._answers = answers


class PanelHost:
    """The centre of `screen`: its ContentSwitcher holds the panels, `screen` runs the mounting
    worker and takes the held messages back."""

    def __init__(
        self,
        screen: Screen[Any],
        steps: list[StepKey],
        sandbox: bool,
        answers: ShownAnswers,
        sign_in: SignInModes,
    ) -> None:
        self.screen = screen
        self.steps = steps
        self.sandbox = sandbox
        self.answers = answers
        self.sign_in = sign_in
        self.panels: list[StepPanel] = []
        self.summary_panel: SummaryPanel | None = None
        self.ready = False  # every panel mounted
        self._held: list[Message] = []

    def mount_panels(self) -> None:
        """The nine panels and the summary, one at a time after the first frame (a worker of the
        screen), so that no single mount holds the event loop long."""
        self.screen.run_worker(
            self._mount_panels(),
            group=PANELS,
            name="mount-panels",
            exit_on_error=False,
            description="Mount panels",
        )

    async def _mount_panels(self) -> None:
        import asyncio

        # Imported on a thread: the panels bring the engine's rules, which the engine's own
        # worker may be importing at this moment; waiting for that here would freeze the screen.
        panel_classes, summary_class = await asyncio.to_thread(_panel_classes)
        from .panels.sign_in import SignInPanel  # imported now: no wait

        switcher = self.screen.query_one(ContentSwitcher)
        for cls in panel_classes:
            answers = self.answers.get()
            if cls is SignInPanel:
                panel: StepPanel = SignInPanel(answers, self.sandbox, self.sign_in)
            else:
                panel = cls(answers, self.sandbox)
            if not await self._mount_hidden(switcher, panel):
                return  # the app is closing (quit at once)
            self.panels.append(panel)
        summary = summary_class()
        if not await self._mount_hidden(switcher, summary):
            return
        self.summary_panel = summary
        if switcher.current == OPENING:
            switcher.current = self.panels[0].id
        await self.screen.query_one(f"#{OPENING}").remove()
        self.ready = True
        college_app(self.screen).warm_up()  # the SDK's imports, now no mount waits for them
        held, self._held = self._held, []
        for message in held:  # in the order they came, before any that comes now
            self.screen.post_message(message)

    async def _mount_hidden(self, switcher: ContentSwitcher, panel: Widget) -> bool:
        """Mount `panel` hidden in the centre; False when the app closed meanwhile."""
        panel.display = False
        await switcher.mount(panel)
        return self.screen.is_attached

    def hold(self, message: Message) -> bool:
        """Keep a worker's message until the panels exist to show it (True: kept)."""
        if not self.ready:
            self._held.append(message)
        return not self.ready

    def panel(self, key: str) -> StepPanel:
        return self.panels[self.steps.index(StepKey(key))]

    def panel_of(self, key: StepKey, kind: type[P]) -> P:
        """Step `key`'s panel, which is a `kind` (its own verbs: show_key, ...)."""
        panel = self.panel(key)
        if not isinstance(panel, kind):
            raise TypeError(f"the {key} panel is a {type(panel).__name__}, not a {kind.__name__}")
        return panel

    def summary(self) -> SummaryPanel:
        """The summary panel, mounted (once `ready`)."""
        if self.summary_panel is None:
            raise RuntimeError("the summary panel is asked for before the panels are mounted")
        return self.summary_panel

    def load(self, session: Session) -> None:
        """The session opened: its answers, home and By hand commands in every panel."""
        self.answers.set(session.ctx.answers)
        for panel in self.panels:
            panel.load(session.ctx.answers, self.sandbox, session.ctx.target.home)
        self.show_commands(session)

    def show_commands(self, session: Session) -> None:
        """Every panel's By hand commands, as the session's target names them now."""
        for panel in self.panels:
            panel.show_command(session.by_hand(panel.STEP))

    def switch_to(self, key: str, *, focus: bool = True) -> None:
        """Show a step's panel (or the summary) and put the keyboard there."""
        if not self.ready:
            return  # still mounting (a fraction of a second after the first frame)
        shown = self.summary() if key == SUMMARY else self.panel(key)
        self.screen.query_one(ContentSwitcher).current = shown.id
        self.mark_summary(self.screen.has_class("-narrow"))
        self.screen.query_one(StepList).point_at(key)
        if focus:
            shown.focus_first()

    def mark_summary(self, narrow: bool) -> None:
        """college.tcss: at 80 columns the summary takes the whole width (`-summary` hides the
        step list and the status pane). The class goes on the two widgets it hides, not on the
        screen (a class change on the screen restyles all of its widgets: 40-80 ms), and only
        while it hides them: each change restyles them and repaints the step list (5-10 ms of
        the summary's switch, figure 3). The screen calls this again when it is resized."""
        hide = narrow and self.ready and self.current == SUMMARY
        for beside in (self.screen.query_one(StepList), self.screen.query_one("#status")):
            if beside.has_class("-summary") != hide:
                beside.set_class(hide, "-summary")

    @property
    def current(self) -> str:
        """The step shown (its key), or SUMMARY."""
        current = self.screen.query_one(ContentSwitcher).current or ""
        if current == "summary-panel":
            return SUMMARY
        return self.steps[0] if current == OPENING else current.removesuffix("-panel")

    def collect(self, keys: tuple[StepKey, ...]) -> tuple[dict[str, object], TypedSecrets] | None:
        """The answers and secrets the panels of `keys` show; None when one has a problem (its
        panel is shown, the problem under its field)."""
        from ..steps.session import TypedSecrets

        changes: dict[str, object] = {}
        secrets = TypedSecrets()
        for key in keys:
            found = self.panel(key).changes()
            if found is None:
                self.switch_to(key, focus=False)
                return None
            changes.update(found)
            secrets = secrets.merged(self.panel(key).secrets())
        return changes, secrets

    @property
    def pull_request_url(self) -> str | None:
        summary = self.summary_panel.summary if self.summary_panel is not None else None
        return summary.pull_request_url if summary else None

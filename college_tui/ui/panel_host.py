"""The wizard's centre: the step panels, mounted after the first frame, and what they show.

Mixed into WizardScreen (`self` is the screen): the panels are mounted one at a time just after
the first frame (the frame then holds a few dozen widgets, not three hundred); the workers'
messages that arrive before are held and handled, in order, once the panels exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual import work
from textual.widgets import ContentSwitcher

from .screens import WizardParts
from .wizard_model import SUMMARY

if TYPE_CHECKING:
    from textual.message import Message
    from textual.widget import Widget

    from ..steps.answers import Answers
    from .panels.base import StepPanel
    from .panels.summary import SummaryPanel

P = TypeVar("P", bound="StepPanel")

OPENING = "opening-panel"  # the centre's placeholder until the panels are mounted


def _panel_classes() -> tuple[list[type[StepPanel]], type[SummaryPanel]]:
    from .panels import PANELS
    from .panels.summary import SummaryPanel

    return PANELS, SummaryPanel


class PanelHost(WizardParts):
    panels: list[StepPanel]
    summary_panel: SummaryPanel | None
    panels_ready: bool
    _held: list[Message]

    @work(group="panels", name="mount-panels", exit_on_error=False, description="Mount panels")
    async def mount_panels(self) -> None:
        """The nine panels and the summary, one at a time after the first frame, so that no
        single mount holds the event loop long; then the centre shows the first step."""
        import asyncio

        # Imported on a thread: the panels bring the engine's rules, which the engine's own
        # worker may be importing at this moment; waiting for that here would freeze the screen.
        PANELS, SummaryPanel = await asyncio.to_thread(_panel_classes)
        switcher = self.query_one(ContentSwitcher)
        for cls in PANELS:
            panel = cls(self.answers, self.sandbox)
            if not await self._mount_hidden(switcher, panel):
                return  # the app is closing (quit at once)
            self.panels.append(panel)
        summary = SummaryPanel()
        if not await self._mount_hidden(switcher, summary):
            return
        self.summary_panel = summary
        if switcher.current == OPENING:
            switcher.current = self.panels[0].id
        await self.query_one(f"#{OPENING}").remove()
        self.panels_ready = True
        self.college.warm_up()  # the SDK's imports, now that no mount waits for them (app.py)
        held, self._held = self._held, []
        for message in held:  # in the order they came, before any that comes now
            self.post_message(message)

    async def _mount_hidden(self, switcher: ContentSwitcher, panel: Widget) -> bool:
        """Mount `panel` hidden in the centre; False when the app closed meanwhile."""
        panel.display = False
        await switcher.mount(panel)
        return self.is_attached

    def _hold(self, message: Message) -> bool:
        """Keep a worker's message until the panels exist to show it (True: kept)."""
        if not self.panels_ready:
            self._held.append(message)
        return not self.panels_ready

    @property
    def answers(self) -> Answers:
        """The answers the panels show: the engine's defaults until the session loads its own."""
        with self._answers_lock:
            if self._answers is None:
                from ..steps.answers import Answers
                from ..steps.roster import Member

                self._answers = Answers()
                if self.sandbox:  # a colleague the sandbox accepts: the members step works
                    from .panels.members import SANDBOX_EXAMPLE

                    self._answers.members = [Member(SANDBOX_EXAMPLE)]
            return self._answers

    @answers.setter
    def answers(self, answers: Answers) -> None:
        with self._answers_lock:
            self._answers = answers

    def panel(self, key: str) -> StepPanel:
        return self.panels[self.keys.index(key)]

    def panel_of(self, key: str, kind: type[P]) -> P:
        """Step `key`'s panel, which is a `kind` (its own verbs: show_key, ...)."""
        panel = self.panel(key)
        if not isinstance(panel, kind):
            raise TypeError(f"the {key} panel is a {type(panel).__name__}, not a {kind.__name__}")
        return panel

    def summary(self) -> SummaryPanel:
        """The summary panel, mounted (once `panels_ready`)."""
        if self.summary_panel is None:
            raise RuntimeError("the summary panel is asked for before the panels are mounted")
        return self.summary_panel

    def switch_to(self, key: str, *, focus: bool = True) -> None:
        """Show a step's panel (or the summary) and put the keyboard there."""
        if not self.panels_ready:
            return  # still mounting (a fraction of a second after the first frame)
        shown = self.summary() if key == SUMMARY else self.panel(key)
        self.query_one(ContentSwitcher).current = shown.id
        # college.tcss: the summary takes the whole width at 80 columns. The class goes on the
        # two widgets it hides, not on the screen: a class change on the screen restyles all of
        # its widgets (40-80 ms, the walk's longest stall, figure 3).
        for beside in (self.step_list, self.query_one("#status")):
            beside.set_class(key == SUMMARY, "-summary")
        self.step_list.point_at(key)
        if focus:
            shown.focus_first()

    @property
    def current(self) -> str:
        current = self.query_one(ContentSwitcher).current or ""
        if current == "summary-panel":
            return SUMMARY
        return self.keys[0] if current == OPENING else current.removesuffix("-panel")

    def collect_and_run(self, keys: tuple[str, ...]) -> None:
        """Run `keys` with the answers their panels show (problems: shown, nothing runs)."""
        from ..steps.session import TypedSecrets

        changes: dict[str, object] = {}
        secrets = TypedSecrets()
        for key in keys:
            found = self.panel(key).changes()
            if found is None:
                self.switch_to(key, focus=False)
                return
            changes.update(found)
            secrets = secrets.merged(self.panel(key).secrets())
        question = self.model.confirmation(keys, changes)
        if question is None:
            self.run_steps(keys, changes, secrets)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_steps(keys, changes, secrets)

        from .modals import ConfirmModal

        self.app.push_screen(ConfirmModal(question.question, question.yes), answered)

"""What every full screen of the wizard shares: styled once before its first frame, sized for
its breakpoint before it is styled, and one path for a worker's failure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.dom import DOMNode
from textual.events import ScreenResume
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from . import textual_private

BROWSER = "browser"  # the worker that copies a text and opens a page: its result is the notice

if TYPE_CHECKING:
    from .app import CollegeApp


def college_app(node: DOMNode) -> CollegeApp:
    """The running CollegeApp, typed (Textual types a node's `app` as a plain App): the one
    place a widget of ours learns which app it runs in."""
    return cast("CollegeApp", node.app)


def presize(screen: Screen[Any]) -> None:
    """Give a screen its breakpoint class (-narrow/-wide) before its widgets are styled.

    Textual adds it on the screen's first Resize, after compose: a class change on the screen
    then restyles every widget again, which doubled the time to the first frame."""
    breakpoints = screen.app.HORIZONTAL_BREAKPOINTS or []
    width = screen.app.size.width
    classes = {name: False for _, name in breakpoints}
    classes.update(
        {name: True for name in textual_private.breakpoint_classes(screen, width, breakpoints)}
    )
    screen.update_classes(classes, update=False)


class CollegeScreen(Screen[None]):
    """A full screen of the wizard: its widgets are styled once before its first frame.

    Textual styles every widget of a screen again each time the screen is resumed; the first
    resume comes right after they were styled as they mounted (~10 ms of the first frame)."""

    _resumed_before = False

    @property
    def college(self) -> CollegeApp:
        """`self.app`, typed as the CollegeApp it is."""
        return college_app(self)

    def on_screen_resume(self, event: ScreenResume) -> None:
        if not self._resumed_before:
            self._resumed_before = True
            textual_private.skip_first_restyle(event)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one path for a worker's failure (every worker runs with exit_on_error=False):
        the crash report is written as for any bug (CollegeApp.report_crash), the screen says
        sorry and where the report is, and the app goes on."""
        worker = event.worker
        if event.state == WorkerState.SUCCESS and worker.name == BROWSER and worker.result:
            self.app.notify(worker.result)  # app.share: what was copied, where
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        sentence = self.college.report_crash(
            event.worker.error, f"worker-{worker.name or 'unnamed'}"
        )
        self.show_apology(sentence, worker)

    def show_apology(self, text: str, worker: Worker[object]) -> None:
        """Say sorry on this screen (the wizard: its status and log too)."""
        self.app.notify(text, severity="error", timeout=30)

"""What runs now: the operation (two lines, wrapped at words), a progress bar when the engine
knows the fraction, elapsed time in the pane's bottom border (it never takes the sentence's
room), and any bounded wait ("waiting 5 s: the service asked us to slow down")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import ProgressBar, Static

from ..screens import college_app


class StatusPane(Vertical):
    def __init__(self, clock: Callable[[], float], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.started: float | None = None
        self.operation = "Ready."
        self.wait_text = ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="status-line"):
            yield Static(self.operation, id="status-operation", markup=False)
        yield Static("", id="status-wait", markup=False)

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)

    def begin(self, operation: str) -> None:
        self.started = self.clock()
        self.set_operation(operation)
        self.set_fraction(None)
        self.set_wait("")
        self._tick()

    def set_operation(self, text: str) -> None:
        self.operation = text
        self._label("#status-operation", college_app(self).scrub(text))

    def _label(self, selector: str, text: str) -> None:
        """Change one line of the pane. Its lines have fixed sizes (college.tcss), so no layout
        pass of the whole screen is needed; an unchanged text costs nothing."""
        label = self.query_one(selector, Static)
        if str(label.content) != text:
            label.update(text, layout=False)

    def set_fraction(self, fraction: float | None) -> None:
        bars = self.query(ProgressBar)
        if fraction is None:
            if bars:
                bars.first().display = False
            return
        if bars:
            bar = bars.first()
        else:  # mounted the first time a step reports a fraction: the first frame has none
            bar = ProgressBar(total=100, show_eta=False, id="status-progress")
            self.mount(bar, before="#status-wait")
        bar.display = True
        bar.update(progress=round(max(0.0, min(1.0, fraction)) * 100))

    def set_wait(self, text: str) -> None:
        self.wait_text = text
        self._label("#status-wait", text)

    def end(self, text: str) -> None:
        self.started = None
        self._tick()
        self.set_operation(text)
        self.set_wait("")
        self.set_fraction(None)

    def _tick(self) -> None:
        if self.started is None:
            self.border_subtitle = ""
            return
        seconds = int(self.clock() - self.started)
        self.border_subtitle = f"{seconds // 60}:{seconds % 60:02d} elapsed"

"""Every event of the run, scrollable, kept in full for the session (plain text, no markup)."""

from __future__ import annotations

from rich.cells import cell_len
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Log


class ActivityLog(Log):
    # The log's height is fixed (college.tcss), so a new line changes only its own scroll range.
    # Textual's `virtual_size` asks for a layout of the whole screen on every change (10-60 ms
    # of CPU here, once per line); the log updates its scrollbars itself instead (a Log always
    # shows both, so no layout is needed to show or hide them).
    virtual_size = Reactive(Size(0, 0), layout=False)

    def __init__(self, **kwargs) -> None:
        super().__init__(max_lines=None, auto_scroll=True, **kwargs)
        self.border_title = "Activity"

    def watch_virtual_size(self, size: Size) -> None:
        if self.container_size:
            self._scroll_update(size)

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # The screen's layout offers the size of the log's viewport as its virtual size; a Log's
        # is its lines'. Textual compares the two, finds them different on every layout pass of
        # the screen and repaints both scrollbars (2-10 ms a pass here): compare the log's own.
        return super()._size_updated(size, self.virtual_size, container_size, layout)

    def _update_size(self, updates: int, lines: list[str]) -> None:
        # Log measures the width of new lines in a thread worker: for every line a worker, its
        # three state messages and a call back to the event loop. Ours are one short line each:
        # measured here, in microseconds (and the scrollbars are right at once).
        if lines:
            widest = max(cell_len(self._process_line(line)) for line in lines)
            self._update_maximum_width(updates, widest)

    def add(self, text: str) -> None:
        for line in text.splitlines() or [""]:
            self.write_line(self.app.show(line))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

"""The run in plain words (one sentence per action, steps/wording.py), scrollable; F2 swaps to
the details (every event and HTTP call, as in the log file) and back. Plain text, no markup."""

from __future__ import annotations

import textwrap

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
        self.details = False
        # Each entry as (plain sentence, detailed line); either may be None (not shown there).
        self.entries: list[tuple[str | None, str | None]] = []
        self._say_mode()

    def _say_mode(self) -> None:
        self.border_subtitle = "F2: plain words" if self.details else "F2: details"

    def add_event(self, event, detailed: str | None, *, looking: bool = False) -> None:
        """An engine event: its plain sentence, and the log file's line for the details."""
        from ...steps.wording import activity_line

        self._add(activity_line(event, looking=looking), detailed)

    def toggle_details(self) -> None:
        """Plain words <-> every line (HTTP calls included); the whole log is written again."""
        self.details = not self.details
        self._say_mode()
        self.clear()
        for plain, detailed in self.entries:
            self._write(detailed if self.details else plain)

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
        """A line of the wizard's own (shown in both views)."""
        self._add(text, text)

    def _add(self, plain: str | None, detailed: str | None) -> None:
        self.entries.append((plain, detailed))
        self._write(detailed if self.details else plain)

    def _write(self, text: str | None) -> None:
        if text is None:
            return
        # Wrapped at words to the log's width (no sideways scrolling); an address stays whole.
        width = max(20, self.scrollable_content_region.width or 78)
        for line in text.splitlines() or [""]:
            shown = self.app.show(line)
            # Continuations are indented, unless that would cut a long word (an address).
            fits = all(len(word) <= width - 2 for word in shown.split())
            for part in textwrap.wrap(
                shown,
                width,
                break_long_words=False,
                break_on_hyphens=False,
                subsequent_indent="  " if fits else "",
            ) or [""]:
                self.write_line(part)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

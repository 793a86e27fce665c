"""The run in plain words (one sentence per action, steps/wording.py), scrollable; F2 swaps to
the details (every event and HTTP call, as in the log file) and back. Plain text, no markup."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from ..screens import college_app
from ..textual_private import QuietLog

if TYPE_CHECKING:
    from ...events import Event


class ActivityLog(QuietLog):
    # Its height is fixed (college.tcss): a new line changes only its own scroll range.

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_lines=None, auto_scroll=True, **kwargs)
        self.border_title = "Activity"
        self.details = False
        # Each entry as (plain sentence, detailed line); either may be None (not shown there).
        self.entries: list[tuple[str | None, str | None]] = []
        self._say_mode()

    def _say_mode(self) -> None:
        self.border_subtitle = "F2: plain words" if self.details else "F2: details"

    def add_event(self, event: Event, detailed: str | None, *, looking: bool = False) -> None:
        """An engine event: its plain sentence, and the log file's line for the details."""
        from ...steps.wording import activity_line

        self._add(activity_line(event, looking=looking), detailed)

    def toggle_details(self) -> None:
        """Plain words <-> every line (HTTP calls included); the whole log is written again."""
        self.details = not self.details
        self.set_class(self.details, "-expanded")  # 80x24: two lines, more with the details
        self._say_mode()
        self.clear()
        for plain, detailed in self.entries:
            self._write(detailed if self.details else plain)

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
            shown = college_app(self).scrub(line)
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

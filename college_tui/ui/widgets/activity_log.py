"""The run in plain words (one sentence per action, steps/wording.py), scrollable; F2 swaps to
the details (every event and HTTP call, as in the log file) and back. Plain text, no markup.

Lines are wrapped at words to the log's width; when that width changes (a resize) the log is
written again at the new one, so that no line is cut or left narrow."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from ..screens import college_app
from ..textual_private import QuietLog

if TYPE_CHECKING:
    from textual import events

    from ...events import Event

# Written again (F2, a resize): the last AGAIN lines of the view, the older ones in a line that
# says so (the log file has them all). A class of 2,000 in the details is some 10,000 lines:
# all of them again held the screen for seconds, these ~25 ms (at each resize of a burst).
AGAIN = 1000


class ActivityLog(QuietLog):
    # Its height is fixed (college.tcss): a new line changes only its own scroll range.

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_lines=None, auto_scroll=True, **kwargs)
        self.border_title = "Activity"
        self.details = False
        # Each entry as (plain sentence, detailed line); either may be None (not shown there).
        self.entries: list[tuple[str | None, str | None]] = []
        self.wrapped_at = 0  # the width the lines shown were wrapped at (0: none yet)
        self._say_mode()

    def _say_mode(self) -> None:
        self.border_subtitle = "F2: plain words" if self.details else "F2: details"

    def add_event(self, event: Event, detailed: str | None, *, looking: bool = False) -> None:
        """An engine event: its plain sentence, and the log file's line for the details."""
        from ...steps.wording import activity_line

        self._add(activity_line(event, looking=looking), detailed)

    def toggle_details(self) -> None:
        """Plain words <-> every line (HTTP calls included); the log is written again."""
        self.details = not self.details
        self.set_class(self.details, "-expanded")  # 80x24: two lines, more with the details
        self._say_mode()
        self.write_again()

    def add(self, text: str) -> None:
        """A line of the wizard's own (shown in both views)."""
        self._add(text, text)

    def _add(self, plain: str | None, detailed: str | None) -> None:
        self.entries.append((plain, detailed))
        shown = detailed if self.details else plain
        if shown is not None:
            self.write_lines(self._wrapped(shown))

    def on_resize(self, event: events.Resize) -> None:
        if self.wrapped_at and self.wrapped_at != self._wrap_width():
            self.write_again()

    def write_again(self) -> None:
        """The view's lines written again at the log's width (the last AGAIN of them)."""
        shown = [d if self.details else p for p, d in self.entries]
        texts = [text for text in shown if text is not None]
        older = len(texts) - AGAIN
        lines = [f"… {older} earlier lines: in the log file."] if older > 0 else []
        for text in texts[-AGAIN:]:
            lines += self._wrapped(text)
        self.clear()
        self.write_lines(lines)

    def _wrap_width(self) -> int:
        return max(20, self.scrollable_content_region.width or 78)

    def _wrapped(self, text: str) -> list[str]:
        # Wrapped at words to the log's width (no sideways scrolling); an address stays whole.
        width = self.wrapped_at = self._wrap_width()
        lines = []
        for line in text.splitlines() or [""]:
            shown = college_app(self).scrub(line)
            # Continuations are indented, unless that would cut a long word (an address).
            fits = all(len(word) <= width - 2 for word in shown.split())
            lines += textwrap.wrap(
                shown,
                width,
                break_long_words=False,
                break_on_hyphens=False,
                subsequent_indent="  " if fits else "",
            ) or [""]
        return lines

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

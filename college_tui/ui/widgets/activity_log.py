"""Every event of the run, scrollable, kept in full for the session (plain text, no markup)."""

from __future__ import annotations

from ..textual_private import QuietLog


class ActivityLog(QuietLog):
    # Its height is fixed (college.tcss): a new line changes only its own scroll range.

    def __init__(self, **kwargs) -> None:
        super().__init__(max_lines=None, auto_scroll=True, **kwargs)
        self.border_title = "Activity"

    def add(self, text: str) -> None:
        for line in text.splitlines() or [""]:
            self.write_line(self.app.scrub(line))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

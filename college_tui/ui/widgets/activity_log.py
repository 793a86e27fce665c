"""Every event of the run, scrollable, kept in full for the session (plain text, no markup)."""

from __future__ import annotations

from textual.widgets import Log


class ActivityLog(Log):
    def __init__(self, **kwargs) -> None:
        super().__init__(max_lines=None, auto_scroll=True, **kwargs)
        self.border_title = "Activity"

    def add(self, text: str) -> None:
        for line in text.splitlines() or [""]:
            self.write_line(self.app.show(line))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

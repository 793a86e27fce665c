"""`college-tui class`: the live class view, one row per attendee, refreshed on its own.

The screen knows nothing of Azure DevOps: it is given `read() -> ClassState` (opening/
class_view.py signs the instructor in and reads every organisation, steps/classview/status.py)
and calls it in a thread worker every `every` seconds, and on `r`. A refresh that fails keeps the
table of the last one and says so; the next refresh tries again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker, WorkerState

from ..steps.classview.status import ClassState
from ..steps.classview.table import HEADERS, cells, summary
from ..steps.runner import apology
from .textual_private import AppWithOneCrashPath

# At 80 columns: who, where they are, since when, and their pull request.
NARROW = ("attendee", "organisation", "first not done", "since", "pull request")


class ClassRead(Message):
    """A refresh finished: the class as read."""

    def __init__(self, state: ClassState) -> None:
        super().__init__()
        self.state = state


class ClassScreen(Screen[None]):
    """The class, one row per attendee; the highlighted row's details below the table."""

    DEFAULT_CSS = """
    ClassScreen { layout: vertical; }
    #class-title { height: auto; padding: 0 1; text-style: bold; }
    #class-summary { height: auto; padding: 0 1; color: $text-muted; }
    #class-table { height: 1fr; }
    #class-detail { height: auto; min-height: 3; padding: 0 1; border-top: solid $primary; }
    """
    BINDINGS = [
        Binding("r", "refresh_class", "Refresh now"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, read: Callable[[], ClassState], every: float = 30.0) -> None:
        super().__init__()
        self.read = read
        self.every = every
        self.state: ClassState | None = None
        self.failure = ""

    def compose(self) -> ComposeResult:
        yield Static("The class · reading every attendee's organisation…", id="class-title")
        yield Static("", id="class-summary")
        yield DataTable(id="class-table", zebra_stripes=True, cursor_type="row")
        yield Static("", id="class-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.action_refresh_class()
        self.set_interval(self.every, self.action_refresh_class, name="class-refresh")

    @property
    def columns(self) -> list[str]:
        return list(NARROW) if self.app.size.width < 100 else list(HEADERS)

    def action_refresh_class(self) -> None:
        if any(w.name == "class-read" and w.is_running for w in self.workers):
            return  # one refresh at a time: a slow class is not read twice at once
        self.run_worker(self._read, thread=True, name="class-read", exit_on_error=False)

    def _read(self) -> None:
        self.post_message(ClassRead(self.read()))

    def on_class_read(self, message: ClassRead) -> None:
        self.state, self.failure = message.state, ""
        self._fill()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.failure = cast("ClassApp", self.app).report_failure(event.worker.error)
            self._show_summary()

    def _fill(self) -> None:
        state = self.state
        if state is None:
            return
        table = self.query_one(DataTable)
        keep = table.cursor_row
        columns = self.columns
        index = [HEADERS.index(c) for c in columns]
        rows = [[cells(r, state.read_at, short=True)[i] for i in index] for r in state.rows]
        # Widths of our own: the table's measured widths came out as the headers' at 120x40.
        widths = [max([len(c)] + [len(r[n]) for r in rows]) for n, c in enumerate(columns)]
        wanted = list(zip(columns, widths, strict=True))
        if [(c.label.plain, c.width) for c in table.columns.values()] != wanted:
            table.clear(columns=True)
            for label, width in zip(columns, widths, strict=True):
                table.add_column(label, width=width)
        else:
            table.clear()
        table.add_rows(rows)
        if state.rows:
            table.move_cursor(row=min(keep, len(state.rows) - 1))
        who = f" · signed in as {state.instructor}" if state.instructor else ""
        self.query_one("#class-title", Static).update(f"The class{who}")
        self._show_summary()
        self._show_detail(table.cursor_row)

    def _show_summary(self) -> None:
        text = summary(self.state) if self.state is not None else ""
        text += f" Next refresh in {self.every:g} s; r refreshes now."
        if self.failure:
            text = f"The last refresh failed: {self.failure} The table is the one before. " + text
        self.query_one("#class-summary", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    def _show_detail(self, index: int) -> None:
        if self.state is None or not 0 <= index < len(self.state.rows):
            return
        row = self.state.rows[index]
        lines = [f"{row.attendee or row.organization}: {row.detail or row.first_not_done}"]
        if row.branch:
            lines[0] += f" (branch {row.branch})"
        if row.org_url:
            lines.append(f"Organisation: {row.org_url}  ·  colleagues: {row.colleagues or '?'}")
        if row.pr_url:
            lines.append(f"Pull request !{row.pr_id} ({row.review}): {row.pr_url}")
        self.query_one("#class-detail", Static).update("\n".join(lines))


class ClassApp(AppWithOneCrashPath):
    """The class view on its own (no wizard around it)."""

    TITLE = "college-tui class"
    # As the wizard's footer (college.tcss): orange is an attendee's turn, not a key's. App CSS:
    # a screen's DEFAULT_CSS loses to the footer's own.
    CSS = """
    FooterKey .footer-key--key { color: $text; text-style: bold; }
    FooterKey .footer-key--description { color: $text-muted; }
    """

    def __init__(
        self,
        read: Callable[[], ClassState],
        every: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.read, self.every, self.clock = read, every, clock

    def on_mount(self) -> None:
        self.push_screen(ClassScreen(self.read, self.every))

    def report_failure(self, error: BaseException) -> str:
        """A refresh's failure: the sentence of an error of ours, else a crash report."""
        message = getattr(error, "message", None)
        if message:
            return str(message)
        return self.crashed(error)

    def crashed(self, error: BaseException) -> str:
        from ..steps.crash_report import write_crash_report

        path = write_crash_report(error, "class-view", [])
        return apology(str(path) if path else None)

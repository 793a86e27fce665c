"""The end: the challenge checklist verified from the service, the web links (terminal hyperlinks;
Enter opens one), the clone folder, and what to try next. One scrollable: nothing scrolls inside."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from ..screens import college_app
from ..widgets.link_line import LinkLine

if TYPE_CHECKING:
    from ...steps.checklist import CheckItem
    from ...steps.session import Summary

NEXT_STEPS = (
    "Next: open the pull request and complete it (or ask a colleague to review it); "
    "look at Boards in your project; then challenge 2 of the course builds a pipeline."
)


def _mark(item: CheckItem) -> str:
    if item.ok:
        return "✓ done   "
    return "– skipped" if item.skipped else "✗ missing"


class SummaryPanel(VerticalScroll):
    def __init__(self) -> None:
        super().__init__(id="summary-panel", classes="step-panel")
        self.summary: Summary | None = None

    def compose(self) -> ComposeResult:
        yield Static("Summary", classes="panel-title")
        yield Static(
            "The checklist appears when the steps are done (ctrl+r runs the rest).",
            id="summary-checklist",
            markup=False,
        )
        yield Vertical(id="summary-links")
        yield Static("", id="summary-clone", markup=False)
        after = Static("", id="summary-after", classes="teaches", markup=False)
        after.display = False  # an HTTPS clone only: what keeps git working after the day
        yield after
        yield Static(NEXT_STEPS, id="summary-next", classes="teaches", markup=False)

    def fill(self, summary: Summary) -> None:
        self.summary = summary
        marks = [
            f"{_mark(item)} {item.label}"
            + (f": {item.detail}" if item.detail and not item.ok else "")
            for item in summary.items
        ]
        done = sum(1 for item in summary.items if item.ok)
        skipped = sum(1 for item in summary.items if item.skipped)
        marks.append(
            f"{done} of {len(summary.items)} challenge outcomes done"
            + (f", {skipped} skipped" if skipped else "")
            + " (checked on the service)."
        )
        self.query_one("#summary-checklist", Static).update(
            college_app(self).scrub("\n".join(marks))
        )
        links = self.query_one("#summary-links")
        links.remove_children()
        show = college_app(self).scrub
        links.mount_all(
            [LinkLine(what, show(url), classes="link") for what, url in reversed(summary.links)]
        )  # the PR first
        # A path is one word: it wraps nowhere (the panel scrolls sideways if it must).
        self.query_one("#summary-clone", Static).update(
            Content.assemble("Your clone:\n", (show(summary.clone_dir), "bold"))
        )
        after = self.query_one("#summary-after", Static)
        after.update(show(summary.after_the_day))
        after.display = bool(summary.after_the_day)

    def focus_first(self) -> None:
        self.scroll_home(animate=False, immediate=True)
        links = self.query(LinkLine)
        if links:
            links.first().focus(scroll_visible=False)

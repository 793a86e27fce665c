"""The end: the challenge checklist verified from the service, the web links (Enter opens one),
the clone folder, and what to try next."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Button, Static

if TYPE_CHECKING:
    from ...steps.session import Summary

NEXT_STEPS = (
    "Next: open the pull request and complete it (or ask a colleague to review it); "
    "look at Boards in your project; then challenge 2 of the course builds a pipeline."
)


class SummaryPanel(VerticalScroll):
    def __init__(self) -> None:
        super().__init__(id="summary-panel", classes="step-panel")
        self.summary: Summary | None = None

    def compose(self) -> ComposeResult:
        yield Static("Summary", classes="panel-title")
        yield VerticalScroll(id="summary-links")
        yield Static("", id="summary-clone", markup=False)
        yield Static(
            "The checklist appears when the steps are done (ctrl+r runs the rest).",
            id="summary-checklist",
            markup=False,
        )
        yield Static(NEXT_STEPS, id="summary-next", classes="teaches", markup=False)

    def fill(self, summary: Summary) -> None:
        self.summary = summary
        marks = [
            f"{'✓ done   ' if item.ok else '✗ missing'} {item.label}"
            + (f": {item.detail}" if item.detail and not item.ok else "")
            for item in summary.items
        ]
        done = sum(1 for item in summary.items if item.ok)
        marks.append(
            f"{done} of {len(summary.items)} challenge outcomes done (checked on the service)."
        )
        self.query_one("#summary-checklist", Static).update(self.app.scrub("\n".join(marks)))
        links = self.query_one("#summary-links")
        links.remove_children()
        links.mount_all(
            [
                Button(self.app.scrub(f"{what}: {url}"), name=url, classes="link", compact=True)
                for what, url in reversed(summary.links)
            ]
        )  # the PR first
        self.query_one("#summary-clone", Static).update(
            self.app.scrub(f"Your clone: {summary.clone_dir}")
        )

    def focus_first(self) -> None:
        buttons = self.query(".link")
        if buttons:
            buttons.first().focus()

    @on(Button.Pressed, ".link")
    def _open(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.name:
            self.app.open_link(event.button.name)

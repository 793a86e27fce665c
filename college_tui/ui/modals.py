"""Dialogs: a confirmation that opens with focus on the confirming button, and the help."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmModal(ModalScreen[bool]):
    """Enter accepts (the confirming button has focus), Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog"):
            yield Static(self.question, markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, variant="primary", id="confirm-yes")
                yield Button(self.no, id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-yes").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_cancel(self) -> None:
        self.dismiss(False)


HELP = """college-tui walks you through challenges 0 and 1 of the AI Developer College.

Enter              run the step shown, with the values shown
Escape             stop a wait (a device code, a new
                   organisation, a key added by hand)
Tab, Shift+Tab     move between fields
ctrl+n/b  F8/F7    next / previous step
ctrl+r    F5       run all remaining steps
ctrl+l    F3       open the activity log file (its path is said)
ctrl+p    F9       command palette: steps, run the rest, retry,
                   copy the pull request link, open the log file
ctrl+q    F10      quit (asks first while a step runs, and
                   cancels it cleanly)
F1                 this help
F2                 the log's details

Where a ctrl key does nothing (VS Code's terminal keeps some for itself), its function key \
does the same. Every step can be run again: it checks what exists first and never makes a \
duplicate."""


class HelpModal(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="dialog"):
            yield Static(HELP, markup=False)
            yield Button("Close", variant="primary", id="help-close")

    def on_mount(self) -> None:
        self.query_one("#help-close").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)

"""The first screen: what the wizard will do, and where: the practice sandbox or your own Azure
DevOps organisation. It also runs doctor's quick local checks (git, OpenSSH, agent, keyring,
terminal, ~/.ssh) in a worker and shows what is not ok."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Header, Input, Label, Static

from .screens import CollegeScreen, presize
from .widgets.footer import KeysFooter

# One line per paragraph: the screen wraps them at words to the window's width (80 or 200).
INTRO = "\n\n".join(
    [
        "This wizard walks you through the course's first two challenges, one step at a time:",
        "• Challenge 0: an Azure DevOps organisation, the project College on the Agile process, "
        "College Team as its default team, and your colleagues in it.\n"
        "• Challenge 1: an SSH key, the course repository imported into Azure Repos, cloned to "
        "this machine, and your first branch, commit, push and pull request.",
        "Each step says what it teaches, where it lives in the portal and the command that does "
        "the same. Nothing is made twice: every step looks first and can be run again.",
    ]
)


if TYPE_CHECKING:
    from textual.worker import Worker


class WelcomeScreen(CollegeScreen):
    def compose(self) -> ComposeResult:
        presize(self)
        yield Header(show_clock=False, icon="◆")
        with VerticalScroll(id="welcome"):
            # Action first: the question and its two choices, then what the wizard does.
            yield Static(
                "Welcome to the AI Developer College. Where shall we work?",
                classes="panel-title",
                id="welcome-question",
            )
            yield Static(
                "Tab moves between the two choices; Enter picks the one highlighted.",
                id="welcome-hint",
                markup=False,
            )
            with Horizontal(id="welcome-choices"):
                with Vertical(classes="choice"):
                    yield Button("The practice sandbox", variant="primary", id="choose-sandbox")
                    yield Static(
                        "Offline, on this machine: nothing to sign up for.", classes="choice-help"
                    )
                with Vertical(classes="choice"):
                    yield Button("My Azure DevOps", id="choose-org")
                    yield Static(
                        "Sign in first: without a URL you pick or create your organisation after.",
                        classes="choice-help",
                    )
                    yield Label("Organisation URL (optional)", classes="field-label")
                    yield Input(placeholder="https://dev.azure.com/NAME", id="welcome-org")
                    yield Static("", id="welcome-org-error", classes="field-error", markup=False)
            yield Static(INTRO, id="welcome-intro", markup=False)
            yield Static("Checking this machine…", id="welcome-checks", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        # A ctrl+q typed while the screen mounts quits before its widgets exist: nothing to do.
        choices = self.query("#choose-sandbox")
        if not choices:
            return
        # Opens at its top: the introduction's first line in view, the choice one Tab away.
        choices.first().focus(scroll_visible=False)
        self.check_machine((self.app.size.width, self.app.size.height))

    @work(thread=True, name="checks", group="checks", exit_on_error=False)
    def check_machine(self, terminal: tuple[int, int]) -> str:
        """Quick local checks; the text for the screen (set on the event loop, not here)."""
        from ..steps.doctor import quick_checks, welcome_lines

        text = self.college.scrub("\n".join(welcome_lines(quick_checks(terminal=terminal))))
        self.app.call_from_thread(self._checks_done, text)
        return text

    def _checks_done(self, text: str) -> None:
        self.query_one("#welcome-checks", Static).update(text)

    def show_apology(self, text: str, worker: Worker[object]) -> None:
        if worker.name == "checks":
            self.query_one("#welcome-checks", Static).update(text)
        super().show_apology(text, worker)

    @on(Button.Pressed, "#choose-sandbox")
    def _sandbox_chosen(self) -> None:
        self.college.open_wizard(sandbox=True)

    @on(Button.Pressed, "#choose-org")
    @on(Input.Submitted, "#welcome-org")
    def _org_chosen(self) -> None:
        from ..steps.org_url import org_url_problem

        typed = self.query_one("#welcome-org", Input).value
        if not typed.strip():  # from nothing: sign in first, the organisation comes after
            self.query_one("#welcome-org-error", Static).update("")
            self.college.open_wizard(sandbox=False, org_url=None)
            return
        url, problem = org_url_problem(typed)
        error = self.query_one("#welcome-org-error", Static)
        error.update(problem or "")
        error.set_class(bool(problem), "-shown")
        if problem:
            self.query_one("#welcome-org").focus()
            return
        self.college.open_wizard(sandbox=False, org_url=url)

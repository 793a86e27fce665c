"""CollegeApp: the Textual application. The back end comes in through the constructor: `opener`
(from launch.py) opens the target in a worker thread; the engine does all the work.

Only Textual and our UI load before the first frame; the service libraries load in workers.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.widgets import Input

from ..steps.activity import ActivityFile
from .collector import CollectorPause, collector_paused, keep_out_of_full_collections
from .commands import WizardCommands
from .screens import BROWSER, CollegeScreen
from .size_notice import SizeNotice, small_window_sentence
from .textual_private import AppWithOneCrashPath
from .wizard_effects import ENGINE, Quit
from .wizard_model import QUIT_QUESTION

__all__ = ["CollectorPause", "CollegeApp"]  # CollectorPause: tests take it from here


if TYPE_CHECKING:
    from pathlib import Path

    from textual import events
    from textual.notifications import SeverityLevel
    from textual.screen import Screen
    from textual.worker import Worker

    from ..steps.session import OpenedTarget
    from .wizard import WizardScreen


class CollegeApp(AppWithOneCrashPath):
    CSS_PATH = "college.tcss"
    TITLE = "college-tui"
    SUB_TITLE = "AI Developer College · Azure DevOps setup"
    COMMANDS = App.COMMANDS | {WizardCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        # A function key beside every ctrl key: VS Code's terminal keeps some ctrl keys for
        # itself, and Textual's FAQ recommends function keys as what every terminal passes on.
        Binding("ctrl+q,f10", "quit", "Quit", priority=True),
        Binding("ctrl+l,f3", "open_log", "Log file", show=False),
        Binding("ctrl+p,f9", "command_palette", "palette", show=False, priority=True),
    ]

    def __init__(
        self,
        opener: Callable[[bool, str | None], OpenedTarget],
        start: str | None = None,
        org_url: str | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        scrub: Callable[[str], str] | None = None,
        log_dir: Path | None = None,
    ) -> None:
        """`opener(sandbox, org_url)` -> OpenedTarget; `start`: "sandbox", "org" or None (the
        welcome asks). `clock` and `scrub` let tests freeze elapsed times and hide volatile
        values (ports, temp paths) from frames."""
        super().__init__()
        self.opener = opener
        self.start = start
        self.org_url = org_url
        self.clock = clock
        self._scrub = scrub
        self.logfile = ActivityFile(log_dir)  # the engine's events, redacted, in a file
        self.target_org = ""
        self._held = contextlib.ExitStack()
        self.size_notice = SizeNotice()

    def get_default_screen(self) -> Screen[None]:
        if self.start is None:
            from .welcome import WelcomeScreen

            return WelcomeScreen()
        from .wizard import WizardScreen

        return WizardScreen(sandbox=self.start == "sandbox", org_url=self.org_url)

    def on_ready(self) -> None:
        self.size_notice.check(self, *self.size)  # below 80x24: a notice (ui/size_notice.py)
        keep_out_of_full_collections()
        collector_paused.enable_unless_paused()  # `college-tui` turned it off for the UI imports
        if self.start is None:  # the wizard warms up once its panels are mounted (panel_host)
            self.warm_up()
        from ..steps.desktop import keys_hint

        hint = keys_hint()  # VS Code's terminal: the function keys
        if hint:
            self.notify(hint, timeout=20)

    def on_resize(self, event: events.Resize) -> None:
        # In a small window a toast covers the device code and its page (issue 25): none then.
        code_shown = bool(self.screen.query(".device-code-box"))
        if code_shown and small_window_sentence(*event.size):
            self.clear_notifications()
        self.size_notice.check(self, *event.size, quiet=code_shown)

    def code_needs_the_room(self) -> bool:
        """A device code shows in a window below 80×24: a toast would cover it or its page."""
        return bool(small_window_sentence(*self.size) and self.screen.query(".device-code-box"))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A toast, unless it would cover a device code (a small window, issue 25): then the
        notice is a line of the activity log (the clipboard's "The code was copied" included)."""
        if self.code_needs_the_room():
            from .widgets.activity_log import ActivityLog

            for log in self.screen.query(ActivityLog):
                log.add(f"{title}: {message}" if title else message)
            return
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def warm_up(self) -> None:
        """Import the service client's libraries on a thread, ahead of the first call. The
        wizard asks once its panels are mounted: imported meanwhile, each panel's mount waited
        for the interpreter's lock (figure 3's longest stalls at the start)."""
        self.run_here(self._warm_up, name="warm-up")

    @staticmethod
    def _warm_up() -> None:
        from ..steps.session import warm_up

        with collector_paused():
            warm_up()

    def run_here(self, work: Callable[[], object], *, name: str) -> Worker[object]:
        """Run a thread worker of the app on the screen the user sees (a wizard screen), so
        that its failure takes the screens' one failure path: the apology, never an exit."""
        screen = next(s for s in reversed(self.screen_stack) if isinstance(s, CollegeScreen))
        return screen.run_worker(
            work, name=name, group=name, thread=True, exit_on_error=False, description=name
        )

    # -- bugs of ours ---------------------------------------------------------------------------

    def crashed(self, error: Exception) -> str:
        """An exception nobody handled (an event handler's bug): the app exits with code 1 and,
        once the terminal is restored, prints this sentence naming the crash report."""
        return self.report_crash(error, "event-loop")

    def report_crash(self, error: BaseException, where: str) -> str:
        """Write the redacted crash report (steps/crash_report.py) and return the apology.

        The one writer for both paths: a worker's failure (the app goes on) and an unhandled
        exception (the app exits). Whatever is typed into a password field is hidden too, even
        before the engine has registered it as a secret."""
        from ..steps.crash_report import write_crash_report  # importlib.metadata: on a crash only
        from ..steps.runner import apology  # the engine's runner: not before the first frame

        path = write_crash_report(error, f"wizard-{where}", self.typed_secrets())
        return apology(self.scrub(str(path)) if path else None)

    def typed_secrets(self) -> list[str]:
        """The values of every password field on every screen (never raises)."""
        try:
            return [
                field.value
                for screen in self.screen_stack
                for field in screen.query(Input)
                if field.password and field.value
            ]
        except Exception:
            return []

    def scrub(self, text: str) -> str:
        """Text as shown on screen (tests hide ports and temp paths here)."""
        return self._scrub(text) if self._scrub else text

    def hold(self, resource: contextlib.AbstractContextManager[object]) -> None:
        """Keep a context manager (the run lock) open until the app ends."""
        self._held.enter_context(resource)

    def on_unmount(self) -> None:
        self._held.close()

    def open_wizard(self, sandbox: bool, org_url: str | None = None) -> None:
        from .wizard import WizardScreen

        self.org_url = org_url
        self.push_screen(WizardScreen(sandbox=sandbox, org_url=org_url))

    @property
    def wizard(self) -> WizardScreen | None:
        from .wizard import WizardScreen

        return next((s for s in self.screen_stack if isinstance(s, WizardScreen)), None)

    # -- actions ------------------------------------------------------------------------------

    async def action_quit(self) -> None:
        wizard = self.wizard
        if wizard is None or wizard.quit_requested() == Quit.NOW:
            self.exit()
            return

        def answered(yes: bool | None) -> None:
            wizard.quit_answered(bool(yes))
            if yes:
                wizard.run_worker(
                    self._exit_when_idle(wizard), name="quit", group="quit", exit_on_error=False
                )

        from .modals import ConfirmModal

        self.push_screen(ConfirmModal(QUIT_QUESTION, "Quit", "Keep going"), answered)

    async def _exit_when_idle(self, wizard: WizardScreen) -> None:
        for worker in [w for w in wizard.workers if w.group == ENGINE]:
            with contextlib.suppress(Exception):
                await worker.wait()
        self.exit()

    def action_open_log(self) -> None:
        self.open_link(self.logfile.path.as_uri())
        self.notify(f"Log file: {self.scrub(str(self.logfile.path))}")

    def action_copy_pr_link(self) -> None:
        wizard = self.wizard
        url = wizard.pull_request_url if wizard else None
        if url:
            self.share(url, "The pull request link")
        else:
            self.notify("There is no pull request yet.", severity="warning")

    def open_link(self, url: str) -> None:
        """Copy a page's link to the clipboard and open it in the browser."""
        self.share(url, "The link", open_url=url, always_say=False)

    def share(
        self, text: str, what: str, *, open_url: str | None = None, always_say: bool = True
    ) -> None:
        """Copy `text` off the event loop (a clipboard tool or a browser may block): the
        desktop's clipboard first, else the terminal's (OSC 52: over SSH, or where no tool is).
        With `open_url`, open that page too. The notice says only what happened (steps/
        desktop.py): with a page, only when no browser opened unless `always_say`."""

        def copy_and_open() -> str | None:
            from ..steps.desktop import copied, copy_natively, open_page

            native = copy_natively(text)
            if not native:
                self.call_from_thread(self.copy_to_clipboard, text)
            said = copied(what, native)
            if open_url is None:
                return said
            if open_page(open_url):
                return said if always_say else None
            return f"No browser opened here. {said}"

        self.run_here(copy_and_open, name=BROWSER)

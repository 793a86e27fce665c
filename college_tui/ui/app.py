"""CollegeApp: the Textual application. The back end comes in through the constructor: `opener`
(from launch.py) opens the target in a worker thread; the engine does all the work.

Only Textual and our UI load before the first frame; the service libraries load in workers.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import threading
import time
from collections.abc import Callable

from textual.app import App
from textual.binding import Binding
from textual.events import ScreenResume
from textual.screen import Screen

from .commands import WizardCommands
from .logfile import ActivityFile
from .size_notice import SizeNotice


def presize(screen) -> None:
    """Give a screen its breakpoint class (-narrow/-wide) before its widgets are styled.

    Textual adds it on the screen's first Resize, after compose: a class change on the screen
    then restyles every widget again, which doubled the time to the first frame."""
    breakpoints = screen.app.HORIZONTAL_BREAKPOINTS or []
    width = screen.app.size.width
    classes = {name: False for _, name in breakpoints}
    classes.update({name: True for name in screen._get_breakpoint_classes(width, breakpoints)})
    screen.update_classes(classes, update=False)


class CollegeScreen(Screen):
    """A full screen of the wizard: its widgets are styled once before its first frame.

    Textual styles every widget of a screen again each time the screen is resumed; the first
    resume comes right after they were styled as they mounted (~10 ms of the first frame)."""

    _resumed_before = False

    def on_screen_resume(self, event: ScreenResume) -> None:
        # Runs before Screen's own handler, which reads the flag.
        if not self._resumed_before:
            self._resumed_before = True
            event.refresh_styles = False


def keep_out_of_full_collections() -> None:
    """Move every object alive now out of the garbage collector's sight (`gc.freeze`).

    What exists at first paint, after the engine opened the target (the SDK, paramiko, the
    sandbox) and after a step ran lives for the whole session. Python's full collections walked
    it all again and again: 50-150 ms with the GIL held, the longest freezes of the screen.
    A cycle that becomes garbage after being frozen is never freed: a few kB per step."""
    gc.freeze()


class CollectorPause:
    """No garbage collection while workers import the engine and open the target.

    Those imports (the SDK, msrest, paramiko, the sandbox) bring objects that live for the
    session; collecting while they arrive cost full collections of 45-60 ms, the screen frozen.
    Pauses nest across threads: when the last one ends, what is alive is kept out of later
    full collections and the collector is back on."""

    def __init__(self) -> None:
        self._active = 0
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def __call__(self):
        with self._lock:
            self._active += 1
            gc.disable()
        try:
            yield
        finally:
            with self._lock:
                self._active -= 1
                if not self._active:
                    keep_out_of_full_collections()
                    gc.enable()

    def enable_unless_paused(self) -> None:
        """Turn the collector on, unless a worker's pause has begun (it turns it on when done)."""
        with self._lock:
            if not self._active:
                gc.enable()


collector_paused = CollectorPause()


class CollegeApp(App[None]):
    CSS_PATH = "college.tcss"
    TITLE = "college-tui"
    SUB_TITLE = "AI Developer College · Azure DevOps setup"
    COMMANDS = App.COMMANDS | {WizardCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+l", "open_log", "Log file", show=False),
    ]

    def __init__(
        self,
        opener: Callable,
        start: str | None = None,
        org_url: str | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        scrub: Callable[[str], str] | None = None,
        log_dir=None,
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
        self.logfile = ActivityFile(log_dir)
        self.target_org = ""
        self._held = contextlib.ExitStack()
        self.size_notice = SizeNotice()

    @functools.cached_property
    def printer(self):
        """Events as activity-log lines (loaded on first use, by the engine's worker)."""
        from ..steps.printer import Printer

        return Printer(verbose=True)

    def get_default_screen(self):
        from .welcome import WelcomeScreen
        from .wizard import WizardScreen

        if self.start is None:
            return WelcomeScreen()
        return WizardScreen(sandbox=self.start == "sandbox", org_url=self.org_url)

    def on_ready(self) -> None:
        self.size_notice.check(self, *self.size)  # below 80x24: a notice (ui/size_notice.py)
        keep_out_of_full_collections()
        collector_paused.enable_unless_paused()  # `college-tui` turned it off for the UI imports
        self.run_worker(self._warm_up, thread=True, group="warm-up", description="Warm up")

    def on_resize(self, event) -> None:
        self.size_notice.check(self, *event.size)

    @staticmethod
    def _warm_up() -> None:
        from ..steps.session import warm_up

        with collector_paused():
            warm_up()

    def show(self, text: str) -> str:
        """Text as shown on screen (tests hide ports and temp paths here)."""
        return self._scrub(text) if self._scrub else text

    def hold(self, resource) -> None:
        """Keep a context manager (the run lock) open until the app ends."""
        self._held.enter_context(resource)

    def on_unmount(self) -> None:
        self._held.close()

    def open_wizard(self, sandbox: bool, org_url: str | None = None) -> None:
        from .wizard import WizardScreen

        self.org_url = org_url
        self.push_screen(WizardScreen(sandbox=sandbox, org_url=org_url))

    @property
    def wizard(self):
        from .wizard import WizardScreen

        return next((s for s in self.screen_stack if isinstance(s, WizardScreen)), None)

    # -- actions ------------------------------------------------------------------------------

    async def action_quit(self) -> None:
        wizard = self.wizard
        if wizard is None or not wizard.busy:
            self.exit()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                wizard.cancel()
                self.run_worker(self._exit_when_idle(wizard), group="quit")

        from .modals import ConfirmModal

        self.push_screen(
            ConfirmModal(
                "A step is running. Quit now? The step is cancelled "
                "cleanly and can be run again later.",
                "Quit",
                "Keep going",
            ),
            answered,
        )

    async def _exit_when_idle(self, wizard) -> None:
        for worker in [w for w in wizard.workers if w.group == "engine"]:
            with contextlib.suppress(Exception):
                await worker.wait()
        self.exit()

    def action_open_log(self) -> None:
        self.open_link(self.logfile.path.as_uri())
        self.notify(f"Log file: {self.show(str(self.logfile.path))}")

    def action_copy_pr_link(self) -> None:
        wizard = self.wizard
        url = wizard.pull_request_url if wizard else None
        if url:
            self.copy_to_clipboard(url)
            self.notify("Pull request link copied.")
        else:
            self.notify("There is no pull request yet.", severity="warning")

    def open_link(self, url: str) -> None:
        """Open a page in the browser, off the event loop (webbrowser may block)."""
        import webbrowser

        self.run_worker(lambda: webbrowser.open(url), thread=True, group="browser")

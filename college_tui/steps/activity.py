"""The session's activity file: an engine event sink that writes every event's line, redacted.

The wizard hands it each event the engine emits (on the engine's worker thread, never on the
event loop); it writes the printer's line to `wizard-YYYYmmdd-HHMMSS-PID.log` in the user's log
folder (0600) and returns the same line for the screen. A failure's `log_detail` (an Entra
refusal's AADSTS code and correlation id) is written under its line, in the file only. Secrets are removed by the one redactor,
`azdo/redact.py`, as everywhere else.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..events import Event
    from .printer import Printer


def default_log_dir() -> Path:
    """The user's log folder for college-tui (platformdirs)."""
    from platformdirs import user_log_dir

    return Path(user_log_dir("college-tui", appauthor=False))


class ActivityFile:
    """An event sink: `sink(event)` writes the event's line (if it has one) and returns it."""

    def __init__(self, folder: Path | None = None, *, verbose: bool = True) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        self.path = (folder or default_log_dir()) / f"wizard-{stamp}-{os.getpid()}.log"
        self.verbose = verbose
        self._printer: Printer | None = None  # made on first use, by the engine's worker
        self._lock = threading.Lock()

    def hide(self, secret: str | None) -> None:
        """A secret to remove from every line from now on (registered with the one redactor)."""
        from ..azdo.redact import register_secret

        register_secret(secret)

    def __call__(self, event: Event) -> str | None:
        """Write `event`'s activity line (None: the event has no line) and return it."""
        with self._lock:
            if self._printer is None:
                from .printer import Printer

                self._printer = Printer(verbose=self.verbose)
            line = self._printer.line(event)
        if line is None:
            return None
        shown = self.write(line)
        kept = getattr(event, "log_detail", "")  # a refusal's AADSTS code, correlation id
        if kept:
            self.write(f"  (for an administrator: {kept})")  # the file only, never the screen
        return shown

    def write(self, line: str) -> str:
        """Append one line (redacted), with the time; return the line as written."""
        from ..azdo.redact import redact
        from ..visible import visible

        line = visible(redact(line))
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
                with os.fdopen(fd, "a", encoding="utf-8") as out:
                    out.write(f"{time.strftime('%H:%M:%S')} {line}\n")
            except OSError:
                pass  # a log that cannot be written must not stop the run
        return line

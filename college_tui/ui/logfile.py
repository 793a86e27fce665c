"""The session's activity log file in the user's log folder: every event line, no secret.

Written from the engine's worker thread (never on the event loop), one line per event.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path


def default_log_dir() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir("college-tui", appauthor=False))


class ActivityFile:
    """Appends lines to `wizard-YYYYmmdd-HHMMSS.log`; known secrets are replaced by ***."""

    def __init__(self, folder: Path | None = None) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        self.path = (folder or default_log_dir()) / f"wizard-{stamp}-{os.getpid()}.log"
        self._lock = threading.Lock()
        self._secrets: list[str] = []

    def hide(self, secret: str | None) -> None:
        if secret:
            self._secrets.append(secret)

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def write(self, line: str) -> None:
        line = self.scrub(line)
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
                with os.fdopen(fd, "a", encoding="utf-8") as out:
                    out.write(f"{time.strftime('%H:%M:%S')} {line}\n")
            except OSError:
                pass  # a log that cannot be written must not stop the run

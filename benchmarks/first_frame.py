"""Figure 1's probe: process start to the first rendered frame, in a 120×40 pseudo-terminal.

The first frame is the first visible text written after the program takes the screen (the
alternate-screen or clear-screen escape a full-screen app sends first); a program that never takes
the screen (plain lines) counts its first visible text. The process is then stopped.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time

COLUMNS, LINES = 120, 40
_TAKES_SCREEN = re.compile(rb"\x1b\[\?1049h|\x1b\[\?47h|\x1b\[2J")
_ESCAPES = re.compile(
    rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]"
)
_VISIBLE = re.compile(rb"[!-~]|[\xc2-\xf4]")  # printable ASCII or the start of a UTF-8 character


def _visible(data: bytes) -> bool:
    return bool(_VISIBLE.search(_ESCAPES.sub(b"", data)))


def first_frame_seconds(args: list[str], env: dict[str, str], timeout: float = 20.0) -> float:
    """Seconds from spawning `args` to its first frame (raises TimeoutError when none came)."""
    primary, secondary = os.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    env = {
        **env,
        "TERM": "xterm-256color",
        "COLUMNS": str(COLUMNS),
        "LINES": str(LINES),
        "COLORTERM": "truecolor",
    }
    started = time.perf_counter()
    proc = subprocess.Popen(
        args,
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        start_new_session=True,
        close_fds=True,
    )
    os.close(secondary)
    seen = b""
    took_screen_at: int | None = None
    try:
        deadline = started + timeout
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([primary], [], [], 0.05)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if took_screen_at is None:
                match = _TAKES_SCREEN.search(seen)
                if match:
                    took_screen_at = match.end()
            if _visible(seen[took_screen_at or 0 :]):
                return time.perf_counter() - started
        raise TimeoutError(
            f"no frame from {' '.join(args)} within {timeout:g} s; it wrote {seen[-400:]!r}"
        )
    finally:
        _stop(proc)
        os.close(primary)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=3)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

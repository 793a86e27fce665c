"""The tests' own tmux server: its own socket and no tmux.conf, so a tmux the developer runs
(its default-size, its options, its sessions) cannot change what a test's terminal shows. The
server and its socket file are removed when the test process ends: nothing left in the temp dir."""

from __future__ import annotations

import atexit
import contextlib
import os
import subprocess
import tempfile

NAME = f"college-tui-tests-{os.getpid()}"
TMUX = ["tmux", "-f", "/dev/null", "-L", NAME]


def _remove_server() -> None:
    with contextlib.suppress(OSError):
        subprocess.run([*TMUX, "kill-server"], capture_output=True, timeout=10)
    folder = os.environ.get("TMUX_TMPDIR") or tempfile.gettempdir()
    with contextlib.suppress(OSError, AttributeError):
        os.unlink(os.path.join(folder, f"tmux-{os.getuid()}", NAME))


atexit.register(_remove_server)

"""The tests' own tmux server: its own socket and no tmux.conf, so a tmux the developer runs
(its default-size, its options, its sessions) cannot change what a test's terminal shows."""

from __future__ import annotations

import os

TMUX = ["tmux", "-f", "/dev/null", "-L", f"college-tui-tests-{os.getpid()}"]

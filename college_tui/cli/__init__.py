"""The `college-tui` command line (click): the root group and the wizard in `root.py`, the
commands that work on a target in `engine_commands.py`, the instructor's in `class_commands.py`,
the sandbox on its own in `sandbox_commands.py`; what they share in `common.py`."""

from __future__ import annotations

from .root import main

__all__ = ["main"]

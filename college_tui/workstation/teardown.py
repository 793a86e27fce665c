"""Removing from the attendee's machine what the wizard made (`college-tui teardown`).

Each function removes one thing and says what it did; none touches a file the wizard did not
make: the ssh config keeps every line but college-tui's block, known_hosts every line but the
pinned one, and a clone holding work that exists nowhere else is removed only when asked.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .change import Change


def remove_ssh_block(config: Path) -> Change:
    """college-tui's block out of the ssh config; the file goes when nothing else is in it."""
    from .sshconfig import remove_host_block

    change = remove_host_block(config)
    if change == Change.REMOVED and config.exists() and not config.read_bytes().strip():
        config.unlink()
    return change


def remove_key_files(key: Path) -> list[Path]:
    """The private key and its `.pub` (made by the wizard): the paths removed."""
    removed = []
    for path in (key, key.with_name(key.name + ".pub")):
        if os.path.lexists(path):
            path.unlink()
            removed.append(path)
    return removed


def remove_empty_ssh_dir(ssh_dir: Path) -> bool:
    """The `.ssh` folder when it is left empty (it held only what the wizard made)."""
    with contextlib.suppress(OSError):
        if ssh_dir.is_dir() and not any(ssh_dir.iterdir()):
            ssh_dir.rmdir()
            return True
    return False


def remove_clone(clone: Path) -> None:
    """A clone folder, git's read-only object files included."""
    from .hostos.processes import remove_tree

    remove_tree(clone)
    with contextlib.suppress(OSError):  # `<home>/college`, when the clone was all it held
        clone.parent.rmdir()

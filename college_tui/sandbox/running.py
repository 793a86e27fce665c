"""A running sandbox (`college-tui sandbox serve`, or the one an `apply` started) says it serves its
data folder, so that `apply`, `plan` and the wizard on the same folder use it (its ports, its
database) instead of starting a second sandbox on other ports.

The sandbox's process holds an exclusive lock on `serving.json` in the data folder while it runs;
the file holds how to reach it, without the PAT (that stays in the sandbox's database). A lock
that nobody holds (a process that was killed) means nothing is serving.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import SandboxInfo

SERVING_FILE = "serving.json"
STARTING_FILE = "starting.lock"


class AlreadyServed(Exception):
    """Another sandbox serves this data folder (the message says where)."""


def _locked_by_someone(fd: int) -> bool:
    from ..workstation.hostos.processes import try_lock, unlock

    if not try_lock(fd, shared=True):
        return True
    unlock(fd)
    return False


def announce(info: SandboxInfo, by: str = "serve") -> Callable[[], None]:
    """Say that `info`'s sandbox serves its data folder, until the returned function is called.
    `by`: "serve" (`sandbox serve`, there for every run) or "run" (an apply's or the wizard's,
    stopped when that run ends).

    Raises AlreadyServed when another serve holds the folder.
    """
    path = Path(info.data_dir) / SERVING_FILE
    from ..workstation.hostos.processes import try_lock

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    if not try_lock(fd):
        os.close(fd)
        raise AlreadyServed(
            f"Another college-tui sandbox serves {info.data_dir} already: use that one, or "
            "stop it first."
        ) from None
    fields = {k: v for k, v in info.as_dict().items() if k != "pat"}
    fields["by"] = by
    os.ftruncate(fd, 0)
    os.write(fd, (json.dumps(fields) + "\n").encode("utf-8"))

    def release() -> None:
        os.ftruncate(fd, 0)  # a reader between now and the close finds nothing to use
        os.close(fd)  # closing releases the lock; the process dying does too

    return release


@contextlib.contextmanager
def starting(data_dir: Path, wait: float = 120.0) -> Iterator[None]:
    """Hold the data folder's start lock while looking for a sandbox that serves it and, when none
    does, starting and announcing one: two runs started at once on one folder (from two HOMEs)
    started two sandboxes on one database. The second waits here, then finds the first's.

    A small flock of its own (POSIX; on Windows a no-op, as the serving lock above): #23's
    cross-platform lock in workstation/ can replace it. Raises AlreadyServed after `wait` s.
    """
    folder = Path(data_dir)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(folder / STARTING_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl
        except ImportError:
            yield
            return
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AlreadyServed(
                        f"Another college-tui has been starting the sandbox for {folder} for "
                        f"{wait:g} s and has not finished: wait for it or stop it, then run "
                        "again; nothing was changed."
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def announcement(data_dir: Path) -> dict[str, Any] | None:
    """What a `sandbox serve` running on `data_dir` now announced (no PAT), or None."""
    path = Path(data_dir) / SERVING_FILE
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        if not _locked_by_someone(fd):
            return None
        fields = json.loads(path.read_text(encoding="utf-8") or "null")
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)
    return fields if isinstance(fields, dict) else None

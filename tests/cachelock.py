"""One builder at a time for a folder cached per machine (two xdist workers, or two runs)."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def building(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock beside `folder` while it is checked and, if need be, built."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f".{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other builder finishes first; then its marker
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)

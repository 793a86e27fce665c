"""The garbage collector around the wizard's long-lived objects (the SDK, paramiko, the sandbox)."""

from __future__ import annotations

import contextlib
import gc
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator


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
    def __call__(self) -> Iterator[None]:
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

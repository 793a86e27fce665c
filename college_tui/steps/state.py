"""Persisted progress of a run: a small JSON file per target, written atomically, never a secret.

The state is a cache and a resume hint only (ids learned, what was done when): every run starts by
inspecting the real world again. The file lives under the user state dir
(`college-tui/runs/<sha256(state_key)[:16]>.json`), or `$COLLEGE_TUI_STATE_DIR/runs/...`.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

STATE_DIR_ENV = "COLLEGE_TUI_STATE_DIR"
_VERSION = 1


class StateLockedError(Exception):
    """Another college-tui run is working on the same target right now."""


def state_dir() -> Path:
    """Where run state and logs live: `$COLLEGE_TUI_STATE_DIR` or the platform's user state dir."""
    override = os.environ.get(STATE_DIR_ENV)
    if override:
        return Path(override)
    from platformdirs import user_state_dir

    return Path(user_state_dir("college-tui", appauthor=False))


def state_path(state_key: str) -> Path:
    """The state file of the target identified by `state_key`."""
    digest = hashlib.sha256(state_key.encode("utf-8")).hexdigest()[:16]
    return state_dir() / "runs" / f"{digest}.json"


def state_dir_problem() -> str | None:
    """Why run state cannot be saved in `state_dir()` (a sentence naming the path), or None.

    Checked before a run changes anything, so a read-only home or a `COLLEGE_TUI_STATE_DIR`
    that names a file stops it with a sentence instead of a traceback half-way.
    """
    folder = state_dir()
    fix = (
        f"Set {STATE_DIR_ENV} to a folder you can write (e.g. {STATE_DIR_ENV}=/tmp/college-tui)"
        if not os.environ.get(STATE_DIR_ENV)
        else f"Point {STATE_DIR_ENV} at a folder you can write, or unset it"
    )
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        return (
            f"The state folder {folder} cannot be made: {existing} is a file, not a folder. {fix}."
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        return (
            f"The state folder {folder} cannot be written ({existing} is read-only or not "
            f"yours). {fix}."
        )
    runs = folder / "runs"
    if runs.exists() and not (runs.is_dir() and os.access(runs, os.W_OK | os.X_OK)):
        return f"The state folder {runs} is not a writable folder. {fix}."
    return None


class RunState:
    """Per-step dictionaries of facts (ids, paths, summaries), saved on every change."""

    def __init__(self, path: Path, state_key: str = "", *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.state_key = state_key
        self.read_only = read_only  # plan and check: changes stay in memory, the file is untouched
        self._lock = threading.RLock()
        self._guarded: list[str] = []
        self._steps: dict[str, dict[str, Any]] = self._read()

    @classmethod
    def for_key(cls, state_key: str, *, read_only: bool = False) -> RunState:
        """The state of the target identified by `state_key` (org URL or sandbox data dir)."""
        return cls(state_path(state_key), state_key, read_only=read_only)

    # -- reading -----------------------------------------------------------------------------

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # missing or damaged: the state is only a cache, start afresh
        steps = data.get("steps") if isinstance(data, dict) else None
        if not isinstance(steps, dict):
            return {}
        return {k: v for k, v in steps.items() if isinstance(v, dict)}

    def get(self, step_key: str) -> dict[str, Any]:
        """A copy of what is remembered for `step_key` ({} if nothing)."""
        with self._lock:
            return copy.deepcopy(self._steps.get(step_key, {}))

    def is_done(self, step_key: str) -> bool:
        with self._lock:
            return bool(self._steps.get(step_key, {}).get("done"))

    def steps(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._steps)

    # -- writing -----------------------------------------------------------------------------

    def guard(self, *secrets: str | None) -> None:
        """Refuse to ever write these strings (the PAT, the passphrase): a bug would leak them."""
        with self._lock:
            self._guarded.extend(s for s in secrets if s)

    def update(self, step_key: str, **values: Any) -> None:
        """Remember `values` for `step_key` (JSON-able, no secrets) and save at once."""
        with self._lock:
            entry = self._steps.setdefault(step_key, {})
            entry.update(_jsonable(values))
            entry["updated"] = _now()
            self._save()

    def mark_done(self, step_key: str, summary: str) -> None:
        self.update(step_key, done=True, summary=summary)

    def mark_not_done(self, step_key: str) -> None:
        with self._lock:
            if self._steps.get(step_key, {}).get("done"):
                self.update(step_key, done=False)

    def forget(self, step_key: str, *names: str) -> None:
        """Drop remembered values (all of the step's when no names are given)."""
        with self._lock:
            if step_key not in self._steps:
                return
            if names:
                for name in names:
                    self._steps[step_key].pop(name, None)
            else:
                del self._steps[step_key]
            self._save()

    def _save(self) -> None:
        from ..workstation.atomic import write_atomic

        text = json.dumps(
            {
                "version": _VERSION,
                "target": self.state_key,
                "updated": _now(),
                "steps": self._steps,
            },
            indent=2,
            sort_keys=True,
            ensure_ascii=False,
        )
        for secret in self._guarded:
            if secret in text:
                raise RuntimeError("refusing to write a secret into the run state file")
        if self.read_only:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, text + "\n", mode=0o600)

    # -- one run at a time -------------------------------------------------------------------

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold a lock file next to the state so two runs never work on one target at once."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_suffix(".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            from ..workstation.hostos.processes import try_lock

            if not try_lock(fd):
                raise StateLockedError(
                    "Another college-tui run is working on this target right now. Wait for it "
                    "to finish (or close it), then run again."
                ) from None
            self._remove_stale_temp_files()
            yield
        finally:
            os.close(fd)  # closing releases the lock; the process dying does too

    def _remove_stale_temp_files(self) -> None:
        # A run killed mid-write (SIGKILL) leaves its temp file beside the state; the real file
        # is intact (writes are atomic). Holding the lock, no other writer can own one.
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    # Paths and tuples are common in facts; anything else must already be JSON.
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, os.PathLike):
            value = os.fspath(value)
        elif isinstance(value, tuple):
            value = list(value)
        out[key] = json.loads(json.dumps(value, default=str))
    return out

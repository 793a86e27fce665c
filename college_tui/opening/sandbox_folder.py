"""The sandbox's data folder, looked at (never written): whether it can hold a sandbox, whether
it is the sandbox's to write into, whether its home stays inside it. Each returns the sentence
to say, or None; opening/sandbox_plan.py asks them once, before anything is written."""

from __future__ import annotations

import errno
import os
from pathlib import Path

DATA_PATH_MAX = 400  # the database and the bare repositories' files sit a few names below it


def data_problem(data: Path) -> str | None:
    """Why `data` cannot hold a sandbox (a sentence naming the folder and what to do), or None:
    a file, read-only, not yours, or a name too long for this system. Only looks."""
    if len(str(data).encode()) > DATA_PATH_MAX:  # SQLite opens no file past ~512 bytes of path
        return (
            f"The sandbox data folder's name is too long for its database ({len(str(data))} "
            f"characters; at most {DATA_PATH_MAX}): choose a shorter folder with --data DIR."
        )
    try:
        existing = data
        while not existing.exists() and existing.parent != existing:
            existing = existing.parent
        problem = None
        if not existing.is_dir():
            problem = f"{existing} is a file, not a folder"
        elif not os.access(existing, os.W_OK | os.X_OK):
            problem = f"{existing} cannot be written (read-only or not yours)"
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            problem = f"it cannot be read ({exc.strerror or exc})"
        else:
            return (
                f"The sandbox data folder's name is too long for this system ({len(str(data))} "
                "characters, or one part of it over 255): choose a shorter folder with "
                "--data DIR."
            )
    if problem:
        return (
            f"The sandbox data folder {_short(data)} cannot be used: {problem}. Choose another "
            "folder with --data DIR."
        )
    return None


def foreign_folder(data: Path) -> str | None:
    """Why `data` is not the sandbox's to write into, or None.

    A data folder must be missing, empty, or a sandbox's already (it holds the sandbox's
    database, or only what the sandbox makes): the sandbox never writes among the user's own
    files. Only looks; call after `data_problem` found nothing.
    """
    # subprocess and shutil come with it: not for every command that imports the opening
    from ..workstation.fresh import SANDBOX_MARKER, sandbox_made

    try:
        if not data.is_dir() or (data / SANDBOX_MARKER).exists():
            return None
        theirs = sorted(entry.name for entry in data.iterdir() if not sandbox_made(entry))
    except OSError as exc:
        return f"{_short(data)} cannot be read ({exc.strerror or exc})."
    if not theirs:
        return None
    shown = ", ".join(theirs[:3]) + (f" and {len(theirs) - 3} more" if len(theirs) > 3 else "")
    return (
        f"{_short(data)} holds files ({shown}) and does not look like a sandbox data folder "
        f"(no {SANDBOX_MARKER}): the sandbox writes only into a new or empty folder or its "
        "own, so nothing of yours is mixed with its files. Choose another folder; nothing was "
        "changed."
    )


def home_outside(data: Path) -> str | None:
    """Why the sandbox home of `data` is not the sandbox's own, or None: its `home`, `home/.ssh`
    or `home/college` resolving outside the data folder (a symlink to the real HOME would put the
    rehearsal's key, ssh config and clone among the attendee's own files)."""
    for part in ("home", "home/.ssh", "home/college"):
        place = data / part
        try:
            if not place.is_symlink() and not place.exists():
                continue
            root, real = data.resolve(), place.resolve()
        except (OSError, RuntimeError):  # unreadable or too long: data_problem says so
            return None
        if real != root and root not in real.parents:
            return (
                f"{_short(place)} leads outside the data folder ({_short(real)}): the "
                "sandbox writes its SSH key, ssh config and clone there, never among your own "
                "files. Remove that link or choose another folder with --data DIR; nothing was "
                "changed."
            )
    return None


def _short(path: Path) -> str:
    text = str(path)
    return text if len(text) <= 200 else f"{text[:90]}…{text[-90:]}"

"""What a git clone holds that exists nowhere else: changed or new files, commits never pushed, stashes.

`--fresh` deletes the sandbox data folder, clones in its home included; before it does, this says
what in each clone would be lost. Read-only git commands only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .childenv import child_env


def find_clones(folder: Path) -> list[Path]:
    """Every git working tree under `folder` (a folder holding `.git`), outermost first."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        if ".git" in dirs or ".git" in files:
            found.append(Path(root))
        dirs[:] = sorted(d for d in dirs if d != ".git")
    return found


def unsaved_work(clone: Path) -> list[str]:
    """What in `clone` is not on its server, one phrase each; [] when nothing would be lost.

    "On the server" means reachable from a remote-tracking branch (what the last fetch or push
    saw). When git cannot tell (no git, a damaged repository), that is said too: better to keep
    a clone than to guess.
    """
    status = _git(clone, "status", "--porcelain", "--untracked-files=all")
    if status is None:
        return ["a repository git cannot read (kept to be safe)"]
    work = []
    files = [line for line in status.splitlines() if line.strip()]
    if files:
        work.append(
            f"{len(files)} changed or new file(s) not committed "
            f"({', '.join(line[3:] for line in files[:3])}{', …' if len(files) > 3 else ''})"
        )
    unpushed = _git(clone, "rev-list", "--count", "--branches", "--not", "--remotes")
    if unpushed is None:
        work.append("branches git cannot compare with the server (kept to be safe)")
    elif unpushed.strip() not in ("", "0"):
        work.append(f"{unpushed.strip()} commit(s) not pushed to the server")
    stashes = _git(clone, "stash", "list")
    if stashes and stashes.strip():
        work.append(f"{len(stashes.strip().splitlines())} stash(es)")
    return work


def _git(clone: Path, *args: str) -> str | None:
    exe = shutil.which("git")
    if exe is None:
        return None
    env = child_env()
    env.update(LC_ALL="C", GIT_TERMINAL_PROMPT="0")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CONFIG"):
        env.pop(name, None)  # they would point git at another repository
    try:
        result = subprocess.run(
            [exe, "-C", str(clone), *args],
            env=env,
            capture_output=True,
            text=True,
            errors="replace",
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None

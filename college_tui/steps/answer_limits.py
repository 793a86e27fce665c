"""Limits git and the file system put on what the answers name: lengths and a branch's form,
checked before the first call (not at the clone or the pull request, after the organisation,
project and key were made)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .answers import Answers

ALIAS_MAX = 64  # it names the branch and a file of the course repository
BRANCH_MAX = 250  # git keeps a branch as a file (+ ".lock" while writing): 255 bytes a name
NAME_MAX = 255  # bytes in one file or folder name, on every file system the course meets


def length_problems(answers: Answers) -> list[str]:
    """Lengths git and the file system refuse, found before the first call (not at the clone or
    the pull request, after the organisation, project and key were made)."""
    problems = []
    if len(answers.alias or "") > ALIAS_MAX:
        problems.append(
            f"alias: {len(answers.alias)} characters is too long: use at most {ALIAS_MAX} (it "
            "names your branch and your file in the course repository)."
        )
    if len((answers.branch or "").encode()) > BRANCH_MAX:
        problems.append(
            f"branch: {len(answers.branch)} characters is too long for git: use at most "
            f"{BRANCH_MAX}."
        )
    for field_name in ("clone_dir", "key_path"):
        path = getattr(answers, field_name)
        name = Path(path or "").name  # its own name (the folders above: the data folder's check)
        if len(name.encode()) > NAME_MAX:
            problems.append(
                f"{field_name}: its name is {len(name.encode())} bytes long ({name[:20]}…): "
                f"file systems allow {NAME_MAX}; choose a shorter name."
            )
    return problems


def check_branch_name(name: str) -> str | None:
    """git check-ref-format's rules for a branch name; None when valid."""
    if not name:
        return "The branch name is empty."
    if (
        name.startswith(("-", "/"))
        or name.endswith(("/", ".", ".lock"))
        or ".." in name
        or "//" in name
        or "@{" in name
        or name == "@"
        or any(c in name for c in " ~^:?*[\\\x7f")
        or any(ord(c) < 32 for c in name)
        or any(part.startswith(".") for part in name.split("/"))
    ):
        return (
            f"{name!r} is not a valid git branch name (no spaces, '..', ~ ^ : ? * [ \\, and "
            "no part starting with a dot)."
        )
    return None

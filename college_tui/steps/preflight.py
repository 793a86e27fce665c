"""Checks of the attendee's machine that must pass BEFORE anything is changed anywhere.

A key file that is not an RSA key, or a clone folder that already holds something else, would
stop the run at step 6 or 8, after the project and team exist. Finding them first means a refused
run leaves nothing half-made.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .answers import Answers


def preflight(answers: Answers, passphrase: str | None = None) -> list[str]:
    """Problems with this machine and the local files named in the answers, one sentence each.

    [] when fine. The programs the steps run (git; ssh when the answers ask for SSH only) are
    checked here, before anything is changed anywhere.
    """
    problems: list[str] = list(missing_programs(answers))
    key_path = Path(answers.key_path) if answers.key_path else None
    if key_path is not None and os.path.lexists(key_path):
        problems.extend(_key_problems(key_path, passphrase))
    clone_dir = Path(answers.clone_dir) if answers.clone_dir else None
    if clone_dir is not None and os.path.lexists(clone_dir):
        problem = _clone_dir_problem(clone_dir)
        if problem:
            problems.append(problem)
    return problems


def missing_programs(answers: Answers) -> list[str]:
    """The programs the steps run that are not on PATH, one sentence each."""
    problems = []
    if shutil.which("git") is None:
        problems.append(
            "git is not installed (or not on PATH); the wizard needs it to clone the repository "
            "and push a branch: install it from https://git-scm.com/downloads, then run "
            "college-tui again."
        )
    if answers.clone_protocol == "ssh" and _no_ssh():
        problems.append(
            "ssh (OpenSSH) is not installed (or not on PATH), and the answers set "
            'clone_protocol = "ssh": install the OpenSSH client, or set clone_protocol = "auto" '
            "to clone over HTTPS, then run college-tui again."
        )
    return problems


def _key_problems(key_path: Path, passphrase: str | None) -> list[str]:
    from ..workstation.errors import SshKeyError, WorkstationError
    from ..workstation.sshkeys import load_key_info

    if key_path.is_dir():
        return [f"key_path: {key_path} is a folder, not a key file. Choose another key_path."]
    try:
        load_key_info(key_path, passphrase)
    except SshKeyError as exc:
        return [f"key_path: {exc}"]
    except WorkstationError as exc:
        return [f"key_path: {exc}"]
    return []


def _clone_dir_problem(clone_dir: Path) -> str | None:
    if not clone_dir.is_dir():
        return (
            f"clone_dir: {clone_dir} exists and is not a folder. Move it away or choose "
            "another clone_dir."
        )
    try:
        entries = os.listdir(clone_dir)
    except OSError as exc:
        return f"clone_dir: cannot read {clone_dir}: {exc.strerror}."
    if not entries:
        return None
    if ".git" in entries:
        return None  # a clone: whether it is OUR clone is the clone step's question
    return (
        f"clone_dir: {clone_dir} already holds other files and is not a git clone; college-tui "
        "never clones over them. Empty it, move it away or choose another clone_dir."
    )


def _no_ssh() -> bool:
    """No ssh that git runs (on Windows Git's own counts, though none is on PATH)."""
    from ..workstation.hostos.sshstack import git_ssh

    return git_ssh().ssh is None

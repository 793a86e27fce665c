"""How the sandbox runs git: on its bare repositories, with a neutral environment.

Shared by the repositories (repos.py), the bundled course (courserepo.py), the SSH server and
the smart-HTTP endpoint.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from ..workstation.childenv import child_env
from .service import Sandbox

GIT_MISSING = (
    "the sandbox keeps its repositories with git, and git is not installed (or not on PATH): "
    "install it from https://git-scm.com/downloads, then start again."
)


class GitMissingError(RuntimeError):
    """git is not on PATH: the sandbox cannot keep a repository (said before it starts)."""


def require_git() -> None:
    """Raise GitMissingError when git is not on PATH.

    Checked before the sandbox serves anything: otherwise the first repository (the project's
    default one) fails inside a request, and the client sees an HTTP 500 it blames on Azure DevOps.
    """
    if shutil.which("git") is None:
        raise GitMissingError(GIT_MISSING)


def run_git(
    args: list[str], cwd: Path | None = None, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    """Run git quietly with a neutral environment; raises CalledProcessError on failure."""
    # child_env: the attendee's PAT or passphrase (same process in --sandbox mode) stays here.
    env = {
        **child_env(),
        "GIT_TERMINAL_PROMPT": "0",
        "LC_ALL": "C",
        "GIT_CONFIG_NOSYSTEM": "1",
        # The service's git must not pick up the user's ~/.gitconfig (signing, templates...).
        "GIT_CONFIG_GLOBAL": os.devnull,
        **kwargs.pop("env", {}),
    }
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True, **kwargs
    )


def service_env(sandbox: Sandbox) -> dict[str, str]:
    """The environment of the `git upload-pack` / `receive-pack` that serve a client (SSH, HTTP).

    Nothing of the sandbox's own process (the attendee's PAT in --sandbox mode), no user config.
    """
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LC_ALL": "C",
        "HOME": str(sandbox.data_dir),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }


def git(path: Path, *args: str, **kwargs: Any) -> str:
    """Output of a git command run against the bare repository at `path`."""
    return run_git(["--git-dir", str(path), *args], **kwargs).stdout


def repo_path(sandbox: Sandbox, repo: dict[str, Any]) -> Path:
    """The bare repository of `repo` on disk (by id, never by a user-typed name)."""
    return sandbox.repos_dir / f"{repo['id']}.git"

"""Helpers shared by the workstation tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

needs_ssh_keygen = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs OpenSSH")
needs_ssh = pytest.mark.skipif(shutil.which("ssh") is None, reason="needs OpenSSH")


def run(*args: str | os.PathLike, cwd: os.PathLike | str | None = None, check: bool = True, **kw):
    """Run a command (no shell) and return CompletedProcess with text output."""
    return subprocess.run(
        [os.fspath(a) for a in args], cwd=cwd, check=check, capture_output=True, text=True, **kw
    )


def git(*args: str | os.PathLike, cwd: os.PathLike | str | None = None, check: bool = True):
    """Run git with a fixed identity (tests never rely on a global config)."""
    return run(
        "git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
        "-c", "init.defaultBranch=main", *args, cwd=cwd, check=check,
    )  # fmt: skip


def make_bare_repo(root: Path, name: str = "repo.git", files: int = 30) -> Path:
    """A bare repository with ``files`` files of random text on ``main``."""
    work = root / (name + "-work")
    work.mkdir(parents=True)
    git("init", "-q", "-b", "main", work)
    for i in range(files):
        (work / f"file{i:02}.txt").write_text(os.urandom(1500).hex() + "\n")
    (work / "README.md").write_text("# course\n")
    git("add", ".", cwd=work)
    git("commit", "-q", "-m", "initial", cwd=work)
    bare = root / name
    bare.parent.mkdir(parents=True, exist_ok=True)
    git("clone", "-q", "--bare", work, bare)
    shutil.rmtree(work)
    return bare


def tree_snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path → bytes), to prove nothing changed."""
    return {
        os.path.relpath(p, folder): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }

"""Fixtures for the doctor's tests: fake programs on PATH, a temp home, targets on a sandbox."""

from __future__ import annotations

import os
import shutil
import socket
import stat
from pathlib import Path

import pytest


def write_program(folder: Path, name: str, script: str) -> Path:
    """A fake program: a shell script `name` in `folder`, executable."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.fixture
def fake_bin(tmp_path, monkeypatch) -> Path:
    """A folder put first on PATH, for fake programs."""
    folder = tmp_path / "fake-bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    return folder


@pytest.fixture
def path_without(tmp_path, monkeypatch):
    """PATH = a folder holding links to the real programs named, and nothing else."""

    def make(*keep: str) -> Path:
        folder = tmp_path / "only-bin"
        folder.mkdir(exist_ok=True)
        for name in keep:
            real = shutil.which(name)
            if real:
                (folder / name).symlink_to(real)
        monkeypatch.setenv("PATH", str(folder))
        return folder

    return make


@pytest.fixture
def home(tmp_path) -> Path:
    folder = tmp_path / "home"
    (folder / ".ssh").mkdir(parents=True, mode=0o700)
    return folder


def closed_port() -> int:
    """A loopback port nothing listens on: bound, then closed."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

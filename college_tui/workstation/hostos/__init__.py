"""Every question whose answer differs by operating system, answered here and nowhere else.

Attendees bring Windows, macOS and Linux. Nothing else in college_tui branches on `sys.platform`
or `os.name` (tests/workstation/test_hostos_house.py checks): it asks this package.

- which `ssh`, `ssh-keygen`, `ssh-add` git really runs, and where that ssh reads its config:
  :mod:`.sshstack`
- making a private key file private and checking it (Windows: its ACL): :mod:`.keyfiles`
- the agent for a passphrase-protected key (Windows: a service on a pipe): :mod:`.agent`
- one run at a time (file locks), stopping a process tree, removing a clone with read-only
  files: :mod:`.processes`
- handing git a one-call secret over HTTPS (`/dev/fd` or a loopback socket): :mod:`.secretpass`
- the clipboard, the browser, the kind of terminal: :mod:`.desktop`

Each answer takes a :class:`Host` (the default is this machine), so tests ask every question for
`win32`, `darwin` and `linux` on Linux, against fake layouts.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

WINDOWS, MACOS, LINUX = "win32", "darwin", "linux"


@dataclass(frozen=True)
class Host:
    """The operating system asked about: its kind (`system`) and its environment variables."""

    system: str
    env: Mapping[str, str] = field(default_factory=dict)
    wsl: bool = False  # Linux inside Windows (WSL): Windows' browser and clipboard are near

    @classmethod
    def current(cls) -> Host:
        """This machine, with the environment as it is now."""
        system = (
            WINDOWS if sys.platform == "win32" else MACOS if sys.platform == "darwin" else LINUX
        )
        return cls(system, os.environ, wsl=system == LINUX and _in_wsl(os.environ))

    @property
    def windows(self) -> bool:
        return self.system == WINDOWS

    @property
    def macos(self) -> bool:
        return self.system == MACOS

    @property
    def posix(self) -> bool:
        """Linux, macOS and the other Unix-likes: fcntl, signals to process groups, modes."""
        return self.system != WINDOWS

    def which(self, name: str) -> str | None:
        """`name` on this host's PATH, as an absolute path (None when absent)."""
        path = self.env.get("PATH", os.defpath)
        found = shutil.which(name, path=path)
        if found is None and self.windows and not name.lower().endswith(".exe"):
            found = shutil.which(name + ".exe", path=path)  # what PATHEXT does on Windows
        return os.path.abspath(found) if found else None

    def command_path(self, path: str) -> str:
        """A program path as git's shell runs it: on Windows with forward slashes (sh and
        Git for Windows' bash both read `C:/Program Files/...`)."""
        return path.replace("\\", "/") if self.windows else path


def ask(args: list[str], timeout: float = 15) -> subprocess.CompletedProcess[str] | None:
    """Run a system tool (icacls, sc, taskkill) to its end, its output as text; None when it
    could not run at all."""
    try:
        return subprocess.run(
            args, capture_output=True, text=True, errors="replace", timeout=timeout
        )
    except (OSError, subprocess.SubprocessError):
        return None


def here(host: Host | None = None) -> Host:
    """`host`, or this machine when None."""
    return Host.current() if host is None else host


def _in_wsl(env: Mapping[str, str]) -> bool:
    return bool(env.get("WSL_DISTRO_NAME") or env.get("WSL_INTEROP")) or _wsl_kernel()


@functools.cache
def _wsl_kernel() -> bool:
    """Whether the kernel is WSL's (read once: it does not change while we run)."""
    try:
        release = Path("/proc/sys/kernel/osrelease").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return "microsoft" in release.lower()

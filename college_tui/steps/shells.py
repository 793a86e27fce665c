"""The attendee's shell for "By hand" text: bash (Linux, macOS) or PowerShell (Windows).

Each sequence must run as shown where the attendee types it: PowerShell has no `$(…)`
assignment, no `&&` in Windows PowerShell 5.1, no `mkdir -p`, no `~` for native programs, and
its `>` writes UTF-16.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass

_PLAIN = re.compile(r"[A-Za-z0-9_./:=+@-]+")


@dataclass(frozen=True)
class Shell:
    """How a command line is written in one shell."""

    name: str  # "bash" or "powershell"

    @classmethod
    def attendees(cls) -> Shell:
        """The shell the attendee types in on this machine (PowerShell on Windows)."""
        from ..workstation.hostos import here

        return cls("powershell" if here().windows else "bash")

    @property
    def powershell(self) -> bool:
        return self.name == "powershell"

    def q(self, text: str) -> str:
        """`text` as one argument."""
        if not self.powershell:
            return shlex.quote(text)
        if _PLAIN.fullmatch(text) and not text.startswith("@"):
            return text
        return "'" + text.replace("'", "''") + "'"

    def git_path(self, path: os.PathLike[str] | str) -> str:
        """A path inside a command git runs through its own sh (`core.sshCommand`): Windows'
        backslashes would be eaten there, so forward slashes in PowerShell's text."""
        text = os.fspath(path)
        return text.replace("\\", "/") if self.powershell else text

    def home(self, relative: str) -> str:
        """A path under the home folder (`relative` with forward slashes)."""
        return f"$HOME/{relative}" if self.powershell else f"~/{relative}"

    def capture(self, name: str, command: str) -> str:
        """Keep `command`'s output in the variable `name` (used later as `$name`)."""
        return f"${name} = {command}" if self.powershell else f"{name}=$({command})"

    def write_file(self, folder: str, path: str, line: str) -> list[str]:
        """Create `folder` if needed and write `line` into `path` (UTF-8)."""
        if self.powershell:
            return [
                f"New-Item -ItemType Directory -Force {self.q(folder)} | Out-Null",
                f"Set-Content -Encoding utf8 {self.q(path)} {self.q(line)}",
            ]
        return [f"mkdir -p {self.q(folder)} && echo {self.q(line)} > {self.q(path)}"]

    def both(self, first: str, then: str) -> list[str]:
        """`then` only when `first` worked."""
        if self.powershell:
            return [first, f"if ($?) {{ {then} }}"]
        return [f"{first} && {then}"]

"""Making a private key file private, and checking that it is.

POSIX: the mode (0600 for a key, 0700 for ~/.ssh). Windows ignores every mode bit but read-only;
Windows' OpenSSH loads a private key only when no one but the user, SYSTEM and Administrators may
read it ("UNPROTECTED PRIVATE KEY FILE"), so there the file gets a protected ACL through `icacls`:
inheritance removed, full control for the user, SYSTEM (S-1-5-18) and Administrators
(S-1-5-32-544), nothing else.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from . import Host, ask, here

# Principals Windows' OpenSSH refuses on a private key, as icacls names them (English) or by SID.
_LOOSE_PRINCIPALS = re.compile(
    r"(?:^|\\|\*)(?:Everyone|Users|Authenticated Users|S-1-1-0|S-1-5-32-545|S-1-5-11)\s*:",
    re.IGNORECASE,
)


def applies_modes(host: Host | None = None) -> bool:
    """Whether file modes (0600, 0700) mean anything here (not on Windows)."""
    return here(host).posix


def loose_mode(path: Path, host: Host | None = None) -> int | None:
    """The mode of `path` when group or others may use it (POSIX), else None."""
    if not applies_modes(host):
        return None
    mode = stat.S_IMODE(path.stat().st_mode)
    return mode if mode & 0o077 else None


def make_private(path: Path, host: Host | None = None) -> str | None:
    """Let only the user (and, on Windows, SYSTEM and Administrators) read `path`.

    POSIX: chmod 0600. Windows: `icacls` as above. Returns None when done, else a sentence saying
    what failed and what to do (the caller decides whether that stops a step).
    """
    host = here(host)
    if host.posix:
        os.chmod(path, 0o600)
        return None
    icacls = host.which("icacls")
    user = host.env.get("USERNAME", "")
    if icacls is None or not user:
        return _acl_sentence(path, "icacls or the USERNAME variable is missing")
    for args in (
        [icacls, str(path), "/reset"],
        [icacls, str(path), "/inheritance:r", "/grant:r", f"{user}:F",
         "/grant:r", "*S-1-5-18:F", "/grant:r", "*S-1-5-32-544:F"],
    ):  # fmt: skip
        said = _run(args)
        if said is not None:
            return _acl_sentence(path, said)
    return None


def loose_acl(path: Path, host: Host | None = None) -> str | None:
    """Windows: the principals besides the user, SYSTEM and Administrators that may read `path`
    (as icacls names them), or None when the file is private (or not on Windows)."""
    host = here(host)
    icacls = host.which("icacls") if host.windows else None
    if icacls is None:
        return None
    done = ask([icacls, str(path)])
    if done is None:
        return None
    loose = [
        line.strip().removeprefix(str(path)).strip()
        for line in done.stdout.splitlines()
        if _LOOSE_PRINCIPALS.search(line)
    ]
    return ", ".join(loose) or None


def _run(args: list[str]) -> str | None:
    done = ask(args)
    if done is None:
        return f"{args[0]} could not run"
    if done.returncode == 0:
        return None
    lines = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
    return lines[-1] if lines else f"exit code {done.returncode}"


def _acl_sentence(path: Path, why: str) -> str:
    return (
        f"college-tui could not make {path} readable by you only ({why}); Windows' OpenSSH "
        "refuses a key others may read. In PowerShell run: "
        f'icacls "{path}" /inheritance:r /grant:r "$env:USERNAME:F", then run the step again.'
    )

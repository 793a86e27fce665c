"""One run at a time (a lock on an open file), stopping git with its ssh child, and removing a
folder that holds read-only files (git's objects on Windows).

Locks: POSIX `flock` on the descriptor; Windows `msvcrt.locking` on one byte far past the data,
so the locked file itself stays readable (Windows locks are mandatory: a lock on the data would
stop a reader of `serving.json`). Both go with the descriptor's close or the process's death.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from . import LINUX, Host, ask, here

_WINDOWS_LOCK_OFFSET = 0x7FFFFFFE  # a byte no file of ours reaches
_SYSTEM = "win32" if sys.platform == "win32" else "posix"  # what this Python can call


def try_lock(fd: int, shared: bool = False) -> bool:
    """Lock the open file `fd` without waiting; False when another process holds it.

    `shared` (POSIX) lets other shared holders in; on Windows every lock is exclusive, which is
    what the callers' "is anyone holding it?" questions need as well.
    """
    if _SYSTEM == "win32":
        import msvcrt

        position = os.lseek(fd, 0, os.SEEK_CUR)
        try:
            os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            # msvcrt has these on Windows only, and mypy reads the stubs as on this platform
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined,unused-ignore]
        except OSError:
            return False
        finally:
            os.lseek(fd, position, os.SEEK_SET)
        return True
    import fcntl

    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def unlock(fd: int) -> None:
    """Release a lock taken with :func:`try_lock` (closing `fd` releases it too)."""
    if _SYSTEM == "win32":
        import msvcrt

        position = os.lseek(fd, 0, os.SEEK_CUR)
        with contextlib.suppress(OSError):
            os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            # msvcrt has these on Windows only, and mypy reads the stubs as on this platform
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined,unused-ignore]
        os.lseek(fd, position, os.SEEK_SET)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def own_group(host: Host | None = None) -> dict[str, Any]:
    """Popen options that start a child in a process group of its own: a cancel then reaches
    its children too, and the terminal's Ctrl+C stays ours."""
    if here(host).posix:
        return {"start_new_session": True}
    return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200)}


def own_group_below_normal(host: Host | None = None) -> dict[str, Any]:
    """`own_group`, and on Windows "below normal" priority from the start (POSIX lowers its own:
    `lower_own_priority`)."""
    options = own_group(host)
    if not here(host).posix:
        options["creationflags"] |= getattr(subprocess, "BELOW_NORMAL_PRIORITY_CLASS", 0x4000)
    return options


def lower_own_priority(nice: int, host: Host | None = None) -> list[str]:
    """This process `nice` below normal (POSIX; Windows set it at the start): its own nice and,
    on Linux, its session's autogroup, since Linux schedules a session's processes as one group
    and a child in a session of its own (`own_group`) would otherwise weigh as much as the whole
    parent. Returns what was lowered ("nice", "autogroup"); what the system refuses is skipped."""
    host = here(host)
    lowered: list[str] = []
    if not host.posix:
        return lowered
    with contextlib.suppress(OSError):
        os.nice(nice)
        lowered.append("nice")
    if host.system == LINUX:
        with contextlib.suppress(OSError), open("/proc/self/autogroup", "w") as autogroup:
            autogroup.write(str(nice))
            lowered.append("autogroup")
    return lowered


def git_cleans_up(host: Host | None = None) -> bool:
    """Whether a git stopped by :func:`stop_tree` removes its half-made clone itself (POSIX:
    SIGTERM lets it; Windows' taskkill /F does not)."""
    return here(host).posix


def stop_tree(
    proc: subprocess.Popen[bytes] | subprocess.Popen[str], host: Host | None = None
) -> None:
    """Stop `proc` and everything it started (git and its ssh).

    POSIX: SIGTERM to the group (git then removes a half-made clone itself). Windows:
    `taskkill /T /F`, which ends the whole tree; what git left is removed by the caller
    (:func:`remove_tree`), since git had no chance to.
    """
    host = here(host)
    if proc.poll() is not None:
        return
    if host.posix:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
        return
    taskkill = host.which("taskkill")
    if taskkill is not None:
        ask([taskkill, "/T", "/F", "/PID", str(proc.pid)])
    if proc.poll() is None:
        proc.terminate()


def remove_tree(path: os.PathLike[str] | str) -> None:
    """`shutil.rmtree`, clearing the read-only flag of what will not go (git's object files on
    Windows) and trying again; OSError when something still stays."""

    def clear_and_retry(function: Callable[[str], object], name: str, _error: object) -> None:
        os.chmod(name, stat.S_IWRITE | stat.S_IREAD | (stat.S_IEXEC if os.path.isdir(name) else 0))
        function(name)

    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=clear_and_retry)
    else:
        shutil.rmtree(path, onerror=clear_and_retry)

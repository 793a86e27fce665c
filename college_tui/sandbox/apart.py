"""A sandbox in a process of its own, for the full-screen wizard.

In the wizard's process the sandbox's threads (uvicorn, the SSH server, its database) competed
with the screen for the interpreter's lock: the event loop stalled two to four times longer than
Textual alone (figure 3, docs/performance.md). `start_apart` starts the same sandbox (ports.py
`start_kept`: the ports of the last start, the same data folder) in a child interpreter and
returns once it listens; the child says how to reach it on one line of its stdout and stops when
its stdin closes: `stop()`, or the wizard's process ending in any way (even killed).

The child says its REST side is ready on that first line, before its SSH server is up, and says a
second line when the SSH server listens (or why it did not start): `start_apart(ssh_later=True)`
returns at the first line, and `start_ssh()` waits for the second (issue 28: the sign-in and the
organisation's reads need only REST; the paramiko import and the host key are ~0.3 s and more).

Run as `python -m college_tui.sandbox.apart DATA CONFIG_JSON [FAULTS]` by `start_apart` only.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..workstation.hostos.processes import own_group
from .server import SandboxInfo
from .service import SandboxConfig

STOP_SECONDS = 10  # the sandbox's own graceful stop is 2 s; then it is killed
_SETTINGS = (
    "org_name",
    "user_name",
    "user_email",
    "project_create_seconds",
    "import_seconds",
    "token_seconds",
    "device_code_interval",
)


@dataclass
class ApartStart:
    """A sandbox started apart, as ports.KeptStart says a started one: a sentence per port
    that could not be kept."""

    server: SandboxApart
    info: SandboxInfo
    moved: list[str]


class SandboxApart:
    """A sandbox running in a child process (`start_apart`); `stop()` ends it and waits."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process
        self._ssh_lock = threading.Lock()
        self._ssh_said: dict[str, Any] | None = None

    def start_ssh(self, *, after_first_request: float = 0) -> SandboxInfo:
        """The child starts its SSH server by itself, at once (in a process of its own it takes
        nothing from the engine: `after_first_request` is SandboxServer's): wait for its second
        line, the info with the SSH server's host key (as SandboxServer.start_ssh gives it).
        RuntimeError with the child's words when the SSH server did not start."""
        with self._ssh_lock:
            if self._ssh_said is None:
                self._ssh_said = _first_line(self._process.stdout)
        said = self._ssh_said
        if "ssh" in said:
            return SandboxInfo(**said["ssh"])
        raise RuntimeError(str(said.get("ssh_error") or "its process ended"))

    @property
    def pid(self) -> int:
        return self._process.pid

    def stop(self) -> None:
        process = self._process
        if process.stdin is not None and not process.stdin.closed:
            process.stdin.close()  # the child's signal to stop
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def start_apart(
    data: Path, *, faults: str | None, config: SandboxConfig, ssh_later: bool = False
) -> ApartStart:
    """Start the sandbox of `data` in a child process on its kept ports, as ports.start_kept
    does in this one; what stopped it starting is raised as there: ports.PortProblem, an
    OSError naming the file that cannot be written, or a RuntimeError. `ssh_later`: return
    once REST listens (the info without the host key; `server.start_ssh()` waits for it)."""
    from ..workstation.childenv import child_env

    # The SDK keeps its discovery cache beside the sandbox's data (as SandboxServer.start does
    # for a sandbox in this process): the engine here is the one reading it.
    os.environ.setdefault("AZURE_DEVOPS_CACHE_DIR", str(Path(data) / "sdk-cache"))
    settings = {name: getattr(config, name) for name in _SETTINGS}
    # -P: the current folder is not put first on the child's path (run inside another checkout
    # of this project, its `college_tui` would be imported instead of the installed one).
    command = [sys.executable, "-P", "-m", __name__, str(data), json.dumps(settings), faults or ""]
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # never over the wizard's screen; failures come on stdout
        env=child_env(),
        # Keys typed in the terminal (Ctrl+C) are the wizard's: the child is not in its group.
        **own_group(),
    )
    running = SandboxApart(process)
    said = _first_line(process.stdout)
    if "info" in said:
        info, moved = SandboxInfo(**said["info"]), list(said.get("moved", []))
        if not ssh_later:
            try:
                info = running.start_ssh()
            except RuntimeError:
                running.stop()
                raise
        return ApartStart(running, info, moved)
    running.stop()
    message = str(said.get("message") or f"its process ended (exit code {process.poll()})")
    if said.get("kind") == "port":
        from .ports import PortProblem

        raise PortProblem(message)
    if said.get("kind") == "file":
        raise OSError(errno.EACCES, said.get("strerror") or message, said.get("filename"))
    raise RuntimeError(message)


def _first_line(stdout: IO[bytes] | None) -> dict[str, Any]:
    line = stdout.readline() if stdout is not None else b""
    try:
        said = json.loads(line)
    except ValueError:
        return {}
    return said if isinstance(said, dict) else {}


def main(argv: list[str]) -> int:
    """The child: start, say how to reach it (or why not), serve until stdin closes."""
    from .ports import PortProblem, start_kept

    data, settings, faults = Path(argv[0]), json.loads(argv[1]), argv[2] or None
    logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)
    config = dataclasses.replace(SandboxConfig(), **settings)
    try:
        kept = start_kept(data, faults=faults, config=config, ssh_later=True)
    except PortProblem as exc:
        return _say({"kind": "port", "message": str(exc)})
    except OSError as exc:
        kind = "file" if exc.filename is not None else "other"
        return _say(
            {"kind": kind, "message": str(exc), "filename": exc.filename, "strerror": exc.strerror}
        )
    except Exception as exc:
        return _say({"kind": "other", "message": str(exc)})
    try:
        _say({"info": kept.info.as_dict(), "moved": kept.moved})  # REST listens
        try:
            _say({"ssh": kept.server.start_ssh().as_dict()})
        except Exception as exc:  # REST goes on serving; the opener says what this means
            _say({"ssh_error": str(exc) or type(exc).__name__})
        sys.stdin.buffer.read()  # until the wizard closes it, or its process ends
    finally:
        kept.server.stop()
    return 0


def _say(message: dict[str, Any]) -> int:
    sys.stdout.write(json.dumps(message, default=str) + "\n")
    sys.stdout.flush()
    return 0 if {"info", "ssh", "ssh_error"} & message.keys() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

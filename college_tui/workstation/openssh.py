"""Facts about the OpenSSH client on this machine: its version and the user's ssh-agent.

Azure DevOps refuses SHA-1 (`ssh-rsa`) signatures; OpenSSH signs with rsa-sha2-256/512 from
release 7.2 on (it negotiates them through the server-sig-algs extension). Every child process
gets an environment without secrets (childenv).
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass

from .childenv import child_env
from .hostos.agent import WINDOWS_AGENT_PIPE, private_agent_possible, windows_agent_service
from .hostos.sshstack import git_ssh

RSA_SHA2_SINCE = (7, 2)  # first OpenSSH release that signs with rsa-sha2-256/512
_VERSION_RE = re.compile(r"OpenSSH[_ ]?(?:for_Windows_)?(\d+)\.(\d+)(?:p\d+)?", re.IGNORECASE)


@dataclass(frozen=True)
class SshClient:
    """The `ssh` program found on PATH."""

    path: str
    banner: str  # the first line `ssh -V` printed, e.g. "OpenSSH_9.2p1 Debian-2, OpenSSL 3.0"
    version: tuple[int, int] | None  # None when the banner is not OpenSSH's

    @property
    def signs_rsa_sha2(self) -> bool:
        """True when this client can sign with rsa-sha2 (what Azure DevOps requires)."""
        return self.version is not None and self.version >= RSA_SHA2_SINCE


def parse_ssh_version(banner: str) -> tuple[int, int] | None:
    """(major, minor) from an `ssh -V` banner ("OpenSSH_8.9p1 ..."), None when not OpenSSH."""
    match = _VERSION_RE.search(banner or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def find_ssh_client(timeout: float = 5, path: str | None = None) -> SshClient | None:
    """The OpenSSH client git runs (or `path`) and its version (`ssh -V` writes it to stderr);
    None if absent."""
    path = path or git_ssh().ssh
    if path is None:
        return None
    try:
        done = _ask([path, "-V"], timeout)
    except (OSError, subprocess.SubprocessError):
        return SshClient(path, "", None)
    lines = (done.stderr or done.stdout or "").strip().splitlines()
    banner = lines[0].strip() if lines else ""
    return SshClient(path, banner, parse_ssh_version(banner))


@dataclass(frozen=True)
class AgentStatus:
    """The user's ssh-agent, as `ssh-add -l` sees it."""

    socket: str | None  # $SSH_AUTH_SOCK, None when unset
    reachable: bool
    keys: int = 0  # identities the agent holds
    detail: str = ""  # why it is not reachable


def agent_status(timeout: float = 5) -> AgentStatus:
    """Whether the agent in $SSH_AUTH_SOCK answers (`ssh-add -l`: 0 keys listed, 1 none, 2 no agent)."""
    socket = os.environ.get("SSH_AUTH_SOCK") or None
    service = windows_agent_service()
    if socket is None and service is not None:  # Windows' own agent: a service on a pipe
        socket = WINDOWS_AGENT_PIPE
        if service != "running":
            return AgentStatus(socket, False, detail=f"the ssh-agent service is {service}")
    if socket is None:
        return AgentStatus(None, False, detail="SSH_AUTH_SOCK is not set")
    ssh_add = git_ssh().add
    if ssh_add is None:
        return AgentStatus(socket, False, detail="ssh-add is not installed")
    try:
        done = _ask([ssh_add, "-l"], timeout)
    except subprocess.TimeoutExpired:
        return AgentStatus(socket, False, detail=f"the agent did not answer within {timeout:g} s")
    except OSError as exc:
        return AgentStatus(socket, False, detail=f"ssh-add could not run ({exc.strerror})")
    if done.returncode == 0:
        return AgentStatus(socket, True, keys=len(done.stdout.strip().splitlines()))
    if done.returncode == 1:  # "The agent has no identities."
        return AgentStatus(socket, True, keys=0)
    said = (done.stderr or "").strip().splitlines()
    return AgentStatus(socket, False, detail=said[0] if said else f"exit code {done.returncode}")


def _ask(command: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    """Run an OpenSSH tool for its answer: no input, no secret in its environment."""
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=child_env(),
        stdin=subprocess.DEVNULL,
        check=False,
    )


def agent_programs_present() -> bool:
    """True when college-tui can start its own agent for the ssh git runs: ssh-agent and
    ssh-add beside it (a passphrase-protected key needs them), and not Windows' service agent."""
    stack = git_ssh()
    return bool(stack.agent and stack.add and private_agent_possible(stack))

"""The agent that holds a passphrase-protected key while git runs ssh in batch mode.

POSIX, and Git for Windows' own (MSYS) OpenSSH: a private `ssh-agent -D -a SOCKET` of ours
(workstation/sshagent.py). Windows' own OpenSSH has no such agent: its `ssh-agent` is a Windows
service, disabled by default, on the pipe `\\\\.\\pipe\\openssh-ssh-agent`; the doctor reads the
service's state instead of `SSH_AUTH_SOCK`, which Windows never sets.
"""

from __future__ import annotations

from . import Host, ask, here
from .sshstack import SshStack

WINDOWS_AGENT_PIPE = r"\\.\pipe\openssh-ssh-agent"
WINDOWS_SERVICE_AGENT = (
    "Windows' own OpenSSH (the ssh git uses here) keeps keys in the ssh-agent service, not in "
    "an agent college-tui can start; a key with a passphrase cannot be used for git here. Use a "
    "key without a passphrase, or in an administrator PowerShell run `Get-Service ssh-agent | "
    "Set-Service -StartupType Manual; Start-Service ssh-agent`, then `ssh-add KEYFILE` in your "
    "own PowerShell, and run again"
)


def private_agent_possible(stack: SshStack, host: Host | None = None) -> bool:
    """Whether college-tui can start its own short-lived agent for the ssh git runs."""
    host = here(host)
    return host.posix or stack.bundled_with_git


def windows_agent_service(host: Host | None = None) -> str | None:
    """Windows: the ssh-agent service's state ("running", "stopped", "disabled", "absent"); None
    elsewhere or when `sc` cannot be asked."""
    host = here(host)
    sc = host.which("sc") if host.windows else None
    if sc is None:
        return None
    query, config = ask([sc, "query", "ssh-agent"], 10), ask([sc, "qc", "ssh-agent"], 10)
    if query is None or config is None:
        return None
    if query.returncode != 0 and "1060" in query.stdout + query.stderr:
        return "absent"  # "The specified service does not exist as an installed service."
    if "RUNNING" in query.stdout:
        return "running"
    if "DISABLED" in config.stdout:
        return "disabled"
    return "stopped"

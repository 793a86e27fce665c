"""Where the wizard works: Azure DevOps or the sandbox, seen only as URLs, an SSH endpoint and a home.

The engine is target-agnostic (docs/architecture.md): everything it needs to know about the target is here.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

AZURE_SSH_HOST = "ssh.dev.azure.com"
AZURE_PROFILE_URL = "https://app.vssps.visualstudio.com"
AZURE_SERVICE_URL = "https://dev.azure.com"
PENDING_ORG = "_no-organisation-yet"  # never sent a token: sign-in reads only the profile then


@dataclass(frozen=True)
class Target:
    org_url: str  # https://dev.azure.com/{org} or http://127.0.0.1:P/{org}
    profile_url: str  # https://app.vssps.visualstudio.com or http://127.0.0.1:P/app
    home: Path  # where ~/.ssh and the default clone folder live (a sandbox home in sandbox mode)
    ssh_alias: str = AZURE_SSH_HOST  # the Host name in ~/.ssh/config and in sshUrl
    ssh_hostname: str | None = None  # real address behind the alias (sandbox: 127.0.0.1)
    ssh_port: int | None = None
    ssh_host_key: str | None = None  # "ssh-rsa AAAA..." to pin; None = the shipped Azure key
    sandbox: bool = False
    state_key: str = ""  # what progress is keyed by: the org URL, or the sandbox data dir
    # No organisation yet ("My Azure DevOps" from nothing): `org_url` is PENDING_ORG under the
    # service (https://dev.azure.com, or a served sandbox's) until the organisation step names one.
    org_pending: bool = False
    # The embedded sandbox answers REST before its SSH server listens (issue 28): until then its
    # host key is not known and nothing may connect; `ssh_settled` waits for it.
    ssh_later: SshLater | None = field(default=None, compare=False, repr=False)

    @property
    def org(self) -> str:
        if self.org_pending:
            return ""
        return self.org_url.rstrip("/").rsplit("/", 1)[-1]

    @property
    def ssh_dir(self) -> Path:
        return self.home / ".ssh"


class SshNotStarted(Exception):
    """The target's SSH server did not start: one sentence (what happened, what to do)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SshLater:
    """The SSH side of a target that is still starting: set once, by whoever starts it."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._host_key: str | None = None
        self._problem = ""

    def listens(self, host_key: str | None) -> None:
        """The SSH server listens now, with this host key ("ssh-rsa AAAA...")."""
        self._host_key = host_key
        self._done.set()

    def failed(self, sentence: str) -> None:
        self._problem = sentence
        self._done.set()

    def wait(self, timeout: float | None = None) -> bool:
        """True once the SSH side listens or has failed to start."""
        return self._done.wait(timeout)

    def settled(self, target: Target) -> Target:
        """`target` with the host key, once `wait()` is True; SshNotStarted after a failure."""
        if not self._done.is_set():
            raise RuntimeError("the SSH side is asked for before it listens")
        if self._problem:
            raise SshNotStarted(self._problem)
        return replace(target, ssh_host_key=self._host_key, ssh_later=None)


def ssh_settled(target: Target, cancel: threading.Event | None = None) -> Target:
    """`target` once its SSH server listens (at once for every target but a starting sandbox).
    Raises SshNotStarted when it did not start; returns `target` unsettled if `cancel` is set."""
    later = target.ssh_later
    if later is None:
        return target
    while not later.wait(0.05):
        if cancel is not None and cancel.is_set():
            return target
    return later.settled(target)

"""Where the wizard works: Azure DevOps or the sandbox, seen only as URLs, an SSH endpoint and a home.

The engine is target-agnostic (docs/architecture.md): everything it needs to know about the target is here.
"""

from __future__ import annotations

from dataclasses import dataclass
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

    @property
    def org(self) -> str:
        if self.org_pending:
            return ""
        return self.org_url.rstrip("/").rsplit("/", 1)[-1]

    @property
    def ssh_dir(self) -> Path:
        return self.home / ".ssh"

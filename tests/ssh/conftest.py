"""Fixtures for the SSH stories: an attendee with a fresh RSA key, real `ssh` and `git`, a sandbox.

Keys are registered and deleted through the REST API exactly as the wizard does it (the portal's
HierarchyQuery data provider and Token/SessionTokens); every subprocess runs with HOME set to a
temp dir, so the user's real ~/.ssh is never read or written.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import paramiko
import pytest
import requests

from tests.conftest import connect
from tests.sandbox import helpers

SSH_HOST = "ssh.dev.azure.com"
KEY_PROVIDER = "ms.vss-token-web.personal-access-token-issue-session-token-provider"
# These stories are about git over SSH, not about waiting: project creation and import still go
# through all their states, just quicker than the suite's usual clocks.
QUICK = dict(project_create_seconds=0.1, import_seconds=0.1)
PORTAL_HEADERS = {
    "Accept": "application/json;api-version=5.0-preview.1",
    "X-TFS-FedAuthRedirect": "Suppress",
}


def write_key(path: Path, key: paramiko.RSAKey) -> paramiko.RSAKey:
    """Write a private key in OpenSSH format, mode 0600 from creation (OpenSSH insists)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        key.write_private_key(out, file_format=paramiko.pkey.OPENSSH)
    return key


def register_key(
    server,
    public_line: str,
    *,
    valid_to: str = "2099-05-01T00:00:00.000Z",
    name: str = "college-tui",
    org_url: str | None = None,
) -> dict:
    """Upload a public key the way the portal does; the service's answer (authorizationId...)."""
    info = server.info
    org_url = org_url or info.org_url
    account = (
        connect(org_url, info.pat)
        .clients_v7_1.get_location_client()
        .get_connection_data()
        .instance_id
    )
    body = {
        "contributionIds": [KEY_PROVIDER],
        "dataProviderContext": {
            "properties": {
                "displayName": name,
                "publicData": public_line,
                "validTo": valid_to,
                "scope": "app_token",
                "isPublic": True,
                "targetAccounts": [account],
            }
        },
    }
    reply = requests.post(
        f"{org_url}/_apis/Contribution/HierarchyQuery",
        json=body,
        auth=("", info.pat),
        headers=PORTAL_HEADERS,
        timeout=10,
        allow_redirects=False,
    )
    assert reply.status_code == 200, reply.text
    return reply.json()["dataProviders"][KEY_PROVIDER]


def delete_key(server, authorization_id: str) -> None:
    """Delete a registered key through Token/SessionTokens, as the settings page does."""
    info = server.info
    reply = requests.delete(
        f"{info.base_url}/vssps/{info.org}/_apis/Token/SessionTokens/{authorization_id}",
        params={"isPublic": "true"},
        auth=("", info.pat),
        headers=PORTAL_HEADERS,
        timeout=10,
        allow_redirects=False,
    )
    assert reply.status_code in (200, 204), reply.text


@dataclass
class Attendee:
    """Someone at a workstation: a home dir, a key, a known_hosts pinning the sandbox's host key."""

    server: object
    home: Path
    key_path: Path
    key: paramiko.RSAKey
    known_hosts: Path
    extra_ssh_options: list[str] = field(default_factory=list)

    @property
    def public_line(self) -> str:
        return f"ssh-rsa {self.key.get_base64()} ada@college"

    def ssh_command(self) -> str:
        """GIT_SSH_COMMAND: our key only, strict host key checking, the real host name kept."""
        port = self.server.info.ssh_port
        return " ".join(
            [
                "ssh",
                "-i",
                str(self.key_path),
                "-o",
                "IdentitiesOnly=yes",
                "-o",
                "IdentityAgent=none",
                "-o",
                "BatchMode=yes",
                "-o",
                "StrictHostKeyChecking=yes",
                "-o",
                f"UserKnownHostsFile={self.known_hosts}",
                "-o",
                "GlobalKnownHostsFile=/dev/null",
                "-o",
                "HostName=127.0.0.1",
                "-o",
                f"Port={port}",
                "-o",
                f"HostKeyAlias={SSH_HOST}",
                *self.extra_ssh_options,
            ]
        )

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "HOME": str(self.home),
            "GIT_SSH_COMMAND": self.ssh_command(),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "LC_ALL": "C",
            "GIT_AUTHOR_NAME": "Ada Attendee",
            "GIT_AUTHOR_EMAIL": "ada@college.example",
            "GIT_COMMITTER_NAME": "Ada Attendee",
            "GIT_COMMITTER_EMAIL": "ada@college.example",
            **extra,
        }

    def git(self, *args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["git", *args],
            cwd=cwd or self.home,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=60,
        )

    def ssh(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.ssh_command().split(), *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=30,
        )


@pytest.fixture(scope="session")
def rsa_keys():
    """RSA 3072 keys made on demand and shared across tests (every sandbox is new, so a key is
    unknown to each until registered there); the n-th attendee of a test gets the n-th key."""
    keys: list[paramiko.RSAKey] = []

    def key(n: int) -> paramiko.RSAKey:
        while len(keys) <= n:
            keys.append(paramiko.RSAKey.generate(3072))
        return keys[n]

    return key


@pytest.fixture
def attendee_at(tmp_path, rsa_keys):
    """Make an attendee for a running sandbox (a key of her own, not registered yet)."""
    count = 0

    def make(server) -> Attendee:
        nonlocal count
        home = tmp_path / f"home{count}"
        (home / ".ssh").mkdir(parents=True, mode=0o700)
        key_path = home / ".ssh" / "id_rsa_college"
        key = write_key(key_path, rsa_keys(count))
        count += 1
        known_hosts = home / ".ssh" / "known_hosts_college"
        known_hosts.write_text(f"{SSH_HOST} {server.info.ssh_host_key}\n")
        return Attendee(server, home, key_path, key, known_hosts)

    return make


@dataclass
class Course:
    """The imported course repository as the REST API describes it."""

    clients: object
    project: object
    repo: object

    @property
    def ssh_url(self) -> str:
        return self.repo.ssh_url


def import_course(server) -> Course:
    """Project "College" with the course imported into `aidevcollege`, all through the REST API."""
    clients = connect(server.info.org_url, server.info.pat).clients_v7_1
    project = helpers.create_project(clients, "College")
    repo, _ = helpers.import_course(clients, project, "aidevcollege")
    return Course(clients, project, repo)


@pytest.fixture
def ssh_sandbox(start_sandbox, attendee_at):
    """A sandbox with its SSH server, and Ada whose key is registered through the API."""
    server = start_sandbox(ssh=True, **QUICK)
    ada = attendee_at(server)
    registered = register_key(server, ada.public_line)
    return server, ada, registered


@pytest.fixture
def course_sandbox(ssh_sandbox):
    """The same, with project "College" and the course imported into `aidevcollege`."""
    server, ada, registered = ssh_sandbox
    return server, import_course(server), ada, registered

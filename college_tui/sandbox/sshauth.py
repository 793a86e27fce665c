"""Who may use the sandbox's SSH server, and for what: the host key, the registered keys, git's commands.

paramiko's callbacks for one connection (`GitSshInterface`) accept a public key when it is
registered through the REST API (looked up each time) by user `git`, and only the two git
services on a `v3/{org}/{project}/{repo}` path; sshserver.py runs the connections and git.
"""

from __future__ import annotations

import os
import shlex
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import paramiko

from .service import Sandbox

HOST_KEY_BITS = 3072
USER = "git"
GIT_SERVICES = {"git-upload-pack": "upload-pack", "git-receive-pack": "receive-pack"}
SHELL_REFUSED = "remote: Shell access is not supported.\n"


# -- host key --------------------------------------------------------------------------------


def load_or_create_host_key(path: Path) -> paramiko.RSAKey:
    """The server's RSA host key: made on first start (mode 0600), the same key on every restart.

    Keeping it means a known_hosts line pinned once stays valid for the life of the data dir.
    """
    path = Path(path)
    if not path.exists():
        key = paramiko.RSAKey.generate(HOST_KEY_BITS)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # 0600 from the start
        try:
            with os.fdopen(fd, "w") as out:
                key.write_private_key(out, file_format=paramiko.pkey.OPENSSH)
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(tmp, path)  # never replaces: if a concurrent first start won, use its key
            except FileExistsError:
                pass
            else:
                return key  # (reading it back would cost a slow RSA key check)
        finally:
            tmp.unlink(missing_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    try:
        return _read_own_key(path)
    except (paramiko.SSHException, ValueError, TypeError, OSError) as err:
        raise RuntimeError(
            f"The sandbox's SSH host key {path} cannot be read ({err}). Delete the file to make "
            "a new key; clients that pinned the old one must then pin the new one."
        ) from err


def _read_own_key(path: Path) -> paramiko.RSAKey:
    """The key file this sandbox wrote (0600, in its own data folder), read without OpenSSL's
    RSA key check: the check costs ~0.15 s of CPU (3072 bits) at every start, and the key it
    would guard against is not one the sandbox makes. A damaged file still fails to parse."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    data = path.read_bytes()
    load = (
        serialization.load_ssh_private_key
        if data.lstrip().startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----")
        else serialization.load_pem_private_key
    )
    try:
        key = load(data, None, unsafe_skip_rsa_key_validation=True)
    except UnsupportedAlgorithm as err:
        raise ValueError(str(err)) from err
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA key")
    return paramiko.RSAKey(key=key)


# -- what a client asks for ------------------------------------------------------------------


def parse_git_command(command: str) -> tuple[str, str] | None:
    """`git-upload-pack 'v3/org/project/repo'` -> ("upload-pack", path); None for anything else."""
    try:
        argv = shlex.split(command)
    except ValueError:
        return None
    if len(argv) != 2 or argv[0] not in GIT_SERVICES:
        return None
    return GIT_SERVICES[argv[0]], argv[1]


def split_ssh_path(path: str) -> tuple[str, str, str] | None:
    """`v3/{org}/{project}/{repo}` (also with a leading `/`, %-escaped) -> (org, project, repo)."""
    parts = [unquote(part) for part in path.strip().lstrip("/").split("/")]
    if len(parts) != 4 or parts[0].lower() != "v3" or not all(parts[1:]):
        return None
    return parts[1], parts[2], parts[3]


# -- registered keys -------------------------------------------------------------------------


def _key_material(public_data: str | None) -> tuple[str, str] | None:
    fields = (public_data or "").split()
    return (fields[0], fields[1]) if len(fields) >= 2 else None


def registered_keys(sandbox: Sandbox, key: paramiko.PKey) -> list[dict[str, Any]]:
    """The valid "sshkey" documents holding this RSA public key (type + base64 compared).

    One per organisation at most: the same key may be registered in several.
    """
    if key.get_name() != "ssh-rsa":
        return []  # Azure DevOps accepts RSA keys only
    wanted = ("ssh-rsa", key.get_base64())
    return [
        doc
        for doc in sandbox.store.find("sshkey")
        if doc.get("isValid", True) is not False and _key_material(doc.get("publicData")) == wanted
    ]


def key_expired(doc: dict[str, Any], now: datetime | None = None) -> bool:
    """Whether a key's `validTo` (ISO 8601) has passed; an unreadable date counts as passed."""
    valid_to = doc.get("validTo")
    if not valid_to:
        return False
    try:
        until = datetime.fromisoformat(valid_to)
    except ValueError:
        return True
    if until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    return until <= (now or datetime.now(UTC))


class GitSshInterface(paramiko.ServerInterface):
    """paramiko's callbacks for one connection (they run on the transport's thread)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.key_docs: list[dict[str, Any]] = []  # the registrations of the accepted key
        self.request: tuple[str, ...] | None = None  # ("exec", service, path) or ("refused",)
        self.requested = threading.Event()
        self._session_opened = False

    def get_allowed_auths(self, username: str) -> str:
        return "publickey"

    def check_auth_publickey(self, username: str, key: paramiko.PKey) -> int:
        # Looked up in the store each time: a key deleted through the API is refused at once.
        # paramiko itself refuses SHA-1 "ssh-rsa" signatures (it verifies rsa-sha2-256/512 only).
        docs = registered_keys(self.sandbox, key) if username == USER else []
        if not docs:
            return paramiko.common.AUTH_FAILED
        self.key_docs = docs
        return paramiko.common.AUTH_SUCCESSFUL

    def check_channel_request(self, kind: str, chanid: int) -> int:
        if kind == "session" and not self._session_opened:
            self._session_opened = True
            return paramiko.common.OPEN_SUCCEEDED
        return paramiko.common.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_pty_request(self, *args: Any) -> bool:
        return False

    def check_channel_env_request(
        self, channel: paramiko.Channel, name: bytes, value: bytes
    ) -> bool:
        # git asks for protocol v2 with SendEnv GIT_PROTOCOL; Azure Repos speaks v0/v1 only
        # (grafana/grafana#130330, grafana/nanogit#372), so the sandbox declines as well and git
        # falls back by itself.
        return False

    def check_channel_shell_request(self, channel: paramiko.Channel) -> bool:
        # The service writes this line, then refuses: ssh prints it and
        # "shell request failed on channel 0", and exits non-zero.
        channel.send_stderr(SHELL_REFUSED.encode())
        self._requested(("refused",))
        return False

    def check_channel_exec_request(self, channel: paramiko.Channel, command: bytes) -> bool:
        parsed = parse_git_command(command.decode("utf-8", "replace"))
        if parsed is None:  # only git's two commands; anything else is a shell in disguise
            channel.send_stderr(SHELL_REFUSED.encode())
            self._requested(("refused",))
            return False
        self._requested(("exec", *parsed))
        return True

    def check_channel_subsystem_request(self, channel: paramiko.Channel, name: str) -> bool:
        return False

    def _requested(self, request: tuple[str, ...]) -> None:
        if self.request is None:
            self.request = request
            self.requested.set()

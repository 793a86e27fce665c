"""verify_ssh against a real paramiko SSH server on loopback."""

from __future__ import annotations

import base64
import socket

import pytest

from college_tui.workstation.errors import (
    HostKeyMismatchError,
    HostKeyVerificationError,
    KeyPassphraseError,
    SshAuthError,
    SshConnectError,
)
from college_tui.workstation.knownhosts import ensure_known_host
from college_tui.workstation.sshcheck import verify_ssh
from college_tui.workstation.sshkeys import generate_rsa_key

from .sshserver import TestSshServer


@pytest.fixture
def server(host_key, client_key):
    import paramiko

    # The server knows only the public key, as Azure DevOps does.
    allowed = paramiko.RSAKey(data=base64.b64decode(client_key.key_material.split()[1]))
    with TestSshServer(host_key, allowed) as srv:
        yield srv


@pytest.fixture
def known_hosts(tmp_path, server, host_key):
    path = tmp_path / "known_hosts"
    ensure_known_host(path, "127.0.0.1", "ssh-rsa", host_key.get_base64(), port=server.port)
    return path


def test_success_with_the_registered_key(server, client_key, known_hosts, host_key):
    summary = verify_ssh("127.0.0.1", server.port, client_key.path, None, known_hosts)

    assert "authenticated as git" in summary
    assert host_key.fingerprint in summary
    # Exactly one key was offered (no agent, no ~/.ssh keys), as user git.
    assert server.auth_attempts == [("git", "ssh-rsa", client_key.fingerprint_sha256)]


def test_host_key_alias_for_the_sandbox(server, client_key, tmp_path, host_key):
    known_hosts = tmp_path / "known_hosts"
    ensure_known_host(known_hosts, "ssh.dev.azure.com", "ssh-rsa", host_key.get_base64())
    before = known_hosts.read_bytes()

    summary = verify_ssh(
        "127.0.0.1", server.port, client_key.path, None, known_hosts,
        expected_host_key_alias="ssh.dev.azure.com",
    )  # fmt: skip

    assert "authenticated as git" in summary
    assert known_hosts.read_bytes() == before  # nothing saved back


def test_a_key_the_server_does_not_know_is_refused(server, home, known_hosts):
    stranger = generate_rsa_key(home / "stranger")

    with pytest.raises(SshAuthError) as info:
        verify_ssh("127.0.0.1", server.port, stranger.path, None, known_hosts)

    message = str(info.value)
    assert "refused the key" in message
    assert "User settings → SSH public keys" in message
    assert server.auth_attempts == [("git", "ssh-rsa", stranger.fingerprint_sha256)]


def test_a_different_host_key_is_a_mismatch(server, client_key, tmp_path, host_key):
    import paramiko

    impostor = paramiko.RSAKey.generate(1024)
    known_hosts = tmp_path / "known_hosts"
    ensure_known_host(known_hosts, "127.0.0.1", "ssh-rsa", impostor.get_base64(), port=server.port)

    with pytest.raises(HostKeyMismatchError) as info:
        verify_ssh("127.0.0.1", server.port, client_key.path, None, known_hosts)

    assert info.value.expected_fingerprint == impostor.fingerprint
    assert info.value.found_fingerprint == host_key.fingerprint
    assert impostor.fingerprint in str(info.value) and host_key.fingerprint in str(info.value)
    assert server.auth_attempts == []  # the key was never offered to the impostor


@pytest.mark.parametrize("content", [None, "", "github.com ssh-rsa AAAAB3NzaC1yc2E=\n"])
def test_an_unknown_host_is_never_trusted(server, client_key, tmp_path, content):
    known_hosts = tmp_path / "known_hosts"
    if content is not None:
        known_hosts.write_text(content)

    with pytest.raises(HostKeyVerificationError) as info:
        verify_ssh("127.0.0.1", server.port, client_key.path, None, known_hosts)

    assert not isinstance(info.value, HostKeyMismatchError)
    assert "never trusts a server on first use" in str(info.value)
    assert "Run the wizard's “SSH key” step again (`college-tui apply` re-runs it)" in str(
        info.value
    )
    assert f"[127.0.0.1]:{server.port}" in str(info.value)
    assert server.auth_attempts == []
    if content is None:
        assert not known_hosts.exists()
    else:
        assert known_hosts.read_text() == content


def test_connection_refused(client_key, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there

    with pytest.raises(SshConnectError, match="refused"):
        verify_ssh("127.0.0.1", port, client_key.path, None, tmp_path / "known_hosts", timeout=2)


def test_a_silent_server_times_out(client_key, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)  # accepts TCP, never speaks SSH
        with pytest.raises(SshConnectError) as info:
            verify_ssh(
                "127.0.0.1", sock.getsockname()[1], client_key.path, None, tmp_path / "kh",
                timeout=0.5,
            )  # fmt: skip
    assert "try again" in str(info.value)


def test_a_wrong_passphrase_fails_before_connecting(server, home, known_hosts):
    key = generate_rsa_key(home / "locked", passphrase="right one")
    with pytest.raises(KeyPassphraseError):
        verify_ssh("127.0.0.1", server.port, key.path, "wrong one", known_hosts)
    assert server.auth_attempts == []

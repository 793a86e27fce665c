"""college-tui's private ssh-agent: holds the decrypted key on a private socket, then is gone."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess

import pytest

from college_tui.workstation.errors import KeyPassphraseError, SshAgentError
from college_tui.workstation.sshagent import start_private_agent
from college_tui.workstation.sshkeys import generate_rsa_key

PASSPHRASE = "correct horse battery staple"

pytestmark = pytest.mark.skipif(
    shutil.which("ssh-agent") is None or shutil.which("ssh-add") is None,
    reason="needs ssh-agent and ssh-add (OpenSSH)",
)


@pytest.fixture(scope="module")
def protected_key(tmp_path_factory):
    """A passphrase-protected 3072-bit RSA key pair."""
    return generate_rsa_key(tmp_path_factory.mktemp("key") / "id_rsa", passphrase=PASSPHRASE)


def listed_keys(socket_path: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["ssh-add", "-l"],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "SSH_AUTH_SOCK": socket_path},
    )


def test_the_agent_holds_the_key_on_a_private_socket_and_is_gone_afterwards(protected_key):
    with start_private_agent(protected_key.path, PASSPHRASE) as agent:
        held = listed_keys(agent.socket_path)
        assert held.returncode == 0, held.stderr
        assert protected_key.fingerprint_sha256 in held.stdout
        assert stat.S_IMODE(os.stat(agent.folder).st_mode) == 0o700
        assert os.listdir(agent.folder) == ["agent.sock"]  # the key never touched the disk
        process = agent.process
    assert process.poll() is not None
    assert not os.path.exists(agent.folder)
    assert listed_keys(agent.socket_path).returncode != 0


def test_a_wrong_passphrase_starts_no_agent(protected_key):
    with pytest.raises(KeyPassphraseError):
        start_private_agent(protected_key.path, "not the passphrase")


def test_without_ssh_agent_the_error_says_what_to_do(protected_key, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no OpenSSH client at all
    with pytest.raises(SshAgentError) as missing:
        start_private_agent(protected_key.path, PASSPHRASE)
    message = str(missing.value)
    assert "needs ssh-agent and ssh-add" in message
    assert "Install the OpenSSH client, or use a key without a passphrase" in message
    assert PASSPHRASE not in message

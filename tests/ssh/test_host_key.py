"""The sandbox's SSH host key file: made once, read back as the same key, a damaged one named."""

from __future__ import annotations

import stat

import paramiko
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from college_tui.sandbox.sshauth import load_or_create_host_key


def test_the_key_made_on_the_first_start_is_read_back_as_the_same_key(tmp_path):
    path = tmp_path / "ssh_host_rsa_key"
    made = load_or_create_host_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    again = load_or_create_host_key(path)
    assert isinstance(again, paramiko.RSAKey) and again.get_bits() == 3072
    assert again.asbytes() == made.asbytes()
    # It signs as the server does in a key exchange: the published key verifies it.
    signature = again.sign_ssh_data(b"exchange hash", "rsa-sha2-256")
    signature.rewind()
    assert made.verify_ssh_sig(b"exchange hash", signature)


@pytest.mark.parametrize(
    "content",
    [
        b"-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5\n-----END OPENSSH PRIVATE KEY-----\n",
        b"-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----\n",
        b"",
        "ed25519",
    ],
    ids=["damaged-openssh", "damaged-pem", "empty", "not-rsa"],
)
def test_a_host_key_file_that_is_not_an_rsa_key_is_named_with_what_to_do(tmp_path, content):
    path = tmp_path / "ssh_host_rsa_key"
    if content == "ed25519":
        content = ed25519.Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
    path.write_bytes(content)
    path.chmod(0o644)
    with pytest.raises(RuntimeError) as raised:
        load_or_create_host_key(path)
    said = str(raised.value)
    assert f"The sandbox's SSH host key {path} cannot be read" in said
    assert "Delete the file to make a new key" in said
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # made private before it is read

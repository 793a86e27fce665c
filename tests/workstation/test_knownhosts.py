"""known_hosts: the pinned Azure DevOps key, plain and hashed entries, mismatches."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import stat

import pytest

from college_tui.workstation import knownhosts
from college_tui.workstation.errors import (
    HostKeyMismatchError,
    HostKeyVerificationError,
    KnownHostsError,
)
from college_tui.workstation.knownhosts import (
    AZURE_DEVOPS_HOST_KEY,
    AZURE_DEVOPS_SSH_HOST,
    ensure_azure_devops_host_key,
    ensure_known_host,
    find_host_keys,
    fingerprint_of,
    host_pattern,
    md5_fingerprint_of,
)

from .helpers import needs_ssh_keygen, run

PUBLISHED_SHA256 = "SHA256:ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og"
PUBLISHED_MD5 = "MD5:97:70:33:82:fd:29:3a:73:39:af:6a:07:ad:f8:80:49"
HOST = AZURE_DEVOPS_SSH_HOST


@pytest.fixture(scope="module")
def other_rsa_key() -> str:
    import paramiko

    return paramiko.RSAKey.generate(1024).get_base64()


@pytest.fixture(scope="module")
def ed25519_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    line = (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    )
    return line.split()[1].decode()


# ------------------------------------------------------------------------------ the pinned key


def test_shipped_host_key_has_the_published_fingerprints():
    blob = base64.b64decode(AZURE_DEVOPS_HOST_KEY)
    computed = "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    assert computed == PUBLISHED_SHA256
    assert fingerprint_of(AZURE_DEVOPS_HOST_KEY) == PUBLISHED_SHA256
    assert md5_fingerprint_of(AZURE_DEVOPS_HOST_KEY) == PUBLISHED_MD5
    assert knownhosts.AZURE_DEVOPS_HOST_KEY_SHA256 == PUBLISHED_SHA256
    assert all(p.fingerprint_sha256 == PUBLISHED_SHA256 for p in knownhosts.PINNED_HOST_KEYS)


def test_shipped_host_key_is_rsa_2048_for_paramiko_too():
    import paramiko

    key = paramiko.RSAKey(data=base64.b64decode(AZURE_DEVOPS_HOST_KEY))
    assert key.fingerprint == PUBLISHED_SHA256
    assert key.get_bits() == 2048


@needs_ssh_keygen
def test_openssh_agrees_on_the_pinned_fingerprint(tmp_path):
    known_hosts = tmp_path / "known_hosts"
    ensure_azure_devops_host_key(known_hosts)
    out = run("ssh-keygen", "-l", "-E", "sha256", "-f", known_hosts).stdout
    assert PUBLISHED_SHA256 in out and HOST in out
    assert run("ssh-keygen", "-F", HOST, "-f", known_hosts).returncode == 0


# ------------------------------------------------------------------------------ ensure_known_host


def test_host_pattern():
    assert host_pattern("ssh.dev.azure.com") == "ssh.dev.azure.com"
    assert host_pattern("ssh.dev.azure.com", 22) == "ssh.dev.azure.com"
    assert host_pattern("127.0.0.1", 2222) == "[127.0.0.1]:2222"


def test_absent_file_is_created_0644_then_unchanged(tmp_path, monkeypatch):
    known_hosts = tmp_path / "known_hosts"

    assert ensure_known_host(known_hosts, HOST, "ssh-rsa", AZURE_DEVOPS_HOST_KEY) == "created"
    assert known_hosts.read_text() == f"{HOST} ssh-rsa {AZURE_DEVOPS_HOST_KEY}\n"
    assert stat.S_IMODE(known_hosts.stat().st_mode) == 0o644

    def no_write(*a, **k):
        raise AssertionError("must not write when unchanged")

    monkeypatch.setattr(knownhosts, "write_atomic", no_write)
    assert ensure_known_host(known_hosts, HOST, "ssh-rsa", AZURE_DEVOPS_HOST_KEY) == "unchanged"


def test_appends_after_existing_lines_and_keeps_mode(tmp_path, ed25519_key):
    known_hosts = tmp_path / "known_hosts"
    original = f"# mine\ngithub.com ssh-ed25519 {ed25519_key}"  # no final newline
    known_hosts.write_text(original)
    os.chmod(known_hosts, 0o600)

    assert ensure_azure_devops_host_key(known_hosts) == "created"

    assert known_hosts.read_text() == f"{original}\n{HOST} ssh-rsa {AZURE_DEVOPS_HOST_KEY}\n"
    assert stat.S_IMODE(known_hosts.stat().st_mode) == 0o600


@needs_ssh_keygen
def test_port_qualified_entries(tmp_path):
    known_hosts = tmp_path / "known_hosts"
    ensure_known_host(known_hosts, "127.0.0.1", "ssh-rsa", AZURE_DEVOPS_HOST_KEY, port=2222)

    assert known_hosts.read_text().startswith("[127.0.0.1]:2222 ssh-rsa ")
    assert run("ssh-keygen", "-F", "[127.0.0.1]:2222", "-f", known_hosts).returncode == 0
    assert find_host_keys(known_hosts, "127.0.0.1") == []  # port 22 is another entry
    assert len(find_host_keys(known_hosts, "127.0.0.1", 2222)) == 1
    assert (
        ensure_known_host(known_hosts, "127.0.0.1", "ssh-rsa", AZURE_DEVOPS_HOST_KEY, port=2222)
        == "unchanged"
    )


@needs_ssh_keygen
def test_hashed_entries_are_recognised(tmp_path):
    known_hosts = tmp_path / "known_hosts"
    ensure_known_host(known_hosts, HOST, "ssh-rsa", AZURE_DEVOPS_HOST_KEY)
    ensure_known_host(known_hosts, "127.0.0.1", "ssh-rsa", AZURE_DEVOPS_HOST_KEY, port=2222)
    run("ssh-keygen", "-H", "-f", known_hosts)  # as HashKnownHosts yes would write them
    hashed = known_hosts.read_bytes()
    assert HOST.encode() not in hashed and hashed.startswith(b"|1|")

    assert ensure_known_host(known_hosts, HOST, "ssh-rsa", AZURE_DEVOPS_HOST_KEY) == "unchanged"
    assert (
        ensure_known_host(known_hosts, "127.0.0.1", "ssh-rsa", AZURE_DEVOPS_HOST_KEY, 2222)
        == "unchanged"
    )
    assert known_hosts.read_bytes() == hashed
    assert find_host_keys(known_hosts, HOST)[0].hashed


@needs_ssh_keygen
def test_a_new_entry_in_a_hashed_file_is_hashed_too(tmp_path, ed25519_key):
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(f"github.com ssh-ed25519 {ed25519_key}\n")
    run("ssh-keygen", "-H", "-f", known_hosts)  # the user's file, as HashKnownHosts writes it
    before = known_hosts.read_text()

    assert ensure_azure_devops_host_key(known_hosts) == "created"
    assert (
        ensure_known_host(known_hosts, "127.0.0.1", "ssh-rsa", AZURE_DEVOPS_HOST_KEY, port=2222)
        == "created"
    )

    text = known_hosts.read_text()
    assert text.startswith(before)
    added = text[len(before) :].splitlines()
    assert len(added) == 2 and all(line.startswith("|1|") for line in added)
    assert HOST not in text and "127.0.0.1" not in text
    assert added[0].split("|")[2] != added[1].split("|")[2]  # a fresh salt per line
    # OpenSSH finds them under the real names, and so do we.
    found = run("ssh-keygen", "-F", HOST, "-f", known_hosts).stdout
    assert f"ssh-rsa {AZURE_DEVOPS_HOST_KEY}" in found
    assert run("ssh-keygen", "-F", "[127.0.0.1]:2222", "-f", known_hosts).returncode == 0
    assert ensure_azure_devops_host_key(known_hosts) == "unchanged"
    assert known_hosts.read_text() == text


@needs_ssh_keygen
def test_a_file_with_plain_entries_gets_a_plain_entry(tmp_path, ed25519_key):
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(f"github.com ssh-ed25519 {ed25519_key}\n")
    run("ssh-keygen", "-H", "-f", known_hosts)
    with known_hosts.open("a") as file:  # one plain entry among hashed ones: a mixed file
        file.write(f"gitlab.com ssh-ed25519 {ed25519_key}\n")

    ensure_azure_devops_host_key(known_hosts)

    assert known_hosts.read_text().endswith(f"\n{HOST} ssh-rsa {AZURE_DEVOPS_HOST_KEY}\n")


def test_hash_host_name_is_openssh_hmac_sha1():
    salt = bytes(range(20))
    hashed = knownhosts.hash_host_name("[127.0.0.1]:2222", salt)
    _, magic, salt_b64, digest_b64 = hashed.split("|")
    assert magic == "1" and base64.b64decode(salt_b64) == salt
    expected = hmac.new(salt, b"[127.0.0.1]:2222", hashlib.sha1).digest()
    assert base64.b64decode(digest_b64) == expected
    assert knownhosts.hash_host_name("h") != knownhosts.hash_host_name("h")  # random salts


@needs_ssh_keygen
@pytest.mark.parametrize("hashed", [False, True])
def test_a_different_key_is_reported_with_both_fingerprints_and_kept(
    tmp_path, other_rsa_key, hashed
):
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(f"{HOST} ssh-rsa {other_rsa_key}\n")
    if hashed:
        run("ssh-keygen", "-H", "-f", known_hosts)
        os.unlink(str(known_hosts) + ".old")
    before = known_hosts.read_bytes()

    with pytest.raises(HostKeyMismatchError) as info:
        ensure_azure_devops_host_key(known_hosts)

    message = str(info.value)
    assert PUBLISHED_SHA256 in message
    assert fingerprint_of(other_rsa_key) in message
    assert "will not replace" in message and "ssh-keygen -R" in message
    assert info.value.expected_fingerprint == PUBLISHED_SHA256
    assert info.value.found_fingerprint == fingerprint_of(other_rsa_key)
    assert isinstance(info.value, HostKeyVerificationError)
    assert known_hosts.read_bytes() == before


@pytest.mark.parametrize(
    ("patterns", "applies"),
    [
        ("*.dev.azure.com", True),
        ("SSH.DEV.AZURE.COM", True),  # host names compare case-insensitively
        ("vs-ssh.visualstudio.com,ssh.dev.azure.com", True),
        ("ssh.dev.azure.?om", True),
        ("!ssh.dev.azure.com,*.azure.com", False),  # negation wins
        ("[ssh.dev.azure.com]:2222", False),
        ("dev.azure.com", False),
    ],
)
def test_host_patterns(tmp_path, other_rsa_key, patterns, applies):
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(f"{patterns} ssh-rsa {other_rsa_key}\n")
    if applies:
        with pytest.raises(HostKeyMismatchError):
            ensure_azure_devops_host_key(known_hosts)
    else:
        assert ensure_azure_devops_host_key(known_hosts) == "created"


def test_a_key_of_another_type_is_not_a_conflict(tmp_path, ed25519_key):
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(f"{HOST} ssh-ed25519 {ed25519_key}\n")
    assert ensure_azure_devops_host_key(known_hosts) == "created"
    assert len(find_host_keys(known_hosts, HOST)) == 2


def test_markers(tmp_path, other_rsa_key):
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(f"@cert-authority *.azure.com ssh-rsa {other_rsa_key}\n")
    assert ensure_azure_devops_host_key(known_hosts) == "created"  # a CA line is no host key

    known_hosts.write_text(f"@revoked * ssh-rsa {AZURE_DEVOPS_HOST_KEY}\n")
    with pytest.raises(KnownHostsError, match="revoked"):
        ensure_azure_devops_host_key(known_hosts)
    assert known_hosts.read_text().startswith("@revoked")


def test_malformed_keys_are_refused(tmp_path):
    with pytest.raises(KnownHostsError, match="base64"):
        ensure_known_host(tmp_path / "kh", HOST, "ssh-rsa", "not base64!")
    with pytest.raises(KnownHostsError, match="malformed"):
        ensure_known_host(tmp_path / "kh", HOST, "ssh-ed25519", AZURE_DEVOPS_HOST_KEY)
    assert not (tmp_path / "kh").exists()

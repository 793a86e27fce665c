"""Reading RSA key files: a missing one, their envelope sniffed as ssh-keygen wrote them (nothing
decrypted), what is not a private key, and OpenSSL's key check once per file and process."""

from __future__ import annotations

import os

import pytest

from college_tui.workstation import sshkeys
from college_tui.workstation.errors import (
    KeyPassphraseError,
    NotAKeyError,
    SshKeyError,
)
from college_tui.workstation.sshkeyfiles import (
    KeySniff,
    key_material,
    same_key,
    sniff_private_key,
)
from college_tui.workstation.sshkeys import (
    ensure_ssh_dir,
    generate_rsa_key,
    load_key_info,
)

from .helpers import needs_ssh_keygen
from .test_sshkeys import PASSPHRASE, keygen


def test_load_key_info_of_a_missing_file(home):
    with pytest.raises(NotAKeyError, match="no key file"):
        load_key_info(home / "nope")


# ------------------------------------------------------------------------------ sniffing


@needs_ssh_keygen
@pytest.mark.parametrize(
    ("key_type", "fmt", "passphrase", "expected"),
    [
        ("rsa", None, "", KeySniff("rsa", encrypted=False)),
        ("rsa", None, PASSPHRASE, KeySniff("rsa", encrypted=True)),
        ("rsa", "PEM", "", KeySniff("rsa", encrypted=False)),
        ("rsa", "PEM", PASSPHRASE, KeySniff("rsa", encrypted=True)),
        ("ed25519", None, "", KeySniff("ed25519", encrypted=False)),
        ("ed25519", None, PASSPHRASE, KeySniff("ed25519", encrypted=True)),
        ("ecdsa", None, PASSPHRASE, KeySniff("ecdsa", encrypted=True)),
        ("ecdsa", "PEM", "", KeySniff("ecdsa", encrypted=False)),
        ("ecdsa", "PEM", PASSPHRASE, KeySniff("ecdsa", encrypted=True)),
        ("dsa", None, "", KeySniff("dsa", encrypted=False)),
        ("dsa", "PEM", PASSPHRASE, KeySniff("dsa", encrypted=True)),
        # PKCS#8 names the key type only inside the (possibly encrypted) key.
        ("rsa", "PKCS8", "", KeySniff("unknown", encrypted=False)),
        ("rsa", "PKCS8", PASSPHRASE, KeySniff("unknown", encrypted=True)),
    ],
)
def test_sniffing_tells_the_key_type_and_passphrase_as_ssh_keygen_wrote_them(
    home, key_type, fmt, passphrase, expected
):
    path = home / f"id_{key_type}"
    keygen(path, key_type, bits=2048 if key_type == "rsa" else None, passphrase=passphrase,
           fmt=fmt)  # fmt: skip

    assert sniff_private_key(path) == expected


def test_sniffing_reads_the_envelope_only_and_decrypts_nothing(home):
    key = generate_rsa_key(home / "id_rsa", passphrase=PASSPHRASE)
    lines = key.path.read_bytes().splitlines(keepends=True)
    # Damage the encrypted part (the last base64 lines): loading fails, the header is intact.
    damaged = b"".join(lines[:4] + [b"A" * (len(line) - 1) + b"\n" for line in lines[4:-1]]
                       + lines[-1:])  # fmt: skip
    key.path.write_bytes(damaged)

    assert sniff_private_key(key.path) == KeySniff("rsa", encrypted=True)
    with pytest.raises(SshKeyError):
        load_key_info(key.path, PASSPHRASE)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "no key file"),
        (b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 me@laptop\n", "public key, not a private key"),
        (b"PuTTY-User-Key-File-3: ssh-rsa\n", "PuTTY"),
        (b"just some notes\n", "not an SSH private key"),
    ],
)
def test_sniffing_something_that_is_not_a_private_key_says_so(home, content, words):
    path = home / "id_rsa"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(NotAKeyError, match=words):
        sniff_private_key(path)


# ------------------------------------------------------------------------------ helpers


def test_same_key_compares_type_and_base64_only():
    assert same_key("ssh-rsa AAAA one@a", "ssh-rsa AAAA two@b")
    assert same_key("ssh-rsa AAAA", "  ssh-rsa   AAAA  comment with spaces \n")
    assert not same_key("ssh-rsa AAAA x", "ssh-rsa AAAB x")
    assert not same_key("ssh-rsa AAAA", "ssh-ed25519 AAAA")
    assert not same_key("", "ssh-rsa AAAA")
    assert key_material("ssh-rsa AAAA a b c") == "ssh-rsa AAAA"


@needs_ssh_keygen
def test_a_key_made_here_is_not_rechecked_when_loaded_again_but_any_other_file_is(
    home, monkeypatch
):
    """Loading the key just generated (the SSH check) skips the ~0.15 s RSA consistency check."""
    from cryptography.hazmat.primitives import serialization

    skipped: list[bool] = []
    real = serialization.load_ssh_private_key

    def spy(data, password, *args, unsafe_skip_rsa_key_validation=False, **kwargs):
        skipped.append(unsafe_skip_rsa_key_validation)
        return real(
            data,
            password,
            *args,
            unsafe_skip_rsa_key_validation=unsafe_skip_rsa_key_validation,
            **kwargs,
        )

    monkeypatch.setattr(serialization, "load_ssh_private_key", spy)
    ours = home / ".ssh" / "ours"
    ours.parent.mkdir(mode=0o700)
    made = generate_rsa_key(ours, passphrase=PASSPHRASE)
    keygen(str(home / ".ssh" / "theirs"), bits=3072)
    loaded = sshkeys.load_rsa_private_key(ours, PASSPHRASE)
    assert skipped == [True]
    assert loaded.key_size == 3072 and made.bits == 3072
    with pytest.raises(KeyPassphraseError):  # the passphrase is still checked
        sshkeys.load_rsa_private_key(ours, "wrong")
    sshkeys.load_rsa_private_key(home / ".ssh" / "theirs")
    assert skipped[-1] is False  # not made here: checked
    data = ours.read_bytes()  # the same bytes written again: a new file, checked again
    ours.unlink()
    ours.write_bytes(data)
    os.utime(ours, ns=(1, 1))
    sshkeys.load_rsa_private_key(ours, PASSPHRASE)
    assert skipped[-1] is False


@needs_ssh_keygen
def test_a_key_file_is_checked_by_openssl_once_per_process(home, monkeypatch):
    # The RSA check holds the GIL for ~140 ms: the wizard's screen froze on every load.
    from cryptography.hazmat.primitives import serialization

    key_path = home / ".ssh" / "checked_once"
    ensure_ssh_dir(home)
    keygen(str(key_path), bits=3072)  # not made here: the first load is checked
    real, skips = serialization.load_ssh_private_key, []

    def spy(data, password, **kwargs):
        skips.append(kwargs.get("unsafe_skip_rsa_key_validation", False))
        return real(data, password, **kwargs)

    monkeypatch.setattr(serialization, "load_ssh_private_key", spy)
    load = sshkeys.load_rsa_private_key
    first, second = load(key_path), load(key_path)
    assert skips == [False, True]
    assert first.private_numbers() == second.private_numbers()
    other = home / ".ssh" / "another"
    keygen(str(other), bits=3072)
    load(other)
    assert skips[-1] is False  # other bytes are checked

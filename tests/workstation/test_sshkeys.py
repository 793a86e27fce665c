"""~/.ssh, RSA key generation and adoption, cross-checked with the real OpenSSH tools."""

from __future__ import annotations

import base64
import errno
import os
import stat

import pytest

from college_tui.workstation import sshkeys
from college_tui.workstation.errors import (
    FileWriteError,
    KeyPassphraseError,
    KeySizeError,
    NotAKeyError,
    NotRsaKeyError,
    PathExistsError,
    PublicKeyMismatchError,
    SshDirError,
    SshKeyError,
    WorkstationError,
)
from college_tui.workstation.sshkeys import (
    ensure_ssh_dir,
    generate_rsa_key,
)

from .helpers import needs_ssh_keygen, run, tree_snapshot

PASSPHRASE = "correct horse battery staple"


def mode_of(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def keygen_fingerprint(path) -> str:
    return run("ssh-keygen", "-l", "-E", "sha256", "-f", path).stdout.split()[1]


def keygen(path, key_type="rsa", bits=None, passphrase="", fmt=None, comment="someone@laptop"):
    args = ["ssh-keygen", "-q", "-t", key_type, "-N", passphrase, "-C", comment, "-f", path]
    if bits:
        args += ["-b", str(bits)]
    if fmt:
        args += ["-m", fmt]
    run(*args)


# ------------------------------------------------------------------------------ ~/.ssh


def test_ensure_ssh_dir_creates_it_0700(home):
    info = ensure_ssh_dir(home)

    assert info.path == home / ".ssh"
    assert os.fspath(info) == str(home / ".ssh")
    assert info.created
    assert mode_of(home / ".ssh") == 0o700
    assert "Created" in info.note


def test_ensure_ssh_dir_narrows_wide_permissions_and_says_so(home):
    (home / ".ssh").mkdir()
    os.chmod(home / ".ssh", 0o755)

    info = ensure_ssh_dir(home)

    assert mode_of(home / ".ssh") == 0o700
    assert info.previous_mode == 0o755
    assert "0755" in info.note and "0700" in info.note


def test_ensure_ssh_dir_leaves_a_correct_folder_alone(home):
    (home / ".ssh").mkdir(mode=0o700)
    info = ensure_ssh_dir(home)
    assert not info.created
    assert info.previous_mode is None
    assert info.note is None


def test_ensure_ssh_dir_accepts_a_symlink_to_a_folder(home, tmp_path):
    real = tmp_path / "dotfiles-ssh"
    real.mkdir(mode=0o700)
    (home / ".ssh").symlink_to(real)

    info = ensure_ssh_dir(home)

    assert info.note is None
    assert (home / ".ssh").is_symlink()


def test_ensure_ssh_dir_refuses_a_regular_file(home):
    (home / ".ssh").write_text("oops")
    with pytest.raises(SshDirError) as info:
        ensure_ssh_dir(home)
    assert "not a folder" in str(info.value)
    assert (home / ".ssh").read_text() == "oops"


def test_ensure_ssh_dir_refuses_a_dangling_symlink(home, tmp_path):
    (home / ".ssh").symlink_to(tmp_path / "gone")
    with pytest.raises(SshDirError) as info:
        ensure_ssh_dir(home)
    assert "does not exist" in str(info.value)
    assert not (tmp_path / "gone").exists()


def test_ensure_ssh_dir_on_a_read_only_home(home, monkeypatch):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "mkdir", read_only)
    with pytest.raises(FileWriteError) as info:
        ensure_ssh_dir(home)
    monkeypatch.undo()
    assert "read-only" in str(info.value)
    assert not (home / ".ssh").exists()


# ------------------------------------------------------------------------------ generation


@needs_ssh_keygen
def test_generate_default_3072_key_matches_openssh(home):
    ssh_dir = ensure_ssh_dir(home).path
    path = ssh_dir / "id_rsa_azure"

    info = generate_rsa_key(path, comment="ada@college")

    assert info.bits == 3072
    assert not info.adopted
    assert mode_of(path) == 0o600
    assert mode_of(info.public_path) == 0o644
    assert mode_of(ssh_dir) == 0o700
    assert path.read_text().startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    assert info.public_path.read_text() == info.public_line + "\n"
    assert info.public_line == f"{info.key_material} ada@college"
    assert info.key_material.startswith("ssh-rsa AAAA")
    # OpenSSH agrees on the fingerprint of both files and derives the same public key.
    assert keygen_fingerprint(path) == info.fingerprint_sha256
    assert keygen_fingerprint(info.public_path) == info.fingerprint_sha256
    assert (
        run("ssh-keygen", "-y", "-P", "", "-f", path).stdout.split()[:2]
        == info.key_material.split()
    )
    assert run("ssh-keygen", "-l", "-f", path).stdout.split()[0] == "3072"


@needs_ssh_keygen
def test_generate_4096_with_passphrase_uses_bcrypt_openssh_format(home):
    path = ensure_ssh_dir(home).path / "id_rsa"

    info = generate_rsa_key(path, bits=4096, passphrase=PASSPHRASE)

    assert info.bits == 4096
    raw = base64.b64decode("".join(path.read_text().splitlines()[1:-1]))
    assert raw.startswith(b"openssh-key-v1\0")
    assert b"bcrypt" in raw[:100] and b"aes256-ctr" in raw[:100]
    good = run("ssh-keygen", "-y", "-P", PASSPHRASE, "-f", path, check=False)
    assert good.returncode == 0
    assert good.stdout.split()[:2] == info.key_material.split()
    for wrong in ("", "wrong"):
        assert run("ssh-keygen", "-y", "-P", wrong, "-f", path, check=False).returncode != 0
    assert keygen_fingerprint(info.public_path) == info.fingerprint_sha256
    assert PASSPHRASE not in repr(info)


def test_only_3072_and_4096_bits_are_offered(home):
    with pytest.raises(KeySizeError) as info:
        generate_rsa_key(home / "id_rsa", bits=2048)
    assert "3072" in str(info.value)
    assert list(home.iterdir()) == []


@needs_ssh_keygen
def test_rerun_adopts_the_key_it_created(home):
    path = home / "id_rsa"
    first = generate_rsa_key(path, passphrase=PASSPHRASE)
    before = tree_snapshot(home)

    again = generate_rsa_key(path, passphrase=PASSPHRASE)

    assert again.adopted
    assert again.fingerprint_sha256 == first.fingerprint_sha256
    assert again.public_line == first.public_line
    assert tree_snapshot(home) == before


def test_failed_write_leaves_no_key_file(home, monkeypatch):
    def disk_full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", disk_full)
    with pytest.raises(FileWriteError) as info:
        generate_rsa_key(home / "id_rsa")
    monkeypatch.undo()
    assert "disk is full" in str(info.value)
    assert list(home.iterdir()) == []


def test_failed_pub_write_removes_the_new_private_key(home, monkeypatch):
    real = sshkeys.create_exclusive

    def fail_on_pub(path, data, mode):
        if str(path).endswith(".pub"):
            raise FileWriteError("Could not create the .pub file: the disk is full.")
        return real(path, data, mode)

    monkeypatch.setattr(sshkeys, "create_exclusive", fail_on_pub)
    with pytest.raises(FileWriteError):
        generate_rsa_key(home / "id_rsa")
    assert list(home.iterdir()) == []


def test_read_only_ssh_dir_gives_a_clear_message(home, monkeypatch):
    ssh_dir = ensure_ssh_dir(home).path
    real_open = os.open

    def read_only(path, flags, mode=0o777, **kwargs):
        if flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(FileWriteError) as info:
        generate_rsa_key(ssh_dir / "id_rsa", passphrase=PASSPHRASE)
    monkeypatch.undo()
    message = str(info.value)
    assert "read-only" in message and str(ssh_dir) in message
    assert PASSPHRASE not in message
    assert list(ssh_dir.iterdir()) == []


# ------------------------------------------------------------------------------ existing files


@needs_ssh_keygen
@pytest.mark.parametrize("passphrase", ["", "secret-ed"])
def test_existing_ed25519_key_is_refused_and_untouched(home, passphrase):
    path = home / "id_ed25519"
    keygen(path, "ed25519", passphrase=passphrase)
    before = tree_snapshot(home)

    with pytest.raises(NotRsaKeyError) as info:
        generate_rsa_key(path, passphrase=passphrase or None)

    message = str(info.value)
    assert "Ed25519" in message
    assert "RSA keys only" in message
    assert "another file name" in message
    assert tree_snapshot(home) == before
    if passphrase:
        assert passphrase not in message


@needs_ssh_keygen
def test_existing_ecdsa_key_is_refused(home):
    keygen(home / "id_ecdsa", "ecdsa")
    with pytest.raises(NotRsaKeyError, match="ECDSA"):
        generate_rsa_key(home / "id_ecdsa")


@needs_ssh_keygen
def test_existing_rsa_key_is_adopted_untouched(home):
    path = home / "id_rsa"
    keygen(path, bits=3072)
    before = tree_snapshot(home)

    info = generate_rsa_key(path)

    assert info.adopted
    assert info.bits == 3072
    assert info.fingerprint_sha256 == keygen_fingerprint(path)
    assert info.comment == "someone@laptop"
    assert info.notes == ()
    assert tree_snapshot(home) == before


@needs_ssh_keygen
def test_existing_pem_rsa_key_is_adopted(home):
    keygen(home / "id_rsa", bits=2048, fmt="PEM")
    info = generate_rsa_key(home / "id_rsa")
    assert info.adopted and info.bits == 2048
    assert info.fingerprint_sha256 == keygen_fingerprint(home / "id_rsa")


@needs_ssh_keygen
def test_adopting_writes_a_missing_pub_file(home):
    path = home / "id_rsa"
    keygen(path, bits=2048)
    os.unlink(home / "id_rsa.pub")

    info = generate_rsa_key(path, comment="ada@college")

    assert info.adopted
    assert info.public_path.read_text() == f"{info.key_material} ada@college\n"
    assert mode_of(info.public_path) == 0o644
    assert keygen_fingerprint(info.public_path) == keygen_fingerprint(path)
    assert any("public key" in note for note in info.notes)


@needs_ssh_keygen
def test_adopting_narrows_a_too_open_private_key(home):
    path = home / "id_rsa"
    keygen(path, bits=2048)
    os.chmod(path, 0o644)

    info = generate_rsa_key(path)

    assert mode_of(path) == 0o600
    assert any("0644" in note for note in info.notes)


@needs_ssh_keygen
def test_protected_key_needs_the_right_passphrase(home):
    path = home / "id_rsa"
    keygen(path, bits=2048, passphrase=PASSPHRASE)
    before = tree_snapshot(home)

    with pytest.raises(KeyPassphraseError) as missing:
        generate_rsa_key(path)
    with pytest.raises(KeyPassphraseError) as wrong:
        generate_rsa_key(path, passphrase="not the passphrase")
    info = generate_rsa_key(path, passphrase=PASSPHRASE)

    assert "protected by a passphrase" in str(missing.value)
    assert "not correct" in str(wrong.value)
    for exc in (missing.value, wrong.value):
        text = f"{exc} {exc!r} {exc.args} {exc.__cause__!r} {exc.__context__!r}"
        assert "not the passphrase" not in text and PASSPHRASE not in text
        assert isinstance(exc, WorkstationError)
    assert info.adopted and info.fingerprint_sha256 == keygen_fingerprint(path)
    assert tree_snapshot(home) == before


@needs_ssh_keygen
def test_pub_file_of_another_key_is_refused(home):
    keygen(home / "a", bits=2048)
    keygen(home / "b", bits=2048)
    os.replace(home / "b.pub", home / "a.pub")
    before = tree_snapshot(home)

    with pytest.raises(PublicKeyMismatchError) as info:
        generate_rsa_key(home / "a")

    assert "different key" in str(info.value)
    assert tree_snapshot(home) == before


@needs_ssh_keygen
def test_weak_rsa_key_is_refused(home):
    keygen(home / "id_rsa", bits=1024)
    with pytest.raises(SshKeyError, match="1024-bit"):
        generate_rsa_key(home / "id_rsa")


def test_pub_file_without_private_key_is_refused(home):
    (home / "id_rsa.pub").write_text("ssh-rsa AAAA old\n")
    with pytest.raises(PathExistsError) as info:
        generate_rsa_key(home / "id_rsa")
    assert "another key file name" in str(info.value)
    assert sorted(p.name for p in home.iterdir()) == ["id_rsa.pub"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"just some notes\n", "not an SSH private key"),
        (b"ssh-rsa AAAAB3NzaC1yc2E comment\n", "public key, not a private key"),
        (b"PuTTY-User-Key-File-3: ssh-rsa\n", "PuTTY"),
        (
            b"-----BEGIN OPENSSH PRIVATE KEY-----\nnot base64!!\n-----END OPENSSH PRIVATE KEY-----\n",
            "not an SSH private key",
        ),
    ],
)
def test_files_that_are_not_keys_are_refused_untouched(home, content, words):
    (home / "id_rsa").write_bytes(content)
    with pytest.raises(NotAKeyError) as info:
        generate_rsa_key(home / "id_rsa")
    assert words in str(info.value)
    assert (home / "id_rsa").read_bytes() == content
    assert not (home / "id_rsa.pub").exists()

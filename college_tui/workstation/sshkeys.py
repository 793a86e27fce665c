"""SSH keys for Azure DevOps: the ``~/.ssh`` folder, RSA key generation and adoption.

Azure DevOps accepts RSA keys only. Private keys are written in OpenSSH format (bcrypt KDF
when a passphrase is given) at 0600, created exclusively so an existing key is never
overwritten; ``.pub`` files are 0644 and ``~/.ssh`` is 0700.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from .atomic import create_exclusive
from .errors import (
    KeyPassphraseError,
    KeySizeError,
    NotAKeyError,
    PathExistsError,
    PublicKeyMismatchError,
    SshDirError,
    SshKeyError,
    file_error,
)
from .hostos.keyfiles import applies_modes, loose_acl, loose_mode, make_private
from .sshkeyfiles import (
    fingerprint_of_material,
    not_a_key_error,
    not_rsa_error,
    public_path_for,
    read_key_file,
    read_public_file,
    same_key,
    sniff_key_bytes,
)

ALLOWED_RSA_BITS = (3072, 4096)
DEFAULT_RSA_BITS = 3072
MIN_RSA_BITS = 2048  # smaller existing keys are refused rather than adopted
# Key files this process generated, by (path, inode, mtime): loading one of those again (the SSH
# check right after creating the key) skips cryptography's RSA consistency check, which costs
# ~0.15 s per 3072-bit key and guards against malformed keys from elsewhere; ours are well-formed
# by construction and unchanged since. A file replaced or rewritten gets a new identity.
_MADE_HERE: set[tuple[str, int, int]] = set()


@dataclass(frozen=True)
class SshDirInfo:
    """Result of :func:`ensure_ssh_dir`; usable as a path (``os.fspath(info)``)."""

    path: Path
    created: bool = False
    previous_mode: int | None = None  # set when we narrowed too-wide permissions to 0700

    @property
    def note(self) -> str | None:
        """A sentence for the activity log when something was created or fixed, else None."""
        if self.created:
            return f"Created {self.path} (permissions 0700)."
        if self.previous_mode is not None:
            return (
                f"Tightened the permissions of {self.path} from {self.previous_mode:04o} to 0700 "
                "so other users cannot read your SSH files."
            )
        return None

    def __fspath__(self) -> str:
        return os.fspath(self.path)


@dataclass(frozen=True)
class KeyInfo:
    """Public facts about an RSA key pair; holds no secret."""

    path: Path
    public_path: Path
    public_line: str  # "ssh-rsa BASE64 comment" (or without comment when no .pub exists yet)
    key_material: str  # "ssh-rsa BASE64": compare this to find the key on the account
    bits: int
    fingerprint_sha256: str  # "SHA256:...", as ssh-keygen -l prints it
    adopted: bool = False  # True when the key existed before and was reused
    comment: str = ""
    notes: tuple[str, ...] = field(default=())  # things we fixed, for the activity log


def ensure_ssh_dir(home: os.PathLike[str] | str) -> SshDirInfo:
    """Make sure ``<home>/.ssh`` is a folder with permissions 0700 and return facts about it.

    Creates it (0700) when missing; narrows wider permissions to 0700 (see ``.note``).
    A symlink to a folder is accepted. Raises :class:`SshDirError` when ``.ssh`` is a file or
    a symlink to nothing, and :class:`FileWriteError` when it cannot be created or fixed.
    """
    ssh_dir = Path(home) / ".ssh"
    if ssh_dir.is_symlink() and not ssh_dir.exists():
        raise SshDirError(
            f"{ssh_dir} is a symbolic link to {os.readlink(ssh_dir)}, which does not exist. "
            "Create the folder it points to (or remove the link) and run the step again."
        )
    if os.path.lexists(ssh_dir) and not ssh_dir.is_dir():
        raise SshDirError(
            f"{ssh_dir} exists but is not a folder. SSH needs a folder there: rename that file "
            "and run the step again."
        )
    if not ssh_dir.exists():
        try:
            ssh_dir.mkdir(mode=0o700, parents=True)
            if applies_modes():
                os.chmod(ssh_dir, 0o700)  # mkdir's mode went through the umask
        except OSError as exc:
            raise file_error(exc, "create the folder", ssh_dir) from exc
        return SshDirInfo(path=ssh_dir, created=True)

    mode = stat.S_IMODE(ssh_dir.stat().st_mode)
    if applies_modes() and mode & 0o077:
        try:
            os.chmod(ssh_dir, 0o700)
        except OSError as exc:
            raise file_error(exc, "set permissions 0700 on", ssh_dir) from exc
        return SshDirInfo(path=ssh_dir, previous_mode=mode)
    return SshDirInfo(path=ssh_dir)


def generate_rsa_key(
    path: os.PathLike[str] | str,
    bits: int = DEFAULT_RSA_BITS,
    passphrase: str | bytes | None = None,
    comment: str | None = None,
) -> KeyInfo:
    """Create an RSA key pair at ``path`` / ``path.pub``, or adopt the RSA key already there.

    New keys: ``bits`` must be 3072 or 4096; the private key is OpenSSH format, encrypted with
    ``passphrase`` (bcrypt KDF) when one is given, created exclusively at 0600; the ``.pub``
    (``ssh-rsa BASE64 comment``) at 0644. Existing files are never overwritten: a readable RSA
    key is adopted (``adopted=True``; a missing ``.pub`` is derived from it, a too-open key
    file is narrowed to 0600). Raises :class:`NotRsaKeyError`, :class:`NotAKeyError`,
    :class:`KeyPassphraseError`, :class:`PublicKeyMismatchError`, :class:`KeySizeError`,
    :class:`PathExistsError` or :class:`FileWriteError` with a sentence saying what to do.
    """
    path = Path(path)
    pub_path = public_path_for(path)
    if bits not in ALLOWED_RSA_BITS:
        raise KeySizeError(
            f"RSA keys of {bits} bits are not offered; choose 3072 (recommended) or 4096 bits."
        )
    comment = _clean_comment(comment if comment is not None else default_comment())
    secret = _passphrase_bytes(passphrase)

    if os.path.lexists(path):
        return _adopt(path, pub_path, secret, comment)
    if os.path.lexists(pub_path):
        raise PathExistsError(
            f"{pub_path} exists but its private key {path} does not. college-tui will not "
            "overwrite it: move it away or choose another key file name, then run the step again.",
            pub_path,
        )

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=bits)  # as ssh-keygen
    encryption = (
        serialization.BestAvailableEncryption(secret) if secret else serialization.NoEncryption()
    )
    private_bytes = rsa_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, encryption
    )
    material = _public_material(rsa_key)
    public_line = f"{material} {comment}".rstrip()

    create_exclusive(path, private_bytes, 0o600)
    try:
        create_exclusive(pub_path, public_line + "\n", 0o644)
    except BaseException:
        # Keep the pair all-or-nothing: this private key was created a moment ago by us.
        _remove_quietly(path)
        raise
    with contextlib.suppress(OSError):
        _MADE_HERE.add(_file_identity(path))
    info = _describe(path, pub_path, rsa_key, public_line, comment, adopted=False)
    if applies_modes():
        return info
    failed = make_private(path)  # Windows: the mode above meant nothing; set the ACL
    return replace(info, notes=(failed,)) if failed else info


def load_key_info(path: os.PathLike[str] | str, passphrase: str | bytes | None = None) -> KeyInfo:
    """Read an existing RSA private key (and its ``.pub`` if present) and describe it.

    Raises :class:`NotRsaKeyError` for other key types, :class:`NotAKeyError` for files that
    are not keys, :class:`KeyPassphraseError` for a missing or wrong passphrase and
    :class:`PublicKeyMismatchError` when the ``.pub`` holds another key.
    """
    path = Path(path)
    pub_path = public_path_for(path)
    rsa_key = load_rsa_private_key(path, passphrase)
    material = _public_material(rsa_key)
    public_line, comment = material, ""
    pub_text = read_public_file(pub_path)
    if pub_text is not None:
        if not same_key(pub_text, material):
            raise PublicKeyMismatchError(
                f"{pub_path} holds a different key than {path}. college-tui will not touch "
                "either file: move the wrong one away (or choose another key file name) and "
                "run the step again."
            )
        public_line = " ".join(pub_text.split())
        comment = public_line.split(" ", 2)[2] if public_line.count(" ") >= 2 else ""
    return _describe(path, pub_path, rsa_key, public_line, comment, adopted=True)


def _describe(
    path: Path, pub_path: Path, rsa_key: Any, public_line: str, comment: str, *, adopted: bool
) -> KeyInfo:
    """The public facts of a key pair (what KeyInfo holds), from its private key."""
    material = _public_material(rsa_key)
    return KeyInfo(
        path=path,
        public_path=pub_path,
        public_line=public_line,
        key_material=material,
        bits=rsa_key.key_size,
        fingerprint_sha256=fingerprint_of_material(material),
        adopted=adopted,
        comment=comment,
    )


def load_rsa_private_key(
    path: os.PathLike[str] | str, passphrase: str | bytes | None = None
) -> RSAPrivateKey:
    """Load the RSA private key at ``path`` and return cryptography's ``RSAPrivateKey``.

    The returned object is secret: never log or display it. Errors as in :func:`load_key_info`.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    path = Path(path)
    data = read_key_file(path)
    key_type, encrypted = sniff_key_bytes(data, path)
    if key_type is not None and key_type != "ssh-rsa":
        raise not_rsa_error(path, key_type)
    secret = _passphrase_bytes(passphrase)
    if encrypted and not secret:
        raise KeyPassphraseError(
            f"The key {path} is protected by a passphrase. Enter its passphrase, or choose "
            "another key file name to create a new key."
        )
    password = secret if encrypted else None
    # OpenSSL's RSA key check holds the GIL (~140 ms for 3072 bits), freezing the wizard's
    # screen each time: the same file's bytes are checked once per process.
    digest = hashlib.sha256(data).digest()
    checked = digest in _CHECKED_KEYS
    try:
        ours = _file_identity(path) in _MADE_HERE
    except OSError:
        ours = False
    skip = ours or checked
    key: PrivateKeyTypes
    try:
        if data.lstrip().startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----"):
            key = serialization.load_ssh_private_key(
                data, password, unsafe_skip_rsa_key_validation=skip
            )
        else:
            key = serialization.load_pem_private_key(
                data, password, unsafe_skip_rsa_key_validation=skip
            )
    except (ValueError, TypeError) as exc:
        if encrypted:
            raise KeyPassphraseError(
                f"The passphrase for {path} is not correct. Enter it again, or choose another "
                "key file name to create a new key."
            ) from None
        raise not_a_key_error(path) from exc
    except Exception as exc:  # cryptography raises UnsupportedAlgorithm for odd files
        raise not_a_key_error(path) from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise not_rsa_error(path, _crypto_key_type(key))
    if key.key_size < MIN_RSA_BITS:
        raise SshKeyError(
            f"{path} is a {key.key_size}-bit RSA key, which is too weak to use. college-tui "
            "leaves it untouched: choose another file name for a new 3072-bit key."
        )
    if not skip:  # only bytes OpenSSL really checked count as checked
        _CHECKED_KEYS.add(digest)
    return key


def _file_identity(path: Path) -> tuple[str, int, int]:
    info = os.stat(path)
    return (os.path.realpath(path), info.st_ino, info.st_mtime_ns)


_CHECKED_KEYS: set[bytes] = set()  # sha256 of key files OpenSSL has already checked


def default_comment() -> str:
    """The comment put at the end of new public keys: ``college-tui@<hostname>``."""
    host = socket.gethostname().split(".")[0] or "localhost"
    return f"college-tui@{host}"


def _adopt(path: Path, pub_path: Path, secret: bytes | None, comment: str) -> KeyInfo:
    if not path.is_file():
        raise NotAKeyError(
            f"{path} exists but is not a regular file. Choose another key file name and run "
            "the step again."
        )
    info = load_key_info(path, secret)
    notes: list[str] = []
    # OpenSSH refuses keys others may read ("UNPROTECTED PRIVATE KEY FILE").
    mode, readers = loose_mode(path), loose_acl(path)
    if mode is not None:
        try:
            make_private(path)
        except OSError as exc:
            raise file_error(exc, "set permissions 0600 on", path) from exc
        notes.append(f"Tightened the permissions of {path} from {mode:04o} to 0600.")
    elif readers is not None:
        failed = make_private(path)
        if failed:
            raise SshKeyError(failed)
        notes.append(
            f"Made {path} readable by you only (its Windows ACL let {readers} read it): "
            "Windows' OpenSSH refuses a key others may read."
        )
    if not os.path.lexists(pub_path):
        public_line = f"{info.key_material} {comment}".rstrip()
        create_exclusive(pub_path, public_line + "\n", 0o644)
        notes.append(f"Wrote the missing public key file {pub_path}.")
        info = replace(info, public_line=public_line, comment=comment)
    return replace(info, adopted=True, notes=tuple(notes))


def _public_material(rsa_key: RSAPrivateKey) -> str:
    from cryptography.hazmat.primitives import serialization

    line = rsa_key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    return line.decode("ascii")


def _crypto_key_type(key: Any) -> str:
    name = type(key).__name__.lower()
    if "ed25519" in name:
        return "ssh-ed25519"
    if "elliptic" in name:
        return "ecdsa-sha2-nistp256"
    if "dsa" in name:
        return "ssh-dss"
    return name


def _passphrase_bytes(passphrase: str | bytes | None) -> bytes | None:
    if passphrase is None or passphrase in ("", b""):
        return None
    return passphrase.encode("utf-8") if isinstance(passphrase, str) else bytes(passphrase)


def _clean_comment(comment: str) -> str:
    # A newline in the public key line makes Azure DevOps reject the pasted key.
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in comment):
        raise SshKeyError("The key comment contains control characters; use plain text only.")
    return comment.strip()


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)

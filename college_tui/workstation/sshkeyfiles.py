"""Reading SSH key files without decrypting them: what a private key file holds (type, passphrase),
public key lines, fingerprints, and the sentences for files that are not usable keys.

Kept apart from :mod:`.sshkeys` (generation, adoption, loading with cryptography) because the
steps ask these questions before any key is loaded, and none of this needs cryptography.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import NotAKeyError, NotRsaKeyError, file_error

_MAX_KEY_FILE_BYTES = 64 * 1024  # real private keys are a few KiB
_OPENSSH_MAGIC = b"openssh-key-v1\x00"

# Friendly names for the key types we may meet in someone's ~/.ssh.
_KEY_TYPE_NAMES = {
    "ssh-ed25519": "an Ed25519",
    "ecdsa-sha2-nistp256": "an ECDSA",
    "ecdsa-sha2-nistp384": "an ECDSA",
    "ecdsa-sha2-nistp521": "an ECDSA",
    "sk-ssh-ed25519@openssh.com": "a security-key (Ed25519-SK)",
    "sk-ecdsa-sha2-nistp256@openssh.com": "a security-key (ECDSA-SK)",
    "ssh-dss": "a DSA",
}


KeyKind = Literal["rsa", "ed25519", "ecdsa", "dsa", "unknown"]


@dataclass(frozen=True)
class KeySniff:
    """What a private key file's header says, before any decryption or validation."""

    kind: KeyKind  # "unknown": PKCS#8 files (type inside the key) and rarer types (sk-...)
    encrypted: bool  # protected by a passphrase


def sniff_private_key(path: os.PathLike[str] | str) -> KeySniff:
    """Tell a private key's type and whether it has a passphrase from its header alone.

    Cheap: the PEM header or the OpenSSH envelope is read, nothing is decrypted or checked
    (use :func:`load_rsa_private_key` for that). Raises :class:`NotAKeyError` for a missing
    file, a public key, a PuTTY key or anything else that is not a private key, and
    :class:`FileWriteError` when the file cannot be read.
    """
    path = Path(path)
    key_type, encrypted = sniff_key_bytes(read_key_file(path), path)
    return KeySniff(kind=_key_kind(key_type), encrypted=encrypted)


def public_path_for(path: os.PathLike[str] | str) -> Path:
    """Return the ``.pub`` path OpenSSH pairs with a private key path."""
    path = Path(path)
    return path.with_name(path.name + ".pub")


def key_material(public_line: str) -> str:
    """Return ``"TYPE BASE64"`` from an OpenSSH public key line (comment dropped)."""
    parts = public_line.split()
    if len(parts) < 2:
        raise ValueError("not an OpenSSH public key line")
    return f"{parts[0]} {parts[1]}"


def same_key(public_line_a: str, public_line_b: str) -> bool:
    """True when both OpenSSH public key lines hold the same key (type and base64 only)."""
    try:
        return key_material(public_line_a) == key_material(public_line_b)
    except (ValueError, AttributeError):
        return False


def fingerprint_of_material(material: str) -> str:
    """``SHA256:...`` fingerprint (unpadded base64, like ``ssh-keygen -l``) of ``TYPE BASE64``."""
    blob = base64.b64decode(key_material(material).split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def read_key_file(path: Path) -> bytes:
    """The bytes of a private key file (at most 64 KiB); NotAKeyError or FileWriteError."""
    try:
        if path.stat().st_size > _MAX_KEY_FILE_BYTES:
            raise not_a_key_error(path)
        return path.read_bytes()
    except FileNotFoundError:
        raise NotAKeyError(
            f"There is no key file at {path}. Check the path, or let college-tui create a new key."
        ) from None
    except IsADirectoryError:
        raise not_a_key_error(path) from None
    except OSError as exc:
        raise file_error(exc, "read", path) from exc


def read_public_file(pub_path: Path) -> str | None:
    """The text of a ``.pub`` file, or None when there is none."""
    try:
        data = pub_path.read_bytes()[:_MAX_KEY_FILE_BYTES]
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise file_error(exc, "read", pub_path) from exc
    return data.decode("utf-8", errors="replace").strip()


def sniff_key_bytes(data: bytes, path: Path) -> tuple[str | None, bool]:
    """Return (key type or None if unknown before decryption, encrypted?) without decrypting."""
    text = data.lstrip()
    if text.startswith(b"PuTTY-User-Key-File"):
        raise NotAKeyError(
            f"{path} is a PuTTY key (.ppk). Export it in OpenSSH format with PuTTYgen "
            "(Conversions → Export OpenSSH key), or choose another key file name."
        )
    if text.startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----"):
        return _sniff_openssh(text, path)
    if text.startswith(b"-----BEGIN RSA PRIVATE KEY-----"):
        return "ssh-rsa", b"ENCRYPTED" in text[:200]
    if text.startswith(b"-----BEGIN EC PRIVATE KEY-----"):
        return "ecdsa-sha2-nistp256", b"ENCRYPTED" in text[:200]
    if text.startswith(b"-----BEGIN DSA PRIVATE KEY-----"):
        return "ssh-dss", b"ENCRYPTED" in text[:200]
    if text.startswith(b"-----BEGIN PRIVATE KEY-----"):
        return None, False
    if text.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----"):
        return None, True
    if text.startswith((b"ssh-", b"ecdsa-", b"sk-")):
        raise NotAKeyError(
            f"{path} holds a public key, not a private key. Point college-tui at the private "
            "key file (the one without .pub), or choose another key file name."
        )
    raise not_a_key_error(path)


def _sniff_openssh(text: bytes, path: Path) -> tuple[str, bool]:
    """Read the unencrypted header of an ``openssh-key-v1`` file: key type and cipher."""
    try:
        body = b"".join(
            line.strip() for line in text.splitlines()[1:] if not line.startswith(b"-----")
        )
        raw = base64.b64decode(body, validate=False)
        if not raw.startswith(_OPENSSH_MAGIC):
            raise ValueError("bad magic")
        pos = len(_OPENSSH_MAGIC)
        cipher, pos = _ssh_string(raw, pos)
        _kdf, pos = _ssh_string(raw, pos)
        _kdf_options, pos = _ssh_string(raw, pos)
        pos += 4  # number of keys
        public_blob, pos = _ssh_string(raw, pos)
        key_type, _ = _ssh_string(public_blob, 0)
        return key_type.decode("ascii"), cipher != b"none"
    except (ValueError, binascii.Error, struct.error, UnicodeDecodeError):
        raise not_a_key_error(path) from None


def _key_kind(key_type: str | None) -> KeyKind:
    if key_type == "ssh-rsa":
        return "rsa"
    if key_type == "ssh-ed25519":
        return "ed25519"
    if key_type is not None and key_type.startswith("ecdsa-sha2-"):
        return "ecdsa"
    if key_type == "ssh-dss":
        return "dsa"
    return "unknown"


def _ssh_string(buf: bytes, pos: int) -> tuple[bytes, int]:
    (length,) = struct.unpack_from(">I", buf, pos)
    start = pos + 4
    if start + length > len(buf):
        raise ValueError("truncated")
    return buf[start : start + length], start + length


def not_rsa_error(path: Path, key_type: str) -> NotRsaKeyError:
    """The sentence for a key of another type than RSA (left untouched)."""
    kind = _KEY_TYPE_NAMES.get(key_type, f"a {key_type}")
    return NotRsaKeyError(
        f"{path} is {kind} key, but Azure DevOps accepts RSA keys only. college-tui leaves it "
        "untouched: choose another file name (for example id_rsa_azure) for a new RSA key."
    )


def not_a_key_error(path: Path) -> NotAKeyError:
    """The sentence for a file that is not a private key college-tui can read."""
    return NotAKeyError(
        f"{path} exists but is not an SSH private key college-tui can read. It is left "
        "untouched: choose another key file name and run the step again."
    )

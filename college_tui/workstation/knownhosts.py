"""known_hosts handling with the pinned Azure DevOps host key.

College-tui never trusts a server on first use (no ssh-keyscan): the ``ssh.dev.azure.com``
host key ships here as a constant whose fingerprint a unit test checks against the value
Microsoft publishes. Entries are found whether plain or hashed (``|1|salt|hash``, as Debian's
``HashKnownHosts yes`` writes them), and a new entry is hashed too when the file holds only
hashed ones; a different key for the host is reported, never replaced.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path

from .atomic import write_atomic
from .change import Change
from .errors import HostKeyMismatchError, KnownHostsError, file_error, utf16_sentence

AZURE_DEVOPS_SSH_HOST = "ssh.dev.azure.com"
AZURE_DEVOPS_LEGACY_SSH_HOST = "vs-ssh.visualstudio.com"  # same key, older host name
AZURE_DEVOPS_HOST_KEY_TYPE = "ssh-rsa"
# RSA 2048. Fingerprints published by Microsoft (azure-devops-docs, use-ssh-keys-to-authenticate).
AZURE_DEVOPS_HOST_KEY = (
    "AAAAB3NzaC1yc2EAAAADAQABAAABAQC7Hr1oTWqNqOlzGJOfGJ4NakVyIzf1rXYd4d7wo6jBlkLvCA4odBlL0mDUyZ0/"
    "QUfTTqeu+tm22gOsv+VrVTMk6vwRU75gY/y9ut5Mb3bR5BV58dKXyq9A9UeB5Cakehn5Zgm6x1mKoVyf+FFn26iYqXJR"
    "gzIZZcZ5V6hrE0Qg39kZm4az48o0AUbf6Sp4SLdvnuMa2sVNwHBboS7EJkm57XQPVU3/QpyNLHbWDdzwtrlS+ez30S3A"
    "dYhLKEOxAG8weOnyrtLJAUen9mTkol8oII1edf7mWWbWVf0nBmly21+nZcmCTISQBtdcyPaEno7fFQMDD26/s0lfKob4"
    "Kw8H"
)
AZURE_DEVOPS_HOST_KEY_SHA256 = "SHA256:ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og"
AZURE_DEVOPS_HOST_KEY_MD5 = "MD5:97:70:33:82:fd:29:3a:73:39:af:6a:07:ad:f8:80:49"


@dataclass(frozen=True)
class PinnedHostKey:
    """A host key we trust without asking: host name, key type and base64 blob."""

    host: str
    key_type: str
    key_base64: str
    fingerprint_sha256: str


PINNED_HOST_KEYS = (
    PinnedHostKey(
        AZURE_DEVOPS_SSH_HOST,
        AZURE_DEVOPS_HOST_KEY_TYPE,
        AZURE_DEVOPS_HOST_KEY,
        AZURE_DEVOPS_HOST_KEY_SHA256,
    ),
    PinnedHostKey(
        AZURE_DEVOPS_LEGACY_SSH_HOST,
        AZURE_DEVOPS_HOST_KEY_TYPE,
        AZURE_DEVOPS_HOST_KEY,
        AZURE_DEVOPS_HOST_KEY_SHA256,
    ),
)


@dataclass(frozen=True)
class KnownHostEntry:
    """One key line of a known_hosts file."""

    line_number: int  # 1-based
    marker: str | None  # "@cert-authority", "@revoked" or None
    patterns: str  # "host,alias", "[host]:2222" or "|1|salt|hash"
    key_type: str
    key_base64: str

    @property
    def hashed(self) -> bool:
        """True when the host name is stored hashed (``|1|salt|hash``)."""
        return self.patterns.startswith("|1|")

    @property
    def fingerprint_sha256(self) -> str:
        """``SHA256:...`` fingerprint of this entry's key."""
        return fingerprint_of(self.key_base64)

    def matches(self, name: str) -> bool:
        """True when this entry applies to ``name`` (``host`` or ``[host]:port``)."""
        return _patterns_match(self.patterns, name)


def host_pattern(host: str, port: int | None = None) -> str:
    """The name known_hosts uses for a host: ``host`` on port 22, ``[host]:port`` otherwise."""
    if port is None or int(port) == 22:
        return host
    return f"[{host}]:{int(port)}"


def hash_host_name(name: str, salt: bytes | None = None) -> str:
    """``name`` hashed as OpenSSH's ``HashKnownHosts`` does: ``|1|base64(salt)|base64(hmac)``.

    HMAC-SHA1 of the name (``host`` or ``[host]:port``) keyed with a 20-byte salt, random
    unless given.
    """
    salt = os.urandom(20) if salt is None else salt
    digest = hmac.new(salt, name.encode("utf-8"), hashlib.sha1).digest()
    return f"|1|{base64.b64encode(salt).decode('ascii')}|{base64.b64encode(digest).decode('ascii')}"


def fingerprint_of(key_base64: str) -> str:
    """``SHA256:...`` fingerprint of a base64 key blob (unpadded, like ``ssh-keygen -l``)."""
    digest = hashlib.sha256(_decode_blob(key_base64)).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def md5_fingerprint_of(key_base64: str) -> str:
    """Legacy ``MD5:aa:bb:...`` fingerprint of a base64 key blob."""
    digest = hashlib.md5(_decode_blob(key_base64)).digest()  # noqa: S324 - display only
    return "MD5:" + ":".join(f"{b:02x}" for b in digest)


def read_entries(known_hosts_path: os.PathLike[str] | str) -> list[KnownHostEntry]:
    """Parse the key lines of a known_hosts file (missing file → empty list)."""
    text = _read_text(Path(known_hosts_path))
    entries: list[KnownHostEntry] = []
    for number, line in enumerate(text.split("\n"), start=1):
        fields = line.strip().split()
        if not fields or fields[0].startswith("#"):
            continue
        marker = None
        if fields[0].startswith("@"):
            marker, fields = fields[0], fields[1:]
        if len(fields) < 3:
            continue
        entries.append(KnownHostEntry(number, marker, fields[0], fields[1], fields[2]))
    return entries


def find_host_keys(
    known_hosts_path: os.PathLike[str] | str, host: str, port: int | None = None
) -> list[KnownHostEntry]:
    """Return the plain key entries (no @marker) that apply to ``host`` (and ``port``)."""
    name = host_pattern(host, port)
    return [e for e in read_entries(known_hosts_path) if e.marker is None and e.matches(name)]


def ensure_known_host(
    known_hosts_path: os.PathLike[str] | str,
    host: str,
    key_type: str,
    key_base64: str,
    port: int | None = None,
) -> Change:
    """Make sure ``known_hosts_path`` trusts ``key_type key_base64`` for ``host`` (and ``port``).

    Returns ``Change.UNCHANGED`` when a plain or hashed entry already holds this key, and
    ``Change.CREATED`` after appending a line atomically (existing file mode kept, new file
    0644 as OpenSSH creates it). The new line's host name is hashed when every host entry
    already in the file is hashed, so a ``HashKnownHosts`` file does not start listing the
    hosts it was hiding. Raises :class:`HostKeyMismatchError` (both fingerprints in
    the message) when the file holds a different key of that type for the host: it is never
    replaced.
    """
    path = Path(known_hosts_path)
    name = host_pattern(host, port)
    blob = _decode_blob(key_base64)
    if _blob_key_type(blob) != key_type:
        raise KnownHostsError(
            f"The {key_type} host key given for {name} is malformed (its data says "
            f"{_blob_key_type(blob)!r}). This is a bug in college-tui; please report it."
        )
    text = _read_text(path)
    every_entry = read_entries(path)
    entries = [e for e in every_entry if e.key_type == key_type and e.matches(name)]
    expected = fingerprint_of(key_base64)

    for entry in entries:
        if entry.marker == "@revoked" and _same_blob(entry.key_base64, blob):
            raise KnownHostsError(
                f"{path} (line {entry.line_number}) marks the key {expected} of {name} as "
                "revoked. college-tui will not override that: check with your trainer before "
                "removing the @revoked line."
            )
    plain = [e for e in entries if e.marker is None]
    if any(_same_blob(e.key_base64, blob) for e in plain):
        return Change.UNCHANGED
    if plain:
        other = plain[0]
        found = _safe_fingerprint(other.key_base64)
        raise HostKeyMismatchError(
            f"{path} (line {other.line_number}) already holds a different {key_type} key for "
            f"{name}: it has {found}, but the expected key is {expected}. college-tui will "
            "not replace it. If you are sure that line is outdated, remove it with "
            f"`ssh-keygen -R {name} -f {path}` and run the step again; otherwise someone may be "
            "intercepting your connection.",
            host=name,
            expected_fingerprint=expected,
            found_fingerprint=found,
        )

    hosts = [e for e in every_entry if e.marker is None]  # @cert-authority lines use patterns
    written_name = hash_host_name(name) if hosts and all(e.hashed for e in hosts) else name
    newline = "\r\n" if "\r\n" in text else "\n"
    separator = newline if text and not text.endswith("\n") else ""
    new_line = f"{written_name} {key_type} {key_base64.strip()}{newline}"
    write_atomic(path, (text + separator + new_line).encode("utf-8", "surrogateescape"), mode=0o644)
    return Change.CREATED


def ensure_azure_devops_host_key(known_hosts_path: os.PathLike[str] | str) -> Change:
    """Pin the shipped ``ssh.dev.azure.com`` key in ``known_hosts_path`` (see ensure_known_host)."""
    return ensure_known_host(
        known_hosts_path, AZURE_DEVOPS_SSH_HOST, AZURE_DEVOPS_HOST_KEY_TYPE, AZURE_DEVOPS_HOST_KEY
    )


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return ""
    except OSError as exc:
        raise file_error(exc, "read", path) from exc
    utf16 = utf16_sentence(data, path)
    if utf16:
        raise KnownHostsError(utf16)
    return data.decode("utf-8", "surrogateescape")


def _decode_blob(key_base64: str) -> bytes:
    try:
        return base64.b64decode(key_base64.strip(), validate=True)
    except (binascii.Error, ValueError, AttributeError):
        raise KnownHostsError(
            "A host key is not valid base64. Check the key text (it must be copied whole, on "
            "one line) and run the step again."
        ) from None


def _blob_key_type(blob: bytes) -> str:
    try:
        (length,) = struct.unpack_from(">I", blob, 0)
        return blob[4 : 4 + length].decode("ascii")
    except (struct.error, UnicodeDecodeError):
        return "?"


def _same_blob(key_base64: str, blob: bytes) -> bool:
    try:
        return base64.b64decode(key_base64, validate=True) == blob
    except (binascii.Error, ValueError):
        return False


def _safe_fingerprint(key_base64: str) -> str:
    try:
        return fingerprint_of(key_base64)
    except KnownHostsError:
        return "an unreadable key"


def _patterns_match(patterns: str, name: str) -> bool:
    """OpenSSH host matching: hashed entries, comma lists, ``*``/``?`` wildcards, ``!`` negation."""
    if patterns.startswith("|1|"):
        try:
            _, _, salt_b64, hash_b64 = patterns.split("|", 3)
            salt = base64.b64decode(salt_b64)
            expected = base64.b64decode(hash_b64)
        except (ValueError, binascii.Error):
            return False
        digest = hmac.new(salt, name.encode("utf-8"), hashlib.sha1).digest()
        return hmac.compare_digest(digest, expected)
    matched = False
    for pattern in patterns.split(","):
        negated = pattern.startswith("!")
        if _wildcard_match(pattern[1:] if negated else pattern, name):
            if negated:
                return False  # a matching negation excludes the line whatever else matches
            matched = True
    return matched


def _wildcard_match(pattern: str, name: str) -> bool:
    regex = "".join(
        ".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern.lower()
    )
    return re.fullmatch(regex, name.lower()) is not None


def remove_known_host(
    known_hosts_path: os.PathLike[str] | str, host: str, key_base64: str, port: int | None = None
) -> Change:
    """Remove the plain lines trusting exactly ``key_base64`` for ``host`` (what
    ``ensure_known_host`` added); every other line stays byte for byte. The file is deleted
    when nothing else is left in it."""
    path = Path(known_hosts_path)
    name = host_pattern(host, port)
    blob = _decode_blob(key_base64)
    ours = {
        e.line_number
        for e in read_entries(path)
        if e.marker is None and e.matches(name) and _same_blob(e.key_base64, blob)
    }
    if not ours:
        return Change.UNCHANGED
    text = _read_text(path)
    lines = text.splitlines(keepends=True)
    rest = "".join(line for number, line in enumerate(lines, 1) if number not in ours)
    if rest.strip():
        write_atomic(path, rest.encode("utf-8", "surrogateescape"))
    else:
        path.unlink()
    return Change.REMOVED

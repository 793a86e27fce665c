"""Exceptions raised by the workstation layer.

Every message is a sentence a user can read: what happened, then what to do next.
Messages never contain secrets (PATs, passphrases, private key material).
"""

from __future__ import annotations

import errno
import os


class WorkstationError(Exception):
    """Base class of every error the workstation layer raises on purpose."""


class FileWriteError(WorkstationError):
    """A file or folder on the attendee's machine could not be read or written."""

    def __init__(
        self, message: str, path: os.PathLike[str] | str | None = None, errno_: int | None = None
    ):
        super().__init__(message)
        self.path = None if path is None else os.fspath(path)
        self.errno = errno_


class PathExistsError(WorkstationError):
    """A file we would create already exists; we never overwrite it."""

    def __init__(self, message: str, path: os.PathLike[str] | str):
        super().__init__(message)
        self.path = os.fspath(path)


class SshDirError(WorkstationError):
    """``~/.ssh`` is missing in a way we cannot fix (a file, a dangling symlink...)."""


class SshKeyError(WorkstationError):
    """Base class for problems with an SSH key file."""


class KeySizeError(SshKeyError):
    """An RSA key size other than the ones we support was requested."""


class NotAKeyError(SshKeyError):
    """The file is not an SSH private key we can read."""


class NotRsaKeyError(SshKeyError):
    """The file holds a key of another type (Azure DevOps accepts RSA keys only)."""


class KeyPassphraseError(SshKeyError):
    """The key is protected by a passphrase that was not given or is wrong."""


class PublicKeyMismatchError(SshKeyError):
    """The ``.pub`` file next to a private key holds a different key."""


class SshConfigError(WorkstationError):
    """``~/.ssh/config`` cannot be updated safely."""


class KnownHostsError(WorkstationError):
    """A known_hosts file cannot be read or updated safely."""


class SshAgentError(WorkstationError):
    """college-tui's private ssh-agent could not be started or given the key."""


class SshCheckError(WorkstationError):
    """Base class for failures of the SSH connectivity check."""


class HostKeyVerificationError(SshCheckError, KnownHostsError):
    """The server's host key is unknown or does not match the pinned one."""


class HostKeyMismatchError(HostKeyVerificationError):
    """A known_hosts entry (or the server) has a different key than the pinned one."""

    def __init__(self, message: str, host: str, expected_fingerprint: str, found_fingerprint: str):
        super().__init__(message)
        self.host = host
        self.expected_fingerprint = expected_fingerprint
        self.found_fingerprint = found_fingerprint


class SshAuthError(SshCheckError):
    """The SSH server refused our key."""


class SshConnectError(SshCheckError):
    """The SSH server could not be reached (refused, timed out, name not resolved)."""


class GitError(WorkstationError):
    """A git command failed; ``stderr_tail`` holds git's last stderr lines."""

    def __init__(
        self, message: str, returncode: int | None = None, stderr_tail: tuple[str, ...] = ()
    ):
        super().__init__(message)
        self.returncode = returncode
        self.stderr_tail = stderr_tail


class GitNotFoundError(GitError):
    """The ``git`` program is not installed or not on PATH."""


class GitCancelledError(GitError):
    """A git command was cancelled by the user."""


class CloneTargetError(GitError):
    """The clone destination exists and is not an empty folder or our clone."""


class SecretStoreError(WorkstationError):
    """The secret store (keyring) failed in a way we cannot work around."""


_ERRNO_TEXT = {
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission was denied",
    errno.EPERM: "the operation is not permitted",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "your disk quota is exhausted",
    errno.ENOENT: "a folder on the way does not exist",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "the path is a folder, not a file",
    errno.ENAMETOOLONG: "the path is too long",
}

_ERRNO_HINT = {
    errno.EROFS: "Make that location writable (or use another home folder) and run the step again.",
    errno.EACCES: "Check the owner and permissions of that folder, then run the step again.",
    errno.EPERM: "Check the owner and permissions of that folder, then run the step again.",
    errno.ENOSPC: "Free some disk space and run the step again.",
    errno.EDQUOT: "Free some space in your quota and run the step again.",
}


def os_error_message(exc: OSError, action: str, path: os.PathLike[str] | str) -> str:
    """Turn an OSError into a user sentence: ``Could not <action> <path>: <why>. <what next>``."""
    why = _ERRNO_TEXT.get(exc.errno or 0) or (exc.strerror or type(exc).__name__).rstrip(".")
    hint = _ERRNO_HINT.get(exc.errno or 0, "Fix the problem above and run the step again.")
    return f"Could not {action} {os.fspath(path)}: {why}. {hint}"


def file_error(exc: OSError, action: str, path: os.PathLike[str] | str) -> FileWriteError:
    """Build a :class:`FileWriteError` for ``exc`` (raise it ``from exc``)."""
    return FileWriteError(os_error_message(exc, action, path), path=path, errno_=exc.errno)


def utf16_sentence(data: bytes, path: os.PathLike[str] | str) -> str | None:
    """The sentence for an ssh file written as UTF-16 (what PowerShell's `>` makes), which ssh
    cannot read; None for any other content. college-tui never rewrites such a file."""
    if not (data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\0" in data[:200]):
        return None
    return (
        f"{path} is saved as UTF-16 (PowerShell's `>` writes that), which ssh cannot read; "
        "college-tui leaves it untouched. Save it as UTF-8 (in PowerShell: `Get-Content FILE | "
        "Set-Content -Encoding utf8 FILE`, or your editor's “Save with encoding”), then run the "
        "step again."
    )

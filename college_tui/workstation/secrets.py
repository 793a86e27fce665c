"""Keep a personal access token (PAT) in the system keyring, keyed by organisation URL.

Only secure backends are used (Secret Service, macOS Keychain, Windows Credential Locker...).
When the active backend would store the PAT in plain text (keyrings.alt) or there is no
keyring at all, the PAT is kept in this process's memory for the current run only, and the
caller gets a reason to show. ``keyring`` is imported lazily: it is slow to initialise.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from .errors import SecretStoreError

SERVICE_NAME = "college-tui"
_MEMORY_KEYRING_MODULE = "college_tui.workstation.memory_keyring"
_NO_SECURE_KEYRING = (
    "your system has no secure keyring (Secret Service / macOS Keychain / Windows Credential "
    "Locker); the PAT is kept in memory for this run only"
)

# PATs kept for this run only (no secure keyring, or the keyring refused to store them).
_session_pats: dict[str, str] = {}
_session_lock = threading.Lock()


@dataclass(frozen=True)
class StoreResult:
    """Where a PAT ended up. Holds no secret."""

    stored: bool  # True: saved in a secure keyring; False: kept in memory for this run only
    backend: str  # dotted class name of the keyring backend, for diagnostics
    reason: str | None = None  # why it was not saved (a sentence to show), None when stored


def store_pat(org_url: str, pat: str) -> StoreResult:
    """Save ``pat`` for ``org_url`` in a secure keyring, or keep it in memory for this run.

    Plain-text backends (keyrings.alt), the ``fail``/``null`` backends and other low-priority
    backends are refused: nothing is written to disk then, and ``reason`` says why.
    """
    account = _account(org_url)
    pat = (pat or "").strip()
    if not pat:
        raise SecretStoreError(
            "The personal access token is empty: paste the whole token and try again."
        )
    with _session_lock:
        _session_pats[account] = pat  # always usable for this run, whatever the keyring does
    import keyring

    backend = keyring.get_keyring()
    name = backend_name(backend)
    reason = insecure_reason(backend)
    if reason is not None:
        return StoreResult(stored=False, backend=name, reason=reason)
    try:
        backend.set_password(SERVICE_NAME, account, pat)
    except Exception as exc:  # locked keyring, D-Bus errors...: keep working without it
        why = type(exc).__name__
        return StoreResult(
            stored=False,
            backend=name,
            reason=(
                f"the keyring ({name}) could not save the PAT ({why}); the PAT is kept in "
                "memory for this run only"
            ),
        )
    return StoreResult(stored=True, backend=name)


def load_pat(org_url: str) -> str | None:
    """Return the PAT for ``org_url`` (this run's memory first, then a secure keyring) or None."""
    account = _account(org_url)
    with _session_lock:
        if account in _session_pats:
            return _session_pats[account]
    import keyring

    backend = keyring.get_keyring()
    if insecure_reason(backend) is not None:
        return None  # never read from plain-text stores (or prompt for a master password)
    try:
        return backend.get_password(SERVICE_NAME, account)
    except Exception:
        return None


def delete_pat(org_url: str) -> bool:
    """Forget the PAT for ``org_url`` in memory and in the keyring; True if one was found."""
    account = _account(org_url)
    with _session_lock:
        found = _session_pats.pop(account, None) is not None
    import keyring
    from keyring.errors import PasswordDeleteError

    backend = keyring.get_keyring()
    if insecure_reason(backend) is not None:
        return found
    try:
        backend.delete_password(SERVICE_NAME, account)
        found = True
    except PasswordDeleteError:
        pass
    except Exception:
        raise SecretStoreError(
            f"The keyring ({backend_name(backend)}) could not delete the saved PAT. Remove the "
            f"entry '{SERVICE_NAME}' / '{account}' with your system's password manager."
        ) from None
    return found


def forget_session_pats() -> None:
    """Drop the PATs kept in memory for this run (tests, sign-out)."""
    with _session_lock:
        _session_pats.clear()


def insecure_reason(backend: Any) -> str | None:
    """None when ``backend`` stores secrets securely; otherwise a sentence saying why not."""
    cls = type(backend)
    module, name = cls.__module__, cls.__name__
    if module == _MEMORY_KEYRING_MODULE:
        return None  # our in-memory backend (tests, sandbox): never touches disk
    if module.startswith("keyrings.alt") or "plaintext" in name.lower():
        return (
            f"the only keyring available ({module}.{name}) would store the PAT unencrypted on "
            f"disk, so college-tui does not use it: {_NO_SECURE_KEYRING}"
        )
    if module in ("keyring.backends.fail", "keyring.backends.null"):
        return _NO_SECURE_KEYRING
    if module == "keyring.backends.chainer":
        chain = list(getattr(backend, "backends", []))
        # The chainer writes to its highest-priority backend: judge that one.
        return insecure_reason(chain[0]) if chain else _NO_SECURE_KEYRING
    try:
        priority = cls.priority
    except Exception:
        return _NO_SECURE_KEYRING
    if priority < 1:  # keyring itself calls backends under 1 "not recommended"
        return _NO_SECURE_KEYRING
    return None


def backend_name(backend: Any) -> str:
    """Dotted class name of a keyring backend."""
    cls = type(backend)
    return f"{cls.__module__}.{cls.__name__}"


def _account(org_url: str) -> str:
    account = (org_url or "").strip().rstrip("/").lower()
    if not account:
        raise SecretStoreError(
            "The organisation URL is empty: enter it (https://dev.azure.com/<name>) and try again."
        )
    return account

"""Remembering a Microsoft Entra sign-in between runs, only where it can be kept encrypted.

Tokens go only to azure-identity's persistent token cache with `allow_unencrypted_storage=False`
(the system's keychain: libsecret on Linux, Keychain on macOS, DPAPI on Windows); beside it, the
non-secret `AuthenticationRecord` (who signed in, where) in college-tui's state folder, so the
next run's credential finds the cached tokens and signs in silently. Where no encrypted store
exists the sign-in stays in memory for this run, and the caller says why (as for the PAT).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from ..workstation.atomic import write_atomic

CACHE_NAME = "college-tui"


def encrypted_cache_problem() -> str | None:
    """Why no encrypted token cache can be used here (a sentence), or None when one can."""
    try:
        from azure.identity import TokenCachePersistenceOptions
        from azure.identity._persistent_cache import _load_persistent_cache

        _load_persistent_cache(
            TokenCachePersistenceOptions(name=CACHE_NAME, allow_unencrypted_storage=False)
        )
    except Exception:  # msal-extensions says why in its own words; ours is the sentence below
        return (
            "this machine has no encrypted store for it (no system keychain such as GNOME "
            "Keyring or KWallet reachable, e.g. over SSH), and college-tui never keeps tokens "
            "in a plain file; you will sign in again next time"
        )
    return None


def remembered_options(record_file: Path) -> dict[str, Any]:
    """azure-identity keyword arguments that keep tokens in the encrypted cache and reuse the
    authentication record saved at `record_file` (if any)."""
    from azure.identity import AuthenticationRecord, TokenCachePersistenceOptions

    options: dict[str, Any] = {
        "cache_persistence_options": TokenCachePersistenceOptions(
            name=CACHE_NAME, allow_unencrypted_storage=False
        )
    }
    with contextlib.suppress(OSError, ValueError, KeyError):
        options["authentication_record"] = AuthenticationRecord.deserialize(
            record_file.read_text(encoding="utf-8")
        )
    return options


def save_record(record: Any, record_file: Path) -> None:
    """Keep the (non-secret) authentication record: who signed in and where, no token."""
    record_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomic(record_file, record.serialize(), mode=0o600)  # never half a record

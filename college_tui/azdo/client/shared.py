"""Connection sharing: what every `for_step` copy of the facade shares, and the SDK's cache."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from ..credentials import Credential
from ..retry import RetryPolicy


def _use_our_sdk_cache() -> None:
    """Point the SDK's discovery cache at our cache dir before it is first imported.

    azure.devops creates ~/.azure-devops at import time and fails on a read-only home (locked-down
    laptops); an AZURE_DEVOPS_CACHE_DIR the user or the tests set wins.
    """
    if "AZURE_DEVOPS_CACHE_DIR" not in os.environ:
        from platformdirs import user_cache_dir

        folder = os.path.join(user_cache_dir("college-tui", appauthor=False), "azure-devops-sdk")
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError:  # a read-only home: the cache is only a speed-up, a temp folder will do
            owner = os.getuid() if hasattr(os, "getuid") else "user"
            folder = os.path.join(tempfile.gettempdir(), f"college-tui-sdk-cache-{owner}")
        os.environ["AZURE_DEVOPS_CACHE_DIR"] = folder


def _quick_msrest() -> None:
    """msrest gives every client it builds (five an organisation: the connection, the location,
    core, git and entitlement clients) a urllib3 retry list made by testing 999 status codes
    against a 500-item list, about 20 ms of CPU each (azdo/http.py then replaces that retry with
    its own). The same codes, in the same order, tested against a set."""
    from msrest.universal_http.requests import ClientRetryPolicy

    if not isinstance(ClientRetryPolicy.safe_codes, frozenset):
        # msrest declares a list; a frozenset answers `in` (all it is used for) the same way
        ClientRetryPolicy.safe_codes = frozenset(  # type: ignore[assignment]
            ClientRetryPolicy.safe_codes
        )


_saves_held = [0]  # how many `sdk_cache_saved_once` are running (the class view's refreshes)
_saves_lock = threading.Lock()


@contextmanager
def sdk_cache_saved_once() -> Iterator[None]:
    """While many organisations are read at once (the class view), the SDK's discovery caches
    (one JSON file each, rewritten whole for every new organisation: quadratic, and not safe
    from two threads) are kept in memory and written once, at the end."""
    _use_our_sdk_cache()
    from azure.devops._file_cache import OPTIONS_CACHE, RESOURCE_CACHE

    caches = (OPTIONS_CACHE, RESOURCE_CACHE)
    with _saves_lock:
        _saves_held[0] += 1
        for cache in caches:
            cache.save_with_retry = lambda retries=5: None  # an instance attribute: held
    try:
        yield
    finally:
        with _saves_lock:
            _saves_held[0] -= 1
            if _saves_held[0] == 0:
                for cache in caches:
                    del cache.save_with_retry  # the class's own again
                    with suppress(OSError, ValueError, RuntimeError):  # a cache, not a fact
                        cache.save_with_retry()


class _Shared:
    """State every `for_step` copy shares: connections, the HTTP observer, remembered writes."""

    def __init__(
        self,
        org_url: str,
        profile_url: str,
        credential: Credential,
        retry: RetryPolicy,
        timeout: Any,
    ) -> None:
        from ..http import DEFAULT_TIMEOUT, HttpObserver

        self.org_url = (org_url or "").rstrip("/")
        self.profile_url = (profile_url or "").rstrip("/")
        self.credential = credential
        self.retry = retry
        self.http = HttpObserver(
            timeout=timeout or DEFAULT_TIMEOUT,
            max_retry_after=retry.max_retry_after,
            sleep=retry.pause,
        )
        self.lock = threading.Lock()
        self.connections: dict[str, Any] = {}
        self.pending_projects: dict[str, str] = {}  # lower-case name -> operation id
        self.repo_web_urls: dict[str, str] = {}
        self.token_host: str | None = None
        self.ssh_alias: str | None = None  # the Host name sshUrl gets (a served sandbox's own)
        self.identity: dict[str, Any] = {}  # profile and connection data: read once
        self.reads: dict[tuple[str | None, ...], Any] | None = (
            None  # remembered reads; None: not remembering
        )
        self.reads_lock = threading.Lock()

    def connection(self, base_url: str) -> Any:
        with self.lock:
            conn = self.connections.get(base_url)
            if conn is None:
                _use_our_sdk_cache()
                _quick_msrest()
                from azure.devops.connection import Connection

                from ..tls import use_system_trust

                use_system_trust()

                from ..http import observed_credentials

                creds = observed_credentials(self.credential.msrest_credentials(), self.http)
                conn = Connection(base_url=base_url, creds=creds, user_agent="college-tui")
                _one_discovery_at_a_time(conn)
                self.connections[base_url] = conn
            return conn


def _one_discovery_at_a_time(conn: Any) -> None:
    """Steps run side by side (steps/overlap.py): two threads making their first client of one
    host would both ask for its resource areas (the SDK's memory of them is not locked)."""
    make = conn.get_client
    lock = threading.RLock()

    def get_client(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return make(*args, **kwargs)

    conn.get_client = get_client

"""Connection sharing: what every `for_step` copy of the facade shares, and the SDK's cache."""

from __future__ import annotations

import os
import threading
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
            import tempfile

            owner = os.getuid() if hasattr(os, "getuid") else "user"
            folder = os.path.join(tempfile.gettempdir(), f"college-tui-sdk-cache-{owner}")
        os.environ["AZURE_DEVOPS_CACHE_DIR"] = folder


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

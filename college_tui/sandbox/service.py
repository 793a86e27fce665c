"""The emulated service's state and rules shared by every endpoint: users, organisations, jobs."""

from __future__ import annotations

import base64
import secrets
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import settings
from .store import Store

if TYPE_CHECKING:
    from .faults import Faults
    from .identity.oauth import IdentityProvider

DEFAULT_ORG = "college-sandbox"


@dataclass
class SandboxConfig:
    """Tunables; tests shorten the waits, the wizard keeps them close to the real service."""

    org_name: str = DEFAULT_ORG
    user_name: str = "Ada Attendee"
    user_email: str = "ada@college.example"
    project_create_seconds: float = 3.0  # notSet -> inProgress -> succeeded
    import_seconds: float = 2.0  # queued -> inProgress -> completed
    # Lifetime of the Entra tokens the identity provider issues (Microsoft: one hour); tests and
    # `COLLEGE_TUI_SANDBOX_TOKEN_SECONDS` shorten it so refreshes happen in a run.
    token_seconds: int = field(default_factory=settings.token_seconds)
    device_code_interval: int = 5  # seconds between device-code polls (Microsoft: 5)
    # The clock long-running jobs (project creation, imports) move along with: a test holds a
    # clock of its own to decide when a job moves, never racing the wall clock.
    clock: Callable[[], float] = time.time


def descriptor(prefix: str, raw: str) -> str:
    """A Graph descriptor: `<kind>.<base64url of the storage key>` as the service makes them."""
    encoded = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    return f"{prefix}.{encoded}"


JobRunner = Callable[["Sandbox", dict[str, Any], float], bool]
JOB_RUNNERS: dict[str, JobRunner] = {}


def job_runner(job_type: str) -> Callable[[JobRunner], JobRunner]:
    """Register the function that moves a long-running job along (returns True when finished)."""

    def register(fn: JobRunner) -> JobRunner:
        JOB_RUNNERS[job_type] = fn
        return fn

    return register


class Sandbox:
    """Everything one running sandbox holds: store, git storage, the signed-in user, counters."""

    def __init__(self, data_dir: Path, config: SandboxConfig | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.config = config or SandboxConfig()
        self.store = Store(self.data_dir / "sandbox.db")
        self.repos_dir = self.data_dir / "repos"
        self.repos_dir.mkdir(exist_ok=True)
        self.request_counts: Counter[tuple[str, str]] = Counter()
        self._counts_lock = threading.Lock()
        self.in_flight = 0  # API requests being answered right now
        self.in_flight_max = 0  # the most ever answered at once (a client's concurrency)
        # Invitations carried out (one per user added or found), one-by-one or in bulk: "each
        # invited once" is counted here, whatever the requests that carried them.
        self.invitations = 0
        # Held by advance() and by handlers that change a document a job also writes (an import
        # being abandoned), so neither overwrites the other's change.
        self.jobs_lock = threading.Lock()
        self.ssh_endpoint: tuple[str, int] | None = None  # set by the server once SSH listens
        self.ssh_host_key: str | None = None  # its public host key line, set with the endpoint
        self._acting = threading.local()  # who the request being answered signed in as
        self.identity: IdentityProvider | None = None  # the identity provider once it listens
        self.faults: Faults | None = (
            None  # the server's faults (faults.py), e.g. the tenant's policies
        )
        self._push_locks: dict[str, threading.Lock] = {}
        self._push_locks_lock = threading.Lock()
        # Callbacks (method, host, route template, call, reply) for every answered request: the
        # contract tests validate each body against Microsoft's specs through this.
        self.observers: list[Callable[..., None]] = []
        self._bootstrap()

    # -- first start -----------------------------------------------------------------------

    def _bootstrap(self) -> None:
        store = self.store
        if store.meta("pat") is None:
            store.set_meta("pat", secrets.token_urlsafe(39)[:52])
        if store.meta("user_id") is None:
            user_id = str(uuid.uuid4())
            store.set_meta("user_id", user_id)
            store.put(
                "user",
                user_id,
                {
                    "id": user_id,
                    "displayName": self.config.user_name,
                    "email": self.config.user_email,
                    "descriptor": descriptor("aad", user_id),
                },
                name=self.config.user_email,
            )
        if not store.find("org"):
            self.create_org(self.config.org_name)

    @property
    def pat(self) -> str:
        return self.store.meta("pat") or ""

    @property
    def owner(self) -> dict[str, Any]:
        """The sandbox's own user: the PAT's owner and the first organisation's."""
        return self.store.get("user", self.store.meta("user_id") or "") or {}

    @property
    def user(self) -> dict[str, Any]:
        """The signed-in user of the request being answered (the owner for the PAT)."""
        acting = getattr(self._acting, "user_id", None)
        if acting:
            return self.store.get("user", acting) or self.owner
        return self.owner

    @contextmanager
    def acting_as(self, user_id: str | None) -> Iterator[None]:
        """Answer the requests of this thread as `user_id` (an Entra token's oid)."""
        previous = getattr(self._acting, "user_id", None)
        self._acting.user_id = user_id
        try:
            yield
        finally:
            self._acting.user_id = previous

    def create_org(self, name: str, tenant_id: str | None = None) -> dict[str, Any]:
        """An organisation, as the portal's signup makes it (the user is its owner).

        `tenant_id`: the Entra tenant it is connected to (None: the sandbox tenant; the all-zero
        GUID: an organisation backed by personal Microsoft accounts)."""
        existing = self.store.find_one("org", name=name)
        if existing:
            return existing
        org_id = str(uuid.uuid4())
        return self.store.put(
            "org",
            org_id,
            {
                "accountId": org_id,
                "accountName": name,
                "ownerId": self.user.get("id"),
                "createdAt": time.time(),
                **({"tenantId": tenant_id} if tenant_id else {}),
            },
            org=name,
            name=name,
        )

    def org(self, name: str) -> dict[str, Any] | None:
        return self.store.find_one("org", name=name)

    # -- long-running jobs -----------------------------------------------------------------

    def schedule(self, job_type: str, target: str, **data: Any) -> None:
        """Start a job (project creation, import) that `advance` moves along with the clock."""
        self.store.put(
            "job",
            f"{job_type}:{target}",
            {"type": job_type, "target": target, "started": self.config.clock(), **data},
        )

    def advance(self) -> None:
        """Move every job along; called before each request, so progress needs no extra thread."""
        with self.jobs_lock:
            now = self.config.clock()
            for job in self.store.find("job"):
                runner = JOB_RUNNERS.get(job["type"])
                if runner and runner(self, job, now - job["started"]):
                    self.store.delete("job", f"{job['type']}:{job['target']}")

    def push_lock(self, repo_id: str) -> threading.Lock:
        """The lock pushes to one repository take turns on, over SSH and HTTP alike.

        git's own ref locks keep a repository consistent anyway, but two pushes racing for
        packed-refs.lock could fail spuriously.
        """
        with self._push_locks_lock:
            return self._push_locks.setdefault(repo_id, threading.Lock())

    # -- statistics ------------------------------------------------------------------------

    def count(self, method: str, route: str) -> None:
        with self._counts_lock:
            self.request_counts[(method, route)] += 1

    def count_invitation(self) -> None:
        with self._counts_lock:
            self.invitations += 1

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Count one API request as in flight while it is answered."""
        with self._counts_lock:
            self.in_flight += 1
            self.in_flight_max = max(self.in_flight_max, self.in_flight)
        try:
            yield
        finally:
            with self._counts_lock:
                self.in_flight -= 1

    def stats(self) -> dict[str, Any]:
        with self._counts_lock:
            counts = dict(self.request_counts)
            in_flight_max = self.in_flight_max
            invitations = self.invitations
        return {
            "total": sum(counts.values()),
            "in_flight_max": in_flight_max,
            "invitations": invitations,
            "requests": [
                {"method": m, "route": r, "count": c} for (m, r), c in sorted(counts.items())
            ],
        }

    def observe(self, method: str, host: str, template: str, call: Any, reply: Any) -> None:
        for observer in list(self.observers):
            observer(method, host, template, call, reply)

    def close(self) -> None:
        self.store.close()

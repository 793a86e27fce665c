"""The facade's plumbing: shared connections, remembered reads, the retried call, raw requests."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, Self, TypeVar, cast

from ...events import Emit, Waiting
from .. import errors as E
from ..credentials import Credential
from ..retry import RATE_LIMIT_MESSAGE, Failure, GiveUp, RetryPolicy
from .failures import _NOT_FOUND_KEEPS_RAISING, ErrorMapping, _transport_error
from .shared import _Shared

T = TypeVar("T")
SSH_HOST = "ssh.dev.azure.com"

# The page size every `$top` + `$skip` list is read at: the default the service documents for
# its lists (teams, team members, pull requests), so a page is never cut short by a cap we do
# not know of. A page shorter than this is the last one.
PAGE = 100
_RETRY_SETTINGS = (
    "max_attempts",
    "base_delay",
    "max_delay",
    "max_total_wait",
    "max_retry_after",
    "jitter",
    "seed",
)


class Plumbing(ErrorMapping):
    """Connection sharing, remembered reads and the retried call every service area goes through."""

    def __init__(
        self,
        org_url: str,
        profile_url: str,
        credential: Credential,
        emit: Emit,
        step: str = "",
        retry: RetryPolicy | None = None,
        *,
        timeout: Any = None,
    ) -> None:
        self._shared = _Shared(org_url, profile_url, credential, retry or RetryPolicy(), timeout)
        self._emit = emit
        self._step = step

    def for_step(self, step: str, emit: Emit | None = None) -> Self:
        """The same connections and memory, with events tagged with `step` (sent to `emit`).

        Copies may be used from several threads at once: they share the connections (msrest keeps
        a session per thread) and the HTTP observer, so a Retry-After one of them receives holds
        back the requests of all of them."""
        copy = object.__new__(type(self))
        copy._shared = self._shared
        copy._emit = emit or self._emit
        copy._step = step
        return copy

    def settings(self) -> dict[str, Any]:
        """What a facade like this one needs in another process, as JSON values: its URLs, its
        timeout and its retry policy (`from_settings` there). Never the credential: that goes
        apart, over a pipe (azdo/handover.py)."""
        shared = self._shared
        timeout = shared.http.timeout
        return {
            "org_url": shared.org_url,
            "profile_url": shared.profile_url,
            "timeout": list(timeout) if isinstance(timeout, tuple) else timeout,
            "retry": {name: getattr(shared.retry, name) for name in _RETRY_SETTINGS},
        }

    @classmethod
    def from_settings(
        cls,
        settings: dict[str, Any],
        credential: Credential,
        emit: Emit,
        step: str = "",
        cancel: Any = None,
    ) -> Self:
        """A facade as the one whose `settings()` these are, with `credential`; `cancel` (a
        threading.Event) ends its retries' waits."""
        timeout = settings["timeout"]
        retry = RetryPolicy(**settings["retry"], cancel=cancel)
        return cls(
            settings["org_url"],
            settings["profile_url"],
            credential,
            emit,
            step,
            retry,
            timeout=tuple(timeout) if isinstance(timeout, list) else timeout,
        )

    def use_ssh_alias(self, alias: str) -> None:
        """Give every repository's sshUrl the `Host` name `alias` instead of ssh.dev.azure.com
        (a served sandbox has its own alias: the real host's name stays the real service's)."""
        self._shared.ssh_alias = None if alias == SSH_HOST else alias

    def share_pool(self, pool: Any) -> None:
        """Send this facade's requests over `pool` (azdo/http.py `shared_pool`), the kept-alive
        connections other facades use too; sessions made before keep their own."""
        self._shared.http.pool = pool

    def _ssh_url(self, url: str | None) -> str | None:
        alias = self._shared.ssh_alias
        prefix = f"git@{SSH_HOST}:"
        if url and alias and url.startswith(prefix):
            return f"git@{alias}:" + url[len(prefix) :]
        return url

    # -- remembered reads -------------------------------------------------------------------------

    def remember_reads(self) -> None:
        """Start remembering reads (a no-op when already remembering); see the module doc."""
        with self._shared.reads_lock:
            if self._shared.reads is None:
                self._shared.reads = {}

    def forget_reads(self, *, stop: bool = False) -> None:
        """Forget every remembered read; with `stop`, also stop remembering."""
        with self._shared.reads_lock:
            self._shared.reads = None if stop or self._shared.reads is None else {}

    def _remembered(
        self,
        key: tuple[str | None, ...],
        fetch: Callable[[], T],
        also: Callable[[T], list[tuple[str | None, ...]]] | None = None,
    ) -> T:
        """`fetch()`, remembered under `key` (and the other keys `also` names for the same
        answer: a repository read by id is the one asked for by name next)."""
        shared = self._shared
        with shared.reads_lock:
            reads = shared.reads
            if reads is not None and key in reads:
                found: T = reads[key]
                # a copy of a list, so that the caller's changes stay its own
                return cast(T, list(found)) if isinstance(found, list) else found
        value = fetch()
        with shared.reads_lock:
            # Only if no write forgot everything meanwhile (it replaced the dict).
            if shared.reads is not None and shared.reads is reads:
                for each in [key, *(also(value) if also else [])]:
                    shared.reads[each] = list(value) if isinstance(value, list) else value
        return value

    def _once(self, key: str, fetch: Callable[[], T]) -> T:
        identity = self._shared.identity
        if key not in identity:
            identity[key] = fetch()
        found: T = identity[key]
        return found

    @property
    def profile_url(self) -> str:
        return self._shared.profile_url

    @property
    def credential(self) -> Credential:
        return self._shared.credential

    def __repr__(self) -> str:
        return f"AzureDevOps({self.org_url!r}, step={self._step!r})"

    # -- plumbing --------------------------------------------------------------------------------

    def _clients(self, host: str = "org") -> Any:
        url = self._shared.profile_url if host == "profile" else self._shared.org_url
        if not url:
            raise E.AzdoError("No organization chosen yet: pick or create an organization first.")
        return self._shared.connection(url).clients_v7_1

    def _core(self) -> Any:
        """The SDK's core client (projects, processes, teams) of the organization."""
        return self._clients().get_core_client()

    def _git(self) -> Any:
        """The SDK's git client (repositories, imports, refs, pull requests) of the organization."""
        return self._clients().get_git_client()

    def _call(
        self,
        method: str,
        attempt: Callable[[], T],
        *,
        recheck: Callable[[], T | None] | None = None,
        idempotent: bool = True,
        on_conflict: Callable[[], T | None] | None = None,
        writes: bool = False,
    ) -> T:
        if writes or not idempotent:
            self.forget_reads()
            try:
                return self._send_call(
                    method, attempt, recheck=recheck, idempotent=idempotent, on_conflict=on_conflict
                )
            finally:
                self.forget_reads()
        return self._send_call(
            method, attempt, recheck=recheck, idempotent=idempotent, on_conflict=on_conflict
        )

    def _send_call(
        self,
        method: str,
        attempt: Callable[[], T],
        *,
        recheck: Callable[[], T | None] | None,
        idempotent: bool,
        on_conflict: Callable[[], T | None] | None,
    ) -> T:
        http = self._shared.http

        def once() -> T:
            http.forget_last()
            return attempt()

        def on_wait(delay: float, number: int, failure: Failure) -> None:
            if failure.retry_after is not None:
                message = RATE_LIMIT_MESSAGE
            else:
                message = f"Azure DevOps did not answer ({failure.reason}); trying again…"
            self._emit(Waiting(self._step, message, round(delay, 3), number))

        with http.context(self._emit, self._step):
            try:
                return self._shared.retry.call(
                    once,
                    classify=self._classify,
                    on_wait=on_wait,
                    recheck=recheck,
                    idempotent=idempotent,
                    on_conflict=on_conflict,
                )
            except GiveUp as gave_up:
                raise self._to_error(method, gave_up.error, gave_up.failure) from None

    def _all_pages(self, method: str, fetch_page: Callable[[int, int], Any]) -> list[Any]:
        """Every item of a list the service hands out `$top` at a time (`$skip` paging): the
        next page is asked for until one comes back shorter than PAGE. Each page is its own
        retried call, so a lost answer costs one page, not the whole list."""
        items: list[Any] = []
        while True:
            skip = len(items)
            page = list(self._call(method, partial(fetch_page, PAGE, skip)) or [])
            items.extend(page)
            if len(page) < PAGE:
                return items

    def discover(self) -> None:
        """Learn where the organisation's core and git APIs live (the SDK's resource areas),
        before a step needs them: the sign-in does it beside its own reads. Failures are left
        for the step that needs the API to meet and report."""
        try:
            clients = self._clients()
            clients.get_core_client()
            clients.get_git_client()
        except Exception:  # noqa: BLE001 - the step that needs it asks again and says why
            return

    def rate_limit_pause(self) -> float:
        """The least a poll should pause before its next probe, as the service's rate-limit
        headers ask (0 when it said nothing lately); see azdo/pacing.py."""
        return self._shared.http.pacing.poll_pause()

    def concurrency(self, start: int, high: int) -> Any:
        """A context manager giving an adaptive bound for a batch of requests (members step):
        it hears every answer of these connections while the batch runs."""
        from ..pacing import ConcurrencyLimit

        return self._shared.http.pacing.batch(ConcurrencyLimit(start=start, high=high))

    def _status_of(self, error: BaseException) -> tuple[int | None, str | None]:
        last = self._shared.http.last
        status = getattr(error, "status", None) or (last.status if last is not None else None)
        return status, getattr(error, "type_key", None)

    def _none_if_missing(self, fetch: Callable[[], T]) -> T | None:
        """`fetch()`, or None when the service says 404 for the object (not for the org)."""
        try:
            return fetch()
        except Exception as error:
            status, type_key = self._status_of(error)
            if (
                status == 404
                and type_key not in _NOT_FOUND_KEEPS_RAISING
                and _transport_error(error) is None
            ):
                return None
            raise

    def _raw(
        self,
        method: str,
        http_method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        portal: bool = True,
    ) -> Any:
        from ..raw import check_raw_response, raw_headers

        session = self._shared.http.session()
        response = session.request(
            http_method,
            url,
            params=params,
            json=body,
            headers=raw_headers(self._shared.credential.auth_header(), body=body is not None),
            allow_redirects=False,
            timeout=self._shared.http.timeout,
        )
        return check_raw_response(response, method, portal=portal)

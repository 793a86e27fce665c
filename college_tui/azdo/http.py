"""The one seam every HTTP request of the azdo layer goes through: an observing requests adapter.

Why an adapter: the SDK builds a separate msrest `ServiceClient` (own config, own thread-local
requests Session) for every area client and for its internal location/resource-area lookups, so a
per-client setting (`client.config.hooks`, `config.connection.timeout`) misses some requests.
All of them, however, call `creds.signed_session(session)` before each request
(`msrest/pipeline/requests.py` RequestsCredentialsPolicy). `ObservedAuth` wraps the real credentials
and mounts `ObservingAdapter` on that session the first time it sees it. The raw calls
(HierarchyQuery, SessionTokens) use a session with the same adapter. The adapter:

- replaces msrest's `ClientRetryPolicy` (urllib3: 3 retries, backoff 0.8 s, silently sleeping on
  Retry-After) with `Retry(0, read=False)`, so azdo/retry.py is the single, visible retry layer;
- enforces our timeout (msrest would pass its default of 100 s);
- times every request and emits an `HttpCall` (redacted path; status None if the connection failed);
- remembers the last response of this thread (status, Retry-After) because the SDK's exceptions do
  not carry the status code;
- honours a Retry-After seen on any response (also 200) before the next request is sent.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ..events import Emit, HttpCall, Waiting
from .pacing import Pacing
from .redact import redact_url
from .retry import IDEMPOTENT_METHODS, RATE_LIMIT_MESSAGE, parse_retry_after
from .tls import use_system_trust

DEFAULT_TIMEOUT = (10.0, 60.0)  # (connect, read) seconds


@dataclass(frozen=True)
class Exchange:
    """What this thread's last request got: enough to classify an SDK exception."""

    method: str
    url: str
    status: int | None  # None: no answer (connection failed or dropped)
    retry_after: float | None = None
    content_type: str = ""


@dataclass
class _Context:
    emit: Emit
    step: str


class HttpObserver:
    """Shared by all connections of one AzureDevOps facade (and its `for_step` copies)."""

    def __init__(
        self,
        *,
        timeout: Any = DEFAULT_TIMEOUT,
        max_retry_after: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.timeout = timeout
        self.max_retry_after = max_retry_after
        self.sleep = sleep
        self._local = threading.local()
        self._lock = threading.Lock()
        self._not_before = 0.0  # monotonic time before which the service asked us not to call
        self.pacing = Pacing()  # rate-limit headers for polls, adaptive bounds for batches
        self.pool: Any = None  # a urllib3 PoolManager shared with other facades (`share_pool`)
        use_system_trust()  # every request through this seam, and the SDK's, trust the OS store

    # -- context: who gets the events of requests made on this thread ------------------------

    @contextmanager
    def context(self, emit: Emit, step: str) -> Iterator[None]:
        stack = self._stack()
        stack.append(_Context(emit, step))
        try:
            yield
        finally:
            stack.pop()

    def _stack(self) -> list[_Context]:
        stack = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        return stack

    def _current(self) -> _Context | None:
        stack = self._stack()
        return stack[-1] if stack else None

    def emit(self, event_factory: Callable[[str], Any]) -> None:
        ctx = self._current()
        if ctx is not None:
            ctx.emit(event_factory(ctx.step))

    # -- what happened last on this thread ----------------------------------------------------

    @property
    def last(self) -> Exchange | None:
        return getattr(self._local, "last", None)

    def forget_last(self) -> None:
        self._local.last = None

    def _record(self, exchange: Exchange) -> None:
        self._local.last = exchange
        if exchange.retry_after:
            with self._lock:
                self._not_before = max(
                    self._not_before,
                    time.monotonic() + min(exchange.retry_after, self.max_retry_after),
                )

    def before_send(self) -> None:
        """Wait out a Retry-After the service sent on an earlier (possibly successful) answer."""
        with self._lock:
            delay = self._not_before - time.monotonic()
        if delay <= 0:
            return
        delay = min(delay, self.max_retry_after)
        self.emit(lambda step: Waiting(step, RATE_LIMIT_MESSAGE, round(delay, 3), 0))
        self.sleep(delay)

    # -- instrumentation -------------------------------------------------------------------------

    def instrument(self, session: requests.Session) -> requests.Session:
        """Mount the observing adapter on `session` (once)."""
        if getattr(session, "_college_tui_observer", None) is not self:
            adapter = ObservingAdapter(self, self.pool)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            # a mark of our own on the session (requests declares no such field): mounted once
            session._college_tui_observer = self  # type: ignore[attr-defined]
        return session

    def session(self) -> requests.Session:
        """This thread's session for raw calls (requests sessions are not thread-safe)."""
        session = getattr(self._local, "raw_session", None)
        if session is None:
            session = self._local.raw_session = self.instrument(requests.Session())
            session.trust_env = True  # honour proxy settings, like the SDK does
        return session


class ObservingAdapter(HTTPAdapter):
    """requests adapter: no hidden retries, our timeout, an HttpCall per request."""

    def __init__(self, observer: HttpObserver, pool: Any = None) -> None:
        # read=False: a read error is raised as itself (ReadTimeout), not wrapped in MaxRetryError.
        super().__init__(max_retries=Retry(0, read=False))
        self.observer = observer
        self.shared = pool is not None
        if pool is not None:  # connections kept alive for every session of every facade using it
            self.poolmanager = pool

    def close(self) -> None:
        if not self.shared:  # a shared pool outlives the sessions that use it
            super().close()

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: None | float | tuple[float, float] | tuple[float, None] = None,
        verify: bool | str = True,
        cert: None | bytes | str | tuple[bytes | str, bytes | str] = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        method = (request.method or "GET").upper()
        options = dict(stream=stream, verify=verify, cert=cert, proxies=proxies)
        if method not in IDEMPOTENT_METHODS:
            return self._attempt(request, method, options)
        try:
            return self._attempt(request, method, options, quiet=True)
        except requests.ConnectionError as error:
            if not _closed_by_server(error):
                raise
        # A kept-alive connection the server had closed while we were idle: send it again on a
        # new one, once, without a word (the retry layer handles anything beyond).
        return self._attempt(request, method, options)

    def _attempt(
        self,
        request: requests.PreparedRequest,
        method: str,
        options: dict[str, Any],
        *,
        quiet: bool = False,
    ) -> requests.Response:
        observer = self.observer
        observer.before_send()
        url = request.url or ""
        started = time.monotonic()
        try:
            response = super().send(request, timeout=observer.timeout, **options)
        except Exception as error:
            elapsed = (time.monotonic() - started) * 1000
            stale = quiet and isinstance(error, requests.ConnectionError)
            if not (stale and _closed_by_server(error)):  # else sent again at once by send()
                observer._record(Exchange(method, url, None))
                observer.pacing.observe(None, elapsed / 1000, {})
            observer.emit(
                lambda step: HttpCall(step, method, redact_url(url), None, round(elapsed, 1))
            )
            raise
        elapsed = (time.monotonic() - started) * 1000
        observer._record(
            Exchange(
                method,
                url,
                response.status_code,
                parse_retry_after(response.headers.get("Retry-After")),
                response.headers.get("Content-Type", ""),
            )
        )
        observer.pacing.observe(response.status_code, elapsed / 1000, response.headers)
        observer.emit(
            lambda step: HttpCall(
                step, method, redact_url(url), response.status_code, round(elapsed, 1)
            )
        )
        return response


def shared_pool(size: int) -> Any:
    """A urllib3 pool of kept-alive connections for many facades at once (the class view reads
    hundreds of organisations on one host from many threads: without it every thread's session
    of every organisation's clients opens its own connection). `size`: connections kept per host.
    """
    from urllib3 import PoolManager

    return PoolManager(num_pools=10, maxsize=size, block=False)


def _closed_by_server(error: BaseException) -> bool:
    """Whether the connection was closed under the request (reset, or closed without an
    answer), as happens to a kept-alive connection the server dropped while it was idle."""
    seen: BaseException | None = error
    for _ in range(6):  # requests -> urllib3 ProtocolError -> the socket's own error
        if seen is None:
            return False
        if isinstance(
            seen, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
        ):
            return True
        args = getattr(seen, "args", ())
        inner = next((a for a in args if isinstance(a, BaseException)), None)
        seen = inner or seen.__cause__ or seen.__context__
    return False


def observed_credentials(inner: Any, observer: HttpObserver) -> Any:
    """msrest credentials that sign like `inner` and instrument every session they sign."""
    from msrest.authentication import Authentication

    class ObservedAuth(Authentication):
        def signed_session(self, session: requests.Session | None = None) -> requests.Session:
            signed: requests.Session = inner.signed_session(session)
            return observer.instrument(signed)

        def refresh_session(self, session: requests.Session | None = None) -> requests.Session:
            return self.signed_session(session)

        def __repr__(self) -> str:
            return "ObservedAuth(***)"

    return ObservedAuth()

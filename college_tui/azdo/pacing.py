"""How fast to go: what the service's rate-limit headers ask, and how many requests to keep in flight.

Azure DevOps announces throttling before it starts refusing (docs: integrate/concepts/rate-limits):
`X-RateLimit-Remaining` / `X-RateLimit-Limit` / `X-RateLimit-Reset` come before any delay,
`X-RateLimit-Delay` when a request was held back, `Retry-After` (also on a 200) when the next ones
should wait; a 429 when it refuses. azdo/http.py hands every answer to `Pacing.observe`:

- `poll_pause()` is the least a poll should wait before its next probe (steps/base.py);
- `ConcurrencyLimit` is the bound of a batch (the members step): it grows by one while answers
  come back quickly and unthrottled, and halves on a 429, a Retry-After, a rate-limit delay or an
  answer much slower than usual (additive increase, multiplicative decrease, as TCP does).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

LOW_QUOTA = 0.1  # below this share of X-RateLimit-Limit left, polls slow down
LOW_QUOTA_PAUSE = 5.0  # seconds between probes then
FRESH = 30.0  # rate-limit headers older than this say nothing about now
MAX_PAUSE = 60.0


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


class ConcurrencyLimit:
    """A bound on requests in flight that adapts to the service's answers (thread-safe)."""

    def __init__(self, start: int = 4, low: int = 1, high: int = 32) -> None:
        self.low, self.high = low, high
        self.limit = max(low, min(start, high))
        self.peak = self.limit
        self._in_use = 0
        self._good = 0  # fast, unthrottled answers since the last change
        self._calm_after = 0.0  # no growth before this (monotonic) after a cut
        self._typical: float | None = None  # smoothed duration of a fast answer, seconds
        self._cond = threading.Condition()

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one of the `limit` places while the body runs."""
        with self._cond:
            while self._in_use >= self.limit:
                self._cond.wait()
            self._in_use += 1
        try:
            yield
        finally:
            with self._cond:
                self._in_use -= 1
                self._cond.notify()

    def observe(self, status: int | None, seconds: float, throttled: bool) -> None:
        """One answer: grow after `limit` good ones in a row, halve on a sign of overload."""
        with self._cond:
            slow = self._typical is not None and seconds > 3 * self._typical + 0.5
            if status == 429 or throttled or slow or status is None or status >= 500:
                self._cut()
                return
            self._typical = (
                seconds if self._typical is None else 0.9 * self._typical + 0.1 * seconds
            )
            self._good += 1
            if self._good >= self.limit and time.monotonic() >= self._calm_after:
                self._good = 0
                self.limit = min(self.high, self.limit + 1)
                self.peak = max(self.peak, self.limit)
                self._cond.notify()

    def _cut(self) -> None:
        self._good = 0
        now = time.monotonic()
        if now < self._calm_after:  # one cut per burst of bad news
            return
        self.limit = max(self.low, self.limit // 2)
        self._calm_after = now + 1.0


class Pacing:
    """What the service's last rate-limit headers say, and the limits of running batches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._delay = 0.0
        self._low_until: float | None = None  # X-RateLimit-Reset (epoch) while the quota is low
        self._seen = -FRESH
        self._limits: list[ConcurrencyLimit] = []

    def observe(self, status: int | None, seconds: float, headers: Mapping[str, str]) -> None:
        delay = _number(headers.get("X-RateLimit-Delay")) if headers else None
        remaining = _number(headers.get("X-RateLimit-Remaining")) if headers else None
        limit = _number(headers.get("X-RateLimit-Limit")) if headers else None
        throttled = bool(delay) or bool(headers and headers.get("Retry-After"))
        if delay is not None or remaining is not None:
            low = remaining is not None and limit and remaining < LOW_QUOTA * limit
            reset = _number(headers.get("X-RateLimit-Reset"))
            with self._lock:
                self._seen = time.monotonic()
                self._delay = delay or 0.0
                self._low_until = (reset or time.time() + LOW_QUOTA_PAUSE) if low else None
            throttled = throttled or bool(low)
        for batch in list(self._limits):
            batch.observe(status, seconds, throttled)

    def poll_pause(self) -> float:
        """The least a poll should pause now (0 when the service said nothing lately)."""
        with self._lock:
            if time.monotonic() - self._seen > FRESH:
                return 0.0
            pause = self._delay
            if self._low_until is not None:
                pause = max(pause, LOW_QUOTA_PAUSE, self._low_until - time.time())
        return min(pause, MAX_PAUSE)

    @contextmanager
    def batch(self, limit: ConcurrencyLimit) -> Iterator[ConcurrencyLimit]:
        """Let `limit` hear every answer while the batch runs."""
        self._limits.append(limit)
        try:
            yield limit
        finally:
            self._limits.remove(limit)

"""Bounded retries: exponential backoff with jitter, Retry-After honoured, POSTs never blind.

The SDK's own urllib3 retries are switched off (see azdo/http.py), so this is the single, visible
retry layer: every wait is announced as a `Waiting` event and bounded by `max_delay` /
`max_total_wait`. Reads (GET/HEAD/PUT/DELETE/OPTIONS and idempotent portal calls) are retried as
they are. A creating call (POST/PATCH) is retried only after its `recheck` looked for the object
and did not find it: a request that timed out or lost its answer may have been carried out.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
RATE_LIMIT_MESSAGE = "Azure DevOps asked us to wait (rate limit)…"


@dataclass(frozen=True)
class Failure:
    """How one failed attempt is to be treated (the facade classifies its exceptions)."""

    transient: bool  # worth another attempt (5xx, 429, timeout, connection lost)
    status: int | None = None
    retry_after: float | None = None  # seconds the service asked for
    conflict: bool = False  # "already exists": after a lost answer this means our write landed
    reason: str = ""  # short words for the Waiting message ("HTTP 503", "connection lost")
    detail: Any = None  # the classifier's own evidence (the network error, an AzdoError)


class GiveUp(Exception):
    """Raised by RetryPolicy when no further attempt is allowed; carries the last failure."""

    def __init__(self, error: BaseException, failure: Failure, waited: float) -> None:
        super().__init__(str(failure.reason))
        self.error = error
        self.failure = failure
        self.waited = waited


@dataclass
class RetryPolicy:
    """How often and how long to retry. Tests pass a tiny `base_delay` and a `seed`."""

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_total_wait: float = 90.0
    max_retry_after: float = 60.0  # the service's delays are documented up to 30 s
    jitter: float = 0.5  # share of each backoff delay that is randomised
    seed: int | None = None
    sleep: Callable[[float], None] = time.sleep
    cancel: Any = None  # a threading.Event: set it to end any wait at once (raises Cancelled)
    rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def backoff(self, attempt: int) -> float:
        """The delay after failed attempt number `attempt` (1-based), jittered, capped."""
        delay = min(self.max_delay, self.base_delay * (2.0 ** (attempt - 1)))
        return delay * (1 - self.jitter * self.rng.random())

    def pause(self, seconds: float) -> None:
        """Wait `seconds`, or until `cancel` is set (then raise Cancelled)."""
        if self.cancel is None:
            self.sleep(seconds)
            return
        if self.cancel.is_set() or self.cancel.wait(seconds):
            from .errors import Cancelled

            raise Cancelled()

    def bounded_retry_after(self, seconds: float) -> float:
        return max(0.0, min(seconds, self.max_retry_after))

    def call(
        self,
        attempt: Callable[[], T],
        *,
        classify: Callable[[BaseException], Failure],
        on_wait: Callable[[float, int, Failure], None],
        recheck: Callable[[], T | None] | None = None,
        idempotent: bool = True,
        on_conflict: Callable[[], T | None] | None = None,
    ) -> T:
        """Run `attempt` until it succeeds or the policy gives up (raises GiveUp).

        Non-idempotent calls (`idempotent=False`) need `recheck`: after a transient failure it
        looks for the object; a non-None result is returned as the call's result, else the call is
        sent again. A conflict ("already exists") after a transient failure means the lost request
        landed: `on_conflict` (default: `recheck`) provides the result then.
        """
        if not idempotent and recheck is None:
            raise ValueError("a non-idempotent call needs a recheck to be retried safely")
        waited = 0.0
        lost_answer = False  # a previous attempt failed in a way that may have done the work
        number = 0
        while True:
            number += 1
            try:
                return attempt()
            except Exception as caught:  # classified below
                error = caught
            # Handled outside the except block, so that errors raised by a recheck don't carry
            # this one as their __context__ (the facade reads exception chains).
            failure = classify(error)
            if failure.conflict and lost_answer:
                found = (on_conflict or recheck or (lambda: None))()
                if found is not None:
                    return found
            if not failure.transient or number >= self.max_attempts:
                raise GiveUp(error, failure, waited)
            if failure.retry_after is not None:
                delay = self.bounded_retry_after(failure.retry_after)
            else:
                delay = self.backoff(number)
            if waited + delay > self.max_total_wait:
                raise GiveUp(error, failure, waited)
            on_wait(delay, number, failure)
            if delay > 0:
                self.pause(delay)
            waited += delay
            lost_answer = lost_answer or failure.status != 429
            if not idempotent and recheck is not None:
                found = recheck()
                if found is not None:
                    return found


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent/invalid."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    # Standard library, but lazy: this module is in the first frame, which needs none of the
    # ~15 modules email.utils brings.
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())

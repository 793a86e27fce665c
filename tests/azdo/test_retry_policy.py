"""The retry policy on its own: backoff, bounds, Retry-After, and never a blind second POST."""

from __future__ import annotations

import pytest

from college_tui.azdo.retry import Failure, GiveUp, RetryPolicy, parse_retry_after


class Flaky:
    """An operation that fails with the given failures first, then returns "done"."""

    def __init__(self, *failures: Failure) -> None:
        self.failures = list(failures)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise Boom(self.failures.pop(0))
        return "done"


class Boom(Exception):
    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.reason)
        self.failure = failure


def classify(error: BaseException) -> Failure:
    return error.failure


LOST = Failure(True, None, reason="connection lost")
BUSY = Failure(True, 503, reason="HTTP 503")
THROTTLED = Failure(True, 429, retry_after=7, reason="HTTP 429")
REFUSED = Failure(False, 400, reason="HTTP 400")
EXISTS = Failure(False, 400, conflict=True, reason="HTTP 400")


def policy(**options) -> tuple[RetryPolicy, list[float]]:
    slept: list[float] = []
    values = dict(max_attempts=4, base_delay=1, max_delay=4, max_total_wait=60, jitter=0.5, seed=1)
    return RetryPolicy(**{**values, **options}, sleep=slept.append), slept


def run(p: RetryPolicy, op, **kwargs):
    waits: list[tuple[float, int]] = []
    result = p.call(op, classify=classify, on_wait=lambda d, n, f: waits.append((d, n)), **kwargs)
    return result, waits


def test_backoff_doubles_is_capped_and_jittered_reproducibly():
    a, _ = policy()
    b, _ = policy()
    delays = [a.backoff(n) for n in range(1, 6)]
    assert delays == [b.backoff(n) for n in range(1, 6)]  # same seed, same jitter
    for n, delay in enumerate(delays, start=1):
        full = min(4, 2 ** (n - 1))
        assert full * 0.5 <= delay <= full


def test_transient_failures_are_retried_with_announced_waits():
    p, slept = policy()
    op = Flaky(LOST, BUSY)
    result, waits = run(p, op)
    assert result == "done" and op.calls == 3
    assert [n for _d, n in waits] == [1, 2]
    assert slept == [d for d, _n in waits]


def test_retry_after_is_the_wait_and_it_is_bounded():
    p, slept = policy(max_retry_after=5)
    result, waits = run(p, Flaky(THROTTLED))
    assert result == "done"
    assert slept == [5]  # asked for 7, capped at 5


def test_the_policy_gives_up_after_max_attempts():
    p, slept = policy(max_attempts=3)
    op = Flaky(BUSY, BUSY, BUSY, BUSY)
    with pytest.raises(GiveUp) as gave_up:
        run(p, op)
    assert op.calls == 3 and len(slept) == 2
    assert gave_up.value.failure.status == 503


def test_the_policy_gives_up_before_waiting_longer_than_allowed_in_total():
    p, slept = policy(max_total_wait=10, max_attempts=10)
    with pytest.raises(GiveUp):
        run(p, Flaky(*[THROTTLED] * 5))
    assert sum(slept) <= 10


def test_a_refusal_is_not_retried():
    p, slept = policy()
    op = Flaky(REFUSED)
    with pytest.raises(GiveUp):
        run(p, op)
    assert op.calls == 1 and slept == []


def test_a_write_without_a_recheck_is_never_retried():
    p, _ = policy()
    with pytest.raises(ValueError):
        run(p, Flaky(), idempotent=False)


def test_a_write_whose_answer_was_lost_is_found_by_the_recheck_not_sent_again():
    p, _ = policy()
    op = Flaky(LOST)
    result, _ = run(p, op, idempotent=False, recheck=lambda: "found it")
    assert result == "found it"
    assert op.calls == 1


def test_a_write_is_sent_again_only_when_the_recheck_finds_nothing():
    p, _ = policy()
    op = Flaky(LOST)
    result, _ = run(p, op, idempotent=False, recheck=lambda: None)
    assert result == "done" and op.calls == 2


def test_already_exists_after_a_lost_answer_means_our_write_landed():
    p, _ = policy()
    rechecks = iter([None, "it is there now"])
    op = Flaky(LOST, EXISTS)
    result, _ = run(p, op, idempotent=False, recheck=lambda: next(rechecks))
    assert result == "it is there now"


def test_already_exists_on_the_first_try_is_an_error():
    p, _ = policy()
    with pytest.raises(GiveUp) as gave_up:
        run(p, Flaky(EXISTS), idempotent=False, recheck=lambda: "never asked")
    assert gave_up.value.failure.conflict


def test_retry_after_headers_are_read_as_seconds_or_dates():
    assert parse_retry_after("3") == 3
    assert parse_retry_after("0.5") == 0.5
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # in the past: no wait

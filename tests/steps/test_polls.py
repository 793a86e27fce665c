"""Polls of service-side work: never more than POLL_CAP between probes, slower when told to."""

from __future__ import annotations

from college_tui.azdo.pacing import LOW_QUOTA_PAUSE, ConcurrencyLimit, Pacing
from college_tui.steps.base import POLL_CAP, Context


class FakeService:
    """The two things a poll asks of the facade."""

    def __init__(self, pause: float = 0.0) -> None:
        self.pause = pause

    def forget_reads(self) -> None:
        pass

    def rate_limit_pause(self) -> float:
        return self.pause


def polled(ready_after: int, service: FakeService) -> list[float]:
    """The pauses a poll takes until its probe answers on probe number `ready_after`."""
    pauses: list[float] = []
    ctx = Context(target=None, answers=None, state=None, emit=lambda e: None, azdo=service)
    ctx.sleep = pauses.append  # a fake clock: the pauses are recorded, not slept
    probes = iter(range(ready_after + 1))
    assert ctx.poll(lambda: "done" if next(probes) == ready_after else None, timeout=900, what="x")
    return pauses


def test_a_poll_probes_at_once_then_backs_off_to_half_a_second_at_most():
    pauses = polled(60, FakeService())
    assert len(pauses) == 60
    assert pauses[0] <= 0.1 and pauses == sorted(pauses)
    assert max(pauses) == POLL_CAP == 0.5
    assert polled(0, FakeService()) == []  # ready at the first probe: no pause at all


def test_a_poll_waits_what_the_services_rate_limit_headers_ask():
    assert set(polled(5, FakeService(pause=2.0))) == {2.0}


def test_rate_limit_headers_set_the_poll_pause():
    pacing = Pacing()
    pacing.observe(200, 0.1, {"X-RateLimit-Remaining": "150", "X-RateLimit-Limit": "200"})
    assert pacing.poll_pause() == 0.0
    pacing.observe(200, 0.1, {"X-RateLimit-Delay": "1.5"})
    assert pacing.poll_pause() == 1.5
    pacing.observe(200, 0.1, {"X-RateLimit-Remaining": "5", "X-RateLimit-Limit": "200"})
    assert pacing.poll_pause() >= LOW_QUOTA_PAUSE


def test_a_batch_grows_while_answers_are_fast_and_halves_on_a_429_or_a_slow_answer():
    limit = ConcurrencyLimit(start=4, high=32)
    for _ in range(200):
        limit.observe(200, 0.15, throttled=False)
    grown = limit.limit
    assert 8 < grown <= 32
    limit.observe(429, 0.15, throttled=True)
    assert limit.limit == grown // 2
    limit._calm_after = 0  # the next cut is a new burst
    limit.observe(200, 5.0, throttled=False)  # much slower than the typical 0.15 s
    assert limit.limit == grown // 4
    assert limit.peak == grown


def test_a_batch_hears_every_answer_while_it_runs_and_no_longer():
    pacing = Pacing()
    with pacing.batch(ConcurrencyLimit(start=8)) as limit:
        pacing.observe(200, 0.1, {"Retry-After": "1"})
        assert limit.limit == 4
    pacing.observe(429, 0.1, {})
    assert limit.limit == 4

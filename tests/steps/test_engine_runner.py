"""The runner: inspect, apply what is not done, stop at the first failure, never a traceback."""

from __future__ import annotations

from college_tui.azdo.errors import AzdoError
from college_tui.events import Note, StepFailed, StepFinished, StepStarted
from college_tui.steps.answers import Answers
from college_tui.steps.base import Inspection, Outcome, Secrets, Step, StepError
from college_tui.steps.runner import make_context, run
from college_tui.target import Target
from college_tui.vocabulary import StepStatus

from .conftest import Recorder


class Fake(Step):
    """A step double: done or not, and what its apply does."""

    def __init__(self, key: str, done: bool = False, apply=None) -> None:
        self.key, self.title, self.done = key, f"Step {key}", done
        self._apply = apply or (lambda ctx: Outcome(f"{key} made"))
        self.applied = 0

    def inspect(self, ctx):
        return Inspection(
            self.done, f"{self.key} {'exists' if self.done else 'missing'}", todo=f"make {self.key}"
        )

    def apply(self, ctx):
        self.applied += 1
        return self._apply(ctx)


def context(tmp_path, pat: str | None = None):
    target = Target(
        org_url="https://dev.azure.com/c",
        profile_url="https://p",
        home=tmp_path,
        state_key="runner-test",
    )
    recorder = Recorder()
    return make_context(target, Answers(), recorder, secrets=Secrets(pat=pat)), recorder


def test_done_steps_are_reported_already_done_and_the_rest_applied_in_order(tmp_path):
    ctx, events = context(tmp_path)
    a, b = Fake("a", done=True), Fake("b")
    report = run(ctx, [a, b])
    assert [r.status for r in report.results] == ["already", "done"]
    assert report.ok and a.applied == 0 and b.applied == 1
    assert [type(e).__name__ for e in events] == [
        "StepStarted",
        "StepFinished",
        "StepStarted",
        "StepFinished",
    ]
    assert events.finished("a").already_done and not events.finished("b").already_done
    assert ctx.state.is_done("a") and ctx.state.is_done("b")


def test_the_first_failure_stops_the_run_with_its_message(tmp_path):
    def refuse(ctx):
        raise AzdoError(
            "Azure DevOps refused to create the project (HTTP 403).",
            status=403,
            scope_hint="vso.project_manage",
        )

    ctx, events = context(tmp_path)
    later = Fake("c")
    report = run(ctx, [Fake("a"), Fake("b", apply=refuse), later])
    assert [r.status for r in report.results] == ["done", "failed", "blocked"]
    assert not report.ok and later.applied == 0
    assert events.failed("b").message == (
        "Azure DevOps refused to create the project (HTTP 403)."
        " Add the scope vso.project_manage to your personal "
        "access token."
    )
    assert not events.of(StepStarted, "c")


def test_plan_mode_inspects_everything_and_applies_nothing(tmp_path):
    ctx, _events = context(tmp_path)
    steps = [Fake("a", done=True), Fake("b"), Fake("c")]
    report = run(ctx, steps, only_inspect=True)
    assert [(r.status, r.todo) for r in report.results] == [
        ("already", ""),
        ("todo", "make b"),
        ("todo", "make c"),
    ]
    assert all(s.applied == 0 for s in steps)
    assert ctx.dry_run


def test_an_unexpected_error_becomes_a_sentence_and_a_log_without_secrets(tmp_path, state_dir):
    def crash(ctx):
        raise KeyError(f"lookup with pat-abcdef-123 in {ctx.target.org}")

    ctx, events = context(tmp_path, pat="pat-abcdef-123")
    report = run(ctx, [Fake("a", apply=crash)])
    message = events.failed("a").message
    assert "Something unexpected went wrong" in message and "KeyError" in message
    assert "Traceback" not in message
    log = report.log_path
    assert log is not None and log.parent == state_dir / "logs"
    text = log.read_text()
    assert "Traceback" in text and "KeyError" in text
    assert "pat-abcdef-123" not in text and "***" in text


def test_the_crash_log_also_hides_entra_tokens_basic_headers_and_tokens_in_urls(tmp_path):
    import base64

    from college_tui.azdo.redact import register_secret

    pat, entra = "pat-ghijkl-456", "entra-token-0123456789"
    register_secret(entra)  # what EntraCredential does with every token it gets
    basic = base64.b64encode(f":{pat}".encode()).decode()

    def crash(ctx):
        raise RuntimeError(
            f"sent Authorization: Basic {basic} and Bearer {entra} to "
            "https://login.example/cb?code=one-time-code-789&state=1"
        )

    ctx, _events = context(tmp_path, pat=pat)
    text = run(ctx, [Fake("a", apply=crash)]).log_path.read_text()
    assert "RuntimeError" in text
    for secret in (basic, entra, "one-time-code-789"):
        assert secret not in text


def test_a_step_error_is_shown_as_is_and_warnings_leave_the_step_not_done(tmp_path):
    ctx, events = context(tmp_path)
    report = run(
        ctx,
        [
            Fake(
                "a",
                apply=lambda ctx: Outcome("2 of 3 in the team", warnings=("x@y was not added",)),
            ),
            Fake("b", apply=lambda ctx: (_ for _ in ()).throw(StepError("Do this next."))),
        ],
    )
    assert [r.status for r in report.results] == ["warning", "failed"]
    assert events.of(Note, "a")[0].message == "Warning: x@y was not added"
    assert events.of(StepFinished, "a")[0].summary == "2 of 3 in the team"
    assert events.of(StepFailed, "b")[0].message == "Do this next."
    assert not ctx.state.is_done("a")


def test_until_stops_after_the_named_step(tmp_path):
    ctx, _events = context(tmp_path)
    report = run(ctx, [Fake("a"), Fake("b"), Fake("c")], until="b")
    assert [r.key for r in report.results] == ["a", "b"]


def test_waits_are_bounded_and_end_at_once_when_the_run_is_cancelled(tmp_path):
    import threading
    import time

    ctx, events = context(tmp_path)
    calls = []

    def never():
        calls.append(time.monotonic())
        return None

    def wait_forever(ctx):
        ctx.poll(never, timeout=30, what="something that never comes", first=0.05, factor=1.0)
        return Outcome("unreachable")

    threading.Timer(0.2, ctx.cancel.set).start()
    started = time.monotonic()
    report = run(ctx, [Fake("a", apply=wait_forever)])
    assert time.monotonic() - started < 10  # at the cancel, not after the 30 s timeout
    assert report.results[0].status == StepStatus.FAILED
    assert events.failed("a").message.startswith("Cancelled")
    assert len(calls) >= 2

    ctx2, events2 = context(tmp_path / "2")
    report = run(
        ctx2, [Fake("b", apply=lambda c: c.poll(never, timeout=0.2, what="the thing", first=0.05))]
    )
    assert events2.failed("b").message == (
        "Gave up waiting for the thing after 0.2 s. Run the step again to keep waiting."
    )

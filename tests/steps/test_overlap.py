"""Steps that do not need each other run at once; the order of the plan and the report stays."""

from __future__ import annotations

import threading

from college_tui.events import StepFailed, StepFinished, StepStarted
from college_tui.steps.base import Inspection, Outcome, Step, StepError
from college_tui.steps.runner import run
from college_tui.vocabulary import StepKey, StepStatus

from .test_engine_runner import context

TAUGHT = [key for key in StepKey if key != StepKey.PULL_REQUEST]  # the taught order
PATIENCE = 10  # seconds a step waits for its partner before saying they did not overlap


class Resumable(Step):
    """A step double that is done when the run state says so (as a real step finds its work)."""

    def __init__(self, key: str, apply=None) -> None:
        self.key, self.title = key, f"Step {key}"
        self._apply = apply or (lambda ctx: Outcome(f"{key} made"))
        self.applied = 0

    def inspect(self, ctx):
        done = ctx.state.is_done(self.key)
        return Inspection(done, f"{self.key} {'exists' if done else 'missing'}")

    def apply(self, ctx):
        self.applied += 1
        return self._apply(ctx)


def meets(mine: threading.Event, theirs: threading.Event, what: str):
    """An apply that runs only while its partner runs too: each waits to see the other."""

    def apply(ctx):
        mine.set()
        if not theirs.wait(PATIENCE):
            raise StepError(f"{what} did not run at the same time as its partner")
        return Outcome(f"{what} made")

    return apply


def taught_steps(applies: dict | None = None) -> list[Resumable]:
    return [Resumable(key, (applies or {}).get(key)) for key in TAUGHT]


def test_the_key_is_made_during_the_project_and_colleagues_invited_during_the_import(tmp_path):
    ctx, events = context(tmp_path)
    project, key = threading.Event(), threading.Event()
    importing, inviting = threading.Event(), threading.Event()
    steps = taught_steps(
        {
            "project": meets(project, key, "project"),
            "ssh-key": meets(key, project, "ssh-key"),
            "members": meets(inviting, importing, "members"),
            "import": meets(importing, inviting, "import"),
        }
    )

    report = run(ctx, steps)

    assert report.ok, [(r.key, r.message) for r in report.results]
    assert [r.key for r in report.results] == TAUGHT  # the taught order, whatever ran when
    assert [r.status for r in report.results] == [StepStatus.DONE] * len(TAUGHT)
    started = [e.step for e in events if isinstance(e, StepStarted)]
    # shown running early
    assert started.index(StepKey.SSH_KEY) < started.index(StepKey.PROJECT) + 2
    finished = [e.step for e in events if isinstance(e, StepFinished)]
    # the clone waited for its key
    assert finished.index(StepKey.CLONE) > finished.index(StepKey.SSH_KEY)


def test_a_failure_in_an_overlapped_step_is_reported_at_its_own_step_and_the_run_resumes(
    tmp_path,
):
    def no_key(ctx):
        raise StepError("The key could not be registered: try again.")

    ctx, events = context(tmp_path)
    report = run(ctx, taught_steps({"ssh-key": no_key}))

    statuses = {r.key: r.status for r in report.results}
    assert [r.key for r in report.results] == TAUGHT
    assert statuses == {
        "sign-in": "done",
        "organization": "done",
        "project": "done",
        "team": "done",
        "members": "done",
        "ssh-key": "failed",
        "import": "blocked",
        "clone": "blocked",
    }
    assert report.result(StepKey.SSH_KEY).message == "The key could not be registered: try again."
    assert [e.step for e in events if isinstance(e, StepFailed)] == ["ssh-key"]

    ctx2, _ = context(tmp_path)  # the next run: only what is not done is applied
    again = taught_steps()
    assert run(ctx2, again).ok
    applied = [s.key for s in again if s.applied]
    assert applied == ["ssh-key", "import", "clone"]


def test_plan_inspects_in_the_taught_order_and_starts_nothing_early(tmp_path):
    ctx, events = context(tmp_path)
    steps = taught_steps()
    report = run(ctx, steps, only_inspect=True)
    assert [r.status for r in report.results] == ["todo"] * len(TAUGHT)
    assert [e.step for e in events if isinstance(e, StepStarted)] == TAUGHT
    assert not any(s.applied for s in steps)

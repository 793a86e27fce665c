"""The wizard's activity log in plain words (steps/wording.py), from the events the engine really
emits against the sandbox: one sentence per action, no HTTP line, nothing for a step that only
was looked at."""

from __future__ import annotations

from college_tui.events import HttpCall
from college_tui.steps.project import ProjectStep
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from college_tui.steps.team import TeamStep
from college_tui.steps.wording import activity_line

from .conftest import Recorder


def test_a_run_reads_as_one_sentence_per_action(sandbox, make_ctx):
    recorder = Recorder()
    ctx = make_ctx(sandbox, emit=recorder)
    assert run(ctx, [SignInStep, ProjectStep(first_poll=0.1)]).ok
    assert recorder.of(HttpCall)  # the details (and the log file) have the HTTP calls
    lines = [line for line in map(activity_line, recorder) if line is not None]
    assert "✓ Project College created (Agile)" in lines
    assert not any(line.startswith(("http", "[", "▶")) for line in lines), lines
    assert len(lines) < len(recorder.lines())


def test_steps_only_looked_at_have_no_line(sandbox, make_ctx):
    recorder = Recorder()
    ctx = make_ctx(sandbox, emit=recorder)
    report = run(ctx, [SignInStep, ProjectStep, TeamStep], only_inspect=True)
    assert report.results and recorder  # the inspection did emit events (starts, calls)
    assert [activity_line(event, looking=True) for event in recorder] == [None] * len(recorder)

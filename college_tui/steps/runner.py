"""Run the steps in order: inspect each, apply what is not done yet, report through events.

`run` is what both `college-tui apply` and the TUI's worker thread call; `plan` and `check` call
it with `only_inspect=True`. Errors a user can meet end as a `StepFailed` event with a sentence;
an unexpected exception also ends that way, with the traceback in a log file (never the screen).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..events import Emit, Note, StepFailed, StepFinished, StepStarted
from ..vocabulary import StepStatus
from .base import Context, Inspection, NotReady, Secrets, Step, StepError

if TYPE_CHECKING:
    from ..target import Target
    from .answers import Answers
    from .state import RunState


@dataclass
class StepResult:
    key: str
    title: str
    status: StepStatus
    summary: str = ""
    todo: str = ""
    message: str = ""
    warnings: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Nothing left to do for the step (skipped included: nothing was asked of it)."""
        return self.status in (StepStatus.ALREADY, StepStatus.DONE, StepStatus.SKIPPED)


@dataclass
class RunReport:
    results: list[StepResult] = field(default_factory=list)
    log_path: Path | None = None  # where an unexpected error's traceback went

    @property
    def ok(self) -> bool:
        """True when every step is done (nothing failed, nothing left, no warnings)."""
        return bool(self.results) and all(r.ok for r in self.results)

    @property
    def nothing_to_do(self) -> bool:
        return bool(self.results) and all(r.status == StepStatus.ALREADY for r in self.results)

    def result(self, key: str) -> StepResult | None:
        return next((r for r in self.results if r.key == key), None)


def make_context(
    target: Target,
    answers: Answers,
    emit: Emit,
    *,
    secrets: Secrets | None = None,
    state: RunState | None = None,
) -> Context:
    """A Context for `target` with its persisted state; secrets are guarded from the state file."""
    from ..azdo.redact import register_secret
    from ..workstation.childenv import hide_from_children
    from .state import RunState

    secrets = secrets or Secrets()
    for secret in (secrets.pat, secrets.key_passphrase):
        register_secret(secret)  # redacted from every event and error message
    hide_from_children(values=[secrets.pat, secrets.key_passphrase])  # git/ssh never see them
    state = state or RunState.for_key(target.state_key or target.org_url)
    state.guard(secrets.pat, secrets.key_passphrase)
    return Context(target=target, answers=answers, state=state, emit=emit, secrets=secrets)


def run(
    ctx: Context,
    steps: Sequence[type[Step] | Step],
    *,
    only_inspect: bool = False,
    until: str | None = None,
) -> RunReport:
    """Inspect every step and, unless `only_inspect`, apply those not done, in order.

    Applying stops at the first failure (later steps are reported `blocked`). Inspecting goes on
    after a step that is not done yet, so `plan` shows the whole picture. `until` names the last
    step to run. Applying, a step of EARLY starts in the background as soon as the step it needs
    has finished, and its result takes its own place in the report (steps/overlap.py).
    """
    from .overlap import Overlap

    ctx.dry_run = only_inspect
    report = RunReport()
    chosen = [item() if isinstance(item, type) else item for item in steps]
    keys = [step.key for step in chosen]
    if until and until in keys:
        chosen = chosen[: keys.index(until) + 1]
    overlap = Overlap(ctx, chosen, lambda step: _run_one_remembering(ctx, step, report), _crashed)
    stopped = False
    try:
        for step in chosen:
            if stopped:
                report.results.append(
                    overlap.skip(step)
                    or StepResult(
                        step.key,
                        step.title,
                        StepStatus.BLOCKED,
                        message="an earlier step did not finish",
                    )
                )
                continue
            if only_inspect:
                stopped = _run_step(ctx, step, only_inspect, report)
                continue
            result = overlap.result_of(step) or StepResult(
                step.key, step.title, StepStatus.RUNNING, "running in the background"
            )
            report.results.append(result)
            stopped = result.status == StepStatus.FAILED
            if not stopped:
                overlap.started(step)
        if not only_inspect:
            _fill_in(report, overlap.finish())
    finally:
        overlap.close()
        if ctx.azdo is not None:  # the next run reads the world afresh
            ctx.azdo.forget_reads(stop=True)
    return report


def _run_one_remembering(ctx: Context, step: Step, report: RunReport) -> StepResult:
    if ctx.azdo is not None:
        ctx.azdo.remember_reads()
    return _run_one(ctx, step, False, report)


def _crashed(step: Step, exc: BaseException) -> StepResult:
    """The result of a background step that ended in an exception no step sentence caught."""
    return StepResult(
        step.key, step.title, StepStatus.FAILED, message=describe_failure(exc, step.key, "apply")[0]
    )


def _fill_in(report: RunReport, late: dict[str, StepResult]) -> None:
    """Put the results of steps still running in the background at their places."""
    report.results = [late.get(r.key, r) for r in report.results]


def _run_step(ctx: Context, step: Step, only_inspect: bool, report: RunReport) -> bool:
    """Run one step of `run`; True when applying must stop here."""
    if ctx.azdo is not None:
        # Within one run, a fact read once (by inspect, by an earlier step) is not fetched again;
        # writes and polls forget (azdo/client/plumbing.py).
        ctx.azdo.remember_reads()
    result = _run_one(ctx, step, only_inspect, report)
    report.results.append(result)
    return result.status == StepStatus.FAILED and not only_inspect


def _run_one(ctx: Context, step: Step, only_inspect: bool, report: RunReport) -> StepResult:
    emit = ctx.emit
    emit(StepStarted(step.key, step.heading(ctx.answers)))
    phase = "inspect"
    try:
        if step.needs_ssh and not only_inspect:  # a look waits only where it must
            ctx.ssh_ready()
        inspection: Inspection = step.inspect(ctx)
        if inspection.done:
            ctx.state.mark_done(step.key, inspection.summary)
            skipped = inspection.skipped
            emit(StepFinished(step.key, inspection.summary, already_done=True, skipped=skipped))
            return StepResult(
                step.key,
                step.title,
                StepStatus.SKIPPED if skipped else StepStatus.ALREADY,
                inspection.summary,
                facts=dict(inspection.facts),
            )
        if only_inspect:
            return StepResult(
                step.key,
                step.title,
                StepStatus.TODO,
                inspection.summary,
                inspection.todo,
                facts=dict(inspection.facts),
            )
        ctx.state.mark_not_done(step.key)
        phase = "apply"
        outcome = step.apply(ctx)
    except NotReady as exc:
        if only_inspect:
            return StepResult(step.key, step.title, StepStatus.BLOCKED, message=exc.message)
        emit(StepFailed(step.key, exc.message))
        return StepResult(step.key, step.title, StepStatus.FAILED, message=exc.message)
    except KeyboardInterrupt:
        emit(StepFailed(step.key, "Interrupted: run again to continue where it stopped."))
        raise
    except Exception as exc:  # every failure ends as a sentence, never a traceback on screen
        message, log_path = describe_failure(exc, step.key, phase, ctx.secrets)
        if log_path is not None:
            report.log_path = log_path
        emit(StepFailed(step.key, message, log_detail=log_detail(exc)))
        return StepResult(step.key, step.title, StepStatus.FAILED, message=message)
    for warning in outcome.warnings:
        emit(Note(step.key, f"Warning: {warning}"))
    try:
        if outcome.warnings:
            ctx.state.update(step.key, done=False, summary=outcome.summary)
        else:
            ctx.state.mark_done(step.key, outcome.summary)
    except Exception as exc:  # a full disk while saving the run state: a sentence, not a traceback
        message, log_path = describe_failure(exc, step.key, "apply", ctx.secrets)
        if log_path is not None:
            report.log_path = log_path
        emit(StepFailed(step.key, message))
        return StepResult(step.key, step.title, StepStatus.FAILED, message=message)
    emit(
        StepFinished(
            step.key, outcome.summary, already_done=outcome.already_done, skipped=outcome.skipped
        )
    )
    status = (
        StepStatus.WARNING
        if outcome.warnings
        else (StepStatus.ALREADY if outcome.already_done else StepStatus.DONE)
    )
    status = StepStatus.SKIPPED if outcome.skipped else status
    return StepResult(step.key, step.title, status, outcome.summary, warnings=outcome.warnings)


APOLOGY = "Sorry: something unexpected went wrong in college-tui."


def apology(report_path: str | None) -> str:
    """What the wizard says of a bug of ours outside a step, naming the crash report."""
    return f"{APOLOGY} The details are in {report_path}." if report_path else APOLOGY


def describe_failure(
    exc: BaseException, step_key: str, phase: str, secrets: Secrets | None = None
) -> tuple[str, Path | None]:
    """A sentence for `exc`; unexpected ones also get their traceback written to a log file."""
    if isinstance(exc, StepError):
        return exc.message, None
    from ..azdo.errors import AzdoError
    from ..workstation.errors import WorkstationError

    if isinstance(exc, AzdoError):
        return azdo_message(exc), None
    if isinstance(exc, WorkstationError):
        return str(exc), None
    log_path = write_crash_log(exc, step_key, phase, secrets)
    where = f" Details are in {log_path}." if log_path else ""
    return (
        f"Something unexpected went wrong while the {step_key} step ran its {phase} "
        f"({type(exc).__name__}). Run again; if it happens again, report it.{where}",
        log_path,
    )


def log_detail(exc: BaseException) -> str:
    """What a failure keeps for the activity log file only (an Entra refusal's AADSTS code and
    correlation id): StepError and AzdoError carry it as `.detail`."""
    from ..azdo.errors import AzdoError

    detail = getattr(exc, "detail", "") if isinstance(exc, (StepError, AzdoError)) else ""
    return detail if isinstance(detail, str) else ""


def azdo_message(exc: Any) -> str:
    """The facade's message, plus the PAT scope to add when the service refused one."""
    message = getattr(exc, "message", None) or str(exc)
    scope = getattr(exc, "scope_hint", None)
    if scope and scope not in message:
        message = f"{message} Add the scope {scope} to your personal access token."
    return message


def write_crash_log(
    exc: BaseException, step_key: str, phase: str, secrets: Secrets | None = None
) -> Path | None:
    """The crash report of a step's unexpected exception (steps/crash_report.py); None if
    it cannot be written."""
    from .crash_report import write_crash_report  # importlib.metadata: ~30 ms, on a crash only

    known = (secrets.pat, secrets.key_passphrase) if secrets else ()
    return write_crash_report(exc, f"{step_key}-{phase}", known)

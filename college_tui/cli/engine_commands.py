"""The commands that work on a target through the engine: apply, plan, check, doctor, teardown."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from ..opening import TargetOptions
from ..opening.engine import (
    EXIT_NOT_DONE,
    apply_command,
    apply_outcome,
    confirmed,
    doctor_target,
    unicode_ok,
)
from ..vocabulary import StepStatus
from . import common
from .common import ANSWERS_OPTION, FRESH_OPTION, opened_engine, refusals, steps, target_options


@click.command()
@target_options
@ANSWERS_OPTION
@click.option(
    "--yes",
    "-y",
    "assume_yes",
    is_flag=True,
    help="Do not ask before changing anything (for scripts and CI).",
)
@click.option(
    "--until",
    default=None,
    metavar="STEP",
    help="Stop after this step (sign-in, organization, project, team, members, "
    "ssh-key, import, clone, pull-request).",
)
@FRESH_OPTION
@click.option(
    "--discard-local-work",
    is_flag=True,
    help="With --fresh --yes: also delete clones holding commits or files that are "
    "not on the sandbox's server.",
)
def apply(
    options: TargetOptions,
    answers_file: Path | None,
    assume_yes: bool,
    until: str | None,
    fresh: bool,
    discard_local_work: bool,
) -> None:
    """Run the steps without the full-screen wizard, printing what happens."""
    from ..steps.session import Session

    chosen = steps(until)
    if discard_local_work and not fresh:
        raise click.UsageError("--discard-local-work goes with --fresh only.")
    options.fresh, options.discard_local_work = fresh, discard_local_work
    if not assume_yes and not common.interactive():
        raise click.UsageError(
            "apply changes Azure DevOps and this machine and needs your "
            "confirmation, but there is no terminal to ask: run it again "
            "with --yes."
        )
    with opened_engine(options, answers_file, preflight=True, assume_yes=assume_yes) as (
        ctx,
        printer,
    ):
        session = Session(ctx, chosen)
        if not assume_yes and not confirmed(session, printer, common.asker()):
            click.echo("Nothing was changed.")
            raise SystemExit(EXIT_NOT_DONE)
        report = session.run()
    lines, code = apply_outcome(report)
    for line in lines:
        click.echo(line)
    raise SystemExit(code)


@click.command()
@target_options
@ANSWERS_OPTION
def plan(options: TargetOptions, answers_file: Path | None) -> None:
    """Show what exists and what apply would do; changes nothing."""
    from ..steps.printer import plan_lines
    from ..steps.session import Session

    with opened_engine(options, answers_file, quiet=True, lock=False) as (ctx, _printer):
        report = Session(ctx, steps(None)).inspect_all()
    for line in plan_lines(report, unicode_ok(), apply_command(options, answers_file)):
        click.echo(line)
    if any(r.status == StepStatus.FAILED for r in report.results):
        raise SystemExit(EXIT_NOT_DONE)


@click.command()
@target_options
@ANSWERS_OPTION
@click.option(
    "--json",
    "json_output",
    is_flag=True,
    help="Print the checklist as JSON, with the reminders (the pipeline grant).",
)
def check(options: TargetOptions, answers_file: Path | None, json_output: bool) -> None:
    """The challenge checklist: one line per outcome; exit code 0 when all are done or skipped."""
    from ..steps.checklist import check_json
    from ..steps.printer import check_lines
    from ..steps.session import Session

    with opened_engine(options, answers_file, quiet=True, lock=False) as (ctx, _printer):
        items = Session(ctx, steps(None)).checklist()
    for line in [check_json(items)] if json_output else check_lines(items, unicode_ok()):
        click.echo(line)
    if not all(item.ok or item.skipped for item in items):
        raise SystemExit(EXIT_NOT_DONE)


@click.command()
@target_options
@click.option("--json", "json_output", is_flag=True, help="Print the results as JSON.")
def doctor(options: TargetOptions, json_output: bool) -> None:
    """Check this machine and its network for the training day; changes nothing."""
    from ..steps.doctor import as_json, doctor_lines, exit_code, run_doctor

    if options.fresh:
        raise click.UsageError("doctor changes nothing: leave out --fresh.")
    if not (options.use_sandbox or options.org_url) and (options.data or options.faults):
        raise click.UsageError("--data and --faults apply to --sandbox only.")
    with contextlib.ExitStack() as stack:
        with refusals():
            target, pat = doctor_target(options, common.asker(), stack)
        checks = run_doctor(target, pat)
    for line in [as_json(checks)] if json_output else doctor_lines(checks, unicode_ok()):
        click.echo(line)
    raise SystemExit(exit_code(checks))


@click.command()
@target_options
@ANSWERS_OPTION
@click.option(
    "--yes", "-y", "assume_yes", is_flag=True, help="Remove what is ticked; no questions."
)
@click.option("--discard-local-work", is_flag=True, help="Also remove a clone with unpushed work.")
def teardown(options: TargetOptions, answers_file: Path | None, **flags: bool) -> None:
    """After the day: list what the wizard made, remove what you tick (never the organisation)."""
    from ..opening.teardown import teardown_command

    with refusals():
        raise SystemExit(teardown_command(options, answers_file, common.asker(), **flags))

"""The `college-tui` command line: wizard (default), apply, plan, check, sandbox serve.

The entry point (`__main__.py`) opens the wizard itself for `college-tui` and
`college-tui --sandbox` in a terminal and hands every other command line to `main` here.
Nothing heavy is imported at module level: the first frame of the wizard must appear fast.
Every command that talks to a target takes the same options: `--org URL` for Azure DevOps, or
`--sandbox [--data DIR] [--fresh] [--faults SPEC]` for the embedded sandbox.
"""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path

import click

from . import __version__, launch
from .launch import interactive as _interactive
from .opening import (
    Asker,
    TargetOptions,
    TargetRefused,
    provisional_target,
)
from .opening.engine import (
    EXIT_NOT_DONE,
    apply_command,
    apply_outcome,
    confirmed,
    doctor_target,
    engine,
    unicode_ok,
)
from .sandbox.faults import KINDS as FAULTS_ACCEPTED
from .terminal_glyphs import plain_lines


def _asker() -> Asker:
    """The opening's questions and lines, at this terminal (`_interactive` read at each use)."""
    return Asker(
        interactive=lambda: _interactive(),
        say=lambda text, err=False: click.echo(text, err=err),
        ask_text=lambda question: click.prompt(question),
        ask_secret=lambda question: click.prompt(
            question, hide_input=True, default="", show_default=False
        ),
        confirm=lambda question, default: click.confirm(question, default=default),
    )


@contextlib.contextmanager
def _refusals():
    """The opening's refusals as click's errors: the same sentences and exit codes (2, or 1)."""
    try:
        yield
    except TargetRefused as exc:
        if exc.option:
            raise click.BadParameter(exc.message, param_hint=exc.option) from None
        if exc.usage:
            raise click.UsageError(exc.message) from None
        raise click.ClickException(exc.message) from None


def _data_path(_ctx, _param, value: str | None) -> Path | None:
    # click's Path turns '' into '.', the current folder: an empty --data is refused instead.
    if value is not None and not value.strip():
        raise click.BadParameter("the folder name is empty: name a folder, or leave it out.")
    return None if value is None else Path(value)


ORG_OPTION = click.option(
    "--org",
    "org_url",
    metavar="URL",
    default=None,
    help="Your Azure DevOps organisation, e.g. https://dev.azure.com/NAME.",
)
SANDBOX_OPTION = click.option(
    "--sandbox",
    "use_sandbox",
    is_flag=True,
    help="Use the embedded sandbox (no account; it listens on 127.0.0.1 "
    "only, nothing goes to the internet).",
)
DATA_OPTION = click.option(
    "--data",
    type=click.Path(file_okay=False),
    callback=_data_path,
    default=None,
    help="Sandbox data folder (default: the persistent sandbox home).",
)
FAULT_KINDS = FAULTS_ACCEPTED  # every fault sandbox/faults.py accepts, from there
FAULT_EXAMPLE = "latency=0.05,5xx=0.1,429=0.05,drop=0.02,seed=7"
FAULTS_OPTION = click.option(
    "--faults",
    default=None,
    metavar="SPEC",
    help=f"Sandbox fault injection, comma-separated {FAULT_KINDS}; e.g. {FAULT_EXAMPLE}",
)
PROFILE_URL_OPTION = click.option(
    "--profile-url",
    default=None,
    hidden=True,
    help="Profile/accounts host (default https://app.vssps.visualstudio.com).",
)
FRESH_OPTION = click.option(
    "--fresh",
    is_flag=True,
    help="Sandbox only: delete the sandbox data folder first (lists it and asks).",
)


def target_options(command):
    """The options every command that talks to a target takes."""

    @ORG_OPTION
    @SANDBOX_OPTION
    @DATA_OPTION
    @FAULTS_OPTION
    @PROFILE_URL_OPTION
    @click.option("--verbose", "-v", is_flag=True, help="Also print every HTTP call.")
    @click.pass_context
    @functools.wraps(command)
    def wrapper(
        ctx: click.Context, org_url, use_sandbox, data, faults, profile_url, verbose, **kwargs
    ):
        parent = ctx.find_root().params if ctx.parent else {}
        options = TargetOptions(
            org_url,
            use_sandbox or bool(parent.get("use_sandbox")),
            data or parent.get("data"),
            faults,
            profile_url,
            verbose,
        )
        return ctx.invoke(command, options, **kwargs)

    return wrapper


@click.group(invoke_without_command=True)
@click.version_option(__version__, prog_name="college-tui")
@SANDBOX_OPTION
@DATA_OPTION
@FRESH_OPTION
@FAULTS_OPTION
@ORG_OPTION
@PROFILE_URL_OPTION
@click.pass_context
def main(
    ctx: click.Context,
    use_sandbox: bool,
    data: Path | None,
    fresh: bool,
    faults: str | None,
    org_url: str | None,
    profile_url: str | None,
) -> None:
    """Set up Azure DevOps for the AI Developer College, step by step.

    Without a command, opens the full-screen wizard: on a welcome that asks where to work, or
    straight on the steps with --sandbox or --org URL.
    """
    plain_lines()  # an ASCII terminal gets stand-ins, not UTF-8 bytes
    if ctx.invoked_subcommand is not None:
        return
    options = TargetOptions(org_url, use_sandbox, data, faults, profile_url, verbose=False)
    if fresh and not use_sandbox:
        raise click.UsageError("--fresh goes with --sandbox only.")
    with _refusals():
        if use_sandbox or org_url:
            provisional_target(options, _asker())  # wrong combinations: before the screen
        if faults:
            from .opening.sandbox_target import provisional_sandbox

            provisional_sandbox(options)  # refuses a bad --faults
    if not launch.in_a_terminal():
        click.echo(launch.no_terminal(), err=bool(fresh))
        if fresh:  # --fresh asks before it deletes: without a terminal nothing was done
            click.echo(
                "--fresh was not done (it asks first): run `college-tui apply --sandbox "
                "--fresh` in a terminal, or add --yes there.",
                err=True,
            )
            raise SystemExit(EXIT_NOT_DONE)
        if use_sandbox:
            click.echo("Here is what it would do on the sandbox:")
            ctx.invoke(plan, answers_file=None)
        return
    if fresh:  # asked here, in the terminal, before the screen opens (lists and asks first)
        from .opening.sandbox_target import fresh as start_over

        with _refusals():
            start_over(options, _asker(), assume_yes=False)
    raise SystemExit(launch.run_wizard(options))


def _steps(until: str | None):
    from .steps.plan import steps_until

    try:
        return steps_until(until)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--until") from None


@contextlib.contextmanager
def _engine(options: TargetOptions, answers_file: Path | None, **kwargs):
    """opening.engine's (Context, printer), its refusals as click's errors."""
    with _refusals(), engine(options, answers_file, _asker(), **kwargs) as opened:
        yield opened


# -- commands -----------------------------------------------------------------------------------

ANSWERS_OPTION = click.option(
    "--answers",
    "answers_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="TOML file with every input the wizard asks for (defaults: the course's).",
)


@main.command()
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
    from .steps.session import Session

    steps = _steps(until)
    if discard_local_work and not fresh:
        raise click.UsageError("--discard-local-work goes with --fresh only.")
    options.fresh, options.discard_local_work = fresh, discard_local_work
    if not assume_yes and not _interactive():
        raise click.UsageError(
            "apply changes Azure DevOps and this machine and needs your "
            "confirmation, but there is no terminal to ask: run it again "
            "with --yes."
        )
    with _engine(options, answers_file, preflight=True, assume_yes=assume_yes) as (ctx, printer):
        session = Session(ctx, steps)
        if not assume_yes and not confirmed(session, printer, _asker()):
            click.echo("Nothing was changed.")
            raise SystemExit(EXIT_NOT_DONE)
        report = session.run()
    lines, code = apply_outcome(report)
    for line in lines:
        click.echo(line)
    raise SystemExit(code)


@main.command()
@target_options
@ANSWERS_OPTION
def plan(options: TargetOptions, answers_file: Path | None) -> None:
    """Show what exists and what apply would do; changes nothing."""
    from .steps.printer import plan_lines
    from .steps.runner import FAILED
    from .steps.session import Session

    with _engine(options, answers_file, quiet=True, lock=False) as (ctx, _printer):
        report = Session(ctx, _steps(None)).inspect_all()
    for line in plan_lines(report, unicode_ok(), apply_command(options, answers_file)):
        click.echo(line)
    if any(r.status == FAILED for r in report.results):
        raise SystemExit(EXIT_NOT_DONE)


@main.command()
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
    from .steps.checklist import check_json
    from .steps.printer import check_lines
    from .steps.session import Session

    with _engine(options, answers_file, quiet=True, lock=False) as (ctx, _printer):
        items = Session(ctx, _steps(None)).checklist()
    for line in [check_json(items)] if json_output else check_lines(items, unicode_ok()):
        click.echo(line)
    if not all(item.ok or item.skipped for item in items):
        raise SystemExit(EXIT_NOT_DONE)


@main.command()
@target_options
@click.option("--json", "json_output", is_flag=True, help="Print the results as JSON.")
def doctor(options: TargetOptions, json_output: bool) -> None:
    """Check this machine and its network for the training day; changes nothing."""
    from .steps.doctor import as_json, doctor_lines, exit_code, run_doctor

    if options.fresh:
        raise click.UsageError("doctor changes nothing: leave out --fresh.")
    if not (options.use_sandbox or options.org_url) and (options.data or options.faults):
        raise click.UsageError("--data and --faults apply to --sandbox only.")
    with contextlib.ExitStack() as stack:
        with _refusals():
            target, pat = doctor_target(options, _asker(), stack)
        checks = run_doctor(target, pat)
    for line in [as_json(checks)] if json_output else doctor_lines(checks, unicode_ok()):
        click.echo(line)
    raise SystemExit(exit_code(checks))


@main.command()
@target_options
@ANSWERS_OPTION
@click.option(
    "--yes", "-y", "assume_yes", is_flag=True, help="Remove what is ticked; no questions."
)
@click.option("--discard-local-work", is_flag=True, help="Also remove a clone with unpushed work.")
def teardown(options: TargetOptions, answers_file: Path | None, **flags: bool) -> None:
    """After the day: list what the wizard made, remove what you tick (never the organisation)."""
    from .opening.teardown import teardown_command

    with _refusals():
        raise SystemExit(teardown_command(options, answers_file, _asker(), **flags))


# -- the instructor's day (#29): the class screen, its pre-flight and its status ---------------


@main.group("class", invoke_without_command=True)
@target_options
@ANSWERS_OPTION
@click.option("--every", type=click.IntRange(5, 3600), default=30, show_default=True)
def class_group(options: TargetOptions, answers_file: Path | None, every: int) -> None:
    """The instructor's view of a class. Without a command: the live screen of every attendee's
    organisation, read again every 30 s (--answers: the answers file handed out)."""
    if click.get_current_context().invoked_subcommand is not None:
        return
    if not launch.in_a_terminal():
        raise click.UsageError("The class screen needs a terminal: `class status` prints it.")
    from .opening.class_view import run_class_screen

    with _refusals():
        raise SystemExit(run_class_screen(options, answers_file, _asker(), every))


@class_group.command("preflight")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json_", is_flag=True, help="Print the result as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print one CSV row per attendee.")
def class_preflight(files: tuple[Path, ...], as_json_: bool, as_csv: bool) -> None:
    """Read the attendees' `doctor --json` reports (files, or folders of them): who is ready,
    who is blocked by what, grouped by problem with the fix to send."""
    from .steps.classview.preflight import preflight_command

    if as_json_ and as_csv:
        raise click.UsageError("--json and --csv: choose one.")
    text, code = preflight_command(list(files), "json" if as_json_ else "csv" if as_csv else "")
    click.echo(text)
    raise SystemExit(code)


@class_group.command("status")
@target_options
@ANSWERS_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@click.option("--roster", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="CSV of the attendees expected (email,name): the others are 'not started'.")  # fmt: skip
@click.option("--concurrency", type=click.IntRange(1, 64), default=32, show_default=True)
def class_status(options: TargetOptions, answers_file: Path | None, **how) -> None:
    """Every attendee's organisation the instructor belongs to, one row each: what is done,
    the first step not done and since when. --answers: the answers file handed out."""
    from .opening.class_view import status_command

    with _refusals():
        click.echo(status_command(options, answers_file, _asker(), **how))


# -- the sandbox on its own ---------------------------------------------------------------------


@main.group()
def sandbox() -> None:
    """The offline Azure DevOps emulator."""


@sandbox.command("serve")
@click.option(
    "--port",
    type=int,
    default=None,
    show_default="the last start's, else a free one",
    help="Web and REST port.",
)
@click.option(
    "--ssh-port",
    type=int,
    default=None,
    show_default="the last start's, else a free one",
    help="SSH git port.",
)
@click.option(
    "--data",
    type=click.Path(file_okay=False),
    callback=_data_path,
    default=None,
    help="Data directory (default: the persistent sandbox home).",
)
@click.option(
    "--faults",
    default=None,
    metavar="SPEC",
    help=f"Inject faults, comma-separated {FAULT_KINDS}; e.g. {FAULT_EXAMPLE} (docs/sandbox.md)",
)
@click.option("--print-json", is_flag=True, help="Print one JSON line when ready (for scripts).")
@click.option(
    "--class",
    "class_size",
    type=click.IntRange(0, 999),
    default=0,
    metavar="N",
    help="Host a class: N attendee accounts and one instructor (docs/instructor.md).",
)
def sandbox_serve(
    port: int | None,
    ssh_port: int | None,
    data: Path | None,
    faults: str | None,
    print_json: bool,
    class_size: int,
) -> None:
    """Run the sandbox until Ctrl+C, on the same ports as last time when they are free.

    --faults rehearses what goes wrong: slow or failing requests (latency, 5xx, 429, drop), a
    closed SSH port (ssh=closed), an identity provider that demands multi-factor
    authentication (mfa=required, AADSTS50076) and a tenant that restricts who may create
    organisations (orgs=restricted); and today's rules: device code blocked by Conditional
    Access (devicecode=blocked), no new PATs (pats=restricted), the SSH policy off
    (sshpolicy=off), no guests (guests=off), five free Basic seats (licences=counted).
    """
    from .opening import sandbox_target as opening
    from .sandbox.ports import PortProblem, start_announced
    from .sandbox.server import serve

    options = TargetOptions(None, True, data, faults, None, verbose=False)
    data = opening.sandbox_dirs(options)[0]
    with _refusals():
        provisional_target(options)  # refuses a bad --faults
        opening.refuse_unusable(data)
        config = opening.sandbox_config()  # the environment's settings, checked before starting
        try:  # one sandbox per data folder, whoever starts it
            kept, release = start_announced(
                data, lambda: opening.refuse_second_serve(data), port, ssh_port, faults, config
            )
        except PortProblem as exc:
            click.echo(str(exc), err=True)
            raise SystemExit(2) from None
    opening.follow_moved_ports(data / "home", kept, _asker())
    if class_size:
        from .sandbox.identity.classroom import add_class, class_lines

        add_class(kept.server.sandbox, class_size)
        for line in [] if print_json else class_lines(kept.server.sandbox):
            click.echo(line)
    serve(kept, print_json, lambda line: click.echo(line, nl=True), release)


if __name__ == "__main__":
    main()

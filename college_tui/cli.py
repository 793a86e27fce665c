"""The `college-tui` command line: wizard (default), apply, plan, check, sandbox serve.

launch.py is the entry point: it opens the wizard itself for `college-tui` and
`college-tui --sandbox` in a terminal and hands every other command line to `main` here.
Nothing heavy is imported at module level: the first frame of the wizard must appear fast.
Every command that talks to a target takes the same options: `--org URL` for Azure DevOps, or
`--sandbox [--data DIR] [--fresh] [--faults SPEC]` for the embedded sandbox.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click

from . import launch
from .launch import PAT_ENV, TargetOptions
from .launch import interactive as _interactive

# Hidden knobs for tests: shorter sandbox clocks (the progressions stay real).
FAST_ENV = "COLLEGE_TUI_SANDBOX_FAST"
PROJECT_SECONDS_ENV = "COLLEGE_TUI_SANDBOX_PROJECT_SECONDS"
IMPORT_SECONDS_ENV = "COLLEGE_TUI_SANDBOX_IMPORT_SECONDS"
EXIT_OK, EXIT_NOT_DONE, EXIT_USAGE = 0, 1, 2


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
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Sandbox data folder (default: the persistent sandbox home).",
)
FAULTS_OPTION = click.option(
    "--faults",
    default=None,
    metavar="SPEC",
    help="Sandbox fault injection, e.g. latency=0.05,5xx=0.1,429=0.05,drop=0.02,seed=7",
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
    if ctx.invoked_subcommand is not None:
        return
    options = TargetOptions(
        org_url=org_url,
        use_sandbox=use_sandbox,
        data=data,
        faults=faults,
        profile_url=profile_url,
        verbose=False,
    )
    if use_sandbox or org_url:
        provisional_target(options)  # wrong combinations are refused before the screen opens
    if faults:
        from .sandbox.faults import Faults

        try:
            Faults.parse(faults)
        except ValueError as err:
            raise click.BadParameter(str(err), param_hint="--faults") from None
    if not launch.in_a_terminal():
        click.echo(
            "The full-screen wizard needs a terminal. `college-tui apply` runs the same "
            "steps without one."
        )
        if use_sandbox:
            click.echo("Here is what it would do on the sandbox:")
            ctx.invoke(plan, answers_file=None)
        return
    if fresh:  # asked here, in the terminal, before the screen opens (lists and asks first)
        if not use_sandbox:
            raise click.UsageError("--fresh goes with --sandbox only.")
        _fresh(options, assume_yes=False)
    raise SystemExit(launch.run_wizard(options))


# -- target -------------------------------------------------------------------------------------


@dataclass
class Opened:
    """A target ready to use: where, the sandbox's PAT if any."""

    target: object  # college_tui.target.Target
    sandbox_pat: str | None = field(default=None, repr=False)  # a secret: never in a repr


def _sandbox_dirs(options: TargetOptions) -> tuple[Path, Path]:
    from .sandbox.datadir import default_data_dir

    data = Path(options.data) if options.data else default_data_dir()
    data = data.expanduser().absolute()
    return data, data / "home"


def _org_url(options: TargetOptions) -> str:
    """--org, normalised by azdo.urls (said when changed); refused before any credential is read."""
    from .azdo.urls import OrgUrlNeedsName
    from .naming import check_org_name

    typed = (options.org_url or "").strip()
    try:
        found = _normalized_or_refused(typed)
    except OrgUrlNeedsName as exc:
        if not _interactive():
            raise click.BadParameter(
                f"{str(exc).rstrip('.')} (there is no terminal to ask for the name).",
                param_hint="--org",
            ) from None
        name = click.prompt("The URL names no organisation. Organisation name").strip()
        found = _normalized_or_refused(f"{typed.rstrip('/')}/{name}")
    problem = check_org_name(found.org)
    if problem:
        raise click.BadParameter(problem, param_hint="--org")
    for note in found.notes:
        click.echo(f"--org: {note}", err=True)
    return found.url


def _normalized_or_refused(text: str):
    """azdo.urls.normalize_org_url; its refusals as a usage error (a missing name is re-raised)."""
    from .azdo.urls import OrgUrlError, OrgUrlNeedsName, normalize_org_url

    try:
        return normalize_org_url(text)
    except OrgUrlNeedsName:
        raise
    except OrgUrlError as exc:
        raise click.BadParameter(str(exc), param_hint="--org") from None


def _refuse_unsafe_url(url: str, option: str) -> None:
    """The PAT goes with every request: never in the URL itself, never unencrypted off this host."""
    from urllib.parse import urlsplit

    from .azdo.urls import is_loopback

    parts = urlsplit(url)
    if "@" in parts.netloc:  # the message must not repeat the URL: it may hold the token
        raise click.BadParameter(
            "put no user name or token in the URL: college-tui reads the "
            f"PAT from {PAT_ENV}, the keyring or a hidden prompt.",
            param_hint=option,
        )
    if parts.scheme.lower() != "https" and not is_loopback(parts.hostname or ""):
        raise click.BadParameter(
            "http:// would send your token unencrypted: use https://.", param_hint=option
        )


def provisional_target(options: TargetOptions):
    """The target as known before anything starts (its home, for the answers' defaults)."""
    from .target import AZURE_PROFILE_URL, Target

    if options.use_sandbox and options.org_url:
        raise click.UsageError("Choose one target: --org URL or --sandbox.")
    if not options.use_sandbox and not options.org_url:
        raise click.UsageError(
            "Say where to work: --org https://dev.azure.com/NAME, or --sandbox "
            "for the offline sandbox."
        )
    if options.use_sandbox:
        from .sandbox.faults import Faults

        try:
            Faults.parse(options.faults)
        except ValueError as err:
            raise click.BadParameter(str(err), param_hint="--faults") from None
        data, home = _sandbox_dirs(options)
        return Target(
            org_url="http://127.0.0.1/college-sandbox",
            profile_url="",
            home=home,
            sandbox=True,
            state_key=f"sandbox:{data}",
        )
    if options.fresh or options.faults or options.data:
        raise click.UsageError("--data, --fresh and --faults apply to --sandbox only.")
    url = options.org_url = _org_url(options)  # normalised once: its notes are said once
    if options.profile_url:
        _refuse_unsafe_url(options.profile_url, "--profile-url")
    return Target(
        org_url=url,
        profile_url=options.profile_url or AZURE_PROFILE_URL,
        home=Path.home(),
        state_key=url.lower(),
    )


def _sandbox_config():
    from .sandbox.service import SandboxConfig

    values: dict[str, float] = {}
    if os.environ.get(FAST_ENV):
        values.update(project_create_seconds=0.5, import_seconds=0.3)
    for env, name in (
        (PROJECT_SECONDS_ENV, "project_create_seconds"),
        (IMPORT_SECONDS_ENV, "import_seconds"),
    ):
        if os.environ.get(env):
            values[name] = float(os.environ[env])
    return SandboxConfig(**values)


def _sandbox_data_problem(data: Path) -> str | None:
    """Why `data` cannot hold a sandbox (a sentence naming the folder and what to do), or None."""
    existing = data
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    problem = None
    if not existing.is_dir():
        problem = f"{existing} is a file, not a folder"
    elif not os.access(existing, os.W_OK | os.X_OK):
        problem = f"{existing} cannot be written (read-only or not yours)"
    if problem:
        return (
            f"The sandbox data folder {data} cannot be used: {problem}. Choose another "
            "folder with --data DIR."
        )
    return None


def _fresh(options: TargetOptions, assume_yes: bool) -> None:
    """apply --fresh: list what would be deleted, ask (or check --yes may), delete, say what."""
    from .steps.state import state_path
    from .workstation.fresh import FreshRefused, carry_out, fresh_plan

    target = provisional_target(options)
    data, _home = _sandbox_dirs(options)
    try:
        plan = fresh_plan(data, state_path(target.state_key))
    except FreshRefused as exc:
        raise click.UsageError(str(exc)) from None
    if plan.empty:
        click.echo(f"--fresh: the sandbox data folder {data} is empty already; nothing to delete.")
        return
    click.echo("--fresh deletes:")
    for line in plan.lines():
        click.echo(f"  - {line}")
    if assume_yes:
        if plan.local_work and not options.discard_local_work:
            click.echo(
                "Refusing to delete work that exists only in a clone (see above); nothing "
                "was deleted or changed. Push or copy it first, or add "
                "--discard-local-work to delete it anyway.",
                err=True,
            )
            raise SystemExit(EXIT_NOT_DONE)
    elif not click.confirm("Delete them?", default=False):
        click.echo("Nothing was deleted; nothing was changed.")
        raise SystemExit(EXIT_NOT_DONE)
    try:
        carry_out(plan)
    except OSError as exc:
        raise click.ClickException(
            f"--fresh could not delete {exc.filename or data}: "
            f"{exc.strerror or exc}. Some of the list above may be "
            "deleted already; fix the permissions and run again."
        ) from None
    click.echo(f"Deleted: {'; '.join(plan.lines())}.")


@contextlib.contextmanager
def open_target(options: TargetOptions) -> Iterator[Opened]:
    """Start the sandbox (when asked) and yield the Target the engine works on."""
    from dataclasses import replace

    target = provisional_target(options)
    if not target.sandbox:
        yield Opened(target)
        return
    data, home = _sandbox_dirs(options)  # engine() checked the folder can hold a sandbox
    server, info = _start_sandbox(data, options.faults)
    # The embedded service's own log would interleave with the run's lines (dropped connections
    # from --faults are logged as errors by uvicorn); what the engine sees is reported anyway.
    import logging

    logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        yield Opened(
            replace(
                target,
                org_url=info.org_url,
                profile_url=info.profile_url,
                ssh_hostname=info.ssh_host,
                ssh_port=info.ssh_port,
                ssh_host_key=info.ssh_host_key,
            ),
            info.pat,
        )
    finally:
        server.stop()


def _start_sandbox(data: Path, faults: str | None):
    """Start the sandbox on the ports it had last time (see sandbox.server.start_kept)."""
    from .sandbox.server import PortProblem, start_kept

    try:
        kept = start_kept(data, faults=faults, config=_sandbox_config())
    except PortProblem as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:
        raise click.ClickException(f"The sandbox did not start: {exc}") from None
    _follow_moved_ports(data / "home", kept)
    return kept.server, kept.info


def _follow_moved_ports(home: Path, kept) -> None:
    """Say which ports moved, and point the sandbox home's ssh config block at the new SSH port.

    The clone's git reaches the sandbox through that block (`ssh -F <home>/.ssh/config`): a
    block left on the old port would make `git push` fail after a restart.
    """
    from .workstation.errors import WorkstationError
    from .workstation.sshconfig import retarget_port

    for note in kept.moved:
        click.echo(note, err=True)
    config = home / ".ssh" / "config"
    try:
        change = retarget_port(config, kept.info.ssh_port) if kept.info.ssh_port else "unchanged"
    except WorkstationError as exc:
        click.echo(
            f"The ssh config block in {config} could not be pointed at the sandbox's SSH "
            f"port {kept.info.ssh_port}: {exc}",
            err=True,
        )
        return
    if change != "unchanged":
        click.echo(
            f"Updated the college-tui block in {config}: Port {kept.info.ssh_port}, where "
            "the sandbox's SSH server listens now.",
            err=True,
        )


# -- inputs -------------------------------------------------------------------------------------


def _load_answers(answers_file: Path | None, target):
    from .steps.answers import AnswersError, load_answers

    try:
        return load_answers(answers_file, target)
    except AnswersError as exc:
        click.echo("The answers cannot be used; nothing was changed:", err=True)
        for problem in exc.problems:
            click.echo(f"  - {problem}", err=True)
        raise SystemExit(EXIT_USAGE) from None


def _passphrase(answers) -> str | None:
    name = answers.key_passphrase_env
    if not name:
        return None
    from .workstation.childenv import hide_from_children

    hide_from_children(names=[name])  # git, ssh and ssh-agent never inherit the passphrase
    value = os.environ.get(name)
    if value is None:
        click.echo(
            f"key_passphrase_env names the environment variable {name}, but it is not set. "
            f"Set it to the key passphrase (or remove key_passphrase_env); nothing was "
            "changed.",
            err=True,
        )
        raise SystemExit(EXIT_USAGE)
    return value


def _pat(opened: Opened, answers) -> str | None:
    """The PAT: the sandbox's, $AZURE_DEVOPS_PAT, the keyring, or a hidden prompt."""
    if opened.sandbox_pat:
        return opened.sandbox_pat
    if answers.auth != "pat":
        return None
    value = (os.environ.get(PAT_ENV) or "").strip()
    if value:
        return value
    from .workstation.secrets import load_pat

    with contextlib.suppress(Exception):
        saved = load_pat(opened.target.org_url)
        if saved:
            return saved
    if _interactive():
        from .steps.signin import pat_page, scopes_text

        click.echo(scopes_text())
        click.echo(f"Create a token at {pat_page(opened.target.org_url)}.")
        return (
            click.prompt(
                "Personal access token", hide_input=True, default="", show_default=False
            ).strip()
            or None
        )
    return None


def _unicode_ok() -> bool:
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        "✓✗▶…→·".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _emitter(printer):
    lock = threading.Lock()

    def emit(event) -> None:
        line = printer.line(event)
        if line is not None:
            with lock:
                click.echo(line)

    return emit


@contextlib.contextmanager
def engine(
    options: TargetOptions,
    answers_file: Path | None,
    *,
    preflight: bool = False,
    quiet: bool = False,
    lock: bool = True,
    assume_yes: bool = False,
):
    """Load the answers, open the target and yield (Context, printer).

    `lock`: hold the target's run lock and save the run state (apply). Plan and check only
    look: they may run while an apply works, so they never write the state file (a write of
    theirs could overwrite what the apply just saved).
    """
    from .steps.base import Secrets
    from .steps.printer import Printer
    from .steps.runner import make_context
    from .steps.state import RunState, StateLockedError, state_dir_problem

    answers = _load_answers(answers_file, provisional_target(options))
    passphrase = _passphrase(answers)
    for note in answers.duplicate_notes():
        click.echo(f"Note: {note}")
    problems = [
        state_dir_problem() if lock else None,  # plan and check write no state
        _sandbox_data_problem(_sandbox_dirs(options)[0]) if options.use_sandbox else None,
    ]
    if any(problems):
        raise click.ClickException(" ".join(p for p in problems if p) + " Nothing was changed.")
    if options.fresh:
        _fresh(options, assume_yes)
    if preflight:
        from .steps.preflight import preflight as check_machine

        problems = check_machine(answers, passphrase)
        if problems:
            click.echo("Fix these first; nothing was changed:", err=True)
            for problem in problems:
                click.echo(f"  - {problem}", err=True)
            raise SystemExit(EXIT_USAGE)
    printer = Printer(verbose=options.verbose, unicode=_unicode_ok())
    with open_target(options) as opened:
        answers = answers.for_target(opened.target)
        secrets = Secrets(pat=_pat(opened, answers), key_passphrase=passphrase)
        emit = _emitter(printer)
        if quiet:

            def emit(event, _inner=emit):  # plan/check: only HTTP lines, when verbose
                from .events import HttpCall

                if isinstance(event, HttpCall):
                    _inner(event)

        state = RunState.for_key(opened.target.state_key, read_only=not lock)
        ctx = make_context(opened.target, answers, emit, secrets=secrets, state=state)
        ctx.attended = _interactive() and not assume_yes  # else a step needing you fails at once
        if not lock:
            yield ctx, printer
            return
        try:
            with ctx.state.exclusive():
                yield ctx, printer
        except StateLockedError as exc:
            raise click.ClickException(str(exc)) from None


def _steps(until: str | None):
    from .steps.plan import steps_until

    try:
        return steps_until(until)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--until") from None


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
    from .steps.runner import DONE, WARNING
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
    with engine(options, answers_file, preflight=True, assume_yes=assume_yes) as (ctx, printer):
        session = Session(ctx, steps)
        if not assume_yes and not _confirmed(session, printer):
            click.echo("Nothing was changed.")
            raise SystemExit(EXIT_NOT_DONE)
        report = session.run()
    if report.nothing_to_do:
        click.echo("Nothing to do: every step is already done; nothing was changed.")
        return
    if report.ok:
        click.echo(f"All {len(report.results)} steps are done.")
        return
    left = [r.key for r in report.results if not r.ok]
    click.echo(
        f"Not everything is done yet ({', '.join(left)}); run apply again after fixing "
        "what is shown above."
    )
    if not any(r.status in (DONE, WARNING) for r in report.results):
        click.echo("Nothing was changed.")
    raise SystemExit(EXIT_NOT_DONE)


def _confirmed(session, printer) -> bool:
    """Show what apply would do (inspecting quietly) and ask; True when there is nothing to ask."""
    from .steps.printer import plan_lines
    from .steps.runner import ALREADY, FAILED

    ctx = session.ctx
    emit_all = ctx.emit
    ctx.emit = _only_http(emit_all)
    try:
        preview = session.inspect_all()
    finally:
        ctx.emit = emit_all
    for line in plan_lines(preview, printer.unicode):
        click.echo(line)
    if any(r.status == FAILED for r in preview.results):
        return False
    if all(r.status == ALREADY for r in preview.results):
        return True
    return click.confirm("Apply these changes?", default=True)


def _only_http(emit):
    from .events import HttpCall

    def inner(event) -> None:
        if isinstance(event, HttpCall):
            emit(event)

    return inner


@main.command()
@target_options
@ANSWERS_OPTION
def plan(options: TargetOptions, answers_file: Path | None) -> None:
    """Show what exists and what apply would do; changes nothing."""
    from .steps.printer import plan_lines
    from .steps.runner import FAILED
    from .steps.session import Session

    with engine(options, answers_file, quiet=True, lock=False) as (ctx, _printer):
        report = Session(ctx, _steps(None)).inspect_all()
    for line in plan_lines(report, _unicode_ok(), _apply_command(options, answers_file)):
        click.echo(line)
    if any(r.status == FAILED for r in report.results):
        raise SystemExit(EXIT_NOT_DONE)


def _apply_command(options: TargetOptions, answers_file: Path | None) -> str:
    """The exact `college-tui apply` that works on the target `plan` just looked at."""
    import shlex

    words = ["college-tui", "apply"]
    if options.use_sandbox:
        words.append("--sandbox")
        if options.data:
            words += ["--data", str(options.data)]
    else:
        words += ["--org", options.org_url or ""]
    if options.profile_url:
        words += ["--profile-url", options.profile_url]
    if answers_file:
        words += ["--answers", str(answers_file)]
    return shlex.join(words)


@main.command()
@target_options
@ANSWERS_OPTION
def check(options: TargetOptions, answers_file: Path | None) -> None:
    """The challenge checklist: one line per outcome; exit code 0 only when all are done."""
    from .steps.printer import check_lines
    from .steps.session import Session

    with engine(options, answers_file, quiet=True, lock=False) as (ctx, _printer):
        items = Session(ctx, _steps(None)).checklist()
    for line in check_lines(items, _unicode_ok()):
        click.echo(line)
    if not all(item.ok for item in items):
        raise SystemExit(EXIT_NOT_DONE)


@main.command()
@target_options
@click.option("--json", "json_output", is_flag=True, help="Print the results as JSON.")
def doctor(options: TargetOptions, json_output: bool) -> None:
    """Check this machine and its network for the training day; changes nothing."""
    from .steps.doctor import as_json, doctor_lines, exit_code, run_doctor

    if options.fresh:
        raise click.UsageError("doctor changes nothing: leave out --fresh.")
    pat = (os.environ.get(PAT_ENV) or "").strip() or None
    with contextlib.ExitStack() as stack:
        target = None
        if options.use_sandbox or options.org_url:
            opened = stack.enter_context(open_target(options))
            target = opened.target
            if opened.sandbox_pat:
                pat = opened.sandbox_pat
            elif not pat:
                from .workstation.secrets import load_pat

                with contextlib.suppress(Exception):
                    pat = load_pat(target.org_url)
        elif options.data or options.faults:
            raise click.UsageError("--data and --faults apply to --sandbox only.")
        from .workstation.childenv import hide_from_children

        hide_from_children(values=[pat])  # ssh, git and ssh-add never see the token
        checks = run_doctor(target, pat)
    for line in [as_json(checks)] if json_output else doctor_lines(checks, _unicode_ok()):
        click.echo(line)
    raise SystemExit(exit_code(checks))


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
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data directory (default: the persistent sandbox home).",
)
@click.option(
    "--faults",
    default=None,
    metavar="SPEC",
    help="Inject faults, e.g. latency=0.05,5xx=0.1,429=0.05,retry_after=1,drop=0.02,seed=7",
)
@click.option("--print-json", is_flag=True, help="Print one JSON line when ready (for scripts).")
def sandbox_serve(
    port: int | None, ssh_port: int | None, data: Path | None, faults: str | None, print_json: bool
) -> None:
    """Run the sandbox until Ctrl+C, on the same ports as last time when they are free."""
    from .sandbox.faults import Faults
    from .sandbox.server import PortProblem, default_data_dir, serve, start_kept

    try:
        Faults.parse(faults)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--faults") from None
    data = (data or default_data_dir()).expanduser().absolute()
    try:
        kept = start_kept(data, port=port, ssh_port=ssh_port, faults=faults)
    except PortProblem as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(EXIT_USAGE) from None
    _follow_moved_ports(data / "home", kept)
    serve(kept, print_json, lambda line: click.echo(line, nl=True))


if __name__ == "__main__":
    main()

"""What every command that works on a target does first: read the answers, take the target's run
lock (before anything else is started or saved), --fresh, check the machine, open the target and
build the engine's Context. The command line's side of it (click) stays in cli/."""

from __future__ import annotations

import contextlib
import os
import shlex
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..vocabulary import StepStatus
from . import open_target, opened_target, resolved_target
from .options import Asker, TargetOptions, TargetRefused
from .sandbox_plan import check_sandbox

if TYPE_CHECKING:
    from ..events import Emit
    from ..steps.activity import ActivityFile
    from ..steps.answers import Answers
    from ..steps.base import Context
    from ..steps.printer import Printer
    from ..steps.runner import RunReport
    from ..steps.session import Session
    from ..target import Target


EXIT_NOT_DONE, EXIT_USAGE = 1, 2


def load_answers(answers_file: Path | None, target: Target, asker: Asker) -> Answers:
    """The answers file (or the course's defaults); its problems said, then SystemExit(2)."""
    from ..steps.answers import AnswersError, load_answers

    try:
        return load_answers(answers_file, target)
    except AnswersError as exc:
        asker.say("The answers cannot be used; nothing was changed:", err=True)
        for problem in exc.problems:
            asker.say(f"  - {problem}", err=True)
        raise SystemExit(EXIT_USAGE) from None


def passphrase(answers: Answers, asker: Asker) -> str | None:
    """The SSH key's passphrase from the variable `key_passphrase_env` names, hidden from children."""
    name = answers.key_passphrase_env
    if not name:
        return None
    from ..workstation.childenv import hide_from_children

    hide_from_children(names=[name])  # git, ssh and ssh-agent never inherit the passphrase
    value = os.environ.get(name)
    if value is None:
        asker.say(
            f"key_passphrase_env names the environment variable {name}, but it is not set. "
            f"Set it to the key passphrase (or remove key_passphrase_env); nothing was "
            "changed.",
            err=True,
        )
        raise SystemExit(EXIT_USAGE)
    return value


def unicode_ok() -> bool:
    """True when stdout can show the printer's symbols."""
    from ..terminal_glyphs import CODEC

    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    if encoding == CODEC:  # an ASCII terminal writing stand-ins (terminal_glyphs.plain_lines)
        return False
    try:
        "✓✗▶…→·".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def emitter(
    printer: Printer,
    asker: Asker,
    *,
    http_only: bool = False,
    logfile: ActivityFile | None = None,
) -> Emit:
    """An emit() that prints the printer's line for each event (only HTTP calls if asked).

    `logfile` (apply's steps/activity.py ActivityFile) also gets every event: what only an
    administrator needs (an Entra refusal's AADSTS code and correlation id) goes there alone,
    and the output names the file."""
    from ..events import Event, HttpCall, StepFailed

    lock = threading.Lock()

    def emit(event: Event) -> None:
        if logfile is not None:
            logfile(event)
        if http_only and not isinstance(event, HttpCall):
            return
        line = printer.line(event)
        if line is not None:
            with lock:
                asker.say(line)
        if logfile is not None and isinstance(event, StepFailed) and event.log_detail:
            with lock:
                asker.say(f"  The details for your administrator are in {logfile.path}.")

    return emit


@contextlib.contextmanager
def engine(
    options: TargetOptions,
    answers_file: Path | None,
    asker: Asker,
    *,
    preflight: bool = False,
    quiet: bool = False,
    lock: bool = True,
    assume_yes: bool = False,
    account: str = "",
) -> Iterator[tuple[Context, Printer]]:
    """Load the answers, open the target and yield (Context, printer).

    `account`: sandbox only, the account to sign in as (else the answers' sandbox_account).

    `lock`: hold the target's run lock and save the run state (apply): taken before --fresh
    and before the sandbox starts, so a second run on one target changes nothing (not even the
    first run's ports). Plan and check only look: they may run while an apply works, so they
    never write the state file (a write of theirs could overwrite what the apply just saved).
    """
    from ..steps.base import Secrets
    from ..steps.printer import Printer
    from ..steps.runner import make_context
    from ..steps.state import RunState, StateLockedError, state_dir_problem
    from .service_target import credential_pat, default_auth

    # Resolve: the options once, into the target and (the sandbox) its plan.
    provisional, plan = resolved_target(options, asker)  # --org normalised in `options`
    if plan:  # apply borrows no sandbox another run started (it stops with that run)
        plan = replace(plan, long_run=lock)
    answers = load_answers(answers_file, provisional, asker)
    account = (account or answers.sandbox_account) if plan else ""
    if plan and account:  # a class attendee: its own home and state (opening/class_account.py)
        from .class_account import as_attendee

        provisional = as_attendee(provisional, account, plan.data)
        answers = load_answers(answers_file, provisional, asker)
    key_passphrase = passphrase(answers, asker)
    for note in answers.duplicate_notes():
        asker.say(f"Note: {note}")
    # Check: once, before anything is written (a refused run writes nothing, not even the lock).
    state_problem = state_dir_problem() if lock else None  # plan and check write no state
    if plan:
        check_sandbox(plan, also=state_problem)
    elif state_problem:
        raise TargetRefused(state_problem + " Nothing was changed.", usage=False)
    state = RunState.for_key(provisional.state_key, read_only=not lock)
    # Act: lock, --fresh, the machine's checks, the target opened, the Context built.
    with contextlib.ExitStack() as held:
        if lock:
            try:
                held.enter_context(state.exclusive())
            except StateLockedError as exc:
                raise TargetRefused(str(exc), usage=False) from None
        if plan and plan.fresh:
            from .fresh import fresh

            fresh(plan, asker, assume_yes)
        if preflight:
            from ..steps.preflight import preflight as check_machine

            machine_problems = check_machine(answers, key_passphrase)
            if machine_problems:
                asker.say("Fix these first; nothing was changed:", err=True)
                for problem in machine_problems:
                    asker.say(f"  - {problem}", err=True)
                raise SystemExit(EXIT_USAGE)
        printer = Printer(verbose=options.verbose, unicode=unicode_ok())
        opened = held.enter_context(opened_target(provisional, plan, asker))
        if plan and account:
            from .class_account import attendee_opened

            opened = attendee_opened(opened, account, plan.data)
        answers = answers.for_target(opened.target)
        if not answers.auth_said:  # the PAT at hand, else the browser (else a device code)
            answers = replace(answers, auth=default_auth(opened))
        secrets = Secrets(
            pat=credential_pat(opened, answers.auth, asker), key_passphrase=key_passphrase
        )
        logfile = None
        if lock and not quiet:  # apply: its activity file, as the wizard's
            from ..steps.activity import ActivityFile

            logfile = ActivityFile()
        # plan/check: HTTP lines, when verbose
        emit = emitter(printer, asker, http_only=quiet, logfile=logfile)
        ctx = make_context(opened.target, answers, emit, secrets=secrets, state=state)
        ctx.attended = asker.interactive() and not assume_yes  # else a step needing you fails
        yield ctx, printer


def confirmed(session: Session, printer: Printer, asker: Asker) -> bool:
    """Show what apply would do (inspecting quietly) and ask; True when there is nothing to ask."""
    from ..steps.printer import plan_lines

    ctx = session.ctx
    emit_all = ctx.emit
    ctx.emit = emitter(printer, asker, http_only=True)
    try:
        preview = session.inspect_all()
    finally:
        ctx.emit = emit_all
    for line in plan_lines(preview, printer.unicode):
        asker.say(line)
    if any(r.status == StepStatus.FAILED for r in preview.results):
        return False
    if all(r.status == StepStatus.ALREADY for r in preview.results):
        return True
    return asker.confirm("Apply these changes?", True)


def apply_command(options: TargetOptions, answers_file: Path | None) -> str:
    """The exact `college-tui apply` that works on the target `plan` just looked at."""
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


def apply_outcome(report: RunReport) -> tuple[list[str], int]:
    """apply's last lines for a finished run, and its exit code (0 only when all is done)."""

    if report.nothing_to_do:
        return ["Nothing to do: every step is already done; nothing was changed."], 0
    if report.ok:
        return [f"All {len(report.results)} steps are done."], 0
    left = [r.key for r in report.results if not r.ok]
    lines = [
        f"Not everything is done yet ({', '.join(left)}); run apply again after fixing "
        "what is shown above."
    ]
    if not any(r.status in (StepStatus.DONE, StepStatus.WARNING) for r in report.results):
        lines.append("Nothing was changed.")
    return lines, EXIT_NOT_DONE


def learned_hosts(target: Target) -> Target:
    """A loopback organisation (a served sandbox reached as a service) with the profile host and
    SSH server it says, as the sign-in step learns them; any other target as it is."""
    from ..azdo.authority import discover_sign_in, is_loopback
    from ..azdo.errors import AzdoError
    from ..steps.signin import learned_target

    if target.sandbox or not is_loopback(target.org_url):
        return target
    try:
        return learned_target(target, discover_sign_in(target.org_url))
    except AzdoError:  # not a sandbox there: the doctor's own checks say what answers
        return target


def doctor_target(
    options: TargetOptions, asker: Asker, stack: contextlib.ExitStack[bool | None]
) -> tuple[Target | None, str | None]:
    """doctor's (target, PAT): the opened target when one was named (the stack closes it), the
    PAT from the sandbox, $AZURE_DEVOPS_PAT or the keyring; the PAT is hidden from children."""
    from ..workstation.childenv import hide_from_children
    from .options import PAT_ENV
    from .service_target import saved_pat

    target, pat = None, (os.environ.get(PAT_ENV) or "").strip() or None
    if options.use_sandbox or options.org_url:
        opened = stack.enter_context(open_target(options, asker))
        target = learned_hosts(opened.target)
        pat = opened.sandbox_pat or pat or saved_pat(target.org_url)
    hide_from_children(values=[pat])  # ssh, git and ssh-add never see the token
    return target, pat

"""The sandbox as a target: its data folder (checked before anything is written), its start on
the ports it had last time, following ports that moved, and `--fresh`."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .options import Asker, Opened, TargetOptions, TargetRefused

if TYPE_CHECKING:
    from ..sandbox.apart import ApartStart, SandboxApart
    from ..sandbox.ports import KeptStart
    from ..sandbox.server import SandboxInfo, SandboxServer
    from ..sandbox.service import SandboxConfig
    from ..target import Target


EXIT_NOT_DONE = 1


def sandbox_dirs(options: TargetOptions) -> tuple[Path, Path]:
    """The data folder (absolute) and the sandbox home inside it."""
    from ..sandbox.datadir import default_data_dir

    data = Path(options.data) if options.data else default_data_dir()
    data = data.expanduser().absolute()
    return data, data / "home"


def provisional_sandbox(options: TargetOptions) -> Target:
    """The sandbox target before it starts (its URL comes with the start)."""
    from ..sandbox.faults import Faults
    from ..target import Target

    try:
        Faults.parse(options.faults)
    except ValueError as err:
        raise TargetRefused(str(err), "--faults") from None
    data, home = sandbox_dirs(options)
    outside = home_outside(data)
    if outside:  # before anything reads the answers: their ~ is this home
        raise TargetRefused(outside, "--data")
    return Target(
        org_url="http://127.0.0.1/college-sandbox",
        profile_url="",
        home=home,
        sandbox=True,
        state_key=f"sandbox:{data}",
    )


DATA_PATH_MAX = 400  # the database and the bare repositories' files sit a few names below it


def data_problem(data: Path) -> str | None:
    """Why `data` cannot hold a sandbox (a sentence naming the folder and what to do), or None:
    a file, read-only, not yours, or a name too long for this system. Only looks."""
    if len(str(data).encode()) > DATA_PATH_MAX:  # SQLite opens no file past ~512 bytes of path
        return (
            f"The sandbox data folder's name is too long for its database ({len(str(data))} "
            f"characters; at most {DATA_PATH_MAX}): choose a shorter folder with --data DIR."
        )
    try:
        existing = data
        while not existing.exists() and existing.parent != existing:
            existing = existing.parent
        problem = None
        if not existing.is_dir():
            problem = f"{existing} is a file, not a folder"
        elif not os.access(existing, os.W_OK | os.X_OK):
            problem = f"{existing} cannot be written (read-only or not yours)"
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            problem = f"it cannot be read ({exc.strerror or exc})"
        else:
            return (
                f"The sandbox data folder's name is too long for this system ({len(str(data))} "
                "characters, or one part of it over 255): choose a shorter folder with "
                "--data DIR."
            )
    if problem:
        return (
            f"The sandbox data folder {_short(data)} cannot be used: {problem}. Choose another "
            "folder with --data DIR."
        )
    return None


def foreign_folder(data: Path) -> str | None:
    """Why `data` is not the sandbox's to write into, or None.

    A data folder must be missing, empty, or a sandbox's already (it holds the sandbox's
    database, or only what the sandbox makes): the sandbox never writes among the user's own
    files. Only looks; call after `data_problem` found nothing.
    """
    from ..workstation.fresh import SANDBOX_MARKER, sandbox_made

    try:
        if not data.is_dir() or (data / SANDBOX_MARKER).exists():
            return None
        theirs = sorted(entry.name for entry in data.iterdir() if not sandbox_made(entry))
    except OSError as exc:
        return f"{_short(data)} cannot be read ({exc.strerror or exc})."
    if not theirs:
        return None
    shown = ", ".join(theirs[:3]) + (f" and {len(theirs) - 3} more" if len(theirs) > 3 else "")
    return (
        f"{_short(data)} holds files ({shown}) and does not look like a sandbox data folder "
        f"(no {SANDBOX_MARKER}): the sandbox writes only into a new or empty folder or its "
        "own, so nothing of yours is mixed with its files. Choose another folder; nothing was "
        "changed."
    )


def refuse_unusable(data: Path) -> None:
    """Raise TargetRefused when `data` cannot hold a sandbox (see the two checks above)."""
    problem = data_problem(data)
    if problem:
        raise TargetRefused(problem + " Nothing was changed.", usage=False)
    foreign = foreign_folder(data)
    if foreign:
        raise TargetRefused(foreign, "--data")


def home_outside(data: Path) -> str | None:
    """Why the sandbox home of `data` is not the sandbox's own, or None: its `home`, `home/.ssh`
    or `home/college` resolving outside the data folder (a symlink to the real HOME would put the
    rehearsal's key, ssh config and clone among the attendee's own files)."""
    for part in ("home", "home/.ssh", "home/college"):
        place = data / part
        try:
            if not place.is_symlink() and not place.exists():
                continue
            root, real = data.resolve(), place.resolve()
        except (OSError, RuntimeError):  # unreadable or too long: data_problem says so
            return None
        if real != root and root not in real.parents:
            return (
                f"{_short(place)} leads outside the data folder ({_short(real)}): the "
                "sandbox writes its SSH key, ssh config and clone there, never among your own "
                "files. Remove that link or choose another folder with --data DIR; nothing was "
                "changed."
            )
    return None


def _short(path: Path) -> str:
    text = str(path)
    return text if len(text) <= 200 else f"{text[:90]}…{text[-90:]}"


def sandbox_config() -> SandboxConfig:
    """The sandbox's clocks: the service's own, or shorter ones from the environment's settings
    (a value that is not a number is refused with the setting's name: exit 2)."""
    from ..sandbox.service import SandboxConfig
    from ..settings import SettingProblem, sandbox_clocks

    try:
        return SandboxConfig(**sandbox_clocks())
    except SettingProblem as exc:
        raise TargetRefused(exc.message) from None


@contextlib.contextmanager
def opened_sandbox(options: TargetOptions, target: Target, asker: Asker) -> Iterator[Opened]:
    """Start the sandbox of `options` and yield it as an Opened target; stop it afterwards.

    A sandbox already running for the same data folder (`college-tui sandbox serve`, or the one
    an `apply` started) is used instead, with its ports and its database: a second sandbox on
    other ports would save them and leave the first's links and ssh config on dead ports. The
    sandbox started here says so too, for the next command on this folder.
    """
    from ..sandbox.running import AlreadyServed, starting

    data, home = sandbox_dirs(options)
    refuse_unusable(data)
    sandbox_config()  # a bad setting is refused before anything is made (the lock's folder)
    server, release = None, None
    try:
        with starting(data):  # one sandbox per data folder, whoever starts it
            info = served(data, options, asker)
            if info is None:
                server, info = start_sandbox(
                    data, options.faults, asker, apart=options.sandbox_apart
                )
                release = _announce(info)
    except AlreadyServed as exc:
        raise TargetRefused(str(exc), usage=False) from None
    # The embedded service's own log would interleave with the run's lines (dropped connections
    # from --faults are logged as errors by uvicorn); what the engine sees is reported anyway.
    import logging

    logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        yield Opened(_at(target, info), info.pat)
    finally:
        if release is not None:
            release()
        if server is not None:
            server.stop()


def _announce(info: SandboxInfo) -> Callable[[], None]:
    """Announce a started sandbox (sandbox.running); a no-op release when that cannot be done."""
    from ..sandbox.running import AlreadyServed, announce

    try:
        return announce(info, by="run")
    except (AlreadyServed, OSError):  # started at the same moment as another: the lock decides
        return lambda: None


def refuse_second_serve(data: Path, why: str = "") -> None:
    """Refuse when a sandbox runs for `data` now: a second serve (before it starts and moves
    ports), or --fresh (`why` says what it would do)."""
    from ..sandbox.server import running

    info = None
    with contextlib.suppress(Exception):  # a damaged database: the start says more
        info = running(data)
    if info is not None:
        raise TargetRefused(
            f"A college-tui sandbox runs for {data} already ({info.org_url})"
            + (f" and {why}" if why else ": use that one")
            + ". Stop it (Ctrl+C in its window, or let its run finish) first; nothing was "
            "changed.",
            usage=False,
        )


def _at(target: Target, info: SandboxInfo) -> Target:
    """`target` where the sandbox described by `info` listens."""

    return replace(
        target,
        org_url=info.org_url,
        profile_url=info.profile_url,
        ssh_hostname=info.ssh_host,
        ssh_port=info.ssh_port,
        ssh_host_key=info.ssh_host_key,
    )


def served(data: Path, options: TargetOptions, asker: Asker) -> SandboxInfo | None:
    """The SandboxInfo of a sandbox running for `data` now (said), or None."""
    from ..sandbox.server import running

    try:
        info = running(data)
    except Exception as exc:  # a damaged database: the serve itself says more
        raise TargetRefused(f"The running sandbox cannot be used: {exc}", usage=False) from None
    if info is None:
        return None
    from ..sandbox.running import announcement

    if options.long_run and (announcement(data) or {}).get("by") == "run":
        raise TargetRefused(
            f"Another college-tui run is using the sandbox for {data} ({info.org_url}) and "
            "stops it when it ends. Wait for that run to finish, or keep one sandbox running "
            f"for both with `college-tui sandbox serve --data {data}`; nothing was changed.",
            usage=False,
        )
    if options.faults:
        raise TargetRefused(
            f"A college-tui sandbox runs for {data} already, without this command's faults: "
            "stop it (Ctrl+C in its window, or let its run finish) to run with --faults, or "
            "leave --faults out to use it.",
            "--faults",
        )
    asker.say(
        f"Using the sandbox already running for {data} ({info.org_url}).",
        err=True,
    )
    point_ssh_config(data / "home", info.ssh_port, asker)
    return info


def start_sandbox(
    data: Path, faults: str | None, asker: Asker, *, apart: bool = False
) -> tuple[SandboxServer | SandboxApart, SandboxInfo]:
    """Start the sandbox on the ports it had last time (see sandbox.ports.start_kept), in this
    process or, `apart`, in one of its own (sandbox/apart.py: the wizard's)."""
    from ..sandbox.apart import start_apart
    from ..sandbox.ports import PortProblem, start_kept

    config = sandbox_config()
    kept: KeptStart | ApartStart
    try:
        if apart:
            kept = start_apart(data, faults=faults, config=config)
        else:
            kept = start_kept(data, faults=faults, config=config)
    except PortProblem as exc:
        raise TargetRefused(str(exc), usage=False) from None
    except OSError as exc:  # a read-only HOME or data folder: say that, not "its ports"
        where = exc.filename or data
        raise TargetRefused(
            f"The sandbox did not start: {where} cannot be written "
            f"({exc.strerror or exc}). Make it writable, or choose another folder with "
            "--data DIR.",
            usage=False,
        ) from None
    except Exception as exc:
        raise TargetRefused(f"The sandbox did not start: {exc}", usage=False) from None
    follow_moved_ports(data / "home", kept, asker)
    return kept.server, kept.info


def follow_moved_ports(home: Path, kept: KeptStart | ApartStart, asker: Asker) -> None:
    """Say which ports moved, and point the sandbox home's ssh config block at the new SSH port."""
    for note in kept.moved:
        asker.say(note, err=True)
    point_ssh_config(home, kept.info.ssh_port, asker)


def point_ssh_config(home: Path, ssh_port: int | None, asker: Asker) -> None:
    """Point the sandbox home's ssh config block at `ssh_port` (said when it changed).

    The clone's git reaches the sandbox through that block (`ssh -F <home>/.ssh/config`): a
    block left on the old port would make `git push` fail after a restart.
    """
    from ..workstation.errors import WorkstationError
    from ..workstation.sshconfig import retarget_port

    config = home / ".ssh" / "config"
    try:
        change = retarget_port(config, ssh_port) if ssh_port else "unchanged"
    except WorkstationError as exc:
        asker.say(
            f"The ssh config block in {config} could not be pointed at the sandbox's SSH "
            f"port {ssh_port}: {exc}",
            err=True,
        )
        return
    if change != "unchanged":
        asker.say(
            f"Updated the college-tui block in {config}: Port {ssh_port}, where "
            "the sandbox's SSH server listens now.",
            err=True,
        )


def fresh(options: TargetOptions, asker: Asker, assume_yes: bool) -> None:
    """--fresh: list what would be deleted, ask (or check --yes may), delete, say what.

    A clone holding work that is not on the server is kept unless the person says so: with
    --yes only --discard-local-work deletes it; at a terminal a second question names the work
    and defaults to keeping it. Raises SystemExit(1) when nothing is deleted by choice.
    """
    from ..steps.state import state_path
    from ..workstation.fresh import FreshRefused, carry_out, fresh_plan

    target = provisional_sandbox(options)
    data, _home = sandbox_dirs(options)
    if (problem := data_problem(data)) is not None:
        raise TargetRefused(problem + " Nothing was deleted.", usage=False)
    refuse_second_serve(data, "--fresh would delete its data under it")
    try:
        plan = fresh_plan(data, state_path(target.state_key))
    except FreshRefused as exc:
        raise TargetRefused(str(exc)) from None
    except OSError as exc:  # a name too long, a folder that cannot be read
        raise TargetRefused(data_problem(data) or f"--fresh cannot read {data}: {exc}") from None
    if plan.empty:
        asker.say(f"--fresh: the sandbox data folder {data} is empty already; nothing to delete.")
        return
    theirs = plan.kept + plan.inside  # decided before deleting: never half a --fresh
    if theirs:
        shown = ", ".join(str(p) for p in theirs[:5]) + (
            f" and {len(theirs) - 5} more" if len(theirs) > 5 else ""
        )
        raise TargetRefused(
            f"--fresh refused: {data} holds files the sandbox did not make ({shown}). It "
            "deletes only its own files, and would then not start among yours. Move them out "
            f"of {data} (or use another folder with --data DIR), then run again; nothing was "
            "deleted."
        )
    asker.say("--fresh deletes:")
    for line in plan.lines():
        asker.say(f"  - {line}")
    keep_work = (
        "Nothing was deleted; nothing was changed. The clone's work above is only there: "
        "push or copy it first, then run again."
    )
    if assume_yes:
        if plan.local_work and not options.discard_local_work:
            asker.say(
                "Refusing to delete work that exists only in a clone (see above); nothing "
                "was deleted or changed. Push or copy it first, or add "
                "--discard-local-work to delete it anyway.",
                err=True,
            )
            raise SystemExit(EXIT_NOT_DONE)
    elif not asker.confirm("Delete them?", False):
        asker.say("Nothing was deleted; nothing was changed.")
        raise SystemExit(EXIT_NOT_DONE)
    elif plan.local_work:
        work = "; ".join(f"{clone}: {', '.join(w)}" for clone, w in plan.local_work.items())
        if not asker.confirm(f"Also delete the work that is not on the server ({work})?", False):
            asker.say(keep_work)
            raise SystemExit(EXIT_NOT_DONE)
    try:
        carry_out(plan)
    except OSError as exc:
        raise TargetRefused(
            f"--fresh could not delete {exc.filename or data}: "
            f"{exc.strerror or exc}. Some of the list above may be "
            "deleted already; fix the permissions and run again.",
            usage=False,
        ) from None
    asker.say(f"Deleted: {'; '.join(plan.lines())}.")

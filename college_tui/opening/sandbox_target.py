"""The sandbox opened from its checked plan (opening/sandbox_plan.py), in one pass: under the
data folder's start lock, the sandbox already serving the folder is reused, or one is started on
the ports it had last time (moved ports followed in the home's ssh config) and announced."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..target import SshLater
from .options import Asker, Opened, TargetRefused
from .sandbox_plan import SandboxPlan

if TYPE_CHECKING:
    from ..sandbox.apart import ApartStart, SandboxApart
    from ..sandbox.ports import KeptStart
    from ..sandbox.server import SandboxInfo, SandboxServer
    from ..sandbox.service import SandboxConfig
    from ..target import Target


# A sandbox in the engine's process starts its SSH server once the engine's first request came
# (it then waits on the network), or after this many seconds (sandbox/server.py start_ssh).
SSH_AFTER_FIRST_REQUEST = 1.0


def sandbox_config(plan: SandboxPlan) -> SandboxConfig:
    """The sandbox's clocks: the service's own, or the shorter ones the plan's settings say."""
    from ..sandbox.service import SandboxConfig

    return SandboxConfig(**plan.clocks)


@contextlib.contextmanager
def opened_sandbox(plan: SandboxPlan, asker: Asker) -> Iterator[Opened]:
    """Carry out a checked plan: the sandbox serving its data folder, else one started here;
    yield it as an Opened target and stop what was started here afterwards.

    A sandbox already running for the same data folder (`college-tui sandbox serve`, or the one
    an `apply` started) is used instead, with its ports and its database: a second sandbox on
    other ports would save them and leave the first's links and ssh config on dead ports. The
    sandbox started here says so too, for the next command on this folder. Whether one serves
    the folder is asked here only, under the start lock, where no other run can change it.

    One started here is yielded as soon as its REST side listens: its SSH server comes up
    meanwhile (the target's `ssh_later`; steps that use SSH wait for it, issue 28), and the start
    lock is held until then, so another run on the folder finds it announced whole.
    """
    from ..sandbox.running import AlreadyServed, starting

    server, finishing = None, None
    lock = contextlib.ExitStack()
    try:
        lock.enter_context(starting(plan.data))  # one sandbox per data folder, whoever starts it
        info = served(plan, asker)
        if info is None:
            server, info = start_sandbox(plan, asker)
    except AlreadyServed as exc:
        lock.close()
        raise TargetRefused(str(exc), usage=False) from None
    except BaseException:
        lock.close()
        raise
    target = _at(plan, info)
    if server is None:
        lock.close()
    else:
        later = SshLater()
        target = replace(target, ssh_later=later)
        finishing = _finish_ssh(server, info, later, lock, plan.data)
    # The embedded service's own log would interleave with the run's lines (dropped connections
    # from --faults are logged as errors by uvicorn); what the engine sees is reported anyway.
    logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)
    try:
        plan.home.mkdir(mode=0o700, parents=True, exist_ok=True)
        yield Opened(target, info.pat)
    finally:
        if finishing is not None:
            finishing()()  # the SSH side's start waited for, then the announcement released
        if server is not None:
            server.stop()


def _finish_ssh(
    server: SandboxServer | SandboxApart,
    info: SandboxInfo,
    later: SshLater,
    lock: contextlib.ExitStack,
    data: Path,
) -> Callable[[], Callable[[], None]]:
    """Bring up the started sandbox's SSH side on a thread of its own while the run's REST steps
    go on: once it listens (or has failed), the sandbox is announced (sandbox.running), `later`
    told and the data folder's start lock released. Returns the thread's join, which gives the
    announcement's release."""
    released: list[Callable[[], None]] = []

    def finish(info: SandboxInfo) -> None:
        try:
            problem = ""
            try:
                info = server.start_ssh(after_first_request=SSH_AFTER_FIRST_REQUEST)
            except BaseException as exc:  # whatever it is, no step may wait for nothing
                info = replace(info, ssh_host=None, ssh_port=None)  # others: no SSH there
                problem = ssh_failure(exc, data)
            try:
                released.append(_announce(info))  # announced whole before anyone goes on
            finally:
                if problem:
                    later.failed(problem)
                else:
                    later.listens(info.ssh_host_key)
        finally:
            lock.close()

    thread = threading.Thread(target=finish, args=(info,), name="opening-ssh-start", daemon=True)
    thread.start()

    def join() -> Callable[[], None]:
        thread.join()
        return released[0] if released else (lambda: None)

    return join


def ssh_failure(exc: BaseException, data: Path) -> str:
    """The sentence for a sandbox whose SSH server did not start (its REST side works)."""
    why = str(exc) or type(exc).__name__
    return (
        f"The sandbox's SSH server did not start: {why} The steps that need SSH (the SSH key, "
        "the clone, the pull request) cannot go on; the others can. Fix what it says (or start "
        f"the sandbox afresh: `college-tui apply --sandbox --fresh` on {data}) and run again."
    )


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


def _at(plan: SandboxPlan, info: SandboxInfo) -> Target:
    """The plan's target where the sandbox described by `info` listens."""
    return replace(
        plan.target,
        org_url=info.org_url,
        profile_url=info.profile_url,
        ssh_hostname=info.ssh_host,
        ssh_port=info.ssh_port,
        ssh_host_key=info.ssh_host_key,
    )


def served(plan: SandboxPlan, asker: Asker) -> SandboxInfo | None:
    """The SandboxInfo of a sandbox running for the plan's folder now (said), or None."""
    from ..sandbox.running import announcement
    from ..sandbox.server import running

    data = plan.data
    try:
        info = running(data)
    except Exception as exc:  # a damaged database: the serve itself says more
        raise TargetRefused(f"The running sandbox cannot be used: {exc}", usage=False) from None
    if info is None:
        return None
    if plan.long_run and (announcement(data) or {}).get("by") == "run":
        raise TargetRefused(
            f"Another college-tui run is using the sandbox for {data} ({info.org_url}) and "
            "stops it when it ends. Wait for that run to finish, or keep one sandbox running "
            f"for both with `college-tui sandbox serve --data {data}`; nothing was changed.",
            usage=False,
        )
    if plan.faults:
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
    point_ssh_config(plan.home, info.ssh_port, asker)
    return info


def start_sandbox(
    plan: SandboxPlan, asker: Asker
) -> tuple[SandboxServer | SandboxApart, SandboxInfo]:
    """Start the sandbox on the ports it had last time (see sandbox.ports.start_kept), in this
    process or, for the wizard (`plan.apart`), in one of its own (sandbox/apart.py); returned
    once its REST side listens, its SSH port taken (its `start_ssh()` brings up the rest)."""
    from ..sandbox.apart import start_apart
    from ..sandbox.ports import PortProblem, start_kept

    data = plan.data
    kept: KeptStart | ApartStart
    try:
        if plan.apart:
            kept = start_apart(
                data, faults=plan.faults, config=sandbox_config(plan), ssh_later=True
            )
        else:
            kept = start_kept(data, faults=plan.faults, config=sandbox_config(plan), ssh_later=True)
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
    follow_moved_ports(plan.home, kept, asker)
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

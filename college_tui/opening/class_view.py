"""`college-tui class status` and the class screen: the instructor signed in, the class read.

The instructor signs in the same ways as the wizard (the answers' `auth`: a PAT, the browser,
the device code); with `--sandbox` as the class's instructor account of a served sandbox
(`sandbox serve --class N`). Then every organisation the instructor belongs to is read
(steps/classview/status.py).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .options import Asker, TargetOptions, TargetRefused

if TYPE_CHECKING:
    from ..steps.base import Context
    from ..steps.classview.status import ClassState


def seen_path() -> Path:
    """Where headless refreshes keep "since when" (the run-state folder)."""
    from ..steps.state import state_dir

    return state_dir() / "class-view.json"


@contextlib.contextmanager
def signed_in_instructor(
    options: TargetOptions, answers_file: Path | None, asker: Asker
) -> Iterator[Context]:
    """The engine's Context signed in as the instructor (ctx.azdo set), read-only."""
    from ..steps.plan import steps_until
    from ..steps.session import Session
    from .engine import engine

    account = ""
    if options.use_sandbox:
        from ..sandbox.identity.accounts import INSTRUCTOR

        account = INSTRUCTOR[1]
    elif not options.org_url:
        options.org_later = True  # sign in first: the organisations are listed after
    with engine(options, answers_file, asker, quiet=True, lock=False, account=account) as (
        ctx,
        _printer,
    ):
        report = Session(ctx, steps_until("sign-in")).run()
        if not report.ok or ctx.azdo is None:
            failed = next((r for r in report.results if not r.ok), None)
            why = failed.message if failed is not None else "not signed in"
            raise TargetRefused(f"The instructor could not sign in: {why}", usage=False)
        yield ctx


def status_command(
    options: TargetOptions,
    answers_file: Path | None,
    asker: Asker,
    as_json: bool = False,
    roster: Path | None = None,
    concurrency: int = 32,
) -> str:
    """`class status`: sign in, read the class once, the table (or JSON) as text."""
    from ..steps.classview.status import load_seen, read_class, save_seen
    from ..steps.classview.table import RosterError, read_roster, status_json, status_lines
    from .engine import unicode_ok

    try:
        expected = read_roster(roster) if roster else None
    except RosterError as exc:
        raise TargetRefused(str(exc), "--roster") from None
    with signed_in_instructor(options, answers_file, asker) as ctx:
        seen = load_seen(seen_path())
        state = read_class(ctx, concurrency=concurrency, roster=expected, seen=seen)
    with contextlib.suppress(OSError):
        save_seen(seen_path(), seen)
    return status_json(state) if as_json else "\n".join(status_lines(state, unicode_ok()))


def run_class_screen(
    options: TargetOptions, answers_file: Path | None, asker: Asker, every: float = 30.0
) -> int:
    """`college-tui class`: sign in (at the terminal, before the screen), then the live view,
    read again every `every` seconds. The exit code of the app."""
    from ..steps.classview.status import load_seen, read_class, save_seen
    from ..ui.class_screen import ClassApp

    with signed_in_instructor(options, answers_file, asker) as ctx:
        seen = load_seen(seen_path())
        lock = threading.Lock()
        connections: dict[
            str, Any
        ] = {}  # each organisation's connection, made once for every refresh

        def read() -> ClassState:
            with lock:
                state = read_class(ctx, seen=seen, connections=connections)
                with contextlib.suppress(OSError):
                    save_seen(seen_path(), seen)
                return state

        app = ClassApp(read, every)
        app.run()
        return app.return_code or 0

"""The one crash report writer: a bug of ours (in a step, a worker or an event-loop handler of the
wizard) ends as a redacted file under the state folder, and the user reads one sentence naming it.

The report holds what a maintainer needs and nothing of the user's: the versions, where it
happened and the exception chain (causes and contexts, Textual's WorkerFailed unwrapped) as text.
Never the frames' locals (Textual's own traceback prints them: the PAT typed into a form would
be there), never a secret: registered secrets, the ones passed in and secret shapes become ***.
The last ten reports are kept.
"""

from __future__ import annotations

import os
import platform
import sys
import time
import traceback
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from ..azdo.redact import redact
from ..workstation.atomic import write_atomic
from .state import state_dir

KEEP = 10  # reports kept; older ones are removed when a new one is written
PREFIX = "crash-"
# Whose versions a report names: ours and the libraries a bug most likely comes through.
DISTRIBUTIONS = (
    "college-tui",
    "textual",
    "rich",
    "azure-devops",
    "azure-identity",
    "msrest",
    "paramiko",
    "keyring",
    "starlette",
    "uvicorn",
)


def unwrapped(exc: BaseException) -> BaseException:
    """The exception itself, not Textual's WorkerFailed around it (its `.error`)."""
    while type(exc).__name__ == "WorkerFailed":
        inner = getattr(exc, "error", None)
        if not isinstance(inner, BaseException):
            break
        exc = inner
    return exc


def versions() -> str:
    """`name version` for Python, the platform and each distribution installed."""
    found = [f"python {platform.python_version()} ({sys.implementation.name})"]
    found.append(f"platform {platform.system()} {platform.release()} {platform.machine()}")
    for name in DISTRIBUTIONS:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return "\n".join(found)


def report_text(exc: BaseException, where: str, secrets: Iterable[str | None] = ()) -> str:
    """The report: a header, the versions, the exception chain (no locals), redacted."""
    error = unwrapped(exc)
    chain = "".join(traceback.format_exception(error))
    text = (
        f"college-tui crash report\nwhen: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\n"
        f"where: {where}\nerror: {type(error).__qualname__}\n\n{versions()}\n\n{chain}"
    )
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return redact(text)


def write_crash_report(
    exc: BaseException, where: str, secrets: Iterable[str | None] = ()
) -> Path | None:
    """Write the report for `exc` under `state_dir()/logs` (mode 0600); None if impossible.

    `where` names the place (a step and phase, a worker): it is part of the file's name."""
    folder = state_dir() / "logs"
    now = time.time()
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now)) + f"-{int(now % 1 * 1e6):06d}"
    tag = "".join(c if c.isalnum() or c in "-_" else "-" for c in where)[:60]
    path = folder / f"{PREFIX}{stamp}-{tag}.log"
    try:
        text = report_text(exc, where, secrets)
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text, mode=0o600)
    except Exception:
        return None
    prune(folder)
    return path


def prune(folder: Path, keep: int = KEEP) -> None:
    """Remove all but the `keep` newest reports (their names sort by time)."""
    reports = sorted(folder.glob(f"{PREFIX}*.log"))
    for old in reports[:-keep] if keep else reports:
        try:
            os.remove(old)
        except OSError:
            continue

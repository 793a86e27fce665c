"""Opening a target: the sandbox (its data folder, its start, its moved ports, --fresh) or an
Azure DevOps organisation (its URL, its credential), for the command line and the wizard alike.

Light to import (the wizard's first frame imports `TargetOptions`): everything heavy is imported
inside functions. No click here: a refusal is a `TargetRefused` that cli.py turns into click's
usage errors and the wizard shows as its sentence; questions come in as an `Asker`'s callables.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

PAT_ENV = "AZURE_DEVOPS_PAT"


@dataclass
class TargetOptions:
    org_url: str | None
    use_sandbox: bool
    data: Path | None
    faults: str | None
    profile_url: str | None
    verbose: bool
    fresh: bool = False  # apply only: plan and check change nothing
    discard_local_work: bool = False  # apply --fresh --yes may delete unpushed work in clones


class TargetRefused(Exception):
    """The target cannot be opened as asked: one sentence (what happened, what to do).

    `option` names the command-line option at fault (cli.py: a bad parameter, exit 2); without
    one, `usage` says whether it is a usage error (exit 2) or a failure (exit 1).
    """

    def __init__(self, message: str, option: str | None = None, *, usage: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.option = option
        self.usage = usage


def _no(*_args, **_kwargs):
    return None


@dataclass
class Asker:
    """How the opening talks to a person: cli.py passes click's prompts; the wizard, none."""

    interactive: Callable[[], bool] = lambda: False
    say: Callable[..., None] = _no  # say(text, err=False)
    ask_text: Callable[[str], str] = lambda _q: ""
    ask_secret: Callable[[str], str] = lambda _q: ""
    confirm: Callable[[str, bool], bool] = lambda _q, default: default


@dataclass
class Opened:
    """A target ready to use: where, the sandbox's PAT if any."""

    target: object  # college_tui.target.Target
    sandbox_pat: str | None = field(default=None, repr=False)  # a secret: never in a repr


def provisional_target(options: TargetOptions, asker: Asker | None = None):
    """The target as known before anything starts (its home, for the answers' defaults)."""
    asker = asker or Asker()
    if options.use_sandbox and options.org_url:
        raise TargetRefused("Choose one target: --org URL or --sandbox.")
    if not options.use_sandbox and not options.org_url:
        raise TargetRefused(
            "Say where to work: --org https://dev.azure.com/NAME, or --sandbox "
            "for the offline sandbox."
        )
    if options.use_sandbox:
        from .sandbox_target import provisional_sandbox

        return provisional_sandbox(options)
    if options.fresh or options.faults or options.data:
        raise TargetRefused("--data, --fresh and --faults apply to --sandbox only.")
    from .service_target import provisional_service

    return provisional_service(options, asker)


@contextlib.contextmanager
def open_target(options: TargetOptions, asker: Asker | None = None) -> Iterator[Opened]:
    """Start the sandbox (when asked) and yield the Target the engine works on."""
    asker = asker or Asker()
    target = provisional_target(options, asker)
    if not target.sandbox:
        yield Opened(target)
        return
    from .sandbox_target import opened_sandbox

    with opened_sandbox(options, target, asker) as opened:
        yield opened

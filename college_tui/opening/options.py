"""What opening a target is given and gives back: the options, the refusal, the person's
questions, the opened target. Light to import (the wizard's first frame imports it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..target import Target

PAT_ENV = "AZURE_DEVOPS_PAT"
# "My Azure DevOps" with no organisation yet goes to this service (a served sandbox's
# http://127.0.0.1:PORT; loopback only) instead of https://dev.azure.com. docs/sandbox.md.
SERVICE_URL_ENV = "COLLEGE_TUI_SERVICE_URL"


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
    org_later: bool = False  # the wizard: no --org is fine, sign in first and pick one after
    # apply and the wizard: a run that outlives another run's sandbox must not borrow it (that
    # sandbox stops when its run ends); plan and check only look, briefly, and may.
    long_run: bool = False
    # the wizard: a sandbox it starts runs in a process of its own (sandbox/apart.py), whose
    # threads do not compete with the screen for the interpreter's lock
    sandbox_apart: bool = False


class TargetRefused(Exception):
    """The target cannot be opened as asked: one sentence (what happened, what to do).

    `option` names the command-line option at fault (cli/common.py: a bad parameter, exit 2);
    without one, `usage` says whether it is a usage error (exit 2) or a failure (exit 1).
    """

    def __init__(self, message: str, option: str | None = None, *, usage: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.option = option
        self.usage = usage


def _no(*_args: object, **_kwargs: object) -> None:
    return None


@dataclass
class Asker:
    """How the opening talks to a person: cli/common.py passes click's prompts; the wizard, none."""

    interactive: Callable[[], bool] = lambda: False
    say: Callable[..., None] = _no  # say(text, err=False)
    ask_text: Callable[[str], str] = lambda _q: ""
    ask_secret: Callable[[str], str] = lambda _q: ""
    confirm: Callable[[str, bool], bool] = lambda _q, default: default


@dataclass
class Opened:
    """A target ready to use: where, the sandbox's PAT if any."""

    target: Target
    sandbox_pat: str | None = field(default=None, repr=False)  # a secret: never in a repr

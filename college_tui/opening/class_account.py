"""A headless attendee of a sandbox class: `sandbox_account = "EMAIL"` in the answers.

A class rehearsal runs many attendees against one served sandbox (`sandbox serve --class N`),
each signed in as its own account, with its own home (keys, ssh config, clone) and its own run
state under the data folder, and with no organisation yet: the run creates it on the sandbox's
sign-up page as the account would. Sandbox only; the token is signed with the sandbox's key
(`sandbox.identity.classroom.headless_token`), never written anywhere.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .options import Opened, TargetRefused

if TYPE_CHECKING:
    from ..target import Target


def account_folder(data: Path, account: str) -> Path:
    """Where one class attendee's home lives: `<data>/class/<account>/home`."""
    name = re.sub(r"[^a-z0-9._@-]", "-", account.lower())
    return Path(data) / "class" / name / "home"


def as_attendee(target: Target, account: str, data: Path) -> Target:
    """`target` for `account`: its own home and run state, no organisation chosen yet."""
    from ..target import PENDING_ORG

    base = target.org_url.rstrip("/").rsplit("/", 1)[0]
    return replace(
        target,
        home=account_folder(data, account),
        state_key=f"{target.state_key}:{account.lower()}",
        org_url=f"{base}/{PENDING_ORG}",
        org_pending=True,
    )


def attendee_opened(opened: Opened, account: str, data: Path) -> Opened:
    """The opened sandbox as `account` sees it: its target, and its token as the credential."""
    from ..sandbox.identity.classroom import headless_token

    token = headless_token(data, account)
    if token is None:
        raise TargetRefused(
            f"sandbox_account: the sandbox in {data} has no work account {account}. Start it "
            "with `college-tui sandbox serve --class N` (attendee001@college.example ... and "
            "instructor@college.example), or leave sandbox_account out.",
            usage=False,
        )
    target = as_attendee(opened.target, account, data)
    target.home.mkdir(mode=0o700, parents=True, exist_ok=True)
    return Opened(target, token)

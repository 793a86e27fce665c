"""A class in the sandbox: N attendee accounts and one instructor (`sandbox serve --class N`).

Each is a work account of the sandbox tenant with no organisation yet: it creates its own through
the sign-up page and owns it; the instructor is invited into each attendee's organisation by the
attendee's run (a colleague listed in the answers handed out). The accounts are kept in the store,
so a class made once stays across restarts; `--class` with a bigger N adds the missing ones.

`headless_token` signs an account in without a browser, for rehearsals only (`sandbox_account =
"EMAIL"` in the answers, `class status --sandbox`): it reads the token-signing key from the data
folder, which only the sandbox's owner can read (the key file is 0600, like the sandbox's PAT).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .accounts import INSTRUCTOR, Account, class_accounts, class_size

if TYPE_CHECKING:
    from ..service import Sandbox

MAX_CLASS = 999
HEADLESS_CLIENT = "college-tui-rehearsal"  # the `appid` of a token signed in without a browser
HEADLESS_SECONDS = 8 * 3600  # a training day


def add_class(sandbox: Sandbox, size: int) -> list[Account]:
    """Make sure the class has at least `size` attendees and its instructor; all its accounts."""
    if not 0 <= size <= MAX_CLASS:
        raise ValueError(f"a class has 0 to {MAX_CLASS} attendees, not {size}")
    if size > class_size(sandbox):
        sandbox.store.set_meta("class_size", str(size))
    return class_accounts(sandbox)


def class_lines(sandbox: Sandbox) -> list[str]:
    """What `sandbox serve --class N` says about its class."""
    accounts = class_accounts(sandbox)
    if not accounts:
        return []
    first, last = accounts[1].username if len(accounts) > 1 else "", accounts[-1].username
    return [
        f"Class: {len(accounts) - 1} attendee accounts ({first} … {last}), each creating "
        f"its own organisation; the instructor {INSTRUCTOR[1]} (docs/instructor.md)."
    ]


def headless_token(data_dir: Path, username: str) -> str | None:
    """An Azure DevOps access token for account `username` of the sandbox in `data_dir` (running
    or not), signed with its key; None when it has no such account (personal accounts included:
    Microsoft refuses them a token)."""
    from ..service import Sandbox
    from .accounts import AZURE_DEVOPS_APP, find
    from .ca import ensure_files
    from .tokens import access_claims, encode_jwt

    sandbox = Sandbox(Path(data_dir))
    try:
        account = find(sandbox, username)
    finally:
        sandbox.close()
    if account is None or account.personal:
        return None
    key = ensure_files(Path(data_dir)).signing_key
    claims = access_claims(
        account, audience=AZURE_DEVOPS_APP, client_id=HEADLESS_CLIENT, lifetime=HEADLESS_SECONDS
    )
    return encode_jwt(claims, key)

"""What the sign-in step says when one way of signing in can't work: how to make the PAT (the one
organisation, an expiry, the scopes), why a personal account needs one, and the ways that work
when the organisation blocks device-code sign-in."""

from __future__ import annotations

import getpass
import os
from typing import TYPE_CHECKING

from ..vocabulary import AuthMode, StepKey

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .base import Context


GLOBAL_PATS_GONE = "global tokens stopped working on 2026-12-01"
PAT_DAYS = 30  # enough for the course, within most organisations' maximum lifetime policy


def scopes_text(org: str | None = None) -> str:
    """How to make the PAT this wizard needs, as one paragraph for notes and messages: the one
    organisation to choose (global PATs are gone), an expiry, and the scopes."""
    from ..azdo.errors import PORTAL_API_NOTE, REQUIRED_PAT_SCOPES

    listed = "; ".join(f"{label} ({scope}) {why}" for scope, label, why in REQUIRED_PAT_SCOPES)
    return (
        "In the portal's New token dialog choose Organization: "
        f"{org or 'your organisation'} (not “All accessible organizations”: {GLOBAL_PATS_GONE}), "
        f"Expiration: {PAT_DAYS} days or less if your organisation's policy asks, and Custom "
        f"defined scopes. A personal access token for this wizard needs these scopes: {listed}. "
        f"{PORTAL_API_NOTE}"
    )


def pat_refused_hint(ctx: Context) -> str:
    """After a 401 with a PAT: make a new one, for this one organisation; when a PAT signed in
    here before, say why a token that worked may stop (global PATs retired, or expired)."""
    before = ctx.state.get(StepKey.SIGN_IN)
    worked = before.get("auth") == AuthMode.PAT and bool(before.get("user_id"))
    why = (
        " A token that worked before stops when it expires, and a token made for “All accessible "
        "organizations” (a global PAT) stopped working on 2026-12-01, when Microsoft retired them."
        if worked
        else ""
    )
    return (
        f"{why} Make a new token at {pat_page(ctx.target.org_url)} for the organisation "
        f"{ctx.target.org} only."
    )


def pat_page(org_url: str) -> str:
    return f"{org_url.rstrip('/')}/_usersSettings/tokens"


PERSONAL_WHY = (
    "Microsoft gives no Entra sign-in tokens for Azure DevOps to personal Microsoft accounts "
    "(like @outlook.com, @hotmail.com or @live.com): only work or school accounts get them."
)


def msa_message(ctx: Context | None = None) -> str:
    """Why a personal Microsoft account must use a PAT, and the way that works for it: the
    organisation created in the portal first (a PAT lives in an organisation), then a PAT with
    exactly the scopes listed, pasted into the wizard."""
    target = ctx.target if ctx is not None else None
    if target is not None and not target.org_pending:
        way = (
            f"make a personal access token at {pat_page(target.org_url)} and paste it here "
            "(Personal access token, with the scopes the wizard lists)."
        )
    else:
        way = (
            "first create your organisation: type its name on the organisation step, which "
            "opens the sign-up page and waits; then make a personal access token in it and "
            "paste it here."
        )
    # At most six lines on the panel: what happened, the one way that works.
    return f"Sign-in failed: {PERSONAL_WHY} The way that works: {way}"


def device_code_blocked(ctx: Context) -> str:
    """Device code refused by Conditional Access: one sentence, then the ways that work."""
    where = "" if ctx.target.org_pending else f" at {pat_page(ctx.target.org_url)}"
    over_ssh = (
        "; over SSH, run the wizard on your own computer, or connect with ssh -X so the "
        "browser opens on your screen"
        if suggested_auth() == AuthMode.DEVICE_CODE
        else ""
    )
    return (
        "Your organisation blocks device-code sign-in (a Conditional Access policy). Ways that "
        "work: browser sign-in "
        f'(Browser in the wizard, auth = "browser" in the answers{over_ssh}); a personal access '
        f"token{where} made for this one organisation; or the Azure CLI's sign-in (run az login, "
        "then choose Azure CLI)."
    )


def suggested_auth(environ: dict[str, str] | None = None) -> str:
    """How to sign in when nothing says otherwise, with no organisation yet: the browser wherever
    one can open (a desktop session, or SSH with a forwarded display); a device code where
    nothing else works (no display: a browser would open on the far machine, or not at all)."""
    from ..azdo.credentials import browser_available

    env: Mapping[str, str] = os.environ if environ is None else environ
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY"):
        # Over SSH a browser opens on the attendee's screen only through a forwarded display
        # (ssh -X): then its loopback redirect reaches this machine too.
        forwarded = any(env.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY"))
        return AuthMode.BROWSER if forwarded else AuthMode.DEVICE_CODE
    return AuthMode.BROWSER if browser_available(env) else AuthMode.DEVICE_CODE


def browser_opens(environ: dict[str, str] | None = None) -> bool:
    """Whether a page opened for the attendee shows in a browser they can use (a display, or
    $BROWSER); else the wizard shows and copies the link."""
    from ..azdo.credentials import browser_available

    return browser_available(environ)


def default_auth(pat_known: bool, environ: dict[str, str] | None = None) -> str:
    """How to sign in when the answers do not say: the PAT already at hand (the sandbox's own,
    $AZURE_DEVOPS_PAT, or one remembered in the keyring for the organisation), else the
    browser wherever one can open and a device code where nothing else works."""
    return AuthMode.PAT if pat_known else suggested_auth(environ)


def ssh_browser_hint(environ: Mapping[str, str] | None = None) -> str:
    """Over SSH without a display: how the browser's sign-in can still work (its loopback
    redirect comes back to this machine through a forwarded display), with the exact line;
    "" where a browser opens or there is no SSH session."""
    env: Mapping[str, str] = os.environ if environ is None else environ
    if not (env.get("SSH_CONNECTION") or env.get("SSH_TTY")):
        return ""
    if any(env.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY")):
        return ""
    parts = (env.get("SSH_CONNECTION") or "").split()
    host = parts[2] if len(parts) == 4 else "THIS-MACHINE"
    try:
        user = getpass.getuser()
    except Exception:  # no user name known: the placeholder says what to put
        user = "YOU"
    return (
        "Over SSH with no display, the browser's sign-in would open on this machine, and its "
        "answer comes back to it on a loopback address. To sign in with the browser, connect "
        f"again with the display forwarded: ssh -X {user}@{host} (then choose Browser). Device "
        "code works as you are: open the page on any device and type the code."
    )

"""Azure DevOps as a target: the organisation URL (normalised, refused before any credential is
read) and the credential the engine signs in with."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..vocabulary import AuthMode
from .options import PAT_ENV, SERVICE_URL_ENV, Asker, Opened, TargetOptions, TargetRefused

if TYPE_CHECKING:
    from ..azdo.urls import OrgUrl
    from ..target import Target


def provisional_service(options: TargetOptions, asker: Asker) -> Target:
    """The organisation's target; `options.org_url` is replaced by its normalised form. Without
    one (`org_later`), a target with no organisation yet: sign in first, pick one after."""
    from ..target import AZURE_PROFILE_URL, Target

    if not options.org_url:
        return pending_service(options)
    url = options.org_url = org_url(options, asker)  # normalised once: its notes are said once
    if options.profile_url:
        refuse_unsafe_url(options.profile_url, "--profile-url")
    return Target(
        org_url=url,
        profile_url=options.profile_url or AZURE_PROFILE_URL,
        home=Path.home(),
        state_key=url.lower(),
    )


def service_url() -> str:
    """Where "My Azure DevOps" goes with no organisation yet: https://dev.azure.com, or the
    served sandbox $COLLEGE_TUI_SERVICE_URL names (loopback only: its sign-in is learnt from it)."""
    from ..azdo.urls import is_loopback
    from ..target import AZURE_SERVICE_URL

    named = (os.environ.get(SERVICE_URL_ENV) or "").strip().rstrip("/")
    if not named:
        return AZURE_SERVICE_URL
    parts = urlsplit(named)
    if parts.scheme not in ("http", "https") or not is_loopback(parts.hostname or ""):
        raise TargetRefused(
            f"{SERVICE_URL_ENV} names a served sandbox on this machine only "
            "(http://127.0.0.1:PORT, as `college-tui sandbox serve` prints it): unset it to "
            "use Azure DevOps, or fix it.",
            usage=False,
        )
    if parts.path.strip("/") or parts.query or "@" in parts.netloc:
        raise TargetRefused(
            f"{SERVICE_URL_ENV} must be the sandbox's address alone (http://127.0.0.1:PORT), "
            "without an organisation or anything after the port.",
            usage=False,
        )
    return f"{parts.scheme}://{parts.netloc}"


def pending_service(options: TargetOptions) -> Target:
    """A target with no organisation yet on the service of `service_url()`."""
    from ..target import AZURE_PROFILE_URL, PENDING_ORG, Target

    if options.profile_url:
        refuse_unsafe_url(options.profile_url, "--profile-url")
    base = service_url()
    return Target(
        org_url=f"{base}/{PENDING_ORG}",
        # a served sandbox's profile host is learnt from it at sign-in (azdo.authority)
        profile_url=options.profile_url or AZURE_PROFILE_URL,
        home=Path.home(),
        state_key=base.lower(),
        org_pending=True,
    )


def org_url(options: TargetOptions, asker: Asker) -> str:
    """--org, normalised by azdo.urls (said when changed); refused before any credential is read."""
    from ..azdo.urls import OrgUrlNeedsName
    from ..naming import check_org_name

    typed = (options.org_url or "").strip()
    try:
        found = _normalized_or_refused(typed)
    except OrgUrlNeedsName as exc:
        if not asker.interactive():
            raise TargetRefused(
                f"{str(exc).rstrip('.')} (there is no terminal to ask for the name).", "--org"
            ) from None
        name = asker.ask_text("The URL names no organisation. Organisation name").strip()
        found = _normalized_or_refused(f"{typed.rstrip('/')}/{name}")
    problem = check_org_name(found.org)
    if problem:
        raise TargetRefused(problem, "--org")
    for note in found.notes:
        asker.say(f"--org: {note}", err=True)
    return found.url


def _normalized_or_refused(text: str) -> OrgUrl:
    """azdo.urls.normalize_org_url; its refusals as TargetRefused (a missing name re-raised)."""
    from ..azdo.urls import OrgUrlError, OrgUrlNeedsName, normalize_org_url

    try:
        return normalize_org_url(text)
    except OrgUrlNeedsName:
        raise
    except OrgUrlError as exc:
        raise TargetRefused(str(exc), "--org") from None


def refuse_unsafe_url(url: str, option: str) -> None:
    """The PAT goes with every request: never in the URL itself, never unencrypted off this host."""
    from ..azdo.urls import is_loopback

    parts = urlsplit(url)
    if "@" in parts.netloc:  # the message must not repeat the URL: it may hold the token
        raise TargetRefused(
            "put no user name or token in the URL: college-tui reads the "
            f"PAT from {PAT_ENV}, the keyring or a hidden prompt.",
            option,
        )
    if parts.scheme.lower() != "https" and not is_loopback(parts.hostname or ""):
        raise TargetRefused("http:// would send your token unencrypted: use https://.", option)


def credential_pat(opened: Opened, auth: str, asker: Asker) -> str | None:
    """The one place a target's PAT is chosen: the sandbox's, $AZURE_DEVOPS_PAT, the keyring,
    or a hidden prompt at a terminal; None when `auth` signs in another way (or none is found).

    A loopback organisation URL learning its credential from a served sandbox plugs in here.
    """
    if opened.sandbox_pat:
        return opened.sandbox_pat
    if auth != AuthMode.PAT:
        return None
    value = (os.environ.get(PAT_ENV) or "").strip()
    if value:
        return value
    saved = saved_pat(opened.target.org_url)
    if saved:
        return saved
    if asker.interactive():
        from ..steps.signin_help import pat_page, scopes_text

        asker.say(scopes_text(opened.target.org or None))
        asker.say(f"Create a token at {pat_page(opened.target.org_url)}.")
        return asker.ask_secret("Personal access token").strip() or None
    return None


def default_auth(opened: Opened) -> str:
    """How to sign in when the answers do not say: "pat" when a PAT is at hand (the sandbox's,
    $AZURE_DEVOPS_PAT, or one remembered in the keyring for the organisation), else the browser
    wherever one can open, else a device code (steps/signin_help.py default_auth)."""
    from ..steps.signin_help import default_auth as choose

    known = bool(opened.sandbox_pat or (os.environ.get(PAT_ENV) or "").strip())
    if not known and not opened.target.org_pending:
        known = saved_pat(opened.target.org_url) is not None
    return choose(known)


def saved_pat(org_url: str) -> str | None:
    """The PAT remembered in the keyring for `org_url`, or None (a keyring failure is None)."""
    from ..workstation.secrets import load_pat

    with contextlib.suppress(Exception):
        return load_pat(org_url) or None
    return None

"""The sandbox's own pages under `/_sandbox/`: request statistics and the organisation signup.

The signup page stands in for the portal's "New organization" page, which has no public API: the
wizard hands the attendee to it in a browser and polls the accounts list until the org appears.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from starlette.responses import Response

from ...naming import check_org_name
from ..service import Sandbox
from .render import render

if TYPE_CHECKING:
    from ..identity.accounts import Account


def handle_page(
    method: str, path: str, query: dict[str, str], body: bytes, sandbox: Sandbox, base: str
) -> Response:
    if path.rstrip("/") == "/_sandbox/stats":
        return Response(json.dumps(sandbox.stats()), media_type="application/json")
    if path.rstrip("/") == "/_sandbox/signup":
        if method == "POST":
            fields = parse_qs(body.decode("utf-8", "replace"))
            name = (fields.get("name") or [""])[0].strip()
            problem = check_org_name(name)
            taken = not problem and sandbox.org(name) is not None
            if taken:  # as the portal: the name is someone's organisation already
                problem = f"The name {name} is already taken. Choose another name."
            if problem:
                return render(
                    "signup.html",
                    409 if taken else 400,
                    title="Create your Azure DevOps organization",
                    problem=problem,
                    name=name,
                    accounts=_accounts(sandbox),
                )
            username = (fields.get("account") or [""])[0]
            if _restricted(sandbox, username):
                return render(
                    "signup.html",
                    403,
                    title="Create your Azure DevOps organization",
                    problem=RESTRICTED,
                    name=name,
                    accounts=_accounts(sandbox),
                )
            _create_as(sandbox, name, username)
            return render(
                "signup_done.html", 201, title="Organization created", org_url=f"{base}/{name}"
            )
        return render(
            "signup.html",
            title="Create your Azure DevOps organization",
            problem=None,
            name=query.get("name", ""),
            accounts=_accounts(sandbox),
        )
    if path.rstrip("/") == "/_sandbox/tokens" and method == "POST":
        return _new_token(sandbox, base, parse_qs(body.decode("utf-8", "replace")))
    return Response("Not found", status_code=404, media_type="text/plain")


def _new_token(sandbox: Sandbox, base: str, fields: dict[str, list[str]]) -> Response:
    """The "New token" form of an organisation's Personal access tokens page: a PAT of the
    organisation's owner for that organisation alone (a personal account's way in), shown once."""
    from .. import rules
    from ..api.pats import make_pat

    org = sandbox.org((fields.get("org") or [""])[0])
    if org is None:
        return Response("Not found", status_code=404, media_type="text/plain")
    if rules.on(sandbox, "pats_restricted"):
        return Response(rules.PAT_CREATION_RESTRICTED, status_code=403, media_type="text/plain")
    name = (fields.get("name") or [""])[0].strip() or "college-tui"
    until = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    _pat, token = make_pat(sandbox, org, name, until, "app_token", user_id=org.get("ownerId"))
    org_url = f"{base}/{org['accountName']}"
    headers = {"Cache-Control": "no-store"}  # the token is shown once, never kept by a cache
    page = render(
        "token_made.html", 201, title="Personal access tokens", token=token, org_url=org_url
    )
    page.headers.update(headers)
    return page


# What the portal shows when the tenant's "Restrict organization creation" policy is on (the
# tenant's admins may replace it with their own text).
RESTRICTED = (
    "Your organization's administrators have restricted who can create new Azure DevOps "
    "organizations in this Microsoft Entra tenant. Contact your administrator to be added "
    "to the allowlist."
)


def _restricted(sandbox: Sandbox, username: str) -> bool:
    """Does the tenant's policy refuse this account a new organisation (`--faults orgs=restricted`)?
    The policy binds the tenant's work accounts; a personal account is outside the tenant."""
    faults = sandbox.faults
    if faults is None or not faults.orgs_restricted:
        return False
    from ..identity.accounts import find

    account = find(sandbox, username) if username and sandbox.identity is not None else None
    return account is None or not account.personal


def _accounts(sandbox: Sandbox) -> list[Account]:
    """Who may sign up (the identity provider's accounts), when it runs."""
    if sandbox.identity is None:
        return []
    from ..identity.accounts import accounts

    return accounts(sandbox)


def _create_as(sandbox: Sandbox, name: str, username: str) -> None:
    """Create the organisation for the account signed in on the page (default: the owner). A
    personal account's organisation is backed by personal accounts (the all-zero tenant)."""
    from ..identity.accounts import MSA_BACKED_TENANT, find

    account = find(sandbox, username) if username and sandbox.identity is not None else None
    if account is None:
        sandbox.create_org(name)
        return
    with sandbox.acting_as(account.oid):
        sandbox.create_org(name, tenant_id=MSA_BACKED_TENANT if account.personal else None)

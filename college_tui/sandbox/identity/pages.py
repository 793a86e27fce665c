"""The sign-in pages a person sees: pick an account and approve (authorize), type a device code.

They work without JavaScript: every step is a form with a button. The authorize answer is a
`form_post` to the client's loopback redirect (a page whose form the browser submits; a one-line
script submits it by itself where scripts run). Served over plain http on the sandbox's REST port
under `/_idp`, so a browser never meets the sandbox's private CA.
"""

from __future__ import annotations

import time
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse

from ..rules import DEVICE_CODE_BLOCKED
from . import accounts as accts
from .oauth import OAuthError, read_form
from .tokens import CODE_SECONDS, Grant, split_scope

if TYPE_CHECKING:
    from starlette.routing import Route

    from .oauth import IdentityProvider

_AUTHORIZE_FIELDS = (
    "client_id",
    "response_type",
    "redirect_uri",
    "scope",
    "state",
    "response_mode",
    "code_challenge",
    "code_challenge_method",
    "nonce",
    "client_info",
    "prompt",
    "login_hint",
)


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        f"<title>{escape(title)} | Sandbox sign-in</title></head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n{body}\n"
        "<p><small>college-tui sandbox: a practice copy of Microsoft Entra sign-in. Nothing "
        "leaves this computer.</small></p>\n</body></html>\n",
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


def _hidden(fields: dict[str, str]) -> str:
    return "\n".join(
        f"<input type='hidden' name='{escape(k)}' value='{escape(v)}'>" for k, v in fields.items()
    )


def _account_choices(idp: IdentityProvider, hint: str = "") -> str:
    rows = []
    for index, account in enumerate(accts.accounts(idp.sandbox)):
        checked = (
            " checked"
            if (hint and account.username.lower() == hint.lower()) or (not hint and index == 0)
            else ""
        )
        rows.append(
            f"<p><label><input type='radio' name='account' value='{escape(account.username)}'"
            f"{checked}> {escape(account.name)} &lt;{escape(account.username)}&gt; "
            f"({escape(account.note)})</label></p>"
        )
    return "\n".join(rows)


def _loopback_redirect(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1")


def _form_post(redirect_uri: str, fields: dict[str, str]) -> HTMLResponse:
    """Entra's response_mode=form_post: a form the browser submits to the client's redirect."""
    return _page(
        "Signing you in",
        f"<form method='post' action='{escape(redirect_uri)}' id='answer'>\n"
        f"{_hidden(fields)}\n"
        "<p>Return to the application to finish signing in.</p>\n"
        "<button type='submit'>Continue</button>\n</form>\n"
        "<script>document.getElementById('answer').submit()</script>",
    )


def _check_authorize(idp: IdentityProvider, tenant: str, fields: dict[str, str]) -> str:
    """The tenant segment, or OAuthError for a request Entra shows an error page for."""
    segment = idp.check_tenant(tenant)
    idp.check_client(segment, fields.get("client_id", ""), split_scope(fields.get("scope", "")))
    if not _loopback_redirect(fields.get("redirect_uri", "")):
        raise OAuthError(
            "invalid_request",
            "AADSTS50011: The redirect URI specified in the request does not match the redirect "
            "URIs configured for the application: the sandbox accepts http://localhost:PORT.",
        )
    if fields.get("response_type") != "code":
        raise OAuthError(
            "unsupported_response_type",
            "AADSTS700054: response_type 'code' is the only one enabled for the application.",
        )
    if not fields.get("code_challenge") or fields.get("code_challenge_method") != "S256":
        raise OAuthError(
            "invalid_request",
            "AADSTS9002325: Proof Key for Code Exchange is required: send code_challenge with "
            "code_challenge_method=S256.",
        )
    return segment


def _error_page(err: OAuthError) -> HTMLResponse:
    return _page(
        "Sorry, but we're having trouble signing you in.",
        f"<p id='error'>{escape(err.description)}</p>",
        status=400,
    )


def routes(idp: IdentityProvider) -> list[Route]:
    """The pages (served at `/_idp` on the REST port, and on the HTTPS port too)."""
    from starlette.routing import Route

    async def authorize(request: Request) -> HTMLResponse:
        if request.method == "POST":
            fields = await read_form(request)
        else:
            fields = dict(request.query_params)
        try:
            segment = _check_authorize(idp, request.path_params["tenant"], fields)
        except OAuthError as err:
            return _error_page(err)
        kept = {k: fields[k] for k in _AUTHORIZE_FIELDS if k in fields}
        account = accts.find(idp.sandbox, fields.get("account", ""))
        if request.method == "GET" or account is None:
            return _page(
                "Pick an account",
                f"<form method='post' action='{escape(request.url.path)}'>\n{_hidden(kept)}\n"
                f"{_account_choices(idp, fields.get('login_hint', ''))}\n"
                "<button type='submit'>Sign in</button>\n</form>",
            )
        answer = {"state": fields.get("state", "")}
        refused = accts.refusal(account, segment, fields.get("client_id", ""))
        if refused:  # Entra sends the refusal back to the application
            answer.update(error="invalid_request", error_description=refused)
            return _form_post(fields["redirect_uri"], answer)
        grant = Grant(
            fields["client_id"],
            split_scope(fields.get("scope", "")),
            segment,
            time.time() + CODE_SECONDS,
            account=account,
            redirect_uri=fields["redirect_uri"],
            code_challenge=fields["code_challenge"],
            nonce=fields.get("nonce", ""),
        )
        answer["code"] = idp.grants.add("code", grant)
        if fields.get("client_info"):
            from .tokens import client_info

            answer["client_info"] = client_info(account)
        return _form_post(fields["redirect_uri"], answer)

    async def device_login(request: Request) -> HTMLResponse:
        fields: dict[str, str] = {}
        if request.method == "POST":
            fields = await read_form(request)
        code = fields.get("otc", "").strip()
        if not code:
            return _page(
                "Enter code",
                f"<form method='post' action='{escape(request.url.path)}'>\n"
                "<p><label>Enter the code displayed on your app or device: "
                "<input type='text' name='otc' autocomplete='off'></label></p>\n"
                "<button type='submit'>Next</button>\n</form>",
            )
        client = request.client.host if request.client else ""
        if idp.grants.client_locked(client):
            return _page(
                "Enter code",
                "<p id='error'>Too many wrong codes were typed here. Wait 15 minutes, then ask "
                "the application for a new code.</p>",
                status=429,
            )
        grant = idp.grants.device_by_user_code(code)
        if grant is None or grant.account is not None or grant.refused:
            idp.grants.wrong_user_code(client)
            return _page(
                "Enter code",
                "<p id='error'>That code didn't work. Check the code and try again, or ask the "
                "application for a new one.</p>\n"
                f"<form method='post' action='{escape(request.url.path)}'>\n"
                "<input type='text' name='otc' autocomplete='off'>\n"
                "<button type='submit'>Next</button>\n</form>",
                status=400,
            )
        account = accts.find(idp.sandbox, fields.get("account", ""))
        if account is None:
            return _page(
                "Pick an account",
                f"<form method='post' action='{escape(request.url.path)}'>\n"
                f"{_hidden({'otc': code})}\n{_account_choices(idp)}\n"
                "<p>Are you trying to sign in to Azure DevOps?</p>\n"
                "<button type='submit'>Continue</button>\n</form>",
            )
        refused = accts.refusal(account, grant.tenant_segment, grant.client_id)
        if idp.faults is not None and idp.faults.devicecode_blocked:
            refused = DEVICE_CODE_BLOCKED
        if refused:
            grant.refused = refused
            return _error_page(OAuthError("invalid_grant", refused))
        grant.account = account
        return _page(
            "You're signed in",
            f"<p id='done'>You have signed in as {escape(account.username)} on your device. "
            "You may now close this window.</p>",
        )

    return [
        Route("/{tenant}/oauth2/v2.0/authorize", authorize, methods=["GET", "POST"]),
        Route("/devicelogin", device_login, methods=["GET", "POST"]),
    ]

"""Who a REST request comes from: the sandbox's PAT (HTTP Basic) or an Entra token it issued.

A Bearer token (or a token sent as git's Basic password, as Git Credential Manager does) is
accepted when the sandbox's identity provider signed it for the Azure DevOps resource, it has not
expired, and the organisation is connected to the token's tenant. An organisation backed by
personal Microsoft accounts takes the PAT only, as on Microsoft's service. Refusals carry the
headers the real service sends on an unauthenticated request (`X-VSS-ResourceTenant`,
`WWW-Authenticate: Bearer authorization_uri=…`), which clients read to learn the tenant.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.responses import HTMLResponse, Response

from .errors import error_body

if TYPE_CHECKING:
    from .service import Sandbox

SIGN_IN_PAGE = """<!DOCTYPE html>
<html><head><title>Azure DevOps Services | Sign In</title></head>
<body><p>Sign in to your account to continue.</p>
<form method="post" action="/_signin"><input type="hidden" name="realm" value="sandbox"></form>
</body></html>"""


@dataclass(frozen=True)
class Caller:
    """An authenticated request: `user_id` is the token's user (None: the PAT's owner)."""

    kind: str  # "pat" | "bearer"
    user_id: str | None = None


def _token_user(sandbox: Sandbox, token: str, org: dict[str, Any] | None) -> str | None:
    """The oid of a valid Azure DevOps token for `org`, else None."""
    identity = sandbox.identity
    if identity is None or token.count(".") != 2:
        return None
    from .identity.accounts import AZURE_DEVOPS_APP, org_tenant
    from .identity.tokens import decode_jwt

    claims = decode_jwt(token, identity.files.signing_key)
    if not claims or claims.get("aud") not in (AZURE_DEVOPS_APP, f"{AZURE_DEVOPS_APP}/"):
        return None
    if float(claims.get("exp", 0)) <= time.time():
        return None
    if org is not None and org_tenant(sandbox, org) != claims.get("tid"):
        return None  # another tenant's token, or an org of personal accounts (PAT only)
    return str(claims.get("oid") or "") or None


def _made_pat(sandbox: Sandbox, password: str, org: dict[str, Any] | None) -> Caller | None:
    """A PAT made through `tokens/pats` (api/pats.py), in its organisation and not expired."""
    if not password or "." in password:
        return None
    doc = sandbox.store.find_one("pat", name=hashlib.sha256(password.encode()).hexdigest())
    if doc is None:
        return None
    if org is not None and org.get("accountId") not in doc.get("targetAccounts", []):
        return None
    until = dt.datetime.fromisoformat(doc["validTo"].replace("Z", "+00:00"))
    if until <= dt.datetime.now(dt.UTC):
        return None
    return Caller("pat", doc.get("userId"))


def caller(headers: Any, sandbox: Sandbox, org: dict[str, Any] | None = None) -> Caller | None:
    """The request's caller, or None when its credentials are missing, wrong or expired."""
    scheme, _, value = headers.get("authorization", "").partition(" ")
    value = value.strip()
    if scheme.lower() == "basic":
        try:
            _user, _, password = base64.b64decode(value).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        if password and secrets.compare_digest(password.encode(), sandbox.pat.encode()):
            return Caller("pat")
        made = _made_pat(sandbox, password, org)
        if made is not None:
            return made
        user = _token_user(sandbox, password, org)
        return Caller("bearer", user) if user else None
    if scheme.lower() == "bearer":
        user = _token_user(sandbox, value, org)
        return Caller("bearer", user) if user else None
    return None


def tenant_headers(
    sandbox: Sandbox, base: str, org: dict[str, Any] | None
) -> list[tuple[str, str]]:
    """The headers the service adds when it refuses a request: how to sign in, and where."""
    from .identity.accounts import org_tenant, tenant_id

    tenant = org_tenant(sandbox, org) if org is not None else tenant_id(sandbox)
    identity = sandbox.identity
    headers: list[tuple[str, str]] = []
    if identity is not None and identity.authority:
        headers.append(
            ("WWW-Authenticate", f"Bearer authorization_uri={identity.authority}/{tenant}")
        )
    headers += [
        ("WWW-Authenticate", f'Basic realm="{base}/"'),
        ("WWW-Authenticate", "TFS-Federated"),
        ("X-TFS-FedAuthRealm", f"{base}/"),
        ("X-TFS-FedAuthIssuer", f"{base}/"),
        ("X-VSS-ResourceTenant", tenant),
    ]
    if org is not None:
        headers.append(("X-VSS-AuthorizationEndpoint", f"{base}/vssps/{org['accountName']}/"))
    return headers


def unauthorized(
    headers: Any, sandbox: Sandbox, base: str, org: dict[str, Any] | None = None
) -> Response:
    """401 with the service's body when the client suppresses the sign-in redirect, else 203 +
    the sign-in page; both with the tenant headers."""
    if headers.get("x-tfs-fedauthredirect", "").lower() == "suppress":
        body = error_body(
            "UnauthorizedRequestException",
            "TF400813: The user '' is not authorized to access this resource.",
        )
        response: Response = Response(
            json.dumps(body), status_code=401, media_type="application/json; charset=utf-8"
        )
        response.headers["X-TFS-FedAuthRedirect"] = f"{base}/_signin"
        response.headers["X-VSS-AuthenticateError"] = "Unauthorized"
    else:
        response = HTMLResponse(SIGN_IN_PAGE, status_code=203)
    for name, value in tenant_headers(sandbox, base, org):
        response.headers.append(name, value)
    return response

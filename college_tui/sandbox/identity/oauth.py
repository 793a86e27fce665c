"""Microsoft Entra's OAuth 2.0 endpoints, as azure-identity 1.27 and MSAL 1.39 call them.

`/{tenant}/v2.0/.well-known/openid-configuration`, `/{tenant}/oauth2/v2.0/devicecode` and
`/{tenant}/oauth2/v2.0/token` (device code, authorization code with the PKCE verifier checked,
refresh token with rotation) are served over HTTPS on the identity provider's own loopback port.
Errors are RFC 6749 bodies (HTTP 400, never 5xx: the clients retry 5xx) with Microsoft's AADSTS
codes in `error_description`. The pages people see (authorize, device login) are in pages.py.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import string
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse

from ..rules import DEVICE_CODE_BLOCKED
from . import accounts as accts
from .tokens import (
    DEVICE_SECONDS,
    REFRESH_SECONDS,
    RESOURCES,
    Grant,
    GrantStore,
    resource_of,
    split_scope,
    token_response,
)

if TYPE_CHECKING:
    from starlette.routing import Route

    from ..faults import Faults
    from ..service import Sandbox
    from .ca import IdentityFiles

TENANT_ALIASES = ("organizations", "common", "consumers")
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
_USER_CODE_LETTERS = "".join(c for c in string.ascii_uppercase if c not in "AEIOUY") + "23456789"


@dataclass
class OAuthError(Exception):
    """An RFC 6749 error answer: `error` and an AADSTS `description`."""

    error: str
    description: str
    status: int = 400
    suberror: str = ""

    def response(self) -> JSONResponse:
        trace, correlation = uuid.uuid4(), uuid.uuid4()
        stamp = time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime())
        code = self.description.split(":", 1)[0].removeprefix("AADSTS")
        body: dict[str, Any] = {
            "error": self.error,
            "error_description": (
                f"{self.description} Trace ID: {trace} Correlation ID: {correlation} "
                f"Timestamp: {stamp}"
            ),
            "error_codes": [int(code)] if code.isdigit() else [],
            "timestamp": stamp,
            "trace_id": str(trace),
            "correlation_id": str(correlation),
        }
        if self.suberror:
            body["suberror"] = self.suberror
        return JSONResponse(body, status_code=self.status, headers={"Cache-Control": "no-store"})


def mfa_required() -> OAuthError:
    return OAuthError(
        "invalid_grant",
        "AADSTS50076: Due to a configuration change made by your administrator, or because you "
        "moved to a new location, you must use multi-factor authentication to access "
        f"'{accts.AZURE_DEVOPS_APP}'.",
        suberror="basic_action",
    )


class IdentityProvider:
    """The sandbox's Entra: its accounts, grants, and the URLs it is reached at."""

    def __init__(self, sandbox: Sandbox, files: IdentityFiles, faults: Faults | None) -> None:
        self.sandbox = sandbox
        self.files = files
        self.faults = faults
        self.grants = GrantStore()
        self.authority = ""  # https://127.0.0.1:PORT (token endpoint, discovery)
        self.pages_base = ""  # http://127.0.0.1:REST/_idp (pages a browser opens)

    @property
    def tenant_id(self) -> str:
        return accts.tenant_id(self.sandbox)

    def check_tenant(self, segment: str) -> str:
        """The tenant path segment, refused as Entra refuses an unknown tenant."""
        if segment.lower() in TENANT_ALIASES or segment.lower() == self.tenant_id:
            return segment.lower()
        raise OAuthError(
            "invalid_tenant",
            f"AADSTS90002: Tenant '{segment}' not found. Check to make sure you have the correct "
            "tenant ID and are signing into the correct cloud.",
        )

    def check_client(self, segment: str, client_id: str, scopes: list[str]) -> None:
        if not client_id:
            raise OAuthError(
                "invalid_request",
                "AADSTS900144: The request body must contain the following parameter: 'client_id'.",
            )
        if segment == "consumers":
            app = accts.CLIENT_NAMES.get(client_id, client_id)
            raise OAuthError(
                "invalid_request",
                f"AADSTS9002332: Application '{client_id}'({app}) is configured for use by Azure "
                "Active Directory users only. Please do not use the /consumers endpoint to serve "
                "this request.",
            )
        resource = resource_of(scopes)
        if resource is not None and resource not in RESOURCES:
            raise OAuthError(
                "invalid_resource",
                f"AADSTS500011: The resource principal named {resource} was not found in the "
                f"tenant named {accts.TENANT_NAME}. This can happen if the application has not "
                "been installed by the administrator of the tenant or consented to by any user "
                "in the tenant.",
            )

    def openid_configuration(self, segment: str) -> dict[str, Any]:
        tenant = self.check_tenant(segment)
        base = f"{self.authority}/{tenant}"
        return {
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
            "jwks_uri": f"{self.authority}/{tenant}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["HS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": f"{self.authority}/{self.tenant_id}/v2.0",
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": f"{self.authority}/oidc/userinfo",
            # Plain http on loopback: the attendee's browser never meets the sandbox's CA
            # (MSAL requires https for the token endpoint only).
            "authorization_endpoint": f"{self.pages_base}/{tenant}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "http_logout_supported": True,
            "frontchannel_logout_supported": True,
            "end_session_endpoint": f"{self.pages_base}/{tenant}/oauth2/v2.0/logout",
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "tid", "oid"],
            "tenant_region_scope": "EU",
            "cloud_instance_name": "college-tui.sandbox",
        }

    # -- device code ---------------------------------------------------------------------------

    def device_code(self, segment: str, form: dict[str, str]) -> dict[str, Any]:
        tenant = self.check_tenant(segment)
        scopes = split_scope(form.get("scope", ""))
        client_id = form.get("client_id", "")
        self.check_client(tenant, client_id, scopes)
        user_code = "".join(secrets.choice(_USER_CODE_LETTERS) for _ in range(9))
        grant = Grant(client_id, scopes, tenant, time.time() + DEVICE_SECONDS, user_code=user_code)
        device = self.grants.add("device", grant)
        uri = f"{self.pages_base}/devicelogin"
        return {
            "user_code": user_code,
            "device_code": device,
            "verification_uri": uri,
            "expires_in": DEVICE_SECONDS,
            "interval": self.sandbox.config.device_code_interval,
            "message": (
                f"To sign in, use a web browser to open the page {uri} and enter the code "
                f"{user_code} to authenticate."
            ),
        }

    # -- token ---------------------------------------------------------------------------------

    def token(self, segment: str, form: dict[str, str]) -> dict[str, Any]:
        tenant = self.check_tenant(segment)
        client_id = form.get("client_id", "")
        kind = form.get("grant_type", "")
        if kind == DEVICE_GRANT:
            if self.faults is not None and self.faults.devicecode_blocked:
                self.grants.take("device", form.get("device_code", ""))
                raise OAuthError("invalid_grant", DEVICE_CODE_BLOCKED)
            grant = self._device_grant(form.get("device_code", ""))
        elif kind == "authorization_code":
            grant = self._code_grant(form)
        elif kind == "refresh_token":
            refreshed = self.grants.take("refresh", form.get("refresh_token", ""))
            if refreshed is None:
                raise OAuthError(
                    "invalid_grant",
                    "AADSTS70000: Provided grant is invalid or malformed. The refresh token was "
                    "already used, has expired or was revoked: sign in again.",
                )
            grant = refreshed
        else:
            raise OAuthError(
                "unsupported_grant_type",
                f"AADSTS70003: The app requested an unsupported grant type '{kind}'.",
            )
        if grant.client_id and client_id and grant.client_id != client_id:
            raise OAuthError(
                "invalid_grant",
                "AADSTS70000: Provided grant is invalid or malformed: it was issued to another "
                "application.",
            )
        scopes = split_scope(form.get("scope", "")) or grant.scopes
        self.check_client(tenant, client_id, scopes)
        account = grant.account
        assert account is not None  # every redeemable grant has its account by now
        refused = accts.refusal(account, grant.tenant_segment, client_id)
        if refused:
            raise OAuthError("invalid_grant", refused)
        if self.faults is not None and self.faults.mfa_required:
            raise mfa_required()
        refresh = self.grants.add(
            "refresh",
            Grant(client_id, scopes, tenant, time.time() + REFRESH_SECONDS, account=account),
        )
        return token_response(
            account=account,
            client_id=client_id,
            scopes=scopes,
            issuer_base=self.authority,
            key=self.files.signing_key,
            lifetime=int(self.sandbox.config.token_seconds),
            refresh_token=refresh,
            nonce=grant.nonce,
        )

    def _device_grant(self, device_code: str) -> Grant:
        grant = self.grants.get("device", device_code)
        if grant is None:
            raise OAuthError(
                "expired_token",
                "AADSTS70019: Verification code expired. Sign in again with a new code.",
            )
        if grant.refused:
            self.grants.take("device", device_code)
            raise OAuthError("invalid_grant", grant.refused)
        if grant.account is None:
            # Polls closer together than half the interval are told to slow down, as Entra does.
            now, previous = time.time(), grant.last_poll
            grant.last_poll = now
            if previous and now - previous < self.sandbox.config.device_code_interval / 2:
                raise OAuthError("slow_down", "AADSTS70016: Polling too often: slow down.")
            raise OAuthError(
                "authorization_pending",
                "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue "
                "polling.",
            )
        return self.grants.take("device", device_code) or grant

    def _code_grant(self, form: dict[str, str]) -> Grant:
        grant = self.grants.take("code", form.get("code", ""))
        if grant is None:
            raise OAuthError(
                "invalid_grant",
                "AADSTS70008: The provided authorization code or refresh token has expired due to "
                "inactivity, or was already redeemed. Send a new interactive authorization "
                "request for this user and resource.",
            )
        if form.get("redirect_uri", "") != grant.redirect_uri:
            raise OAuthError(
                "invalid_grant",
                "AADSTS50011: The redirect URI specified in the request does not match the "
                "redirect URI the authorization code was issued for.",
            )
        verifier = form.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        challenge = base64.urlsafe_b64encode(digest).decode().rstrip("=")
        if not verifier or not secrets.compare_digest(challenge, grant.code_challenge):
            raise OAuthError(
                "invalid_grant",
                "AADSTS50148: The code_verifier does not match the code_challenge supplied in "
                "the authorization request for PKCE.",
            )
        return grant


async def read_form(request: Request) -> dict[str, str]:
    """An urlencoded form body (parsed here: Starlette's parser needs python-multipart)."""
    body = (await request.body()).decode("utf-8", "replace")
    return dict(parse_qsl(body, keep_blank_values=True))


def routes(idp: IdentityProvider) -> list[Route]:
    """The JSON endpoints (served on the HTTPS port)."""
    from starlette.routing import Route

    async def configuration(request: Request) -> JSONResponse:
        try:
            return JSONResponse(idp.openid_configuration(request.path_params["tenant"]))
        except OAuthError as err:
            return err.response()

    async def device(request: Request) -> JSONResponse:
        try:
            return JSONResponse(
                idp.device_code(request.path_params["tenant"], await read_form(request))
            )
        except OAuthError as err:
            return err.response()

    async def token(request: Request) -> JSONResponse:
        try:
            body = idp.token(request.path_params["tenant"], await read_form(request))
        except OAuthError as err:
            return err.response()
        return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    return [
        Route("/{tenant}/v2.0/.well-known/openid-configuration", configuration, methods=["GET"]),
        Route("/{tenant}/oauth2/v2.0/devicecode", device, methods=["POST"]),
        Route("/{tenant}/oauth2/v2.0/token", token, methods=["POST"]),
    ]

"""Tokens the identity provider issues, and the grants waiting to be redeemed.

Access tokens are JWTs signed with the sandbox's HMAC key (HS256): the REST side checks the
signature, the audience (the Azure DevOps resource) and the expiry, so tokens stay valid across a
restart as Microsoft's do. id_tokens carry the claims MSAL and azure-identity read (MSAL checks
only the nonce). Authorization codes, device codes and refresh tokens live in memory only; a
refresh token is used once (rotation) and a restart forgets them all (the client signs in again).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .accounts import AZURE_DEVOPS_APP, Account

RESERVED_SCOPES = {"openid", "profile", "offline_access"}
RESOURCES = {AZURE_DEVOPS_APP, "https://app.vssps.visualstudio.com"}
CODE_SECONDS = 600  # authorization codes
DEVICE_SECONDS = 900  # device codes (Microsoft: 15 minutes)
REFRESH_SECONDS = 90 * 24 * 3600
# Wrong user codes on the device page, as Entra limits them: a pending code is void after this
# many wrong tries (the right one then fails too), and a client is refused for a while after more.
WRONG_CODES_PER_CODE = 10
WRONG_CODES_PER_CLIENT = 30
WRONG_CODES_SECONDS = 900


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_jwt(claims: dict[str, Any], key: bytes) -> str:
    """A compact HS256 JWT."""
    head = _b64(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


def decode_jwt(token: str, key: bytes) -> dict[str, Any] | None:
    """The claims of a JWT this sandbox signed, or None (any other string, or a bad signature)."""
    try:
        head, body, signature = token.split(".")
        expected = hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(signature)):
            return None
        claims = json.loads(_unb64(body))
    except (ValueError, TypeError):
        return None
    return claims if isinstance(claims, dict) else None


def resource_of(scopes: list[str]) -> str | None:
    """The resource the requested scopes name (`499b84ac-…/.default` → `499b84ac-…`)."""
    for scope in scopes:
        if scope in RESERVED_SCOPES:
            continue
        resource = scope.rsplit("/", 1)[0] if "/" in scope else scope
        return resource
    return None


def split_scope(scope: str) -> list[str]:
    return [part for part in (scope or "").split() if part]


@dataclass
class Grant:
    """Something waiting to become tokens: an authorization code, a device code or a refresh."""

    client_id: str
    scopes: list[str]
    tenant_segment: str
    expires: float
    account: Account | None = None
    redirect_uri: str = ""
    code_challenge: str = ""
    nonce: str = ""
    user_code: str = ""
    refused: str = ""  # an AADSTS sentence: the user was refused on the page
    last_poll: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


class GrantStore:
    """Codes and refresh tokens in memory, keyed by a hash (a secret is never kept as is)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._grants: dict[tuple[str, str], Grant] = {}
        self._wrong_codes: dict[str, list[float]] = {}  # client address -> times of wrong codes

    @staticmethod
    def _key(kind: str, secret: str) -> tuple[str, str]:
        return kind, hashlib.sha256(secret.encode()).hexdigest()

    def add(self, kind: str, grant: Grant, secret: str | None = None) -> str:
        secret = secret or secrets.token_urlsafe(32)
        with self._lock:
            self._grants[self._key(kind, secret)] = grant
        return secret

    def get(self, kind: str, secret: str) -> Grant | None:
        with self._lock:
            grant = self._grants.get(self._key(kind, secret))
            if grant is not None and grant.expires < time.time():
                del self._grants[self._key(kind, secret)]
                return None
            return grant

    def take(self, kind: str, secret: str) -> Grant | None:
        """The grant, removed: a code or refresh token is used once."""
        with self._lock:
            grant = self._grants.pop(self._key(kind, secret), None)
        if grant is not None and grant.expires < time.time():
            return None
        return grant

    def wrong_user_code(self, client: str) -> None:
        """A wrong user code was typed on the device page: count it for the client and for every
        pending device code (guessing one code among many is still guessing it)."""
        now = time.time()
        with self._lock:
            recent = [t for t in self._wrong_codes.get(client, []) if t > now - WRONG_CODES_SECONDS]
            self._wrong_codes[client] = [*recent, now]
            for (kind, _), grant in self._grants.items():
                if kind == "device" and grant.account is None:
                    grant.extra["wrong"] = grant.extra.get("wrong", 0) + 1
                    if grant.extra["wrong"] >= WRONG_CODES_PER_CODE:
                        grant.expires = min(grant.expires, now)  # void: the app asks again

    def client_locked(self, client: str) -> bool:
        """Has `client` typed too many wrong user codes lately?"""
        now = time.time()
        with self._lock:
            recent = [t for t in self._wrong_codes.get(client, []) if t > now - WRONG_CODES_SECONDS]
        return len(recent) >= WRONG_CODES_PER_CLIENT

    def device_by_user_code(self, user_code: str) -> Grant | None:
        wanted = user_code.replace("-", "").replace(" ", "").upper()
        now = time.time()
        with self._lock:
            for (kind, _), grant in self._grants.items():
                if kind == "device" and grant.user_code == wanted and grant.expires > now:
                    return grant
        return None


def client_info(account: Account) -> str:
    return _b64(json.dumps({"uid": account.oid, "utid": account.tenant}).encode())


def access_claims(
    account: Account, *, audience: str, client_id: str, lifetime: int, issuer: str = ""
) -> dict[str, Any]:
    """The claims of an access token for `account` (v1.0, as Entra issues them for Azure
    DevOps), valid from now for `lifetime` seconds; without `issuer`, no `iss` claim."""
    now = int(time.time())
    return {
        "aud": audience,
        **({"iss": issuer} if issuer else {}),
        "iat": now,
        "nbf": now,
        "exp": now + lifetime,
        "appid": client_id,
        "name": account.name,
        "oid": account.oid,
        "scp": "user_impersonation",
        "sub": account.oid,
        "tid": account.tenant,
        "upn": account.username,
        "uti": secrets.token_urlsafe(16),  # every token differs, even within a second
        "ver": "1.0",
    }


def token_response(
    *,
    account: Account,
    client_id: str,
    scopes: list[str],
    issuer_base: str,
    key: bytes,
    lifetime: int,
    refresh_token: str,
    nonce: str = "",
) -> dict[str, Any]:
    """The token endpoint's answer: access, id and refresh tokens, as Entra's v2 endpoint."""
    now = int(time.time())
    resource = resource_of(scopes) or AZURE_DEVOPS_APP
    access = encode_jwt(
        access_claims(
            account,
            audience=resource,
            client_id=client_id,
            lifetime=lifetime,
            issuer=f"{issuer_base}/{account.tenant}/",
        ),
        key,
    )
    id_claims = {
        "aud": client_id,
        "iss": f"{issuer_base}/{account.tenant}/v2.0",
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "name": account.name,
        "oid": account.oid,
        "preferred_username": account.username,
        "sub": account.oid,
        "tid": account.tenant,
        "ver": "2.0",
    }
    if nonce:
        id_claims["nonce"] = nonce
    granted = [s for s in scopes if s not in RESERVED_SCOPES] or [f"{resource}/.default"]
    return {
        "token_type": "Bearer",
        "scope": " ".join(granted),
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": access,
        "refresh_token": refresh_token,
        "id_token": encode_jwt(id_claims, key),
        "client_info": client_info(account),
    }

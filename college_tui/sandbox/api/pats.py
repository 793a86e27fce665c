"""Personal access tokens (`tokens/pats`, vssps): create one, refused as today's service refuses.

`POST _apis/tokens/pats` answers 200 with `{patToken, patTokenError}` (the tokens spec): a token
for "All accessible organizations" (`allOrgs: true`) is refused with `globalPATCreationBlocked`
(global PATs cannot be created since 2026-03-15), and under `--faults pats=restricted` every
creation is refused with `disablePatCreationPolicyViolation`, as the "Restrict personal access
token creation" policy does. A token made here is kept hashed (kind "pat") and works like the
sandbox's own (auth.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from typing import TYPE_CHECKING, Any

from .. import rules
from ..routing import Answer, Call, router

if TYPE_CHECKING:
    from ..service import Sandbox


def _refused(error: str) -> dict[str, Any]:
    return {"patTokenError": error}  # no patToken at all (the spec allows no null)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@router.route("POST", "vssps", "_apis/tokens/pats")
def create_pat(call: Call) -> Answer:
    body = call.body if isinstance(call.body, dict) else {}
    name = str(body.get("displayName") or "").strip()
    if not name:
        return _refused("displayNameRequired")
    if body.get("allOrgs"):
        return _refused("globalPATCreationBlocked")
    if rules.on(call.sandbox, "pats_restricted"):
        return _refused("disablePatCreationPolicyViolation")
    now = dt.datetime.now(dt.UTC)
    try:
        valid_to = dt.datetime.fromisoformat(str(body.get("validTo") or "").replace("Z", "+00:00"))
    except ValueError:
        valid_to = now + dt.timedelta(days=30)
    if valid_to.tzinfo is None:
        valid_to = valid_to.replace(tzinfo=dt.UTC)
    if valid_to <= now:
        return _refused("invalidValidTo")
    org = call.sandbox.org(call.org or "") or {}
    pat, token = make_pat(call.sandbox, org, name, valid_to, str(body.get("scope") or "app_token"))
    return {"patToken": {**pat, "token": token}, "patTokenError": "none"}


def make_pat(
    sandbox: Sandbox,
    org: dict[str, Any],
    name: str,
    valid_to: dt.datetime,
    scope: str,
    user_id: str | None = None,
) -> tuple[dict[str, Any], str]:
    """A PAT of `user_id` (default: the caller) for `org`, kept hashed: (its record, its value
    shown once). The API above and the tokens page (web/internal.py) both make them here."""
    now = dt.datetime.now(dt.UTC)
    token = secrets.token_urlsafe(39)[:52].lower()
    auth_id = str(uuid.uuid4())
    stamp = "%Y-%m-%dT%H:%M:%S.%fZ"
    pat: dict[str, Any] = {
        "displayName": name,
        "validTo": valid_to.strftime(stamp),
        "scope": scope,
        "targetAccounts": [org.get("accountId")] if org.get("accountId") else [],
        "validFrom": now.strftime(stamp),
        "authorizationId": auth_id,
    }
    hashed = token_hash(token)
    doc = {**pat, "hash": hashed, "userId": user_id or sandbox.user["id"]}
    sandbox.store.put("pat", auth_id, doc, org=org.get("accountName") or "", name=hashed)
    return pat, token

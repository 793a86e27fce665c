"""Who may act in an organisation: its owner and the users entitled in it, as on the service.

An account signed in (an Entra token) that is not a member of the organisation it calls is refused
with HTTP 401 and `TF400813`, as Azure DevOps refuses it. The sandbox has one PAT: it stands for
the PAT each organisation's owner made in it (a personal account's way in), so it acts as the
owner of the organisation it calls. A member who is not the owner may
read and work in the organisation but not create projects (403, `TF50309`), the permission an
invited colleague lacks by default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ServiceError

if TYPE_CHECKING:
    from .auth import Caller
    from .service import Sandbox

_OWNER_ONLY = {("POST", "dev", "_apis/projects")}


def user_of(sandbox: Sandbox, who: Caller, org: dict[str, Any] | None = None) -> str:
    """The user id a caller acts as (the PAT: the organisation's owner, else the sandbox's own
    user)."""
    if who.user_id:
        return who.user_id
    return str((org or {}).get("ownerId") or sandbox.owner.get("id", ""))


def is_member(sandbox: Sandbox, org: dict[str, Any], user_id: str) -> bool:
    """Does `user_id` own `org` or hold an entitlement in it (invited, pending or active)?"""
    owner = org.get("ownerId") or sandbox.owner.get("id")
    if user_id.lower() == str(owner).lower():
        return True
    key = f"{org['accountName'].lower()}:{user_id.lower()}"
    if sandbox.store.get("entitlement", key) is not None:
        return True
    # Invited by address before the account first signed in: the invitation is theirs.
    email = (sandbox.store.get("user", user_id) or {}).get("email") or ""
    return bool(email) and bool(
        sandbox.store.find("entitlement", org=org["accountName"], name=email.lower())
    )


def refusal(
    sandbox: Sandbox, org: dict[str, Any], who: Caller, method: str, host: str, template: str
) -> ServiceError | None:
    """The service's refusal of `who` calling `method template` in `org`, or None."""
    user_id = user_of(sandbox, who, org)
    if not is_member(sandbox, org, user_id):
        return ServiceError(
            401,
            "UnauthorizedRequestException",
            f"TF400813: The user '{user_id}' is not authorized to access this resource.",
        )
    owner = org.get("ownerId") or sandbox.owner.get("id")
    if (method, host, template) in _OWNER_ONLY and user_id.lower() != str(owner).lower():
        user = sandbox.store.get("user", user_id) or {}
        name = user.get("email") or user_id
        return ServiceError(
            403,
            "UnauthorizedRequestException",
            f"TF50309: The following account does not have sufficient permissions to complete "
            f"the operation: {name}. The following permissions are needed to perform this "
            "operation: Create new projects.",
        )
    return None

"""The identity provider's accounts and tenants.

Three accounts sign in, as attendees arrive:
- the sandbox's own user (a work account of the sandbox tenant, owner of its organisation);
- a work account of the same tenant with no organisation yet (the path from nothing);
- a personal Microsoft account (home tenant: Microsoft's consumers tenant), which signs in but is
  refused a token for Azure DevOps exactly as Microsoft refuses it.
The sandbox tenant's id is made on the first start and kept in the store.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..service import descriptor

if TYPE_CHECKING:
    from ..service import Sandbox

AZURE_DEVOPS_APP = "499b84ac-1321-427f-aa17-267ca6975798"
CONSUMERS_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"  # Microsoft's tenant of personal accounts
MSA_BACKED_TENANT = "00000000-0000-0000-0000-000000000000"  # X-VSS-ResourceTenant of an MSA org
TENANT_NAME = "College Sandbox"
CLIENT_NAMES = {
    "04b07795-8ddb-461a-bbee-02f9e1bf7b46": "Microsoft Azure CLI",
    "872cd9fa-d31f-45e0-9eab-6e460a02d1f1": "Visual Studio",
}

NEWCOMER = ("Noor Newcomer", "noor@college.example")
PERSONAL = ("Robin Personal", "robin@outlook.example")


@dataclass(frozen=True)
class Account:
    """One account the sign-in page offers."""

    username: str
    name: str
    oid: str
    tenant: str
    personal: bool = False
    note: str = ""


def tenant_id(sandbox: Sandbox) -> str:
    """The sandbox tenant's id (made once, kept in the store)."""
    value = sandbox.store.meta("tenant_id")
    if value is None:
        value = str(uuid.uuid4())
        sandbox.store.set_meta("tenant_id", value)
    return value


def org_tenant(sandbox: Sandbox, org: dict[str, Any]) -> str:
    """The tenant an organisation is connected to (X-VSS-ResourceTenant)."""
    return org.get("tenantId") or tenant_id(sandbox)


def ensure_user(sandbox: Sandbox, meta_key: str, name: str, email: str, kind: str = "aad") -> str:
    store = sandbox.store
    user_id = store.meta(meta_key)
    if user_id is None:
        user_id = str(uuid.uuid4())
        store.set_meta(meta_key, user_id)
        store.put(
            "user",
            user_id,
            {
                "id": user_id,
                "displayName": name,
                "email": email,
                "descriptor": descriptor(kind, user_id),
            },
            name=email,
        )
    return user_id


def accounts(sandbox: Sandbox) -> list[Account]:
    """The accounts in the order the sign-in page lists them (a class's last)."""
    tenant = tenant_id(sandbox)
    owner = sandbox.owner
    newcomer = ensure_user(sandbox, "newcomer_user_id", *NEWCOMER)
    personal = ensure_user(sandbox, "personal_user_id", *PERSONAL, kind="msa")
    return [
        Account(
            owner.get("email", ""),
            owner.get("displayName", ""),
            owner.get("id", ""),
            tenant,
            note="work account, has organisations",
        ),
        Account(NEWCOMER[1], NEWCOMER[0], newcomer, tenant, note="work account, no organisation"),
        Account(
            PERSONAL[1],
            PERSONAL[0],
            personal,
            CONSUMERS_TENANT,
            personal=True,
            note="personal Microsoft account",
        ),
        *class_accounts(sandbox),
    ]


# -- a class (`sandbox serve --class N`, identity/classroom.py) ---------------------------------

INSTRUCTOR = ("Ingrid Instructor", "instructor@college.example")


def attendee(number: int) -> tuple[str, str]:
    """The (display name, e-mail) of class attendee `number` (1-based)."""
    return f"Attendee {number:03}", f"attendee{number:03}@college.example"


def class_size(sandbox: Sandbox) -> int:
    try:
        return int(sandbox.store.meta("class_size") or 0)
    except ValueError:
        return 0


def class_accounts(sandbox: Sandbox) -> list[Account]:
    """The instructor first, then the attendees in order; [] when the sandbox hosts no class."""
    size = class_size(sandbox)
    if not size:
        return []
    tenant = tenant_id(sandbox)
    people = [("class_instructor_id", *INSTRUCTOR, "instructor, invited by each attendee")]
    people += [
        (f"class_attendee_{n:03}_id", *attendee(n), "class attendee, no organisation yet")
        for n in range(1, size + 1)
    ]
    found = []
    for meta_key, name, email, note in people:
        oid = ensure_user(sandbox, meta_key, name, email)
        found.append(Account(email, name, oid, tenant, note=note))
    return found


def find(sandbox: Sandbox, username: str) -> Account | None:
    """The account signed in as `username` (case-insensitive), or None."""
    for account in accounts(sandbox):
        if account.username.lower() == (username or "").lower():
            return account
    return None


def refusal(account: Account, tenant_segment: str, client_id: str) -> str | None:
    """Microsoft's AADSTS sentence when `account` may not get an Azure DevOps token, else None.

    A personal account is refused as Microsoft refuses it: AADSTS50020 when the client names the
    sandbox tenant, AADSTS500200 on the tenant-independent endpoints.
    """
    if not account.personal:
        return None
    app = CLIENT_NAMES.get(client_id, "Azure DevOps")
    if tenant_segment.lower() in ("organizations", "common"):
        return (
            f"AADSTS500200: User account '{account.username}' is a personal Microsoft account. "
            "Personal Microsoft accounts are not supported for this application unless "
            "explicitly invited to an organization. Try signing out and signing back in with an "
            "organizational account."
        )
    return (
        f"AADSTS50020: User account '{account.username}' from identity provider 'live.com' does "
        f"not exist in tenant '{TENANT_NAME}' and cannot access the application "
        f"'{client_id}'({app}) in that tenant. The account needs to be added as an external "
        "user in the tenant first. Sign out and sign in again with a different Azure Active "
        "Directory user account."
    )

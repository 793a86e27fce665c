"""IMS identities (vssps `_apis/Identities`): finding a user of the organisation by address.

The Azure CLI resolves an e-mail address this way before it adds the user to a group
(`az devops security group membership add --member-id EMAIL`, `az devops user show`); the answer
follows the recordings (test_devops_user_command_addUpdateListShowRemove.yaml #1).
"""

from __future__ import annotations

from typing import Any

from ..errors import ServiceError
from ..routing import Answer, Call, collection, router
from .members import SANDBOX_TENANT, org_members

_FILTERS = ("general", "accountname", "mailaddress", "directoryalias")


def identity_json(member: dict[str, Any]) -> dict[str, Any]:
    """An organisation's user as the Identity the service answers with."""

    def prop(value: str) -> dict[str, str]:
        return {"$type": "System.String", "$value": value}

    address = member["principalName"]
    return {
        "id": member["id"],
        "descriptor": f"Microsoft.IdentityModel.Claims.ClaimsIdentity;{SANDBOX_TENANT}\\{address}",
        "subjectDescriptor": member["descriptor"],
        "providerDisplayName": member["displayName"],
        "isActive": member.get("status", "active") == "active",
        "members": [],
        "memberOf": [],
        "memberIds": [],
        "properties": {
            "SchemaClassName": prop("User"),
            "Description": prop(""),
            "Domain": prop(SANDBOX_TENANT),
            "Account": prop(address),
            "DN": prop(""),
            "Mail": prop(address),
            "SpecialType": prop("Generic"),
            "PUID": prop("aad:"),
            "ComplianceValidated": {"$type": "System.DateTime", "$value": "2026-01-01T00:00:00Z"},
            "http://schemas.microsoft.com/identity/claims/objectidentifier": prop(
                member["originId"]
            ),
            "DirectoryAlias": prop(address.split("@", 1)[0]),
        },
        "resourceVersion": 2,
        "metaTypeId": 255,
    }


@router.route("GET", "vssps", "_apis/Identities")
def read_identities(call: Call) -> Answer:
    """`searchFilter=General|AccountName|MailAddress|DirectoryAlias&filterValue=…`: the users
    whose address (or, for DirectoryAlias, the part before the @) is the value."""
    search, value = (call.q("searchFilter") or "").lower(), (call.q("filterValue") or "").lower()
    if search not in _FILTERS or not value:
        raise ServiceError(
            400,
            "ArgumentException",
            "Identities are found by searchFilter (General, AccountName, MailAddress or "
            "DirectoryAlias) and filterValue.",
        )
    found = []
    for member in org_members(call.sandbox, call.org or ""):
        address = member["principalName"].lower()
        key = address.split("@", 1)[0] if search == "directoryalias" else address
        if key == value:
            found.append(identity_json(member))
    return collection(found)

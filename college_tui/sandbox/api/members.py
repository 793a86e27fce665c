"""Who is in an organisation: users and invites, shared by the entitlements (vsaex) and Graph (vssps).

Users are documents of kind "entitlement", one per organisation and user (id `"{org}:{userId}"`, org
lower-cased; name = the lower-cased principal name): {id, org, principalName, displayName, descriptor
("aad.<base64>"), originId, accountLicenseType, status, projectEntitlements [{groupType,
projectId, projectName}], extensions, dateCreated}. An organisation's creator (its `ownerId`; the
sandbox's own user, the PAT's, for the first one) owns it; the owner is not stored as an
entitlement but shown as one (Basic, active). Who may call an organisation: sandbox/membership.py. A person
keeps one user id across organisations, as one identity does on the real service.

Team membership is Graph membership: documents of kind "membership" {org, memberDescriptor,
containerDescriptor, isTeamAdmin}, parent = container descriptor. A team's group descriptor is the
team document's `descriptor`; a project's scope descriptor is `scp.<base64 of the project id>`. The
creator of a project is a member and administrator of its default team (core calls
`lookups.add_membership` when it creates the project).

The sandbox's directory refuses some addresses, as a tenant refuses identities it cannot resolve:
an address that is not a valid e-mail (`naming.check_email`), whose domain has no dot, or whose
domain ends in `.invalid` (the TLD reserved for invalid names, RFC 2606). Such an invite answers
HTTP 200 with `isSuccess: false` and `errors: [{key: 5000, value: "VS403283: Could not add user
'<x>' at this time."}]`, as the service does. Every other address is invited (status "pending").
The sandbox assigns the Stakeholder (`stakeholder`, the default) and Basic (`express`) access
levels only; with `--faults licences=counted` it counts the five free Basic seats (rules.py),
otherwise not; with `guests=off` it refuses addresses outside its tenant (5102). It does not honour `projectEntitlements[].teamRefs`
(unverified on the real service: add team members through the Graph).
"""

from __future__ import annotations

import base64
import binascii
import time
import uuid
from typing import Any

from ...naming import check_email
from .. import rules
from ..errors import ServiceError
from ..routing import Call
from ..service import Sandbox, descriptor
from .lookups import find_project, now_iso

ZERO_GUID = "00000000-0000-0000-0000-000000000000"
# The sandbox's one directory (tenant), shown as the users' `domain` like an Entra tenant id.
SANDBOX_TENANT = "5a5a5a5a-0000-4000-8000-0000000000aa"

LICENCES = {"stakeholder": "Stakeholder", "express": "Basic"}
KNOWN_LICENCES = ("none", "earlyAdopter", "express", "professional", "advanced", "stakeholder")
GROUP_TYPES = {
    "projectStakeholder": "Project Valid Users",
    "projectReader": "Readers",
    "projectContributor": "Contributors",
    "projectAdministrator": "Project Administrators",
    "custom": "Custom",
}
_GRAPH_TYPE = "Microsoft.VisualStudio.Services.Graph.{}, Microsoft.VisualStudio.Services.WebApi"
_MEM_TYPE = (
    "Microsoft.VisualStudio.Services.MemberEntitlementManagement.WebApi.{}, "
    "Microsoft.VisualStudio.Services.MemberEntitlementManagement.WebApi"
)


# -- errors ---------------------------------------------------------------------------------------


def subject_not_found(desc: str) -> ServiceError:
    return ServiceError(
        404,
        "GraphSubjectNotFoundException",
        f"VS403325: The graph subject with descriptor '{desc}' could not be found. You may need to "
        "create the subject in the enclosing enterprise, or add organization-level memberships to "
        "make a subject in the enterprise visible in the enclosing organization.",
        type_name=_GRAPH_TYPE.format("GraphSubjectNotFoundException"),
    )


def membership_not_found(member: str, container: str) -> ServiceError:
    return ServiceError(
        404,
        "GraphMembershipNotFoundException",
        f"VS403328: The graph membership for member descriptor '{member}' and container descriptor "
        f"'{container}' could not be found. You may need to create this membership in the "
        "enclosing enterprise or organization.",
        type_name=_GRAPH_TYPE.format("GraphMembershipNotFoundException"),
    )


def entitlement_not_found(user_id: str) -> ServiceError:
    return ServiceError(
        404,
        "UserEntitlementNotFoundException",
        f"The user entitlement for user {user_id} could not be found.",
        type_name=_MEM_TYPE.format("UserEntitlementNotFoundException"),
    )


def bad_argument(message: str) -> ServiceError:
    return ServiceError(400, "InvalidArgumentValueException", message)


def directory_refuses(address: str) -> bool:
    """The sandbox directory's rule for addresses it cannot add (see the module docstring)."""
    domain = address.rpartition("@")[2].lower()
    return check_email(address) is not None or "." not in domain or domain.endswith(".invalid")


# -- users ----------------------------------------------------------------------------------------


def _owner(sandbox: Sandbox, org: str) -> dict[str, Any]:
    """The organisation's owner (who created it) as an entitlement record."""
    org_doc = sandbox.org(org) or {}
    user = sandbox.store.get("user", org_doc.get("ownerId") or "") or sandbox.owner
    created = org_doc.get("createdAt") or time.time()
    return {
        "id": user["id"],
        "org": org,
        "principalName": user["email"],
        "displayName": user["displayName"],
        "descriptor": user["descriptor"],
        "originId": user["id"],
        "accountLicenseType": "express",
        "status": "active",
        "projectEntitlements": [],
        "extensions": [],
        "owner": True,
        "dateCreated": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(created)),
    }


def entitlement_of(sandbox: Sandbox, org: str, user_id: str | None) -> dict[str, Any] | None:
    """The organisation's entitlement of a signed-in account (a token's or an SSH key's user):
    by id, else by its address (an invited account's entitlement was made from the address)."""
    if not user_id:
        return None
    member = find_member(sandbox, org, user_id=user_id)
    user = sandbox.store.get("user", user_id) if member is None else None
    if user is not None and user.get("email"):
        member = find_member(sandbox, org, principal=user["email"])
    return member


def org_members(sandbox: Sandbox, org: str) -> list[dict[str, Any]]:
    """Everyone entitled in the organisation, the owner first."""
    return [_owner(sandbox, org), *sandbox.store.find("entitlement", org=org)]


def find_member(
    sandbox: Sandbox,
    org: str,
    *,
    user_id: str | None = None,
    desc: str | None = None,
    principal: str | None = None,
) -> dict[str, Any] | None:
    # One indexed row per lookup, not a scan of every entitlement (a class of 10,000 was
    # quadratic): by name for a principal, by document id (the user id) otherwise.
    owner = _owner(sandbox, org)
    if desc is not None:
        if owner["descriptor"] == desc:
            return owner
        user_id = _user_id_of(desc)
        if user_id is None:
            return None
    if user_id is not None:
        if owner["id"].lower() == user_id.lower():
            return owner
        found = sandbox.store.get("entitlement", f"{org.lower()}:{user_id.lower()}")
        return found if found and (desc is None or found["descriptor"] == desc) else None
    if principal is not None:
        if owner["principalName"].lower() == principal.lower():
            return owner
        return sandbox.store.find_one("entitlement", org=org, name=principal.lower())
    return None


def _user_id_of(desc: str) -> str | None:
    """The user id inside an `aad.`/`msa.` descriptor (base64url of it), or None."""
    encoded = desc.split(".", 1)[1] if "." in desc else ""
    try:
        return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def _save_member(sandbox: Sandbox, member: dict[str, Any]) -> None:
    sandbox.store.put(
        "entitlement",
        f"{member['org'].lower()}:{member['id']}",
        member,
        org=member["org"],
        name=member["principalName"].lower(),
    )


def graph_subject_links(call: Call, kind: str, desc: str) -> tuple[str, dict[str, Any]]:
    """A Graph subject's url and its `_links` (self, memberships, membershipState, storageKey);
    `kind` is its collection: "Users" or "Groups"."""
    vssps = call.host_url("vssps")
    url = f"{vssps}/_apis/Graph/{kind}/{desc}"
    return url, {
        "self": {"href": url},
        "memberships": {"href": f"{vssps}/_apis/Graph/Memberships/{desc}"},
        "membershipState": {"href": f"{vssps}/_apis/Graph/MembershipStates/{desc}"},
        "storageKey": {"href": f"{vssps}/_apis/Graph/StorageKeys/{desc}"},
    }


def graph_user_json(call: Call, member: dict[str, Any]) -> dict[str, Any]:
    """A GraphUser as the Graph and the entitlements show it."""
    desc = member["descriptor"]
    url, links = graph_subject_links(call, "Users", desc)
    return {
        "subjectKind": "user",
        "metaType": "member",
        "directoryAlias": member["principalName"].split("@")[0],
        "domain": SANDBOX_TENANT,
        "principalName": member["principalName"],
        "mailAddress": member["principalName"],
        "origin": "aad",
        "originId": member["originId"],
        "displayName": member["displayName"],
        "_links": {
            **links,
            "avatar": {"href": f"{call.host_url('dev')}/_apis/GraphProfile/MemberAvatars/{desc}"},
        },
        "url": url,
        "descriptor": desc,
    }


def _project_entitlement_json(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "group": {"groupType": entry["groupType"], "displayName": GROUP_TYPES[entry["groupType"]]},
        "projectRef": {"id": entry["projectId"], "name": entry["projectName"]},
        "teamRefs": [],
        "projectPermissionInherited": "notSet",
        "assignmentSource": "unknown",
    }


def entitlement_json(call: Call, member: dict[str, Any]) -> dict[str, Any]:
    """A UserEntitlement (spec memberEntitlementManagement, shapes as recorded)."""
    licence = member["accountLicenseType"]
    return {
        "user": graph_user_json(call, member),
        "extensions": member["extensions"],
        "id": member["id"],
        "accessLevel": {
            "licensingSource": "account",
            "accountLicenseType": licence,
            "msdnLicenseType": "none",
            "gitHubLicenseType": "none",
            "licenseDisplayName": LICENCES.get(licence, licence),
            "status": member["status"],
            "statusMessage": "",
            "assignmentSource": "unknown",
        },
        "lastAccessedDate": now_iso() if member.get("owner") else "0001-01-01T00:00:00Z",
        "dateCreated": member["dateCreated"],
        "projectEntitlements": [
            _project_entitlement_json(e) for e in member["projectEntitlements"]
        ],
        "groupAssignments": [],
    }


def _licence(access_level: Any) -> str:
    licence = (access_level or {}).get("accountLicenseType") or "stakeholder"
    if licence not in KNOWN_LICENCES:
        raise bad_argument(
            f"The access level {licence!r} is not one of {', '.join(KNOWN_LICENCES)}."
        )
    if licence not in LICENCES:
        raise bad_argument(
            f"The sandbox assigns only the Stakeholder (stakeholder) and Basic "
            f"(express) access levels, not {licence!r}."
        )
    return licence


def _project_entitlement(call: Call, entry: Any) -> dict[str, Any]:
    entry = entry or {}
    group_type = (entry.get("group") or {}).get("groupType") or "projectContributor"
    if group_type not in GROUP_TYPES:
        raise bad_argument(f"The group type {group_type!r} is not one of {', '.join(GROUP_TYPES)}.")
    project_id = (entry.get("projectRef") or {}).get("id") or ""
    project = find_project(call.sandbox, call.org or "", project_id) if project_id else None
    if project is None:
        raise ServiceError(
            404,
            "ProjectDoesNotExistException",
            f"TF200016: The following project does not exist: {project_id or '(none)'}. Verify "
            "that the name of the project is correct and that the project exists on the specified "
            "Azure DevOps Server.",
        )
    return {"groupType": group_type, "projectId": project["id"], "projectName": project["name"]}


def _result(
    call: Call, member: dict[str, Any] | None, errors: list[Any] | None = None
) -> dict[str, Any]:
    """A UserEntitlementOperationResult; a failed one carries no `result` (not even null)."""
    out: dict[str, Any] = {
        "isSuccess": not errors,
        "errors": errors or [],
        "userId": member["id"] if member else ZERO_GUID,
    }
    if member:
        out["result"] = entitlement_json(call, member)
    return out


def invite(call: Call, value: Any) -> dict[str, Any]:
    """Add a user to the organisation (or find them there); an operation result either way."""
    value = value or {}
    principal = ((value.get("user") or {}).get("principalName") or "").strip()
    if not principal:
        raise bad_argument("The user to add has no principalName (the e-mail address).")
    licence = _licence(value.get("accessLevel"))
    projects = [_project_entitlement(call, e) for e in value.get("projectEntitlements") or []]
    call.sandbox.count_invitation()
    if directory_refuses(principal):
        return _result(
            call,
            None,
            [{"key": 5000, "value": f"VS403283: Could not add user '{principal}' at this time."}],
        )
    org = call.org or ""
    existing = find_member(call.sandbox, org, principal=principal)
    if existing:
        return _result(call, existing)
    refused = rules.guest_refusal(call.sandbox, principal)
    if refused is None and licence == "express":
        refused = rules.basic_refusal(call.sandbox, org_members(call.sandbox, org))
    if refused is not None:
        return _result(call, None, [refused])
    # One identity per person: the user id is the same in every organisation, and an account
    # of the sandbox's directory (a class's instructor) is invited as itself.
    known = call.store.find_one("user", name=principal)
    elsewhere = call.store.find_one("entitlement", name=principal.lower())
    user_id = known["id"] if known else elsewhere["id"] if elsewhere else str(uuid.uuid4())
    member = {
        "id": user_id,
        "org": org,
        "principalName": principal,
        "displayName": known["displayName"] if known else principal,
        "descriptor": known["descriptor"] if known else descriptor("aad", user_id),
        "originId": user_id if known else elsewhere["originId"] if elsewhere else str(uuid.uuid4()),
        "accountLicenseType": licence,
        "status": "pending",
        "projectEntitlements": projects,
        "extensions": [e for e in value.get("extensions") or [] if isinstance(e, dict)],
        "dateCreated": now_iso(),
    }
    _save_member(call.sandbox, member)
    return _result(call, member)

"""Who is in an organisation: user entitlements (vsaex), the Graph (vssps) and team members (dev).

Users are documents of kind "entitlement", one per organisation and user (id `"{org}:{userId}"`, org
lower-cased; name = the lower-cased principal name): {id, org, principalName, displayName, descriptor
("aad.<base64>"), originId, accountLicenseType, status, projectEntitlements [{groupType,
projectId, projectName}], extensions, dateCreated}. The sandbox's default user (the PAT's owner) owns
every organisation; it is not stored as an entitlement but shown as one (Basic, active). A person
keeps one user id across organisations, as one identity does on the real service.

Team membership is Graph membership: documents of kind "membership" {org, memberDescriptor,
containerDescriptor, isTeamAdmin}, parent = container descriptor. A team's group descriptor is the
team document's `descriptor`; a project's scope descriptor is `scp.<base64 of the project id>`. The
creator of a project is a member and administrator of its default team (core calls
`add_membership` when it creates the project).

The sandbox's directory refuses some addresses, as a tenant refuses identities it cannot resolve:
an address that is not a valid e-mail (`naming.check_email`), whose domain has no dot, or whose
domain ends in `.invalid` (the TLD reserved for invalid names, RFC 2606). Such an invite answers
HTTP 200 with `isSuccess: false` and `errors: [{key: 5000, value: "VS403283: Could not add user
'<x>' at this time."}]`, as the service does. Every other address is invited (status "pending").
The sandbox assigns the Stakeholder (`stakeholder`, the default) and Basic (`express`) access
levels only, does not count Basic licences, and does not honour `projectEntitlements[].teamRefs`
(unverified on the real service: add team members through the Graph).
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from ...naming import check_email
from ..errors import ServiceError
from ..routing import Call, Reply, collection, router
from ..service import Sandbox, descriptor
from .core import find_project, now_iso, require_project, require_team

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
    """The default user as an entitlement record: the owner of every organisation."""
    user = sandbox.user
    org_doc = sandbox.org(org) or {}
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
    import base64
    import binascii

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


def graph_user_json(call: Call, member: dict[str, Any]) -> dict[str, Any]:
    """A GraphUser as the Graph and the entitlements show it."""
    desc = member["descriptor"]
    vssps = call.host_url("vssps")
    url = f"{vssps}/_apis/Graph/Users/{desc}"
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
            "self": {"href": url},
            "memberships": {"href": f"{vssps}/_apis/Graph/Memberships/{desc}"},
            "membershipState": {"href": f"{vssps}/_apis/Graph/MembershipStates/{desc}"},
            "storageKey": {"href": f"{vssps}/_apis/Graph/StorageKeys/{desc}"},
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


def _result(call: Call, member: dict[str, Any] | None, errors: list | None = None) -> dict:
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
    # One identity per person: the user id is the same in every organisation.
    elsewhere = call.store.find_one("entitlement", name=principal.lower())
    user_id = elsewhere["id"] if elsewhere else str(uuid.uuid4())
    member = {
        "id": user_id,
        "org": org,
        "principalName": principal,
        "displayName": principal,
        "descriptor": descriptor("aad", user_id),
        "originId": elsewhere["originId"] if elsewhere else str(uuid.uuid4()),
        "accountLicenseType": licence,
        "status": "pending",
        "projectEntitlements": projects,
        "extensions": [e for e in value.get("extensions") or [] if isinstance(e, dict)],
        "dateCreated": now_iso(),
    }
    _save_member(call.sandbox, member)
    return _result(call, member)


# -- user entitlements (vsaex) --------------------------------------------------------------------


@router.route("POST", "vsaex", "_apis/UserEntitlements")
def add_user_entitlement(call: Call):
    with call.store.transaction():
        result = invite(call, call.body)
    out = {"isSuccess": result["isSuccess"], "operationResult": result}
    if "result" in result:
        out["userEntitlement"] = result["result"]
    return out


def _change(call: Call, member: dict[str, Any], op: dict[str, Any], path: str) -> None:
    """Apply one JSON-patch operation (path relative to the user) to an entitlement."""
    if member.get("owner"):
        raise bad_argument("The sandbox does not change the organization owner's entitlement.")
    kind = (op.get("op") or "").lower()
    value = op.get("value")
    parts = [p for p in path.split("/") if p]
    if kind == "replace" and parts == ["accessLevel"]:
        member["accountLicenseType"] = _licence(value)
    elif kind == "add" and parts == ["projectEntitlements"]:
        entry = _project_entitlement(call, value)
        member["projectEntitlements"] = [
            e for e in member["projectEntitlements"] if e["projectId"] != entry["projectId"]
        ]
        member["projectEntitlements"].append(entry)
    elif kind == "remove" and len(parts) == 2 and parts[0] == "projectEntitlements":
        member["projectEntitlements"] = [
            e for e in member["projectEntitlements"] if e["projectId"].lower() != parts[1].lower()
        ]
    elif kind == "add" and parts == ["extensions"] and isinstance(value, dict):
        member["extensions"].append(value)
    else:
        raise bad_argument(f"The sandbox does not support the patch operation {kind} {path!r}.")
    _save_member(call.sandbox, member)


def _patch_document(call: Call) -> list[dict[str, Any]]:
    body = call.body
    if not isinstance(body, list) or not all(isinstance(op, dict) for op in body):
        raise bad_argument("The request body must be a JSON-patch document (a list of operations).")
    return body


_USER_PATH = re.compile(r"^/([0-9a-fA-F-]{36})(/.*)?$")


@router.route("PATCH", "vsaex", "_apis/UserEntitlements")
def update_user_entitlements(call: Call):
    """The bulk form the CLI uses: `add` at path "" invites, `/{userId}/...` changes a user."""
    results = []
    with call.store.transaction():
        for op in _patch_document(call):
            path = op.get("path") or ""
            if (op.get("op") or "").lower() == "add" and path in ("", "/"):
                results.append(invite(call, op.get("value")))
                continue
            m = _USER_PATH.match(path)
            if not m:
                raise bad_argument(f"The patch path {path!r} does not name a user.")
            member = find_member(call.sandbox, call.org or "", user_id=m.group(1))
            if member is None:
                raise entitlement_not_found(m.group(1))
            _change(call, member, op, m.group(2) or "")
            results.append(_result(call, member))
    ok = all(r["isSuccess"] for r in results)
    return {
        "id": str(uuid.uuid4()),
        "status": "succeeded" if ok else "failed",
        "haveResultsSucceeded": ok,
        "completed": True,
        "results": results,
    }


def _filter(members: list[dict[str, Any]], expression: str) -> list[dict[str, Any]]:
    """The `$filter` clauses the wizard can need: name, licenseId (joined by `and`)."""
    for clause in re.split(r"\s+and\s+", expression.strip(" ()"), flags=re.IGNORECASE):
        m = re.match(r"^\(?\s*(\w+)\s+eq\s+'([^']*)'\s*\)?$", clause.strip(), re.IGNORECASE)
        if not m:
            raise bad_argument(f"The filter clause {clause!r} is not supported by the sandbox.")
        field, wanted = m.group(1).lower(), m.group(2).lower()
        if field == "name":
            members = [
                u
                for u in members
                if wanted in u["displayName"].lower() or wanted in u["principalName"].lower()
            ]
        elif field == "licenseid":
            members = [u for u in members if f"account-{u['accountLicenseType']}".lower() == wanted]
        elif field not in ("usertype", "licensestatus"):
            raise bad_argument(f"The filter field {m.group(1)!r} is not supported by the sandbox.")
    return members


@router.route("GET", "vsaex", "_apis/UserEntitlements")
def list_user_entitlements(call: Call):
    members = org_members(call.sandbox, call.org or "")
    if call.q("$filter"):
        members = _filter(members, call.q("$filter") or "")
    try:
        start = int(call.q("continuationToken") or call.q("skip") or call.q("$skip") or 0)
        size = int(call.q("top") or call.q("$top") or 100)
    except ValueError as err:
        raise bad_argument(f"Paging parameters must be numbers: {err}") from None
    page = [entitlement_json(call, u) for u in members[start : start + size]]
    more = start + size < len(members)
    return {
        "members": page,
        "continuationToken": str(start + size) if more else "",
        "totalCount": len(members),
        "items": page,
    }


def _require_member(call: Call) -> dict[str, Any]:
    member = find_member(call.sandbox, call.org or "", user_id=call.params["userId"])
    if member is None:
        raise entitlement_not_found(call.params["userId"])
    return member


@router.route("GET", "vsaex", "_apis/UserEntitlements/{userId}")
def get_user_entitlement(call: Call):
    return entitlement_json(call, _require_member(call))


@router.route("PATCH", "vsaex", "_apis/UserEntitlements/{userId}")
def update_user_entitlement(call: Call):
    with call.store.transaction():
        member = _require_member(call)
        results = []
        for op in _patch_document(call):
            _change(call, member, op, op.get("path") or "")
            results.append(_result(call, member))
    return {
        "operationResults": results,
        "isSuccess": True,
        "userEntitlement": entitlement_json(call, member),
    }


@router.route("DELETE", "vsaex", "_apis/UserEntitlements/{userId}")
def delete_user_entitlement(call: Call):
    member = _require_member(call)
    if member.get("owner"):
        raise ServiceError(
            400,
            "InvalidOperationException",
            "The organization owner cannot be removed from the organization.",
        )
    with call.store.transaction():
        call.store.delete("entitlement", f"{member['org'].lower()}:{member['id']}")
        for doc in _memberships(call.sandbox, call.org or "", member=member["descriptor"]):
            call.store.delete(
                "membership",
                _membership_id(call.org or "", doc["memberDescriptor"], doc["containerDescriptor"]),
            )
    return None


# -- graph subjects (vssps) -----------------------------------------------------------------------


def scope_descriptor(project: dict[str, Any]) -> str:
    return descriptor("scp", project["id"])


def find_subject(sandbox: Sandbox, org: str, desc: str) -> tuple[str, dict[str, Any]] | None:
    """("user", member), ("group", team) or ("scope", project) for a descriptor of the org."""
    prefix = desc.split(".", 1)[0].lower()
    if prefix in ("aad", "msa"):
        member = find_member(sandbox, org, desc=desc)
        return ("user", member) if member else None
    if prefix == "vssgp":
        for team in sandbox.store.find("team", org=org):
            if team["descriptor"] == desc:
                return "group", team
    if prefix == "scp":
        for project in sandbox.store.find("project", org=org):
            if scope_descriptor(project) == desc:
                return "scope", project
    return None


def group_json(call: Call, team: dict[str, Any]) -> dict[str, Any]:
    """A team as the Graph lists it (a vsts group in the project's scope)."""
    project = call.store.get("project", team["projectId"]) or {"name": team["projectName"]}
    desc = team["descriptor"]
    vssps = call.host_url("vssps")
    url = f"{vssps}/_apis/Graph/Groups/{desc}"
    return {
        "subjectKind": "group",
        "description": team["description"],
        "domain": f"vstfs:///Classification/TeamProject/{team['projectId']}",
        "principalName": f"[{project['name']}]\\{team['name']}",
        "mailAddress": None,
        "origin": "vsts",
        "originId": team["id"],
        "displayName": team["name"],
        "_links": {
            "self": {"href": url},
            "memberships": {"href": f"{vssps}/_apis/Graph/Memberships/{desc}"},
            "membershipState": {"href": f"{vssps}/_apis/Graph/MembershipStates/{desc}"},
            "storageKey": {"href": f"{vssps}/_apis/Graph/StorageKeys/{desc}"},
        },
        "url": url,
        "descriptor": desc,
    }


def _subject_json(call: Call, kind: str, doc: dict[str, Any]) -> dict[str, Any]:
    if kind == "user":
        return graph_user_json(call, doc)
    if kind == "group":
        return group_json(call, doc)
    desc = scope_descriptor(doc)
    return {
        "subjectKind": "scope",
        "displayName": doc["name"],
        "originId": doc["id"],
        "origin": "vsts",
        "descriptor": desc,
        "url": f"{call.host_url('vssps')}/_apis/Graph/Scopes/{desc}",
    }


@router.route("GET", "vssps", "_apis/Graph/Descriptors/{storageKey}")
def get_descriptor(call: Call):
    """Storage key -> descriptor: a team id gives its group, a project id its scope, a user id."""
    key = call.params["storageKey"].lower()
    org = call.org or ""
    found: tuple[str, str] | None = None
    team = call.store.get("team", key)
    project = call.store.get("project", key)
    member = find_member(call.sandbox, org, user_id=key)
    if team and team["org"].lower() == org.lower():
        found = ("Groups", team["descriptor"])
    elif project and project["org"].lower() == org.lower():
        found = ("Scopes", scope_descriptor(project))
    elif member:
        found = ("Users", member["descriptor"])
    if found is None:
        raise ServiceError(
            404,
            "GraphSubjectNotFoundException",
            f"TF14045: The identity with TeamFoundationId {key} could not be found.",
            type_name=_GRAPH_TYPE.format("GraphSubjectNotFoundException"),
        )
    resource, desc = found
    vssps = call.host_url("vssps")
    return {
        "value": desc,
        "_links": {
            "self": {"href": f"{vssps}/_apis/Graph/Descriptors/{key}"},
            "storageKey": {"href": f"{vssps}/_apis/Graph/StorageKeys/{desc}"},
            "subject": {"href": f"{vssps}/_apis/Graph/{resource}/{desc}"},
        },
    }


def _require_subject(call: Call, desc: str) -> tuple[str, dict[str, Any]]:
    found = find_subject(call.sandbox, call.org or "", desc)
    if found is None:
        raise subject_not_found(desc)
    return found


@router.route("GET", "vssps", "_apis/Graph/StorageKeys/{subjectDescriptor}")
def get_storage_key(call: Call):
    desc = call.params["subjectDescriptor"]
    _kind, doc = _require_subject(
        call, desc
    )  # users, teams and projects: the storage key is the id
    vssps = call.host_url("vssps")
    return {
        "value": doc["id"],
        "_links": {
            "self": {"href": f"{vssps}/_apis/Graph/StorageKeys/{desc}"},
            "descriptor": {"href": f"{vssps}/_apis/Graph/Descriptors/{doc['id']}"},
        },
    }


@router.route("GET", "vssps", "_apis/Graph/Users/{userDescriptor}")
def get_user(call: Call):
    kind, doc = _require_subject(call, call.params["userDescriptor"])
    if kind != "user":
        raise subject_not_found(call.params["userDescriptor"])
    return graph_user_json(call, doc)


@router.route("GET", "vssps", "_apis/Graph/Users")
def list_users(call: Call):
    return collection([graph_user_json(call, m) for m in org_members(call.sandbox, call.org or "")])


@router.route("GET", "vssps", "_apis/Graph/Groups")
def list_groups(call: Call):
    """The org's team groups, or one project's with `scopeDescriptor` (built-in groups omitted)."""
    teams = call.store.find("team", org=call.org)
    scope = call.q("scopeDescriptor")
    if scope:
        kind, project = _require_subject(call, scope)
        if kind != "scope":
            raise ServiceError(
                400,
                "InvalidSubjectTypeException",
                f"The descriptor {scope} is not a scope descriptor.",
                type_name=_GRAPH_TYPE.format("InvalidSubjectTypeException"),
            )
        teams = [t for t in teams if t["projectId"] == project["id"]]
    return collection([group_json(call, t) for t in teams])


@router.route("GET", "vssps", "_apis/Graph/Groups/{groupDescriptor}")
def get_group(call: Call):
    kind, doc = _require_subject(call, call.params["groupDescriptor"])
    if kind != "group":
        raise subject_not_found(call.params["groupDescriptor"])
    return group_json(call, doc)


@router.route("POST", "vssps", "_apis/Graph/SubjectLookup")
def lookup_subjects(call: Call):
    keys = (call.body or {}).get("lookupKeys") or []
    found = {}
    for key in keys:
        desc = (key or {}).get("descriptor") or ""
        subject = find_subject(call.sandbox, call.org or "", desc)
        if subject:
            found[desc] = _subject_json(call, *subject)
    return {"count": len(found), "value": found}


# -- memberships (vssps) --------------------------------------------------------------------------


def _membership_id(org: str, member: str, container: str) -> str:
    return f"{org.lower()}|{member}|{container}"


def _memberships(
    sandbox: Sandbox, org: str, *, member: str | None = None, container: str | None = None
) -> list[dict[str, Any]]:
    # Store columns compare without case; descriptors are case-sensitive base64, so filter here.
    docs = sandbox.store.find("membership", org=org, parent=container, name=member)
    return [
        d
        for d in docs
        if (member is None or d["memberDescriptor"] == member)
        and (container is None or d["containerDescriptor"] == container)
    ]


def add_membership(
    sandbox: Sandbox, org: str, member: str, container: str, *, team_admin: bool = False
) -> dict[str, Any]:
    """Make a subject a member of a group (a team); idempotent. Core calls this for a new project."""
    doc_id = _membership_id(org, member, container)
    doc = sandbox.store.get("membership", doc_id) or {
        "org": org,
        "memberDescriptor": member,
        "containerDescriptor": container,
        "isTeamAdmin": False,
    }
    doc["isTeamAdmin"] = doc["isTeamAdmin"] or team_admin
    return sandbox.store.put("membership", doc_id, doc, org=org, parent=container, name=member)


def membership_json(call: Call, member: str, container: str) -> dict[str, Any]:
    vssps = call.host_url("vssps")
    member_kind = "Users" if member.split(".", 1)[0].lower() in ("aad", "msa") else "Groups"
    return {
        "containerDescriptor": container,
        "memberDescriptor": member,
        "_links": {
            "self": {"href": f"{vssps}/_apis/Graph/Memberships/{member}/{container}"},
            "member": {"href": f"{vssps}/_apis/Graph/{member_kind}/{member}"},
            "container": {"href": f"{vssps}/_apis/Graph/Groups/{container}"},
        },
    }


@router.route(
    "PUT|GET|HEAD|DELETE",
    "vssps",
    "_apis/Graph/Memberships/{subjectDescriptor}/{containerDescriptor}",
)
def membership(call: Call):
    """PUT adds (201, idempotent), HEAD/GET check (200/404), DELETE removes (200, no body)."""
    member, container = call.params["subjectDescriptor"], call.params["containerDescriptor"]
    org = call.org or ""
    if call.method == "PUT":
        for desc, allowed in ((member, ("user", "group")), (container, ("group",))):
            kind, _doc = _require_subject(call, desc)
            if kind not in allowed:
                raise ServiceError(
                    400,
                    "InvalidSubjectTypeException",
                    f"The descriptor {desc} cannot take part in this membership.",
                    type_name=_GRAPH_TYPE.format("InvalidSubjectTypeException"),
                )
        add_membership(call.sandbox, org, member, container)
        return Reply(201, membership_json(call, member, container))
    if not _memberships(call.sandbox, org, member=member, container=container):
        raise membership_not_found(member, container)
    if call.method == "DELETE":
        call.store.delete("membership", _membership_id(org, member, container))
        return Reply(200)
    return membership_json(call, member, container)


@router.route("GET", "vssps", "_apis/Graph/Memberships/{subjectDescriptor}")
def list_memberships(call: Call):
    """`direction=up` (default): the groups a subject is in; `down`: the members of a group."""
    desc = call.params["subjectDescriptor"]
    _require_subject(call, desc)
    down = (call.q("direction") or "up").lower() == "down"
    docs = _memberships(
        call.sandbox, call.org or "", **({"container": desc} if down else {"member": desc})
    )
    return collection(
        [membership_json(call, d["memberDescriptor"], d["containerDescriptor"]) for d in docs]
    )


# -- team members (dev) ---------------------------------------------------------------------------


def identity_ref(call: Call, kind: str, doc: dict[str, Any]) -> dict[str, Any]:
    """The IdentityRef a team member list carries."""
    dev = call.host_url("dev")
    if kind == "user":
        ident_id, name, unique, desc = (
            doc["id"],
            doc["displayName"],
            doc["principalName"],
            doc["descriptor"],
        )
    else:
        subject = group_json(call, doc)
        ident_id, name, unique, desc = (
            doc["id"],
            subject["principalName"],
            subject["principalName"],
            doc["descriptor"],
        )
    return {
        "displayName": name,
        "url": f"{call.host_url('vssps')}/_apis/Identities/{ident_id}",
        "_links": {"avatar": {"href": f"{dev}/_apis/GraphProfile/MemberAvatars/{desc}"}},
        "id": ident_id,
        "uniqueName": unique,
        "imageUrl": f"{dev}/_api/_common/identityImage?id={ident_id}",
        "descriptor": desc,
    }


@router.route("GET", "dev", "_apis/projects/{projectId}/teams/{teamId}/members")
def team_members(call: Call):
    project = require_project(call, call.params["projectId"])
    team = require_team(call, project, call.params["teamId"])
    members = []
    for doc in _memberships(call.sandbox, call.org or "", container=team["descriptor"]):
        subject = find_subject(call.sandbox, call.org or "", doc["memberDescriptor"])
        if subject:  # a member removed from the organisation leaves no identity behind
            members.append(
                {"isTeamAdmin": doc["isTeamAdmin"], "identity": identity_ref(call, *subject)}
            )
    try:
        skip = int(call.q("$skip") or 0)
        top = int(call.q("$top") or 100)
    except ValueError as err:
        raise bad_argument(f"Paging parameters must be numbers: {err}") from None
    return collection(members[skip : skip + top])

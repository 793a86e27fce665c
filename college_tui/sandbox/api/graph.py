"""The Graph (vssps): subjects, descriptors and memberships; team members (dev)."""

from __future__ import annotations

from typing import Any

from ..errors import ServiceError
from ..routing import Answer, Call, Reply, collection, router
from ..service import Sandbox, descriptor
from .lookups import (
    add_membership,
    find_memberships,
    membership_id,
    require_project,
    require_team,
)
from .members import (
    _GRAPH_TYPE,
    find_member,
    graph_subject_links,
    graph_user_json,
    membership_not_found,
    org_members,
    subject_not_found,
)

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
        for team in [*sandbox.store.find("team", org=org), *sandbox.store.find("group", org=org)]:
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
    url, links = graph_subject_links(call, "Groups", desc)
    return {
        "subjectKind": "group",
        "description": team["description"],
        "domain": f"vstfs:///Classification/TeamProject/{team['projectId']}",
        "principalName": f"[{project['name']}]\\{team['name']}",
        "mailAddress": None,
        "origin": "vsts",
        "originId": team["id"],
        "displayName": team["name"],
        "_links": links,
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
def get_descriptor(call: Call) -> Answer:
    """Storage key -> descriptor: a team id gives its group, a project id its scope, a user id."""
    key = call.params["storageKey"].lower()
    org = call.org or ""
    found: tuple[str, str] | None = None
    team = call.store.get("team", key) or call.store.get("group", key)
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


def _require_subject_of_kind(call: Call, kind: str, param: str) -> dict[str, Any]:
    """The subject the path parameter `param` names, when it is a `kind` ("user", "group")."""
    found_kind, doc = _require_subject(call, call.params[param])
    if found_kind != kind:
        raise subject_not_found(call.params[param])
    return doc


@router.route("GET", "vssps", "_apis/Graph/StorageKeys/{subjectDescriptor}")
def get_storage_key(call: Call) -> Answer:
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
def get_user(call: Call) -> Answer:
    return graph_user_json(call, _require_subject_of_kind(call, "user", "userDescriptor"))


@router.route("GET", "vssps", "_apis/Graph/Users")
def list_users(call: Call) -> Answer:
    return collection([graph_user_json(call, m) for m in org_members(call.sandbox, call.org or "")])


@router.route("GET", "vssps", "_apis/Graph/Groups")
def list_groups(call: Call) -> Answer:
    """The org's groups (teams and the projects' built-in groups), or one project's with
    `scopeDescriptor`."""
    teams = [*call.store.find("team", org=call.org), *call.store.find("group", org=call.org)]
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
def get_group(call: Call) -> Answer:
    return group_json(call, _require_subject_of_kind(call, "group", "groupDescriptor"))


@router.route("POST", "vssps", "_apis/Graph/SubjectLookup")
def lookup_subjects(call: Call) -> Answer:
    keys = (call.body or {}).get("lookupKeys") or []
    found = {}
    for key in keys:
        desc = (key or {}).get("descriptor") or ""
        subject = find_subject(call.sandbox, call.org or "", desc)
        if subject:
            found[desc] = _subject_json(call, *subject)
    return {"count": len(found), "value": found}


# -- memberships (vssps) --------------------------------------------------------------------------


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
def membership(call: Call) -> Answer:
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
    if not find_memberships(call.sandbox, org, member=member, container=container):
        raise membership_not_found(member, container)
    if call.method == "DELETE":
        call.store.delete("membership", membership_id(org, member, container))
        return Reply(200)
    return membership_json(call, member, container)


@router.route("GET", "vssps", "_apis/Graph/Memberships/{subjectDescriptor}")
def list_memberships(call: Call) -> Answer:
    """`direction=up` (default): the groups a subject is in; `down`: the members of a group."""
    desc = call.params["subjectDescriptor"]
    _require_subject(call, desc)
    down = (call.q("direction") or "up").lower() == "down"
    docs = find_memberships(
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
def team_members(call: Call) -> Answer:
    project = require_project(call, call.params["projectId"])
    team = require_team(call, project, call.params["teamId"])
    # One page read from the store (a class of 10,000 is read 100 at a time by the client; the
    # whole list each time made the re-read quadratic). Descriptors compare case-sensitively.
    container = team["descriptor"]
    window = call.paging()
    members = []
    for doc in call.store.find("membership", org=call.org, parent=container, window=window):
        if doc["containerDescriptor"] != container:
            continue
        subject = find_subject(call.sandbox, call.org or "", doc["memberDescriptor"])
        if subject:  # a member removed from the organisation leaves no identity behind
            members.append(
                {"isTeamAdmin": doc["isTeamAdmin"], "identity": identity_ref(call, *subject)}
            )
    return collection(members)

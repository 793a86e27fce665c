"""Core area, teams: create, read, update and the project's default team."""

from __future__ import annotations

import base64
import uuid
from typing import Any

from ...naming import check_team_name
from ..errors import ServiceError
from ..routing import Answer, Call, Reply, collection, router
from ..service import Sandbox, descriptor
from .lookups import find_team, now_iso, require_project, require_team


def team_ref(call: Call, project: dict[str, Any], team: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": team["id"],
        "name": team["name"],
        "url": f"{call.host_url('dev')}/_apis/projects/{project['id']}/teams/{team['id']}",
    }


def create_team_doc(
    sandbox: Sandbox, org: str, project_id: str, project_name: str, name: str, description: str
) -> dict[str, Any]:
    team_id = str(uuid.uuid4())
    team = {
        "id": team_id,
        "name": name,
        "description": description,
        "projectId": project_id,
        "projectName": project_name,
        "org": org,
        "descriptor": descriptor("vssgp", f"S-1-9-{uuid.UUID(team_id).int % 10**10}-{team_id}"),
    }
    return sandbox.store.put("team", team_id, team, org=org, parent=project_id, name=name)


# A new project's built-in security groups, as the Graph lists them beside the team groups
# (test_devops_group_and_member_tests.yaml #11). Documents of kind "group" shaped like a team's.
BUILT_IN_GROUPS = (
    ("Readers", "Members of this group have access to the team project."),
    ("Project Valid Users", "Members of this group have access to the team project."),
    (
        "Contributors",
        "Members of this group can add, modify, and delete items within the team project.",
    ),
    (
        "Project Administrators",
        "Members of this group can perform all operations in the team project.",
    ),
    (
        "Build Administrators",
        "Members of this group can create, modify and delete build definitions and manage queued "
        "and completed builds.",
    ),
)


def create_project_groups(
    sandbox: Sandbox, org: str, project_id: str, project_name: str
) -> dict[str, dict[str, Any]]:
    """The project's built-in groups by name (not teams: the teams list does not show them)."""
    groups = {}
    for name, description in BUILT_IN_GROUPS:
        group_id = str(uuid.uuid4())
        sid = f"S-1-9-{uuid.UUID(group_id).int % 10**10}-{group_id}"
        groups[name] = sandbox.store.put(
            "group",
            group_id,
            {
                "id": group_id,
                "name": name,
                "description": description,
                "projectId": project_id,
                "projectName": project_name,
                "org": org,
                "descriptor": descriptor("vssgp", sid),
            },
            org=org,
            parent=project_id,
            name=name,
        )
    return groups


def team_json(call: Call, project: dict[str, Any], team: dict[str, Any]) -> dict[str, Any]:
    return {
        **team_ref(call, project, team),
        "description": team["description"],
        "identityUrl": f"{call.host_url('vssps')}/_apis/Identities/{team['id']}",
        "projectName": project["name"],
        "projectId": project["id"],
    }


def team_identity_json(
    call: Call, project: dict[str, Any], team: dict[str, Any], *, updated: bool = False
) -> dict[str, Any]:
    """The team's identity, which create and update answer with (recorded: d174813e/
    test_devops_team_createUpdateShowListDeleteListMember.yaml #8, #12).

    After an update the service shows the identity as it was before the change, with the team
    flag as the string "True" (#12); `team` is then the team before the update."""
    encoded = team["descriptor"].split(".", 1)[1]
    sid = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    org = call.sandbox.org(call.org or "") or {}

    def prop(kind: str, value: Any) -> dict[str, Any]:
        return {"$type": f"System.{kind}", "$value": value}

    return {
        "id": team["id"],
        "descriptor": f"Microsoft.TeamFoundation.Identity;{sid}",
        "subjectDescriptor": team["descriptor"],
        "providerDisplayName": f"[{project['name']}]\\{team['name']}",
        "isActive": True,
        "isContainer": True,
        "members": [],
        "memberOf": [],
        "masterId": team["id"],
        "properties": {
            "Microsoft.TeamFoundation.Team": (
                prop("String", "True") if updated else prop("Boolean", True)
            ),
            "SchemaClassName": prop("String", "Group"),
            "Description": prop("String", team["description"]),
            "Domain": prop("String", f"vstfs:///Classification/TeamProject/{project['id']}"),
            "Account": prop("String", team["name"]),
            "SecurityGroup": prop("String", "SecurityGroup"),
            "SpecialType": prop("String", "Generic"),
            # The service's scope id is the project's security scope; the sandbox has one scope
            # per project, so it uses the project id for it.
            "ScopeId": prop("String", project["id"]),
            "ScopeType": prop("String", "TeamProject"),
            "LocalScopeId": prop("String", project["id"]),
            "SecuringHostId": prop("String", org.get("accountId", "")),
            "ScopeName": prop("String", project["name"]),
            "VirtualPlugin": prop("String", ""),
        },
        "resourceVersion": 2,
        "metaTypeId": 255,
    }


@router.route("GET", "dev", "_apis/projects/{projectId}/teams")
def list_teams(call: Call) -> Answer:
    project = require_project(call, call.params["projectId"])
    teams = call.store.find("team", parent=project["id"], window=call.paging())
    return collection([team_json(call, project, t) for t in teams])


@router.route("GET", "dev", "_apis/projects/{projectId}/teams/{teamId}")
def get_team(call: Call) -> Answer:
    project = require_project(call, call.params["projectId"])
    return team_json(call, project, require_team(call, project, call.params["teamId"]))


@router.route("POST", "dev", "_apis/projects/{projectId}/teams")
def create_team(call: Call) -> Answer:
    project = require_project(call, call.params["projectId"])
    body = call.body or {}
    name = body.get("name") or ""
    problem = check_team_name(name)
    if problem:
        raise ServiceError(
            400, "InvalidTeamNameException", f"The team name is not valid. {problem}"
        )
    if find_team(call.sandbox, project, name):
        raise ServiceError(
            400,
            "TeamAlreadyExistsException",
            f"VS403014: A team with the name {name} already exists in the project {project['name']}.",
        )
    team = create_team_doc(
        call.sandbox,
        call.org or "",
        project["id"],
        project["name"],
        name,
        body.get("description") or "",
    )
    return Reply(
        201, {**team_json(call, project, team), "identity": team_identity_json(call, project, team)}
    )


@router.route("PATCH", "dev", "_apis/projects/{projectId}/teams/{teamId}")
def update_team(call: Call) -> Answer:
    project = require_project(call, call.params["projectId"])
    team = require_team(call, project, call.params["teamId"])
    body = call.body or {}
    before = dict(team)
    if body.get("name") and body["name"] != team["name"]:
        problem = check_team_name(body["name"])
        if problem:
            raise ServiceError(
                400, "InvalidTeamNameException", f"The team name is not valid. {problem}"
            )
        if find_team(call.sandbox, project, body["name"]):
            raise ServiceError(
                400,
                "TeamAlreadyExistsException",
                f"VS403014: A team with the name {body['name']} already exists.",
            )
        team["name"] = body["name"]
    if "description" in body and body["description"] is not None:
        team["description"] = body["description"]
    call.store.put(
        "team", team["id"], team, org=team["org"], parent=project["id"], name=team["name"]
    )
    return {
        **team_json(call, project, team),
        "identity": team_identity_json(call, project, before, updated=True),
    }


def set_default_team(sandbox: Sandbox, project: dict[str, Any], team: dict[str, Any]) -> None:
    project["defaultTeamId"] = team["id"]
    project["revision"] += 1
    project["lastUpdateTime"] = now_iso()
    sandbox.store.put("project", project["id"], project, org=project["org"], name=project["name"])

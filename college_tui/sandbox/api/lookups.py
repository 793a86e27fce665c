"""Lookups every area of the sandbox's API shares: projects, teams and Graph memberships.

Core (projects, teams), the Graph and git all find projects and teams the same way; a new project's
default team gets its first membership here, so core does not import the Graph."""

from __future__ import annotations

import time
from typing import Any

from ..errors import ServiceError
from ..routing import Call
from ..service import Sandbox


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def find_project(sandbox: Sandbox, org: str, id_or_name: str) -> dict[str, Any] | None:
    """A project of the organisation by id or name (names compare case-insensitively)."""
    doc = sandbox.store.get("project", id_or_name.lower())
    if doc and doc["org"].lower() == org.lower():
        return doc
    return sandbox.store.find_one("project", org=org, name=id_or_name)


def require_project(call: Call, id_or_name: str) -> dict[str, Any]:
    project = find_project(call.sandbox, call.org or "", id_or_name)
    if project is None:
        raise ServiceError(
            404,
            "ProjectDoesNotExistWithNameException",
            f"TF200016: The following project does not exist: {id_or_name}. Verify that the name "
            "of the project is correct and that the project exists on the specified Azure DevOps "
            "Server.",
        )
    return project


def find_team(sandbox: Sandbox, project: dict[str, Any], id_or_name: str) -> dict[str, Any] | None:
    team = sandbox.store.get("team", id_or_name.lower())
    if team and team["projectId"] == project["id"]:
        return team
    return sandbox.store.find_one("team", parent=project["id"], name=id_or_name)


def require_team(call: Call, project: dict[str, Any], id_or_name: str) -> dict[str, Any]:
    team = find_team(call.sandbox, project, id_or_name)
    if team is None:
        raise ServiceError(
            404,
            "TeamNotFoundException",
            f"VS403012: The team with id or name {id_or_name} does not exist.",
        )
    return team


def membership_id(org: str, member: str, container: str) -> str:
    return f"{org.lower()}|{member}|{container}"


def find_memberships(
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
    doc_id = membership_id(org, member, container)
    doc = sandbox.store.get("membership", doc_id) or {
        "org": org,
        "memberDescriptor": member,
        "containerDescriptor": container,
        "isTeamAdmin": False,
    }
    doc["isTeamAdmin"] = doc["isTeamAdmin"] or team_admin
    return sandbox.store.put("membership", doc_id, doc, org=org, parent=container, name=member)

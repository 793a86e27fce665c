"""Core area: processes, projects (queued creation with a real operation), operations and teams."""

from __future__ import annotations

import base64
import time
import uuid
from typing import Any

from ...naming import check_project_name, check_team_name
from ..errors import ServiceError
from ..routing import Call, Reply, collection, router
from ..service import Sandbox, descriptor, job_runner

PROCESSES = [
    (
        "6b724908-ef14-45cf-84f8-768b5384da45",
        "Scrum",
        False,
        "This template is for teams who follow the Scrum framework.",
    ),
    (
        "b8a3a935-7e91-48b8-a94c-606d37c3e9f2",
        "Basic",
        True,
        "This template is flexible for any process and great for teams getting started with Azure DevOps.",
    ),
    (
        "adcc42ab-9882-485e-a3ed-7678f01f66bc",
        "Agile",
        False,
        "This template is flexible and will work great for most teams using Agile planning methods, "
        "including those practicing Scrum.",
    ),
    (
        "27450541-8e31-4150-9947-dc59f998fc01",
        "CMMI",
        False,
        "This template is for more formal projects requiring a framework for process improvement and "
        "an auditable record of decisions.",
    ),
]
_PROCESS_NAMES = {pid: name for pid, name, _d, _desc in PROCESSES}


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


# -- processes ----------------------------------------------------------------------------------


def _process_json(call: Call, pid: str, name: str, default: bool, desc: str) -> dict[str, Any]:
    return {
        "id": pid,
        "description": desc,
        "isDefault": default,
        "type": "system",
        "url": f"{call.host_url()}/_apis/process/processes/{pid}",
        "name": name,
    }


@router.route("GET", "dev", "_apis/process/processes")
def list_processes(call: Call):
    return collection([_process_json(call, *p) for p in PROCESSES])


@router.route("GET", "dev", "_apis/process/processes/{processId}")
def get_process(call: Call):
    for p in PROCESSES:
        if p[0] == call.params["processId"].lower():
            return _process_json(call, *p)
    raise ServiceError(
        404,
        "ProcessNotFoundByTypeIdException",
        f"VS402362: The process with id {call.params['processId']} does not exist.",
    )


# -- projects -----------------------------------------------------------------------------------


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


def team_ref(call: Call, project: dict[str, Any], team: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": team["id"],
        "name": team["name"],
        "url": f"{call.host_url('dev')}/_apis/projects/{project['id']}/teams/{team['id']}",
    }


def project_json(call: Call, project: dict[str, Any], *, full: bool = False) -> dict[str, Any]:
    """TeamProject (`full`) or TeamProjectReference as the service shapes them."""
    org_url = call.host_url("dev")
    out: dict[str, Any] = {
        "id": project["id"],
        "name": project["name"],
        "url": f"{org_url}/_apis/projects/{project['id']}",
        "state": project["state"],
        "revision": project["revision"],
        "visibility": project["visibility"],
        "lastUpdateTime": project["lastUpdateTime"],
    }
    if project.get("description"):
        out["description"] = project["description"]
    if not full:
        return out
    org = call.sandbox.org(call.org or "")
    out["_links"] = {
        "self": {"href": out["url"]},
        "collection": {
            "href": f"{org_url}/_apis/projectCollections/{org['accountId'] if org else ''}"
        },
        "web": {"href": f"{org_url}/{project['name']}"},
    }
    team = call.store.get("team", project.get("defaultTeamId") or "")
    if team:
        out["defaultTeam"] = team_ref(call, project, team)
    if call.flag("includeCapabilities"):
        pid = project["processTemplateId"]
        out["capabilities"] = {
            "processTemplate": {
                "templateName": _PROCESS_NAMES.get(pid, "Custom"),
                "templateTypeId": pid,
            },
            "versioncontrol": {
                "sourceControlType": "Git",
                "gitEnabled": "True",
                "tfvcEnabled": "False",
            },
        }
    return out


@router.route("GET", "dev", "_apis/projects")
def list_projects(call: Call):
    projects = call.store.find("project", org=call.org)
    state = (call.q("stateFilter") or "wellFormed").lower()
    if state != "all":
        projects = [p for p in projects if p["state"].lower() == state]
    skip = int(call.q("$skip") or 0)
    top = int(call.q("$top") or 100)
    return collection([project_json(call, p) for p in projects[skip : skip + top]])


@router.route("GET", "dev", "_apis/projects/{projectId}")
def get_project(call: Call):
    return project_json(call, require_project(call, call.params["projectId"]), full=True)


def _pending_creation(call: Call, name: str) -> dict[str, Any] | None:
    for op in call.store.find("operation", org=call.org, name=name):
        if op["status"] in ("notSet", "queued", "inProgress"):
            return op
    return None


@router.route("POST", "dev", "_apis/projects")
def queue_create_project(call: Call):
    body = call.body or {}
    name = (body.get("name") or "").strip() if isinstance(body.get("name"), str) else ""
    problem = check_project_name(body.get("name") or "")
    if problem:
        raise ServiceError(
            400,
            "InvalidProjectNameException",
            f"TF200020: The project name {body.get('name')!r} is not valid. {problem}",
        )
    if find_project(call.sandbox, call.org or "", name) or _pending_creation(call, name):
        raise ServiceError(
            400,
            "ProjectAlreadyExistsException",
            f"TF200019: The following project already exists on the Azure DevOps Server: {name}. "
            "You cannot create a new project with the same name as an existing project.",
        )
    caps = body.get("capabilities") or {}
    template = ((caps.get("processTemplate") or {}).get("templateTypeId") or "").lower()
    if template not in _PROCESS_NAMES:
        raise ServiceError(
            400,
            "ProcessNotFoundByTypeIdException",
            f"VS402362: The process with id {template or '(none)'} does not exist.",
        )
    source = ((caps.get("versioncontrol") or {}).get("sourceControlType") or "").lower()
    if source not in ("git", "tfvc"):
        raise ServiceError(
            400,
            "InvalidArgumentValueException",
            "The capabilities.versioncontrol.sourceControlType must be Git or Tfvc.",
        )
    op_id = str(uuid.uuid4())
    call.store.put(
        "operation",
        op_id,
        {
            "id": op_id,
            "status": "notSet",
            "org": call.org,
            "name": name,
            "project": {
                "name": name,
                "description": body.get("description") or "",
                "visibility": body.get("visibility") or "private",
                "processTemplateId": template,
            },
        },
        org=call.org or "",
        name=name,
    )
    call.sandbox.schedule("project_create", op_id)
    return Reply(
        202, {"id": op_id, "status": "notSet", "url": f"{call.host_url()}/_apis/operations/{op_id}"}
    )


def create_project_now(sandbox: Sandbox, org: str, spec: dict[str, Any]) -> dict[str, Any]:
    """The project with its side effects: default team "{name} Team" and a repo "{name}"."""
    from ..repos import create_repository
    from .graph import add_membership

    project_id = str(uuid.uuid4())
    team = create_team_doc(
        sandbox, org, project_id, spec["name"], f"{spec['name']} Team", "The default project team."
    )
    project = {
        "id": project_id,
        "org": org,
        "name": spec["name"],
        "description": spec["description"],
        "visibility": spec["visibility"],
        "processTemplateId": spec["processTemplateId"],
        "state": "wellFormed",
        "revision": sandbox.store.next_number("project-revision") + 400,
        "lastUpdateTime": now_iso(),
        "defaultTeamId": team["id"],
    }
    sandbox.store.put("project", project_id, project, org=org, name=spec["name"])
    create_repository(sandbox, org, project, spec["name"])
    # The creator is a member and administrator of the default team, as on the service.
    add_membership(sandbox, org, sandbox.user["descriptor"], team["descriptor"], team_admin=True)
    return project


@job_runner("project_create")
def _advance_project_creation(sandbox: Sandbox, job: dict[str, Any], elapsed: float) -> bool:
    op = sandbox.store.get("operation", job["target"])
    if op is None:
        return True
    total = sandbox.config.project_create_seconds
    if elapsed < total:
        status = "notSet" if elapsed < total / 4 else "inProgress"
        if op["status"] != status:
            op["status"] = status
            sandbox.store.put("operation", op["id"], op, org=op["org"], name=op["name"])
        return False
    with sandbox.store.transaction():
        project = create_project_now(sandbox, op["org"], op["project"])
        op["status"] = "succeeded"
        op["resultUrl"] = project["id"]
        sandbox.store.put("operation", op["id"], op, org=op["org"], name=op["name"])
    return True


@router.route("GET", "dev", "_apis/operations/{operationId}")
def get_operation(call: Call):
    op = call.store.get("operation", call.params["operationId"].lower())
    if op is None or op["org"].lower() != (call.org or "").lower():
        raise ServiceError(
            404,
            "OperationNotFoundException",
            f"The operation {call.params['operationId']} does not exist.",
        )
    url = f"{call.host_url()}/_apis/operations/{op['id']}"
    out: dict[str, Any] = {
        "id": op["id"],
        "status": op["status"],
        "url": url,
        "_links": {"self": {"href": url}},
    }
    if op.get("resultMessage"):
        out["resultMessage"] = op["resultMessage"]
    return out


# -- teams --------------------------------------------------------------------------------------


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
def list_teams(call: Call):
    project = require_project(call, call.params["projectId"])
    teams = call.store.find("team", parent=project["id"])
    return collection([team_json(call, project, t) for t in teams])


@router.route("GET", "dev", "_apis/projects/{projectId}/teams/{teamId}")
def get_team(call: Call):
    project = require_project(call, call.params["projectId"])
    return team_json(call, project, require_team(call, project, call.params["teamId"]))


@router.route("POST", "dev", "_apis/projects/{projectId}/teams")
def create_team(call: Call):
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
def update_team(call: Call):
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

"""Core area: processes, projects (queued creation with a real operation), operations and teams."""

from __future__ import annotations

import uuid
from typing import Any

from ...naming import check_project_name
from ..errors import ServiceError
from ..routing import Answer, Call, Reply, collection, router
from ..service import Sandbox, job_runner
from .lookups import add_membership, find_project, now_iso, require_project
from .teams import create_project_groups, create_team_doc, team_ref

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
def list_processes(call: Call) -> Answer:
    return collection([_process_json(call, *p) for p in PROCESSES])


@router.route("GET", "dev", "_apis/process/processes/{processId}")
def get_process(call: Call) -> Answer:
    for p in PROCESSES:
        if p[0] == call.params["processId"].lower():
            return _process_json(call, *p)
    raise ServiceError(
        404,
        "ProcessNotFoundByTypeIdException",
        f"VS402362: The process with id {call.params['processId']} does not exist.",
    )


# -- projects -----------------------------------------------------------------------------------


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


# The enums' numbers, which the service accepts for the names (Microsoft's Node client sends them).
_PROJECT_STATES = {
    "-2": "unchanged",
    "-1": "all",
    "0": "new",
    "1": "wellformed",
    "2": "deleting",
    "3": "createpending",
    "4": "deleted",
}
_VISIBILITIES = {0: "private", 2: "public"}


def _visibility(value: Any) -> Any:
    """A new project's visibility as the service names it: 0 and 2 by their names, a name as
    given, "private" when none is."""
    if isinstance(value, int) and value in _VISIBILITIES:
        return _VISIBILITIES[value]
    return value or "private"


@router.route("GET", "dev", "_apis/projects")
def list_projects(call: Call) -> Answer:
    projects = call.store.find("project", org=call.org)
    state = (call.q("stateFilter") or "wellFormed").lower()
    state = _PROJECT_STATES.get(state, state)
    if state != "all":
        projects = [p for p in projects if p["state"].lower() == state]
    skip, top = call.paging()
    return collection([project_json(call, p) for p in projects[skip : skip + top]])


@router.route("GET", "dev", "_apis/projects/{projectId}")
def get_project(call: Call) -> Answer:
    return project_json(call, require_project(call, call.params["projectId"]), full=True)


def _pending_creation(call: Call, name: str) -> dict[str, Any] | None:
    for op in call.store.find("operation", org=call.org, name=name):
        if op["status"] in ("notSet", "queued", "inProgress"):
            return op
    return None


@router.route("POST", "dev", "_apis/projects")
def queue_create_project(call: Call) -> Answer:
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
                "visibility": _visibility(body.get("visibility")),
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
    # The built-in groups: every group of the project is a valid user, the default team a
    # contributor, the creator a project administrator (as the recorded memberships show).
    groups = create_project_groups(sandbox, org, project_id, spec["name"])
    valid = groups["Project Valid Users"]["descriptor"]
    for member in [team, *(g for n, g in groups.items() if n != "Project Valid Users")]:
        add_membership(sandbox, org, member["descriptor"], valid)
    add_membership(sandbox, org, team["descriptor"], groups["Contributors"]["descriptor"])
    add_membership(
        sandbox, org, sandbox.user["descriptor"], groups["Project Administrators"]["descriptor"]
    )
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
def get_operation(call: Call) -> Answer:
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

"""Every endpoint the wizard uses answers bodies that match Microsoft's specs.

Each story drives the sandbox the way the wizard does (the official SDK; `requests` for the raw,
undocumented portal calls) and then asserts that the contract observer validated each operation
against a schema rather than skipping it. The last tests prove the validator bites: a wrong type, an
invented field, a bare array, a thin error body and an undocumented endpoint are all reported.
"""

from __future__ import annotations

import base64
import re
import uuid
from typing import Any

import pytest
import requests

from tests.contract.observer import ContractObserver, concrete_path
from tests.contract.specs import spec_index
from tests.contract.unspecified import SSH_KEY_PROVIDER
from tests.contract.validate import find_operation
from tests.sandbox.helpers import create_project, import_course

AGILE = "adcc42ab-9882-485e-a3ed-7678f01f66bc"
HEADERS = {
    "Accept": "application/json;api-version=7.1-preview.1",
    "X-TFS-FedAuthRedirect": "Suppress",
}


def contract_of(server) -> ContractObserver:
    """The contract observer tests/conftest.py attached to a started sandbox."""
    return next(o for o in server.sandbox.observers if isinstance(o, ContractObserver))


def assert_validated(server, expected: set[str], outcome: str = "schema") -> None:
    observer = contract_of(server)
    assert observer.violations == [], observer.report()
    missing = expected - observer.validated(outcome)
    assert not missing, f"not validated against a schema ({outcome}): {sorted(missing)}"


def ssh_public_key() -> str:
    """A fresh RSA public key line, as the wizard's SSH step makes one."""
    import paramiko

    key = paramiko.RSAKey.generate(2048)
    return f"{key.get_name()} {key.get_base64()} ada@college"


def raw(server, method: str, url: str, **kwargs) -> requests.Response:
    token = base64.b64encode(f":{server.info.pat}".encode()).decode()
    headers = {**HEADERS, "Authorization": f"Basic {token}", **kwargs.pop("headers", {})}
    return requests.request(method, url, headers=headers, timeout=10, **kwargs)


# -- stories ------------------------------------------------------------------------------------


def test_sign_in_bodies_follow_their_schemas(sandbox, org, app_clients):
    profile = app_clients.get_profile_client().get_profile("me")
    accounts = app_clients.get_accounts_client().get_accounts(member_id=profile.id)
    assert [a.account_name for a in accounts] == [sandbox.info.org]

    connection = org.get_location_client().get_connection_data()
    assert connection.authenticated_user.id == profile.id

    assert_validated(
        sandbox,
        {
            "profile:Profiles_Get",
            "account:Accounts_List",
            "unspecified:ConnectionData_Get",
            "unspecified:Locations_Options",
            "unspecified:ResourceAreas_List",
        },
    )


def test_project_and_team_bodies_follow_their_schemas(sandbox, org):
    from azure.devops.exceptions import AzureDevOpsServiceError
    from azure.devops.v7_1.core.models import TeamProject, WebApiTeam

    core = org.get_core_client()
    assert "Agile" in [p.name for p in core.get_processes()]
    project = create_project(org, "College")
    assert "College" in [p.name for p in core.get_projects()]

    teams = core.get_teams(project.id)
    assert [t.name for t in teams] == ["College Team"]
    assert core.get_team(project.id, teams[0].id).name == "College Team"
    core.create_team(WebApiTeam(name="Tutors", description="The tutors"), project.id)

    with pytest.raises(AzureDevOpsServiceError) as refused:
        core.queue_create_project(
            TeamProject(
                name="College",
                capabilities={
                    "versioncontrol": {"sourceControlType": "Git"},
                    "processTemplate": {"templateTypeId": AGILE},
                },
            )
        )
    assert refused.value.type_key == "ProjectAlreadyExistsException"

    assert_validated(
        sandbox,
        {
            "core:Processes_List",
            "core:Projects_Create",
            "operations:Operations_Get",
            "core:Projects_Get",
            "core:Projects_List",
            "core:Teams_Get Teams",
            "core:Teams_Get",
            "core:Teams_Create",
        },
    )
    assert_validated(sandbox, {"core:Projects_Create"}, outcome="error body")


def test_default_team_and_ssh_key_bodies_follow_their_schemas(sandbox, org):
    project = create_project(org, "College")
    team = org.get_core_client().get_teams(project.id)[0]
    instance_id = org.get_location_client().get_connection_data().instance_id
    hierarchy = f"{sandbox.info.org_url}/_apis/Contribution/HierarchyQuery"
    org_url = sandbox.info.org_url

    default_team = raw(
        sandbox,
        "POST",
        hierarchy,
        json={
            "contributionIds": ["ms.vss-admin-web.admin-teams-data-provider"],
            "dataProviderContext": {
                "properties": {
                    "setDefaultTeam": True,
                    "teamId": team.id,
                    "sourcePage": {
                        "url": f"{org_url}/College/_settings/teams",
                        "routeId": "ms.vss-admin-web.project-admin-hub-route",
                        "routeValues": {
                            "project": "College",
                            "adminPivot": "teams",
                            "controller": "ContributedPage",
                            "action": "Execute",
                        },
                    },
                }
            },
        },
    )
    assert default_team.status_code == 200

    key = ssh_public_key()
    added = raw(
        sandbox,
        "POST",
        hierarchy,
        json={
            "contributionIds": [SSH_KEY_PROVIDER],
            "dataProviderContext": {
                "properties": {
                    "displayName": "college-tui",
                    "publicData": key,
                    "validTo": "2027-05-01T00:00:00.000Z",
                    "scope": "app_token",
                    "isPublic": True,
                    "targetAccounts": [instance_id],
                }
            },
        },
    )
    assert added.status_code == 200
    authorization_id = added.json()["dataProviders"][SSH_KEY_PROVIDER]["authorizationId"]

    tokens = f"{sandbox.info.base_url}/vssps/{sandbox.info.org}/_apis/Token/SessionTokens"
    listed = raw(sandbox, "GET", tokens, params={"isPublic": "true", "includePublicData": "true"})
    assert authorization_id in [t["authorizationId"] for t in listed.json()["value"]]
    deleted = raw(sandbox, "DELETE", f"{tokens}/{authorization_id}", params={"isPublic": "true"})
    assert deleted.status_code in (200, 204)

    assert_validated(sandbox, {"unspecified:HierarchyQuery_Post", "unspecified:SessionTokens_List"})
    assert_validated(sandbox, {"unspecified:SessionTokens_Delete"}, outcome="no body")


def test_invite_and_membership_bodies_follow_their_schemas(sandbox, org):
    from azure.devops.v7_1.member_entitlement_management.models import (
        AccessLevel,
        GraphUser,
        UserEntitlement,
    )

    project = create_project(org, "College")
    team = org.get_core_client().get_teams(project.id)[0]
    added = org.get_member_entitlement_management_client().add_user_entitlement(
        UserEntitlement(
            access_level=AccessLevel(account_license_type="stakeholder"),
            user=GraphUser(subject_kind="user", principal_name="grace@college.example"),
        )
    )
    assert added.is_success
    user = added.user_entitlement.user.descriptor

    graph = org.get_graph_client()
    team_descriptor = graph.get_descriptor(team.id).value
    membership = graph.add_membership(user, team_descriptor)
    assert membership.container_descriptor == team_descriptor
    graph.check_membership_existence(user, team_descriptor)
    assert graph.get_membership(user, team_descriptor).member_descriptor == user

    assert_validated(
        sandbox,
        {
            "memberEntitlementManagement:User Entitlements_Add",
            "graph:Descriptors_Get",
            "graph:Memberships_Add",
            "graph:Memberships_Get",
        },
    )
    assert_validated(sandbox, {"graph:Memberships_Check Membership Existence"}, outcome="no body")


def test_repository_import_and_pull_request_bodies_follow_their_schemas(sandbox, org):
    from azure.devops.v7_1.git.models import (
        GitPullRequest,
        GitPullRequestSearchCriteria,
        GitRefUpdate,
    )

    project = create_project(org, "College")
    repo, _import = import_course(org, project, "aidevcollege")  # create, import, poll, get
    git = org.get_git_client()
    assert {"College", "aidevcollege"} <= {r.name for r in git.get_repositories("College")}

    main = next(r for r in git.get_refs(repo.id, "College") if r.name == "refs/heads/main")
    git.update_refs(
        [
            GitRefUpdate(
                name="refs/heads/feature", old_object_id="0" * 40, new_object_id=main.object_id
            )
        ],
        repo.id,
        "College",
    )
    pull = git.create_pull_request(
        GitPullRequest(
            source_ref_name="refs/heads/feature",
            target_ref_name="refs/heads/main",
            title="My first pull request",
            description="Challenge 1",
        ),
        repo.id,
        "College",
    )
    assert git.get_pull_request_by_id(pull.pull_request_id).title == "My first pull request"
    listed = git.get_pull_requests(
        repo.id, GitPullRequestSearchCriteria(status="active"), "College"
    )
    assert [p.pull_request_id for p in listed] == [pull.pull_request_id]

    assert_validated(
        sandbox,
        {
            "git:Repositories_Create",
            "git:Repositories_List",
            "git:Repositories_Get Repository",
            "git:Import Requests_Create",
            "git:Import Requests_Get",
            "git:Refs_List",
            "git:Refs_Update Refs",
            "git:Pull Requests_Create",
            "git:Pull Requests_Get Pull Request By Id",
            "git:Pull Requests_Get Pull Requests",
        },
    )


def test_every_route_the_sandbox_serves_has_a_schema():
    from college_tui.sandbox import app  # noqa: F401  (registers every route)
    from college_tui.sandbox.routing import router

    unschemed = []
    for route in router.routes:
        params = {name: f"x{name}" for name in re.findall(r"\{\*?(\w+)\}", route.template)}
        found = find_operation(
            route.method, route.host, "org", concrete_path(route.template, params)
        ) or find_operation(
            route.method, route.host, "org", concrete_path(route.template, params, keep_tail=False)
        )
        if found is None:
            unschemed.append(f"{route.method} {route.host}:{route.template}")
    assert unschemed == [], "routes without a schema (spec or unspecified.py): " + ", ".join(
        unschemed
    )


# -- the validator bites ------------------------------------------------------------------------


def _project_body(**changes: Any) -> dict[str, Any]:
    body = {
        "id": str(uuid.uuid4()),
        "name": "College",
        "state": "wellFormed",
        "revision": 7,
        "visibility": "private",
        "url": "http://127.0.0.1/org/_apis/projects/x",
        "lastUpdateTime": "2025-01-10T12:13:40.297Z",
    }
    body.update(changes)
    return body


def check_get_project(body: Any, status: int = 200):
    observer = ContractObserver(session=None)
    observer.observe(
        "GET", "dev", "org", "_apis/projects/{projectId}", {"projectId": "College"}, status, body
    )
    return observer


def test_a_conforming_body_passes():
    observer = check_get_project(_project_body())
    assert observer.violations == []
    assert observer.validated() == {"core:Projects_Get"}


def test_a_wrong_type_is_reported_with_its_json_pointer():
    observer = check_get_project(_project_body(revision="seven"))
    [violation] = observer.violations
    assert violation.pointer == "/revision"
    assert "'seven' is not of type 'integer'" in violation.message
    with pytest.raises(pytest.fail.Exception, match=r"GET /org/_apis/projects/College -> 200"):
        observer.finish()


def test_malformed_ids_and_dates_are_reported():
    observer = check_get_project(_project_body(id="42", lastUpdateTime="yesterday"))
    assert {(v.pointer, v.message) for v in observer.violations} == {
        ("/id", "'42' is not a 'uuid'"),
        ("/lastUpdateTime", "'yesterday' is not a 'date-time'"),
    }


def test_an_invented_field_is_reported_even_when_nested():
    body = _project_body(
        defaultTeam={
            "id": str(uuid.uuid4()),
            "name": "College Team",
            "url": "http://x",
            "isDefault": True,
        }
    )
    observer = check_get_project(body)
    [violation] = observer.violations
    assert violation.pointer == "/defaultTeam"
    assert "'isDefault' was unexpected" in violation.message


def test_a_bare_array_where_the_service_wraps_a_collection_is_reported():
    observer = ContractObserver(session=None)
    observer.observe("GET", "dev", "org", "_apis/projects", {}, 200, [_project_body()])
    assert "wraps collections as {count, value}" in observer.violations[0].message


def test_an_error_without_the_services_error_fields_is_reported():
    observer = check_get_project({"message": "not found"}, status=404)
    messages = " ".join(v.message for v in observer.violations)
    assert "'typeKey' is a required property" in messages
    assert "'$id' is a required property" in messages


def test_an_endpoint_no_schema_documents_is_reported():
    observer = ContractObserver(session=None)
    observer.observe("GET", "dev", "org", "_apis/invented/things", {}, 200, {"count": 0})
    assert "no schema documents this endpoint" in observer.violations[0].message


def test_a_201_is_checked_against_the_single_documented_success():
    # The spec documents 200 for team creation; the service answers 201 (recordings).
    operation = spec_index().operations["core:Teams_Create"]
    assert operation.response_schema(201) == operation.response_schema(200)
    assert operation.response_schema(418) == (False, None)

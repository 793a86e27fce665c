"""Stories about the sandbox's core area, told through the official SDK over real HTTP."""

from __future__ import annotations

import time

import pytest
import requests
from azure.devops.exceptions import AzureDevOpsServiceError
from azure.devops.v7_1.core.models import TeamProject, WebApiTeam

from tests.conftest import connect
from tests.sandbox.helpers import HeldClock

AGILE = "adcc42ab-9882-485e-a3ed-7678f01f66bc"


def college(name: str = "College", process: str = AGILE) -> TeamProject:
    return TeamProject(
        name=name,
        description="AI Developer College",
        visibility="private",
        capabilities={
            "versioncontrol": {"sourceControlType": "Git"},
            "processTemplate": {"templateTypeId": process},
        },
    )


def poll_operation(
    clients, op_id: str, timeout: float = 10, clock: HeldClock | None = None, step: float = 0
) -> list[str]:
    """Every status seen until the operation ends (bounded); with a held `clock`, each look
    moves it on by `step` seconds first (every state is then seen, whatever the load)."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if clock is not None:
            clock.advance(step)
        status = clients.get_operations_client().get_operation(op_id).status
        if not seen or seen[-1] != status:
            seen.append(status)
        if status in ("succeeded", "failed", "cancelled"):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"operation {op_id} still {seen[-1]} after {timeout}s")


def test_the_attendee_is_known_and_sees_the_sandbox_organization(app_clients):
    me = app_clients.get_profile_client().get_profile("me")
    assert me.additional_properties["displayName"] == "Ada Attendee"
    assert me.additional_properties["publicAlias"] == me.id
    accounts = app_clients.get_accounts_client().get_accounts(member_id=me.id)
    assert [a.account_name for a in accounts] == ["college-sandbox"]
    assert (
        app_clients.get_accounts_client().get_accounts(
            member_id="00000000-0000-0000-0000-000000000000"
        )
        == []
    )


def test_connection_data_names_the_user_and_the_organization(org, sandbox):
    data = org.get_location_client().get_connection_data()
    account = sandbox.sandbox.org("college-sandbox")
    assert data.instance_id == account["accountId"]
    assert data.authenticated_user.provider_display_name == "Ada Attendee"


def test_the_four_system_processes_have_their_real_ids(org):
    processes = {p.name: p for p in org.get_core_client().get_processes()}
    assert processes["Agile"].id == AGILE
    assert processes["Basic"].is_default is True
    assert processes["Scrum"].id == "6b724908-ef14-45cf-84f8-768b5384da45"
    assert processes["CMMI"].id == "27450541-8e31-4150-9947-dc59f998fc01"


def test_creating_college_queues_an_operation_that_really_progresses(start_sandbox):
    clock = HeldClock()
    clock.hold()  # the operation moves only when the test moves the clock
    server = start_sandbox(clock=clock, project_create_seconds=4.0)
    org = connect(server.info.org_url, server.info.pat).clients_v7_1
    core = org.get_core_client()
    op = core.queue_create_project(college())
    assert op.status == "notSet"
    # Before the operation succeeds, the project does not exist yet.
    assert [p.name for p in core.get_projects()] == []
    statuses = poll_operation(org, op.id, clock=clock, step=0.5)
    assert statuses == ["notSet", "inProgress", "succeeded"]

    project = core.get_project("College", include_capabilities=True)
    assert project.capabilities["processTemplate"]["templateName"] == "Agile"
    assert project.state == "wellFormed"
    # Side effects the later steps rely on: the default team and a repo named like the project.
    assert project.default_team.name == "College Team"
    assert [t.name for t in core.get_teams(project.id)] == ["College Team"]
    repos = org.get_git_client().get_repositories("College")
    assert [r.name for r in repos] == ["College"]


def test_a_duplicate_or_invalid_project_name_is_refused_like_the_service(org):
    core = org.get_core_client()
    poll_operation(org, core.queue_create_project(college()).id)
    with pytest.raises(AzureDevOpsServiceError) as dup:
        core.queue_create_project(college("college"))
    assert dup.value.type_key == "ProjectAlreadyExistsException"
    assert "TF200019" in dup.value.message
    for bad in ("Web", "a/b", "_hidden", "x" * 65, "trailing."):
        with pytest.raises(AzureDevOpsServiceError) as err:
            core.queue_create_project(college(bad))
        assert err.value.type_key == "InvalidProjectNameException", bad


def test_a_project_name_already_queued_is_refused_before_it_exists(org):
    core = org.get_core_client()
    core.queue_create_project(college())
    with pytest.raises(AzureDevOpsServiceError) as err:
        core.queue_create_project(college())
    assert err.value.type_key == "ProjectAlreadyExistsException"


def test_teams_can_be_created_once_and_found_by_name(org):
    core = org.get_core_client()
    poll_operation(org, core.queue_create_project(college()).id)
    created = core.create_team(
        WebApiTeam(name="Instructors", description="Who runs the day"), "College"
    )
    assert created.project_name == "College"
    assert core.get_team("College", "instructors").id == created.id
    with pytest.raises(AzureDevOpsServiceError) as err:
        core.create_team(WebApiTeam(name="Instructors"), "College")
    assert "already exists" in err.value.message
    with pytest.raises(AzureDevOpsServiceError) as err:
        core.get_team("College", "Nobody")
    assert err.value.type_key == "TeamNotFoundException"


def test_an_unknown_project_is_404_with_the_services_type_key(org):
    with pytest.raises(AzureDevOpsServiceError) as err:
        org.get_core_client().get_project("Nowhere")
    assert err.value.type_key == "ProjectDoesNotExistWithNameException"


def test_a_wrong_pat_gets_401_json_from_the_sdk_and_203_html_from_a_browser(sandbox):
    bad = connect(sandbox.info.org_url, "not-the-pat").clients_v7_1.get_core_client()
    with pytest.raises(AzureDevOpsServiceError) as err:
        bad.get_projects()
    assert err.value.type_key == "UnauthorizedRequestException"
    assert "TF400813" in err.value.message

    url = f"{sandbox.info.org_url}/_apis/projects?api-version=7.1"
    suppressed = requests.get(
        url, auth=("", "wrong"), headers={"X-TFS-FedAuthRedirect": "Suppress"}, timeout=5
    )
    assert suppressed.status_code == 401
    assert suppressed.json()["typeKey"] == "UnauthorizedRequestException"
    page = requests.get(url, auth=("", "wrong"), timeout=5, allow_redirects=False)
    assert page.status_code == 203
    assert page.headers["content-type"].startswith("text/html")
    missing = requests.get(url, timeout=5, headers={"X-TFS-FedAuthRedirect": "Suppress"})
    assert missing.status_code == 401


def test_routes_ignore_case_and_answer_the_api_version_in_query_or_accept(sandbox):
    auth = ("", sandbox.info.pat)
    base = sandbox.info.org_url
    one = requests.get(f"{base}/_APIS/Process/Processes?api-version=7.1", auth=auth, timeout=5)
    two = requests.get(
        f"{base}/_apis/process/processes",
        auth=auth,
        timeout=5,
        headers={"Accept": "application/json;api-version=7.1-preview.1"},
    )
    assert one.status_code == two.status_code == 200
    assert one.json()["count"] == 4 == len(two.json()["value"])


def test_an_unknown_organization_is_not_found(sandbox):
    r = requests.get(
        f"{sandbox.info.base_url}/nobody-here/_apis/projects",
        timeout=5,
        auth=("", sandbox.info.pat),
        headers={"X-TFS-FedAuthRedirect": "Suppress"},
    )
    assert r.status_code == 404


def test_state_survives_a_restart(start_sandbox, tmp_path):
    first = start_sandbox(tmp_path / "data")
    clients = connect(first.info.org_url, first.info.pat).clients_v7_1
    poll_operation(clients, clients.get_core_client().queue_create_project(college()).id)
    pat = first.info.pat
    first.stop()

    second = start_sandbox(tmp_path / "data")
    assert second.info.pat == pat
    again = connect(second.info.org_url, pat).clients_v7_1.get_core_client()
    assert again.get_project("College").default_team.name == "College Team"


def test_a_project_queued_before_a_restart_is_still_created(start_sandbox, tmp_path):
    first = start_sandbox(tmp_path / "data", project_create_seconds=0.3)
    clients = connect(first.info.org_url, first.info.pat).clients_v7_1
    op = clients.get_core_client().queue_create_project(college())
    first.stop()
    second = start_sandbox(tmp_path / "data", project_create_seconds=0.3)
    clients = connect(second.info.org_url, second.info.pat).clients_v7_1
    assert poll_operation(clients, op.id)[-1] == "succeeded"
    assert len(clients.get_core_client().get_projects()) == 1


def test_request_counts_are_readable_for_benchmarks(sandbox, org):
    org.get_core_client().get_processes()
    stats = requests.get(f"{sandbox.info.base_url}/_sandbox/stats", timeout=5).json()
    routes = {(r["method"], r["route"]): r["count"] for r in stats["requests"]}
    assert routes[("GET", "dev:_apis/process/processes")] == 1
    # The SDK's discovery (OPTIONS, ResourceAreas) may come from its disk cache when an earlier
    # sandbox of this worker had the same port: count what was asked, whatever it was.
    assert stats["total"] == sum(routes.values()) >= 1


def test_an_api_version_newer_than_the_service_is_refused(sandbox):
    r = requests.get(
        f"{sandbox.info.org_url}/_apis/process/processes?api-version=9.0",
        auth=("", sandbox.info.pat),
        timeout=5,
    )
    assert r.status_code == 400
    assert r.json()["typeKey"] == "VssVersionOutOfRangeException"
    assert "7.2" in r.json()["message"]

"""Lists longer than one page are read to their end, page by page, as the service pages them."""

from __future__ import annotations

from tests.conftest import connect as sdk_connection

from .conftest import create_project


def test_teams_beyond_the_first_page_are_all_listed(sandbox, azdo, recorder):
    project = create_project(azdo)
    for i in range(120):  # with "College Team": 121, two pages of 100
        azdo.create_team(project.id, f"Group {i:03d}", "")
    core = sdk_connection(sandbox.info.org_url, sandbox.info.pat).clients_v7_1.get_core_client()
    assert len(core.get_teams(project.id)) == 100  # the service's page: $top defaults to 100

    recorder.events.clear()
    names = {t.name for t in azdo.teams(project.id)}
    assert len(names) == 121 and {"College Team", "Group 119"} <= names
    pages = [
        c for c in recorder.calls() if c.method == "GET" and c.path.split("?")[0].endswith("/teams")
    ]
    assert len(pages) == 2


def test_pull_requests_beyond_the_first_page_are_all_listed(sandbox, azdo, recorder):
    from azure.devops.v7_1.git.models import GitRefUpdate

    from .test_repositories import import_course

    project = create_project(azdo)
    repo = import_course(azdo, project)
    main = next(r for r in azdo.refs(project.name, repo.id) if r.name == "refs/heads/main")
    git = sdk_connection(sandbox.info.org_url, sandbox.info.pat).clients_v7_1.get_git_client()
    branches = [f"refs/heads/topic/{i:03d}" for i in range(105)]
    zero = "0" * 40
    updates = [
        GitRefUpdate(name=b, old_object_id=zero, new_object_id=main.object_id) for b in branches
    ]
    git.update_refs(updates, repo.id, project.name)
    for branch in branches:
        azdo.create_pull_request(project.name, repo.id, branch, "main", branch[-3:], "")

    recorder.events.clear()
    found = azdo.pull_requests(project.name, repo.id, status="all")
    assert sorted(p.source_ref for p in found) == branches
    pages = [c for c in recorder.calls() if "pullRequests" in c.path.split("?")[0]]
    assert len(pages) == 2

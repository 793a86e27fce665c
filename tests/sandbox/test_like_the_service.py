"""Where Microsoft's own clients (Azure CLI + azure-devops extension, azure-devops-node-api) found
the sandbox unlike the service (issue 17), each checked over plain HTTP as those clients send it."""

from __future__ import annotations

import pytest
import requests

from tests.sandbox.helpers import create_project, wait_for


def _get(sandbox, url: str, method: str = "GET", **kwargs) -> requests.Response:
    return requests.request(method, url, auth=("", sandbox.info.pat), timeout=10, **kwargs)


def _vssps(sandbox) -> str:
    return f"{sandbox.info.base_url}/vssps/{sandbox.info.org}"


@pytest.mark.parametrize(
    ("host", "area", "resource"),
    [
        ("dev", "git", "pullRequests"),
        ("dev", "core", "projects"),
        ("dev", "Location", "ConnectionData"),
        ("dev", "operations", "operations"),
        ("dev", "Contribution", "HierarchyQuery"),
        ("vssps", "Graph", "Memberships"),
        ("vssps", "IMS", "Identities"),
    ],
)
def test_locations_are_discovered_per_area(sandbox, host, area, resource):
    """`OPTIONS {org}/_apis/{area}`: that area's locations only (the Node client asks so)."""
    url = sandbox.info.org_url if host == "dev" else _vssps(sandbox)
    answer = _get(sandbox, f"{url}/_apis/{area}", "OPTIONS")
    assert answer.status_code == 200, answer.text
    entries = answer.json()["value"]
    assert {e["area"].lower() for e in entries} == {area.lower()}
    assert resource in {e["resourceName"] for e in entries}


def test_an_organisations_resource_areas_have_no_profile_but_the_profile_hosts_do(sandbox):
    profile = "8ccfef3d-2b87-4e99-8ccb-66e343d2daa8"
    org_areas = _get(sandbox, f"{sandbox.info.org_url}/_apis/ResourceAreas").json()["value"]
    assert profile not in {a["id"] for a in org_areas}
    assert "4e080c62-fa21-4fbc-8fef-2a10a2b38049" in {a["id"] for a in org_areas}  # git
    app_areas = _get(sandbox, f"{sandbox.info.profile_url}/_apis/ResourceAreas").json()["value"]
    assert profile in {a["id"] for a in app_areas}


def test_the_engines_profile_client_still_finds_the_profile_area(app_clients, sandbox):
    """The wizard opens its profile client on the target's profile URL: it needs no org area."""
    me = app_clients.get_profile_client().get_profile("me")
    assert me.id == sandbox.sandbox.user["id"]


def test_pull_request_status_as_a_number_filters_like_its_name(sandbox, org):
    from azure.devops.v7_1.git.models import GitPullRequest, GitRefUpdate

    from tests.sandbox.helpers import import_course

    project = create_project(org)
    repo, _final = import_course(org, project)
    git = org.get_git_client()
    main = next(r for r in git.get_refs(repo.id, project.name) if r.name == "refs/heads/main")
    git.update_refs(
        [GitRefUpdate(name="refs/heads/b", old_object_id="0" * 40, new_object_id=main.object_id)],
        repo.id,
        project.name,
    )
    git.create_pull_request(
        GitPullRequest(
            source_ref_name="refs/heads/b", target_ref_name="refs/heads/main", title="t"
        ),
        repo.id,
        project.name,
    )
    url = f"{sandbox.info.org_url}/{project.name}/_apis/git/repositories/{repo.id}/pullRequests"
    for status, count in (("1", 1), ("active", 1), ("3", 0), ("4", 1)):
        found = _get(sandbox, url, params={"searchCriteria.status": status, "api-version": "7.1"})
        assert found.json()["count"] == count, status


def test_project_visibility_and_state_as_numbers(sandbox, org):
    process = next(p.id for p in org.get_core_client().get_processes() if p.name == "Agile")
    body = {
        "name": "Public",
        "visibility": 2,  # ProjectVisibility.Public, as the Node client sends it
        "capabilities": {
            "versioncontrol": {"sourceControlType": "Git"},
            "processTemplate": {"templateTypeId": process},
        },
    }
    queued = _get(sandbox, f"{sandbox.info.org_url}/_apis/projects", "POST", json=body)
    assert queued.status_code == 202, queued.text
    projects = f"{sandbox.info.org_url}/_apis/projects"
    wait_for(lambda: _get(sandbox, projects).json()["count"] == 1)
    [project] = _get(sandbox, projects, params={"stateFilter": "1"}).json()["value"]
    assert project["visibility"] == "public"
    assert _get(sandbox, projects, params={"stateFilter": "2"}).json()["count"] == 0


def test_a_pull_requests_commits_are_registered_and_served(sandbox, org):
    """`az repos pr create` without --title reads the PR's commits and the commit, then sets the
    title from the commit's message (PATCH)."""
    from azure.devops.v7_1.git.models import GitPullRequest

    from college_tui.sandbox import repos
    from tests.sandbox.helpers import import_course

    options = _get(sandbox, f"{sandbox.info.org_url}/_apis", "OPTIONS").json()["value"]
    assert "52823034-34a8-4576-922c-8d8b77e9e4c4" in {e["id"] for e in options}
    project = create_project(org)
    repo, _final = import_course(org, project)
    git = org.get_git_client()
    main = next(r for r in git.get_refs(repo.id, project.name) if r.name == "refs/heads/main")
    parent = git.get_commit(main.object_id, repo.id, project.name)
    assert parent.commit_id == main.object_id and parent.comment
    # A commit on a branch, as a push would leave it (the sandbox takes pushes over git only).
    bare = repos.repo_path(sandbox.sandbox, sandbox.sandbox.store.get("repo", repo.id))
    message = "Add hello\n\nSays hello to the college.\n"
    who = {"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@college.example"}
    who |= {"GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@college.example"}
    oid = repos.git(
        bare, "commit-tree", "main^{tree}", "-p", "main", "-m", message, env=who
    ).strip()
    repos.git(bare, "update-ref", "refs/heads/ada", oid)
    pr = git.create_pull_request(
        GitPullRequest(source_ref_name="refs/heads/ada", target_ref_name="refs/heads/main"),
        repo.id,
        project.name,
    )
    commits = git.get_pull_request_commits(repo.id, pr.pull_request_id, project.name)
    assert [(c.commit_id, c.comment) for c in commits] == [
        (oid, "Add hello\n\nSays hello to the college.")
    ]
    changed = git.update_pull_request(
        GitPullRequest(title="Add hello", description="Says hello to the college."),
        repo.id,
        pr.pull_request_id,
        project.name,
    )
    assert (changed.title, changed.description) == ("Add hello", "Says hello to the college.")


def test_an_identity_is_found_by_its_address(sandbox, org):
    """`az devops user show --user EMAIL` and `security group membership add --member-id EMAIL`
    search `_apis/Identities?searchFilter=General` (recorded: 200 with the user)."""
    from tests.sandbox.test_identity_endpoints import invitation

    added = org.get_member_entitlement_management_client().add_user_entitlement(
        invitation("grace@college.example")
    )
    url = f"{_vssps(sandbox)}/_apis/Identities"
    found = _get(
        sandbox, url, params={"searchFilter": "General", "filterValue": "Grace@college.example"}
    )
    assert found.status_code == 200, found.text
    [identity] = found.json()["value"]
    assert identity["id"] == added.user_entitlement.id
    assert identity["subjectDescriptor"] == added.user_entitlement.user.descriptor
    nobody = _get(
        sandbox, url, params={"searchFilter": "General", "filterValue": "no@college.example"}
    )
    assert nobody.json()["count"] == 0


def test_a_new_projects_security_groups_are_listed_beside_its_teams(org):
    project = create_project(org)
    graph = org.get_graph_client()
    scope = graph.get_descriptor(project.id).value
    names = {g.display_name for g in graph.list_groups(scope_descriptor=scope).graph_groups}
    assert names == {
        "College Team",
        "Readers",
        "Contributors",
        "Project Administrators",
        "Build Administrators",
        "Project Valid Users",
    }
    assert [t.name for t in org.get_core_client().get_teams(project.id)] == ["College Team"]


def test_a_duplicate_project_is_refused_with_400(sandbox, org):
    """Issue 16 §7: the status code of a duplicate project is the service's 400 (ProjectAlreadyExists)."""
    create_project(org)
    process = next(p.id for p in org.get_core_client().get_processes() if p.name == "Agile")
    body = {
        "name": "college",
        "capabilities": {
            "versioncontrol": {"sourceControlType": "Git"},
            "processTemplate": {"templateTypeId": process},
        },
    }
    again = _get(sandbox, f"{sandbox.info.org_url}/_apis/projects", "POST", json=body)
    assert again.status_code == 400
    assert again.json()["typeKey"] == "ProjectAlreadyExistsException"

"""The repository: create, import the course, branches and pull requests."""

from __future__ import annotations

import pytest

from college_tui.azdo.errors import AzdoError

from .conftest import create_project, wait_for

COURSE_URL = "https://github.com/aidevcollege/aidevcollege"


def import_course(azdo, project):
    repo = azdo.create_repository(project.id, "aidevcollege")
    request = azdo.create_import(project.name, repo.id, COURSE_URL)
    done = wait_for(lambda: (r := azdo.get_import(project.name, repo.id, request.id)).done and r)
    assert done.status == "completed", done.error
    return azdo.get_repository(project.name, repo.id)


def make_branch(sandbox, project, repo, name: str, object_id: str) -> None:
    from azure.devops.v7_1.git.models import GitRefUpdate

    from tests.conftest import connect

    git = connect(sandbox.info.org_url, sandbox.info.pat).clients_v7_1.get_git_client()
    git.update_refs(
        [GitRefUpdate(name=f"refs/heads/{name}", old_object_id="0" * 40, new_object_id=object_id)],
        repo.id,
        project.name,
    )


def test_the_project_repository_exists_empty(sandbox, azdo):
    project = create_project(azdo)
    repos = azdo.repositories(project.name)
    assert [r.name for r in repos] == ["College"]
    college = repos[0]
    assert college.default_branch is None
    assert college.ssh_url.endswith("/College/College")
    assert azdo.get_repository(project.name, "College") == college
    assert azdo.get_repository(project.name, "missing") is None


def test_a_repository_is_created_and_the_course_imported(azdo):
    project = create_project(azdo)

    repo = import_course(azdo, project)

    assert repo.name == "aidevcollege"
    assert repo.default_branch == "refs/heads/main"
    assert repo.size > 0
    assert [r.status for r in azdo.import_requests(project.name, repo.id)] == ["completed"]
    refs = azdo.refs(project.name, repo.id)
    assert "refs/heads/main" in {r.name for r in refs}
    with pytest.raises(AzdoError) as failure:
        azdo.create_repository(project.id, "aidevcollege")
    assert failure.value.status == 409


def test_an_import_from_an_unreachable_source_fails_with_a_reason(azdo):
    project = create_project(azdo)
    repo = azdo.create_repository(project.id, "elsewhere")
    request = azdo.create_import(project.name, repo.id, "https://example.invalid/nothing.git")
    done = wait_for(lambda: (r := azdo.get_import(project.name, repo.id, request.id)).done and r)
    assert done.status == "failed"
    assert done.error


def test_a_pull_request_is_opened_found_and_linked(sandbox, azdo):
    project = create_project(azdo)
    repo = import_course(azdo, project)
    main = next(r for r in azdo.refs(project.name, repo.id) if r.name == "refs/heads/main")
    make_branch(sandbox, project, repo, "feature/notes", main.object_id)

    pr = azdo.create_pull_request(
        project.name, repo.id, "feature/notes", "main", "Add notes", "My first pull request."
    )

    assert (pr.status, pr.source_ref, pr.target_ref) == (
        "active",
        "refs/heads/feature/notes",
        "refs/heads/main",
    )
    assert pr.web_url == f"{repo.web_url}/pullrequest/{pr.id}"
    found = azdo.pull_requests(project.name, repo.id, "refs/heads/feature/notes", "main")
    assert [p.id for p in found] == [pr.id]
    assert azdo.pull_requests(project.name, repo.id, "refs/heads/other", "main") == []

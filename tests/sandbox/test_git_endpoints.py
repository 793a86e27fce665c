"""Stories of Azure Repos in the sandbox, told through the official SDK's git client.

An attendee's project "College" comes with a repository "College"; they add "aidevcollege",
import the course into it, branch, and open pull requests. What they see must match the real
service: shapes, status codes, error messages, and git content that real git can clone.
"""

from __future__ import annotations

import pytest
from azure.devops.exceptions import AzureDevOpsServiceError
from azure.devops.v7_1.git.models import (
    GitPullRequest,
    GitRefUpdate,
    GitRepositoryCreateOptions,
)

from college_tui.sandbox import courserepo, repos
from tests.conftest import connect

from .helpers import (
    COURSE_URL,
    ZERO,
    bare_repo,
    create_project,
    git,
    import_course,
    push_commit,
    start_import,
    wait_for,
    wait_for_import,
)


def test_a_new_project_has_its_repository_and_takes_a_second_one(server, clients, college):
    git_client = clients.get_git_client()
    [college_repo] = git_client.get_repositories("College")
    assert college_repo.name == "College"
    assert college_repo.default_branch is None  # no commits yet
    assert college_repo.size == 0

    repo = git_client.create_repository(GitRepositoryCreateOptions(name="aidevcollege"), "College")

    assert repo.project.id == college.id
    assert repo.ssh_url == f"git@ssh.dev.azure.com:v3/{server.info.org}/College/aidevcollege"
    assert repo.web_url == f"{server.info.org_url}/College/_git/aidevcollege"
    # The service's clone URL names the organisation as the user (https://org@dev.azure.com/...).
    assert repo.remote_url == repo.web_url.replace("://", f"://{server.info.org}@")
    assert repo.url == f"{server.info.org_url}/{college.id}/_apis/git/repositories/{repo.id}"
    assert repo.is_disabled is False
    assert sorted(r.name for r in git_client.get_repositories("College")) == [
        "College",
        "aidevcollege",
    ]
    by_name = git_client.get_repository("AIDEVCOLLEGE", "College")
    assert by_name.id == repo.id
    assert by_name._links.additional_properties["ssh"]["href"] == repo.ssh_url
    assert git_client.get_repository(repo.id).name == "aidevcollege"  # org-level route by id


def test_repository_names_are_unique_and_checked(clients, college):
    git_client = clients.get_git_client()
    git_client.create_repository(GitRepositoryCreateOptions(name="aidevcollege"), "College")

    with pytest.raises(AzureDevOpsServiceError) as taken:
        git_client.create_repository(GitRepositoryCreateOptions(name="AIDevCollege"), "College")
    assert taken.value.type_key == "GitRepositoryNameAlreadyExistsException"
    assert taken.value.message == (
        "TF400948: A Git repository with the name AIDevCollege already exists."
    )

    for bad in ("bad/name", "_hidden", "trailing."):
        with pytest.raises(AzureDevOpsServiceError) as invalid:
            git_client.create_repository(GitRepositoryCreateOptions(name=bad), "College")
        assert invalid.value.type_key == "InvalidGitRepositoryNameException"
        assert invalid.value.message.startswith(f"TF401025: '{bad}' is not a valid name")

    with pytest.raises(AzureDevOpsServiceError) as missing:
        git_client.get_repository("nowhere", "College")
    assert missing.value.type_key == "GitRepositoryNotFoundException"
    assert missing.value.message.startswith("TF401019:")


def test_a_deleted_repository_keeps_its_name_until_purged(clients, college):
    git_client = clients.get_git_client()
    repo = git_client.create_repository(GitRepositoryCreateOptions(name="scratch"), "College")

    git_client.delete_repository(repo.id, "College")

    assert [r.name for r in git_client.get_repositories("College")] == ["College"]
    assert [r.name for r in git_client.get_recycle_bin_repositories("College")] == ["scratch"]
    with pytest.raises(AzureDevOpsServiceError) as reserved:
        git_client.create_repository(GitRepositoryCreateOptions(name="scratch"), "College")
    assert reserved.value.type_key == "GitRepositoryNameAlreadyExistsException"
    git_client.delete_repository_from_recycle_bin("College", repo.id)
    again = git_client.create_repository(GitRepositoryCreateOptions(name="scratch"), "College")
    assert again.id != repo.id


def test_importing_the_course_fills_the_repository_with_the_bundled_files(
    server, clients, college, clock, tmp_path
):
    clock.hold()  # the import moves a tenth of its time per look: every step is seen
    git_client = clients.get_git_client()
    repo = git_client.create_repository(GitRepositoryCreateOptions(name="aidevcollege"), "College")

    queued = start_import(clients, college, repo.id, url=COURSE_URL + ".git")
    assert (queued.status, queued.detailed_status.current_step) == ("queued", 1)
    assert queued.detailed_status.all_steps[-1] == "Import completed successfully"
    assert queued.repository.id == repo.id
    seen = []

    def progress():
        clock.advance(0.03)
        request = git_client.get_import_request("College", repo.id, queued.import_request_id)
        state = (request.status, request.detailed_status.current_step)
        if not seen or seen[-1] != state:
            seen.append(state)
        return request.status == "completed"

    wait_for(progress, interval=0.01)
    assert seen[-1] == ("completed", 6)
    assert seen[0] == ("queued", 1) and ("inProgress", 1) in seen
    steps = [step for _, step in seen]
    assert steps == sorted(steps)  # the steps only move forward

    imported = git_client.get_repository(repo.id, "College")
    assert imported.default_branch == "refs/heads/main"
    assert imported.size > 0
    [main] = git_client.get_refs(repo.id, "College", filter="heads/")
    assert main.name == "refs/heads/main"
    assert main.creator.display_name == server.sandbox.user["displayName"]

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(bare_repo(server, repo)), str(clone))
    cloned = sorted(
        p.relative_to(clone).as_posix()
        for p in clone.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(clone).parts[:1]
    )
    bundled = courserepo.course_files()
    assert cloned == [rel for rel, _ in bundled]
    for rel, source in bundled:
        assert (clone / rel).read_bytes() == source.read_bytes(), rel
    assert "MLOps on Azure" in (clone / "README.md").read_text()
    assert git(clone, "log", "--format=%an <%ae> %aI", "-1").strip() == (
        "AI Developer College <college@aidevcollege.example> 2024-03-04T09:00:00+00:00"
    )
    assert git(clone, "rev-parse", "HEAD").strip() == main.object_id


def test_the_course_commit_is_the_same_in_every_sandbox(start_sandbox, server, clients, college):
    _, first = import_course(clients, college)
    other = start_sandbox(import_seconds=0.1, project_create_seconds=0.1)
    other_clients = connect(other.info.org_url, other.info.pat).clients_v7_1
    _, second = import_course(other_clients, create_project(other_clients))
    main_of = [
        c.get_git_client().get_refs(r.repository.id, "College", filter="heads/main")[0]
        for c, r in ((clients, first), (other_clients, second))
    ]
    assert main_of[0].object_id == main_of[1].object_id


def test_an_unreachable_source_fails_like_the_service(clients, college):
    git_client = clients.get_git_client()
    repo = git_client.create_repository(GitRepositoryCreateOptions(name="elsewhere"), "College")

    queued = start_import(clients, college, repo.id, url="https://github.com/someone/private.git")
    final = wait_for_import(clients, college, repo.id, queued.import_request_id)

    assert final.status == "failed"
    assert "Clone URL requires authorization" in final.detailed_status.error_message
    assert git_client.get_refs(repo.id, "College") == []
    assert git_client.get_repository(repo.id, "College").default_branch is None
    listed = git_client.query_import_requests("College", repo.id)
    assert [(r.import_request_id, r.status) for r in listed] == [
        (queued.import_request_id, "failed")
    ]


def test_one_import_at_a_time_and_only_into_an_empty_repository(clients, college):
    git_client = clients.get_git_client()
    repo = git_client.create_repository(GitRepositoryCreateOptions(name="aidevcollege"), "College")
    queued = start_import(clients, college, repo.id)

    with pytest.raises(AzureDevOpsServiceError) as running:
        start_import(clients, college, repo.id)
    assert running.value.type_key == "GitAsyncOperationAlreadyExistsException"

    assert (
        wait_for_import(clients, college, repo.id, queued.import_request_id).status == "completed"
    )
    with pytest.raises(AzureDevOpsServiceError) as full:
        start_import(clients, college, repo.id)
    assert full.value.type_key == "GitImportForbiddenOnNonEmptyRepository"


def test_branches_are_created_updated_and_deleted_through_refs(server, clients, college, tmp_path):
    repo, _ = import_course(clients, college)
    git_client = clients.get_git_client()
    [main] = git_client.get_refs(repo.id, "College", filter="heads/main")

    [created] = git_client.update_refs(
        [
            GitRefUpdate(
                name="refs/heads/feature/readme", old_object_id=ZERO, new_object_id=main.object_id
            )
        ],
        repo.id,
        "College",
    )
    assert (created.update_status, created.success) == ("succeeded", True)
    heads = git_client.get_refs(repo.id, "College", filter="heads/")
    assert [r.name for r in heads] == ["refs/heads/feature/readme", "refs/heads/main"]
    assert [
        r.name
        for r in git_client.get_refs(repo.id, "College", filter="heads/", filter_contains="READ")
    ] == ["refs/heads/feature/readme"]

    # A push straight into git (as the SSH server will take it) shows at once.
    pushed = push_commit(
        server, repo, tmp_path, "feature/readme", "NOTES.md", "notes\n", base="feature/readme"
    )
    [feature] = git_client.get_refs(repo.id, "College", filter="heads/feature/")
    assert feature.object_id == pushed

    [stale] = git_client.update_refs(
        [
            GitRefUpdate(
                name="refs/heads/feature/readme",
                old_object_id=main.object_id,
                new_object_id=main.object_id,
            )
        ],
        repo.id,
        "College",
    )
    assert (stale.update_status, stale.success) == ("staleOldObjectId", False)
    [deleted] = git_client.update_refs(
        [GitRefUpdate(name="refs/heads/feature/readme", old_object_id=pushed, new_object_id=ZERO)],
        repo.id,
        "College",
    )
    assert deleted.success is True
    assert [r.name for r in git_client.get_refs(repo.id, "College", filter="heads/")] == [
        "refs/heads/main"
    ]
    assert git(bare_repo(server, repo), "for-each-ref", "refs/heads/").count("\n") == 1


def test_ssh_paths_name_repositories_like_the_service(server, clients):
    project = create_project(clients, name="Data Science")
    git_client = clients.get_git_client()
    repo = git_client.create_repository(
        GitRepositoryCreateOptions(name="ML Models"), "Data Science"
    )

    org = server.info.org
    assert repo.ssh_url == f"git@ssh.dev.azure.com:v3/{org}/Data%20Science/ML%20Models"
    path = repo.ssh_url.split(":", 1)[1]
    assert path == repos.ssh_path(org, "Data Science", "ML Models")
    sandbox = server.sandbox
    for spelling in (
        path,
        f"'/{path}'",
        f"v3/{org.upper()}/data science/ml%20models",
        f"v3/{org}/{project.id}/{repo.id}",
    ):
        assert repos.resolve_ssh_path(sandbox, spelling)["id"] == repo.id, spelling
    for wrong in (
        f"v3/{org}/Data%20Science/nope",
        "v3/other-org/Data%20Science/ML%20Models",
        "v2/x/y/z",
        f"v3/{org}/Data%20Science",
    ):
        assert repos.resolve_ssh_path(sandbox, wrong) is None, wrong


def test_repositories_refs_and_pull_requests_survive_a_restart(start_sandbox, tmp_path):
    data = tmp_path / "sandbox-data"
    first = start_sandbox(data_dir=data, project_create_seconds=0.2, import_seconds=0.2)
    clients = connect(first.info.org_url, first.info.pat).clients_v7_1
    college = create_project(clients)
    repo, _ = import_course(clients, college)
    git_client = clients.get_git_client()
    [main] = git_client.get_refs(repo.id, "College", filter="heads/main")
    git_client.update_refs(
        [GitRefUpdate(name="refs/heads/feature", old_object_id=ZERO, new_object_id=main.object_id)],
        repo.id,
        "College",
    )
    pr = git_client.create_pull_request(
        GitPullRequest(
            source_ref_name="refs/heads/feature", target_ref_name="refs/heads/main", title="Kept"
        ),
        repo.id,
        "College",
    )
    first.stop()

    second = start_sandbox(data_dir=data, project_create_seconds=0.2, import_seconds=0.2)
    git_client = connect(second.info.org_url, second.info.pat).clients_v7_1.get_git_client()
    assert sorted(r.name for r in git_client.get_repositories("College")) == [
        "College",
        "aidevcollege",
    ]
    assert [r.name for r in git_client.get_refs(repo.id, "College", filter="heads/")] == [
        "refs/heads/feature",
        "refs/heads/main",
    ]
    kept = git_client.get_pull_request_by_id(pr.pull_request_id)
    assert (kept.title, kept.status) == ("Kept", "active")
    assert kept.repository.web_url.startswith(second.info.org_url)
    git_client.update_refs(
        [GitRefUpdate(name="refs/heads/next", old_object_id=ZERO, new_object_id=main.object_id)],
        repo.id,
        "College",
    )
    after = git_client.create_pull_request(
        GitPullRequest(
            source_ref_name="refs/heads/next", target_ref_name="refs/heads/main", title="Later"
        ),
        repo.id,
        "College",
    )
    assert after.pull_request_id == pr.pull_request_id + 1  # numbering carries on


@pytest.mark.parametrize(
    "url, served",
    [
        ("https://github.com/aidevcollege/aidevcollege", True),
        ("https://github.com/aidevcollege/aidevcollege.git", True),
        ("HTTPS://GitHub.com/AIDevCollege/AIDevCollege/", True),
        ("http://github.com/aidevcollege/aidevcollege.git/", True),
        ("https://github.com/aidevcollege/aidevcollege/day1/MLOps/MLOps", False),  # a web page
        ("https://gitlab.com/aidevcollege/aidevcollege", False),
        ("git@github.com:aidevcollege/aidevcollege.git", False),
    ],
)
def test_the_course_is_served_for_its_github_url_in_its_usual_spellings(url, served):
    assert courserepo.is_course_url(url) is served

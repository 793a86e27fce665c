"""Pull requests in the sandbox, told through the official SDK's git client: opened, found and
refused like the service; following pushes and reporting conflicts (the stories' fixtures are
test_git_endpoints.py's)."""

from __future__ import annotations

import pytest
from azure.devops.exceptions import AzureDevOpsServiceError
from azure.devops.v7_1.git.models import (
    GitPullRequest,
    GitPullRequestSearchCriteria,
)

from .helpers import (
    import_course,
    push_commit,
)


def test_pull_requests_are_opened_found_and_refused_like_the_service(
    server, clients, college, tmp_path
):
    repo, _ = import_course(clients, college)
    git_client = clients.get_git_client()
    head = push_commit(server, repo, tmp_path, "feature/data", "data/README.md", "The data.\n")
    [main] = git_client.get_refs(repo.id, "College", filter="heads/main")

    pr = git_client.create_pull_request(
        GitPullRequest(
            source_ref_name="refs/heads/feature/data",
            target_ref_name="refs/heads/main",
            title="Describe the data set",
            description="Adds data/README.md",
        ),
        repo.id,
        "College",
    )

    assert pr.status == "active"
    assert pr.merge_status == "queued"  # as the service answers a fresh pull request
    assert pr.code_review_id == pr.pull_request_id
    assert pr.created_by.unique_name == server.sandbox.user["email"]
    assert pr.last_merge_source_commit.commit_id == head
    assert pr.last_merge_target_commit.commit_id == main.object_id
    assert pr.reviewers == [] and pr.labels == [] and pr.is_draft is False
    assert pr.artifact_id.endswith(f"%2f{repo.id}%2f{pr.pull_request_id}")

    by_id = git_client.get_pull_request_by_id(pr.pull_request_id)  # org-level route
    assert by_id.merge_status == "succeeded"
    assert by_id.last_merge_commit.comment == (
        f"Merge pull request {pr.pull_request_id} from feature/data into main"
    )
    assert (
        git_client.get_pull_request_by_id(pr.pull_request_id, "College").title
        == "Describe the data set"
    )
    assert (
        git_client.get_pull_request(repo.id, pr.pull_request_id, "College").description
        == "Adds data/README.md"
    )

    search = GitPullRequestSearchCriteria(
        source_ref_name="refs/heads/feature/data",
        target_ref_name="refs/heads/main",
        status="active",
    )
    assert [
        p.pull_request_id for p in git_client.get_pull_requests(repo.id, search, "College")
    ] == [pr.pull_request_id]
    nothing = GitPullRequestSearchCriteria(source_ref_name="refs/heads/other")
    assert git_client.get_pull_requests(repo.id, nothing, "College") == []
    assert (
        len(git_client.get_pull_requests_by_project("College", GitPullRequestSearchCriteria())) == 1
    )

    with pytest.raises(AzureDevOpsServiceError) as duplicate:
        git_client.create_pull_request(
            GitPullRequest(
                source_ref_name="refs/heads/feature/data",
                target_ref_name="refs/heads/main",
                title="Again",
            ),
            repo.id,
            "College",
        )
    assert duplicate.value.type_key == "GitPullRequestExistsException"
    assert duplicate.value.message == (
        "TF401179: An active pull request for the source and target branch already exists."
    )

    with pytest.raises(AzureDevOpsServiceError) as missing:
        git_client.create_pull_request(
            GitPullRequest(
                source_ref_name="refs/heads/never-pushed",
                target_ref_name="refs/heads/main",
                title="Nothing",
            ),
            repo.id,
            "College",
        )
    assert missing.value.type_key == "GitPullRequestCannotBeActivated"
    assert missing.value.message.startswith("TF401398:")


def test_a_pull_request_follows_pushes_and_reports_conflicts(server, clients, college, tmp_path):
    repo, _ = import_course(clients, college)
    git_client = clients.get_git_client()
    push_commit(server, repo, tmp_path, "feature/title", "README.md", "# A new title\n")
    pr = git_client.create_pull_request(
        GitPullRequest(
            source_ref_name="refs/heads/feature/title",
            target_ref_name="refs/heads/main",
            title="Retitle",
        ),
        repo.id,
        "College",
    )
    assert git_client.get_pull_request_by_id(pr.pull_request_id).merge_status == "succeeded"

    # Someone changes the same lines on main: the next read merges again and finds conflicts.
    main_tip = push_commit(server, repo, tmp_path, "main", "README.md", "# Another title\n")
    again = git_client.get_pull_request_by_id(pr.pull_request_id)
    assert again.merge_status == "conflicts"
    assert again.last_merge_target_commit.commit_id == main_tip

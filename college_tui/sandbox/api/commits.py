"""Git area, commits: a pull request's commits, one commit, and a pull request's title and
description changed (PATCH).

`az repos pr create` without `--title` creates the pull request, reads its commits
(location 52823034-34a8-4576-922c-8d8b77e9e4c4), reads the one commit and sets the title and
description from its message; each of those calls is here, shaped like the service's GitCommitRef
and GitPullRequest.
"""

from __future__ import annotations

from typing import Any

from .. import repos
from ..errors import ServiceError
from ..routing import Answer, Call, collection
from .git import _repo_for, _routes, repo_url
from .pull_requests import _save_pr, pr_in_repo, pr_json

_FORMAT = "%H%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B%x1e"


def _commits(call: Call, repo: dict[str, Any], revisions: list[str]) -> list[dict[str, Any]]:
    out = repos.git(repos.repo_path(call.sandbox, repo), "log", f"--format={_FORMAT}", *revisions)
    commits = []
    for record in filter(None, (r.strip("\n") for r in out.split("\x1e"))):
        oid, an, ae, ad, cn, ce, cd, message = record.split("\x00")
        commits.append(
            {
                "commitId": oid,
                "author": {"name": an, "email": ae, "date": ad},
                "committer": {"name": cn, "email": ce, "date": cd},
                "comment": message.strip("\n"),
                "url": f"{repo_url(call, repo)}/commits/{oid}",
            }
        )
    return commits


@_routes("GET", "_apis/git/repositories/{repositoryId}/pullRequests/{pullRequestId}/commits")
def pull_request_commits(call: Call) -> Answer:
    """The commits the pull request brings: on its source branch and not on its target."""
    repo, pr = pr_in_repo(call)
    if not pr.get("sourceCommit") or not pr.get("targetCommit"):
        return collection([])
    return collection(_commits(call, repo, [f"{pr['targetCommit']}..{pr['sourceCommit']}"]))


@_routes("GET", "_apis/git/repositories/{repositoryId}/commits/{commitId}")
def get_commit(call: Call) -> Answer:
    repo = _repo_for(call)
    oid = call.params["commitId"].lower()
    if repos.object_type(call.sandbox, repo, oid) != "commit":
        raise ServiceError(
            404,
            "GitUnresolvableToCommitException",
            f"TF401175:The version descriptor <Commit: {oid}> could not be resolved to a "
            "version in the repository",
        )
    return _commits(call, repo, ["-1", oid])[0]


@_routes("PATCH", "_apis/git/repositories/{repositoryId}/pullRequests/{pullRequestId}")
def update_pull_request(call: Call) -> Answer:
    """Title and description only: the sandbox changes nothing else of a pull request."""
    repo, pr = pr_in_repo(call)
    body = call.body or {}
    other = sorted(
        k for k, v in body.items() if v is not None and k not in ("title", "description")
    )
    if other:
        raise ServiceError(
            400,
            "InvalidArgumentValueException",
            f"The sandbox changes only a pull request's title and description, not {other[0]}.",
        )
    for name in ("title", "description"):
        if body.get(name) is not None:
            pr[name] = body[name]
    _save_pr(call.sandbox, pr)
    return pr_json(call, pr, repo, "get")

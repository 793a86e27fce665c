"""Git area, pull requests: create, read, search."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from .. import repos
from ..errors import ServiceError
from ..routing import Answer, Call, Reply, collection
from ..service import Sandbox
from .git import (
    _iso_precise,
    _pr_lock,
    _project_of,
    _repo_for,
    _repo_not_found,
    _routes,
    _user_doc,
    identity_ref,
    repo_json,
    repo_url,
)
from .lookups import require_project

# -- pull requests ------------------------------------------------------------------------------


def _save_pr(sandbox: Sandbox, pr: dict[str, Any]) -> None:
    sandbox.store.put("pull_request", pr["key"], pr, org=pr["org"], parent=pr["repositoryId"])


def _branch(ref: str) -> str:
    return ref.removeprefix("refs/heads/")


def refresh_merge(sandbox: Sandbox, repo: dict[str, Any], pr: dict[str, Any]) -> dict[str, Any]:
    """Merge an active PR's branch tips again when either moved (a push, a ref update)."""
    if pr["status"] != "active":
        return pr
    source = repos.resolve_ref(sandbox, repo, pr["sourceRefName"])
    target = repos.resolve_ref(sandbox, repo, pr["targetRefName"])
    if (
        not source
        or not target
        or (source, target) == (pr.get("sourceCommit"), pr.get("targetCommit"))
    ):
        return pr
    creator = _user_doc(sandbox, pr["createdById"])
    date = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    message = (
        f"Merge pull request {pr['pullRequestId']} from {_branch(pr['sourceRefName'])} "
        f"into {_branch(pr['targetRefName'])}"
    )
    status, commit = repos.preview_merge(
        sandbox,
        repo,
        source,
        target,
        ref=f"refs/pull/{pr['pullRequestId']}/merge",
        message=message + "\n",
        author=(creator["displayName"], creator["email"]),
        date=date,
    )
    who = {"name": creator["displayName"], "email": creator["email"], "date": date}
    pr.update(
        sourceCommit=source,
        targetCommit=target,
        mergeStatus=status,
        mergeCommit={"commitId": commit, "author": who, "committer": who, "comment": message}
        if commit
        else None,
    )
    _save_pr(sandbox, pr)
    return pr


def pr_json(call: Call, pr: dict[str, Any], repo: dict[str, Any], view: str) -> dict[str, Any]:
    """GitPullRequest in the shapes the service answers with.

    `view`: "create" (mergeStatus still queued, labels, links), "get" (links), "byId" (no links)
    or "list" (a short repository reference and no artifact id).
    """
    rurl = repo_url(call, repo)
    url = f"{rurl}/pullRequests/{pr['pullRequestId']}"
    if view == "list":
        project = _project_of(call, repo)
        repository: dict[str, Any] = {
            "id": repo["id"],
            "name": repo["name"],
            "url": rurl,
            "project": {
                "id": project["id"],
                "name": project["name"],
                "state": "unchanged",
                "visibility": "unchanged",
                "lastUpdateTime": "0001-01-01T00:00:00",
            },
        }
    else:
        repository = repo_json(call, repo, with_default_branch=False)

    def commit_ref(oid: str) -> dict[str, Any]:
        return {"commitId": oid, "url": f"{rurl}/commits/{oid}"}

    out: dict[str, Any] = {
        "repository": repository,
        "pullRequestId": pr["pullRequestId"],
        "codeReviewId": pr["pullRequestId"],
        "status": pr["status"],
        "createdBy": identity_ref(call, _user_doc(call.sandbox, pr["createdById"])),
        "creationDate": pr["creationDate"],
        "title": pr["title"],
        "description": pr["description"],
        "sourceRefName": pr["sourceRefName"],
        "targetRefName": pr["targetRefName"],
        "mergeStatus": "queued" if view == "create" else pr["mergeStatus"],
        "isDraft": pr["isDraft"],
        "mergeId": pr["mergeId"],
        "lastMergeSourceCommit": commit_ref(pr["sourceCommit"]),
        "lastMergeTargetCommit": commit_ref(pr["targetCommit"]),
    }
    merge = pr.get("mergeCommit")
    if merge and view != "create":
        out["lastMergeCommit"] = (
            commit_ref(merge["commitId"])
            if view == "list"
            else {**merge, "url": f"{rurl}/commits/{merge['commitId']}"}
        )
    out["reviewers"] = pr["reviewers"]
    if view == "create":
        out["labels"] = []
    out["url"] = url
    if view in ("create", "get") or (view == "list" and call.flag("searchCriteria.includeLinks")):
        creator_url = out["createdBy"]["url"]
        out["_links"] = {
            "self": {"href": url},
            "repository": {"href": rurl},
            "workItems": {"href": f"{url}/workitems"},
            "sourceBranch": {"href": f"{rurl}/{pr['sourceRefName']}"},
            "targetBranch": {"href": f"{rurl}/{pr['targetRefName']}"},
            "statuses": {"href": f"{url}/statuses"},
            "sourceCommit": {"href": f"{rurl}/commits/{pr['sourceCommit']}"},
            "targetCommit": {"href": f"{rurl}/commits/{pr['targetCommit']}"},
            "createdBy": {"href": creator_url},
            "iterations": {"href": f"{url}/iterations"},
        }
    out["supportsIterations"] = True
    if view != "list":
        out["artifactId"] = (
            f"vstfs:///Git/PullRequestId/{repo['projectId']}%2f{repo['id']}%2f{pr['pullRequestId']}"
        )
    return out


def _cannot_activate() -> ServiceError:
    return ServiceError(
        400,
        "GitPullRequestCannotBeActivated",
        "TF401398: The pull request cannot be activated because the source and/or the target "
        "branch no longer exists, or the requested refs are not branches",
    )


def _reviewer(call: Call, ref: dict[str, Any]) -> dict[str, Any]:
    user = call.store.get("user", str(ref.get("id") or "").lower())
    base = identity_ref(call, user) if user else {"id": ref.get("id")}
    return {
        **base,
        "vote": int(ref.get("vote") or 0),
        "hasDeclined": False,
        "isRequired": bool(ref.get("isRequired")),
        "isFlagged": False,
    }


@_routes("POST", "_apis/git/repositories/{repositoryId}/pullRequests")
def create_pull_request(call: Call) -> Answer:
    repo = _repo_for(call)
    body = call.body or {}
    source_ref, target_ref = body.get("sourceRefName") or "", body.get("targetRefName") or ""
    if not source_ref or not target_ref:
        raise ServiceError(
            400,
            "InvalidArgumentValueException",
            "The pull request must have a source and a target branch.",
        )
    if source_ref == target_ref:
        raise ServiceError(
            400,
            "InvalidArgumentValueException",  # assumed wording
            "A source and a target branch cannot be the same.",
        )
    source = repos.resolve_ref(call.sandbox, repo, source_ref)
    target = repos.resolve_ref(call.sandbox, repo, target_ref)
    if (
        not source
        or not target
        or not source_ref.startswith("refs/heads/")
        or not target_ref.startswith("refs/heads/")
    ):
        raise _cannot_activate()
    with _pr_lock:
        for other in call.store.find("pull_request", parent=repo["id"]):
            if (
                other["status"] == "active"
                and other["sourceRefName"] == source_ref
                and other["targetRefName"] == target_ref
            ):
                raise ServiceError(
                    409,
                    "GitPullRequestExistsException",
                    "TF401179: An active pull request for the source and target "
                    "branch already exists.",
                )
        pr = {
            **call.numbered("pull-request", "pullRequestId", repo),
            "projectId": repo["projectId"],
            "status": "active",
            "createdById": call.sandbox.user["id"],
            "creationDate": _iso_precise(),
            "title": body.get("title") or "",
            "description": body.get("description") or "",
            "sourceRefName": source_ref,
            "targetRefName": target_ref,
            "isDraft": bool(body.get("isDraft")),
            "mergeId": str(uuid.uuid4()),
            "mergeStatus": "queued",
            "reviewers": [_reviewer(call, r) for r in body.get("reviewers") or []],
        }
        _save_pr(call.sandbox, pr)
        refresh_merge(call.sandbox, repo, pr)
    return Reply(201, pr_json(call, pr, repo, "create"))


def _pr_by_number(call: Call) -> dict[str, Any]:
    number = call.params["pullRequestId"]
    pr = call.store.get("pull_request", call.org_key(number))
    if pr is None:
        raise ServiceError(
            404,
            "GitPullRequestNotFoundException",
            "TF401180: The requested pull request was not found.",
        )
    return pr


@_routes("GET", "_apis/git/repositories/{repositoryId}/pullRequests/{pullRequestId}")
def get_pull_request(call: Call) -> Answer:
    repo, pr = pr_in_repo(call)
    return pr_json(call, pr, repo, "get")


def pr_in_repo(call: Call) -> tuple[dict[str, Any], dict[str, Any]]:
    """The route's repository and its pull request (merge state refreshed); 404 if the pull
    request belongs to another repository."""
    repo = _repo_for(call)
    pr = _pr_by_number(call)
    if pr["repositoryId"] != repo["id"]:
        raise ServiceError(
            404,
            "GitPullRequestNotFoundException",
            "TF401180: The requested pull request was not found.",
        )
    return repo, refresh_merge(call.sandbox, repo, pr)


@_routes("GET", "_apis/git/pullRequests/{pullRequestId}")
def get_pull_request_by_id(call: Call) -> Answer:
    pr = _pr_by_number(call)
    if call.params.get("project"):
        project = require_project(call, call.params["project"])
        if pr["projectId"] != project["id"]:
            raise ServiceError(
                404,
                "GitPullRequestNotFoundException",
                "TF401180: The requested pull request was not found.",
            )
    repo = call.store.get("repo", pr["repositoryId"])
    if repo is None:
        raise _repo_not_found(pr["repositoryId"])
    return pr_json(call, refresh_merge(call.sandbox, repo, pr), repo, "byId")


# PullRequestStatus as a number (Microsoft's Node client sends enums so): notSet, active, abandoned,
# completed, all, as the service's enum numbers them.
_PR_STATUS_NUMBERS = {"0": "notset", "1": "active", "2": "abandoned", "3": "completed", "4": "all"}


def _search(call: Call, found: list[dict[str, Any]]) -> dict[str, Any]:
    status = (call.q("searchCriteria.status") or "active").lower()
    status = _PR_STATUS_NUMBERS.get(status, status)
    wanted = {
        k: call.q(f"searchCriteria.{k}")
        for k in ("sourceRefName", "targetRefName", "repositoryId", "creatorId")
    }
    picked = []
    for pr in sorted(found, key=lambda p: -p["pullRequestId"]):  # newest first
        if status != "all" and pr["status"].lower() != status:
            continue
        if wanted["sourceRefName"] and pr["sourceRefName"] != wanted["sourceRefName"]:
            continue
        if wanted["targetRefName"] and pr["targetRefName"] != wanted["targetRefName"]:
            continue
        if wanted["repositoryId"] and pr["repositoryId"] != wanted["repositoryId"].lower():
            continue
        if wanted["creatorId"] and pr["createdById"] != wanted["creatorId"].lower():
            continue
        picked.append(pr)
    skip, top = call.paging(default_top=101)
    values = []
    for pr in picked[skip : skip + top]:
        repo = call.store.get("repo", pr["repositoryId"])
        if repo:
            values.append(pr_json(call, refresh_merge(call.sandbox, repo, pr), repo, "list"))
    return collection(values)


@_routes("GET", "_apis/git/repositories/{repositoryId}/pullRequests")
def list_pull_requests(call: Call) -> Answer:
    repo = _repo_for(call)
    return _search(call, call.store.find("pull_request", parent=repo["id"]))


@_routes("GET", "_apis/git/pullRequests")
def list_project_pull_requests(call: Call) -> Answer:
    found = call.store.find("pull_request", org=call.org)
    if call.params.get("project"):
        project = require_project(call, call.params["project"])
        found = [pr for pr in found if pr["projectId"] == project["id"]]
    return _search(call, found)

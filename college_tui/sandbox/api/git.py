"""Git area: repositories (+ recycle bin), import requests, refs and pull requests.

Shapes follow Microsoft's git spec (7.2) and the recordings of the real service; where they differ
the recordings win (e.g. 201 for a created pull request). Refs and branch tips are always read from
the bare repositories, so whatever the SSH server receives shows here at once.
"""

from __future__ import annotations

import logging
import re
import subprocess
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from ...naming import check_repo_name
from .. import repos
from ..errors import ServiceError
from ..routing import Call, Reply, collection, router
from ..service import Sandbox, job_runner
from .core import now_iso, project_json, require_project

_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_pr_lock = threading.Lock()  # check-then-create of repositories, imports and pull requests
log = logging.getLogger("college_tui.sandbox")


def _routes(method: str, template: str, *, project_optional: bool = True):
    """Register a handler on `{project}/<template>` and, where the service allows, on `<template>`."""

    def register(handler):
        router.route(method, "dev", "{project}/" + template)(handler)
        if project_optional:
            router.route(method, "dev", template)(handler)
        return handler

    return register


def _iso_precise(when: datetime | None = None) -> str:
    """`2025-01-10T12:23:52.6038843Z`: the 7-digit fractions of the service's dates."""
    when = when or datetime.now(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond:06d}0Z"


# -- identities ---------------------------------------------------------------------------------


def _user_doc(sandbox: Sandbox, user_id: str | None) -> dict[str, Any]:
    """A user of the sandbox by id; the signed-in user when unknown."""
    return (sandbox.store.get("user", user_id) if user_id else None) or sandbox.user


def identity_ref(call: Call, user: dict[str, Any]) -> dict[str, Any]:
    """IdentityRef as git responses carry it (creator, createdBy)."""
    dev = call.host_url("dev")
    return {
        "displayName": user["displayName"],
        "url": f"{call.host_url('vssps')}/_apis/Identities/{user['id']}",
        "_links": {
            "avatar": {"href": f"{dev}/_apis/GraphProfile/MemberAvatars/{user['descriptor']}"}
        },
        "id": user["id"],
        "uniqueName": user["email"],
        "imageUrl": f"{dev}/_api/_common/identityImage?id={user['id']}",
        "descriptor": user["descriptor"],
    }


# -- repositories -------------------------------------------------------------------------------


def _repo_not_found(id_or_name: str) -> ServiceError:
    return ServiceError(
        404,
        "GitRepositoryNotFoundException",
        f"TF401019: The Git repository with name or identifier {id_or_name} does not exist or you "
        "do not have permissions for the operation you are attempting.",
    )


def _project_of(call: Call, repo: dict[str, Any]) -> dict[str, Any]:
    return call.store.get("project", repo["projectId"]) or {}


def repo_url(call: Call, repo: dict[str, Any]) -> str:
    return f"{call.host_url('dev')}/{repo['projectId']}/_apis/git/repositories/{repo['id']}"


def repo_json(
    call: Call, repo: dict[str, Any], *, links: bool = False, with_default_branch: bool = True
) -> dict[str, Any]:
    """GitRepository; `defaultBranch` only once the repository has commits, like the service."""
    sandbox = call.sandbox
    project = _project_of(call, repo)
    web = f"{call.host_url('dev')}/{quote(project['name'], safe='')}/_git/{quote(repo['name'], safe='')}"
    url = repo_url(call, repo)
    ssh = repos.ssh_url(repo["org"], project["name"], repo["name"])
    out: dict[str, Any] = {
        "id": repo["id"],
        "name": repo["name"],
        "url": url,
        "project": project_json(call, project),
    }
    branch = repos.default_branch(sandbox, repo) if with_default_branch else None
    if branch:
        out["defaultBranch"] = branch
    # The service's clone URL names the organisation as the user: https://{org}@dev.azure.com/...
    scheme, _, rest = web.partition("://")
    remote = f"{scheme}://{quote(repo['org'], safe='')}@{rest}"
    out.update(
        {
            "size": repos.repository_size(sandbox, repo),
            "remoteUrl": remote,
            "sshUrl": ssh,
            "webUrl": web,
        }
    )
    if links:
        out["_links"] = {
            "self": {"href": url},
            "project": {"href": f"vstfs:///Classification/TeamProject/{project['id']}"},
            "web": {"href": web},
            "ssh": {"href": ssh},
            **{
                name: {"href": f"{url}/{name}"}
                for name in ("commits", "refs", "pullRequests", "items", "pushes")
            },
        }
    out.update({"isDisabled": False, "isInMaintenance": False})
    return out


def _repo_for(call: Call, id_or_name: str | None = None) -> dict[str, Any]:
    """The repository a route names, within its `{project}` when the route has one."""
    id_or_name = id_or_name or call.params["repositoryId"]
    if call.params.get("project"):
        project = require_project(call, call.params["project"])
        repo = repos.find_repository(call.sandbox, project, id_or_name)
    else:
        repo = call.store.get("repo", id_or_name.lower())
        if repo and repo["org"].lower() != (call.org or "").lower():
            repo = None
        if repo is None and not _GUID.match(id_or_name):
            raise ServiceError(
                400,
                "ArgumentException",
                "A project name is required in order to reference a Git repository by name.",
            )
    if repo is None:
        raise _repo_not_found(id_or_name)
    return repo


@_routes("POST", "_apis/git/repositories")
def create_repository(call: Call):
    body = call.body or {}
    name = body.get("name") if isinstance(body.get("name"), str) else ""
    project_ref = (body.get("project") or {}).get("id") or (body.get("project") or {}).get("name")
    id_or_name = call.params.get("project") or project_ref
    if not id_or_name:
        raise ServiceError(
            400, "ArgumentNullException", "Value cannot be null.\r\nParameter name: project"
        )
    project = require_project(call, id_or_name)
    if check_repo_name(name or ""):
        raise ServiceError(
            400,
            "InvalidGitRepositoryNameException",
            f"TF401025: '{name}' is not a valid name for a Git repository. A repository name cannot:"
            "\ncontain more than 64 characters, contain Unicode control characters or surrogate "
            "characters,\ncontain any of the following characters: / : \\ ~ & % ; @ ' \" ? < > | # "
            "$ * } { , + = [ ],\nstart with an underscore ( _ ),\nstart or end with a period ( . ),"
            "\nor be a system reserved name",
        )
    with _pr_lock:
        if repos.name_taken(call.sandbox, project, name):
            raise ServiceError(
                409,
                "GitRepositoryNameAlreadyExistsException",
                f"TF400948: A Git repository with the name {name} already exists.",
            )
        repo = repos.create_repository(call.sandbox, call.org or "", project, name)
    return Reply(201, repo_json(call, repo))


@_routes("GET", "_apis/git/repositories")
def list_repositories(call: Call):
    if call.params.get("project"):
        project = require_project(call, call.params["project"])
        found = call.store.find("repo", parent=project["id"])
    else:
        found = call.store.find("repo", org=call.org)
    found.sort(key=lambda r: r["name"].lower())
    return collection([repo_json(call, r, links=call.flag("includeLinks")) for r in found])


@_routes("GET", "_apis/git/repositories/{repositoryId}")
def get_repository(call: Call):
    return repo_json(call, _repo_for(call), links=True)


@_routes("DELETE", "_apis/git/repositories/{repositoryId}")
def delete_repository(call: Call):
    repo = _repo_for(call)
    repos.delete_repository(call.sandbox, repo, call.sandbox.user["id"], now_iso())
    return None


def _deleted_json(call: Call, repo: dict[str, Any]) -> dict[str, Any]:
    project = _project_of(call, repo)
    created = call.store.created_at("deleted_repo", repo["id"]) or time.time()
    return {
        "id": repo["id"],
        "name": repo["name"],
        "project": project_json(call, project),
        "deletedBy": identity_ref(call, _user_doc(call.sandbox, repo.get("deletedBy"))),
        "deletedDate": repo.get("deletedDate"),
        "createdDate": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(created)),
    }


@_routes("GET", "_apis/git/recycleBin/repositories", project_optional=False)
def list_recycle_bin(call: Call):
    project = require_project(call, call.params["project"])
    return collection(
        [_deleted_json(call, r) for r in call.store.find("deleted_repo", parent=project["id"])]
    )


@_routes("DELETE", "_apis/git/recycleBin/repositories/{repositoryId}", project_optional=False)
def purge_repository(call: Call):
    project = require_project(call, call.params["project"])
    repo = call.store.get("deleted_repo", call.params["repositoryId"].lower())
    if repo is None or repo["projectId"] != project["id"]:
        raise _repo_not_found(call.params["repositoryId"])
    repos.purge_repository(call.sandbox, repo)
    return None


# -- import requests ----------------------------------------------------------------------------

IMPORT_STEPS = [
    "Processing request",
    "Analyzing repository objects",
    "Storing objects",
    "Storing index file",
    "Updating references",
    "Import completed successfully",
]
# Assumed wording: the service's own text for an unreachable or private source, as its import
# page shows it; the exact `detailedStatus.errorMessage` of a failed job is not in any recording.
IMPORT_FAILED = (
    "Import request cannot be processed due to one of the following reasons:\n"
    "Clone URL is incorrect.\nClone URL requires authorization.\n"
    "Clone URL points to an empty repository."
)
IMPORT_FAILED_STORING = "The import could not store the repository's objects."  # sandbox only
_ACTIVE = ("queued", "inProgress")


def _import_key(org: str, number: int | str) -> str:
    return f"{org.lower()}:{number}"


def _save_import(sandbox: Sandbox, request: dict[str, Any]) -> None:
    sandbox.store.put(
        "import_request",
        request["key"],
        request,
        org=request["org"],
        parent=request["repositoryId"],
    )


def import_json(call: Call, request: dict[str, Any], repo: dict[str, Any]) -> dict[str, Any]:
    """GitImportRequest; its repository snapshot carries no defaultBranch, as recorded."""
    # The service names the project in these links the way the request named it (id or name).
    project = quote(call.params.get("project") or repo["projectId"], safe="")
    url = (
        f"{call.host_url('dev')}/{project}/_apis/git/repositories/{repo['id']}"
        f"/importRequests/{request['importRequestId']}"
    )
    detailed: dict[str, Any] = {"currentStep": request["currentStep"], "allSteps": IMPORT_STEPS}
    if request.get("errorMessage"):
        detailed["errorMessage"] = request["errorMessage"]
    return {
        "importRequestId": request["importRequestId"],
        "repository": repo_json(call, repo, with_default_branch=False),
        "parameters": {"tfvcSource": None, "gitSource": request["gitSource"]},
        "status": request["status"],
        "detailedStatus": detailed,
        "_links": {"self": {"href": url}, "repository": {"href": repo_url(call, repo)}},
        "url": url,
    }


@_routes("POST", "_apis/git/repositories/{repositoryId}/importRequests", project_optional=False)
def create_import_request(call: Call):
    repo = _repo_for(call)
    params = (call.body or {}).get("parameters") or {}
    source = params.get("gitSource") or {}
    url = source.get("url") if isinstance(source.get("url"), str) else ""
    if not url.strip():
        raise ServiceError(
            400, "InvalidArgumentValueException", "A source is required for a import request."
        )
    overwrite = bool(source.get("overwrite"))
    with _pr_lock:
        if repos.list_refs(call.sandbox, repo) and not overwrite:
            # 409 per the service's exception map (GitImportForbiddenOnNonEmptyRepository);
            # the message is its "ImportInvalidRepository" resource. Not observed live.
            raise ServiceError(
                409,
                "GitImportForbiddenOnNonEmptyRepository",
                "Can only import into an empty repository.",
            )
        if any(
            r["status"] in _ACTIVE for r in call.store.find("import_request", parent=repo["id"])
        ):
            # A second import while one runs: the service's GitAsyncOperationAlreadyExists (409).
            raise ServiceError(
                409, "GitAsyncOperationAlreadyExistsException", "The async operation already exists"
            )
        number = call.store.next_number(f"import-request:{(call.org or '').lower()}")
        request = {
            "key": _import_key(call.org or "", number),
            "importRequestId": number,
            "org": call.org or "",
            "repositoryId": repo["id"],
            "gitSource": {"url": url, "overwrite": overwrite},
            "status": "queued",
            "currentStep": 1,
        }
        _save_import(call.sandbox, request)
    call.sandbox.schedule("git_import", request["key"])
    return Reply(201, import_json(call, request, repo))


@_routes("GET", "_apis/git/repositories/{repositoryId}/importRequests", project_optional=False)
def query_import_requests(call: Call):
    repo = _repo_for(call)
    found = call.store.find("import_request", parent=repo["id"])
    if not call.flag("includeAbandoned"):
        found = [r for r in found if r["status"] != "abandoned"]
    return collection([import_json(call, r, repo) for r in reversed(found)])


def _import_for(call: Call, repo: dict[str, Any]) -> dict[str, Any]:
    number = call.params["importRequestId"]
    request = call.store.get("import_request", _import_key(call.org or "", number))
    if request is None or request["repositoryId"] != repo["id"]:
        raise ServiceError(
            404,
            "GitAsyncOperationNotFoundException",
            f"A import request with ID '{number}' was not found.",
        )
    return request


@_routes(
    "GET",
    "_apis/git/repositories/{repositoryId}/importRequests/{importRequestId}",
    project_optional=False,
)
def get_import_request(call: Call):
    repo = _repo_for(call)
    return import_json(call, _import_for(call, repo), repo)


@_routes(
    "PATCH",
    "_apis/git/repositories/{repositoryId}/importRequests/{importRequestId}",
    project_optional=False,
)
def update_import_request(call: Call):
    """Abandon an import, or queue a failed one again (the only two changes the service takes)."""
    repo = _repo_for(call)
    with call.sandbox.jobs_lock:  # the import job must not write back the status it read
        request = _import_for(call, repo)
        status = (call.body or {}).get("status")
        if status == "abandoned":
            request["status"] = "abandoned"
        elif status == "queued":
            if request["status"] != "failed":
                raise ServiceError(
                    400, "InvalidOperationException", "Only failed import request can be requeued."
                )
            if repos.list_refs(call.sandbox, repo):
                raise ServiceError(
                    400, "InvalidOperationException", "Can only import into an empty repository."
                )
            request.update(status="queued", currentStep=1, errorMessage=None)
            call.sandbox.schedule("git_import", request["key"])
        else:
            raise ServiceError(
                400,
                "InvalidArgumentValueException",
                f"The import request status cannot be set to {status}.",
            )
        _save_import(call.sandbox, request)
    return import_json(call, request, repo)


@job_runner("git_import")
def _advance_import(sandbox: Sandbox, job: dict[str, Any], elapsed: float) -> bool:
    """queued -> inProgress (steps 1..5) -> completed (6), or failed for a source we can't reach."""
    request = sandbox.store.get("import_request", job["target"])
    if request is None or request["status"] not in _ACTIVE:
        return True
    repo = sandbox.store.get("repo", request["repositoryId"])
    total = max(sandbox.config.import_seconds, 0.001)
    reachable = repos.is_course_url(request["gitSource"]["url"])
    if repo is None or (not reachable and elapsed >= total / 2):
        request.update(status="failed", errorMessage=IMPORT_FAILED)
    elif elapsed >= total:
        try:
            repos.import_course(sandbox, repo, overwrite=request["gitSource"]["overwrite"])
            request.update(status="completed", currentStep=len(IMPORT_STEPS))
        except (OSError, subprocess.CalledProcessError) as err:
            # Runs inside every request's advance(): end the job rather than fail them all.
            log.warning("import %s failed: %s", request["key"], err)
            request.update(status="failed", errorMessage=f"{IMPORT_FAILED_STORING} {err}")
    elif elapsed >= total * 0.2:
        step = 1 + int((elapsed / total - 0.2) / 0.8 * (len(IMPORT_STEPS) - 1))
        request.update(status="inProgress", currentStep=min(step if reachable else 1, 5))
    _save_import(sandbox, request)
    return request["status"] not in _ACTIVE


# -- refs ---------------------------------------------------------------------------------------


def ref_json(call: Call, repo: dict[str, Any], name: str, oid: str) -> dict[str, Any]:
    short = name.removeprefix("refs/")
    return {
        "name": name,
        "objectId": oid,
        "creator": identity_ref(call, call.sandbox.user),
        "url": f"{repo_url(call, repo)}/refs?filter={quote(short, safe='')}",
    }


@_routes("GET", "_apis/git/repositories/{repositoryId}/refs")
@_routes("GET", "_apis/git/repositories/{repositoryId}/refs/{*filter}")
def list_refs(call: Call):
    repo = _repo_for(call)
    prefix = (call.q("filter") or call.params.get("filter") or "").removeprefix("refs/")
    refs = repos.list_refs(call.sandbox, repo)
    # A PR's refs/pull/N/merge lives in git for fetching, but is assumed hidden from this list
    # unless asked for by name.
    refs = [
        (n, o)
        for n, o in refs
        if n[5:].startswith(prefix)
        and (prefix.startswith("pull/") or not n.startswith("refs/pull/"))
    ]
    contains = (call.q("filterContains") or "").lower()
    if contains:
        refs = [(n, o) for n, o in refs if contains in n.lower()]
    top = int(call.q("$top") or 0)
    if top > 0:
        refs = refs[:top]
    return collection([ref_json(call, repo, n, o) for n, o in refs])


@_routes("POST", "_apis/git/repositories/{repositoryId}/refs")
def update_refs(call: Call):
    repo = _repo_for(call)
    updates = call.body if isinstance(call.body, list) else []
    results = []
    for update in updates:
        name, old, new = (
            update.get("name") or "",
            update.get("oldObjectId") or repos.ZERO_ID,
            update.get("newObjectId") or repos.ZERO_ID,
        )
        status = repos.update_ref(call.sandbox, repo, name, old, new)
        results.append(
            {
                "repositoryId": repo["id"],
                "name": name,
                "oldObjectId": old,
                "newObjectId": new,
                "isLocked": False,
                "updateStatus": status,
                "success": status.startswith("succeeded"),
            }
        )
    return collection(results)


# -- pull requests ------------------------------------------------------------------------------


def _pr_key(org: str, number: int | str) -> str:
    return f"{org.lower()}:{number}"


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
def create_pull_request(call: Call):
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
        number = call.store.next_number(f"pull-request:{(call.org or '').lower()}")
        pr = {
            "key": _pr_key(call.org or "", number),
            "pullRequestId": number,
            "org": call.org or "",
            "repositoryId": repo["id"],
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
    pr = call.store.get("pull_request", _pr_key(call.org or "", number))
    if pr is None:
        raise ServiceError(
            404,
            "GitPullRequestNotFoundException",
            "TF401180: The requested pull request was not found.",
        )
    return pr


@_routes("GET", "_apis/git/repositories/{repositoryId}/pullRequests/{pullRequestId}")
def get_pull_request(call: Call):
    repo = _repo_for(call)
    pr = _pr_by_number(call)
    if pr["repositoryId"] != repo["id"]:
        raise ServiceError(
            404,
            "GitPullRequestNotFoundException",
            "TF401180: The requested pull request was not found.",
        )
    return pr_json(call, refresh_merge(call.sandbox, repo, pr), repo, "get")


@_routes("GET", "_apis/git/pullRequests/{pullRequestId}")
def get_pull_request_by_id(call: Call):
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


def _search(call: Call, found: list[dict[str, Any]]) -> dict[str, Any]:
    status = (call.q("searchCriteria.status") or "active").lower()
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
    skip, top = int(call.q("$skip") or 0), int(call.q("$top") or 101)
    values = []
    for pr in picked[skip : skip + top]:
        repo = call.store.get("repo", pr["repositoryId"])
        if repo:
            values.append(pr_json(call, refresh_merge(call.sandbox, repo, pr), repo, "list"))
    return collection(values)


@_routes("GET", "_apis/git/repositories/{repositoryId}/pullRequests")
def list_pull_requests(call: Call):
    repo = _repo_for(call)
    return _search(call, call.store.find("pull_request", parent=repo["id"]))


@_routes("GET", "_apis/git/pullRequests")
def list_project_pull_requests(call: Call):
    found = call.store.find("pull_request", org=call.org)
    if call.params.get("project"):
        project = require_project(call, call.params["project"])
        found = [pr for pr in found if pr["projectId"] == project["id"]]
    return _search(call, found)

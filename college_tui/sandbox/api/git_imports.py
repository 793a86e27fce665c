"""Git area, import requests: queue an import, follow it, retry it."""

from __future__ import annotations

import subprocess
from typing import Any
from urllib.parse import quote

from .. import repos
from ..errors import ServiceError, disk_full
from ..routing import Answer, Call, Reply, collection
from ..service import Sandbox, job_runner
from .git import _pr_lock, _repo_for, _routes, log, repo_json, repo_url

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
_REQUESTS = "_apis/git/repositories/{repositoryId}/importRequests"
_ONE_REQUEST = _REQUESTS + "/{importRequestId}"


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


@_routes("POST", _REQUESTS, project_optional=False)
def create_import_request(call: Call) -> Answer:
    repo = _repo_for(call)
    params = (call.body or {}).get("parameters") or {}
    source = params.get("gitSource") or {}
    given = source.get("url")
    url = given if isinstance(given, str) else ""
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
        request = {
            **call.numbered("import-request", "importRequestId", repo),
            "gitSource": {"url": url, "overwrite": overwrite},
            "status": "queued",
            "currentStep": 1,
        }
        _save_import(call.sandbox, request)
    call.sandbox.schedule("git_import", request["key"])
    return Reply(201, import_json(call, request, repo))


@_routes("GET", _REQUESTS, project_optional=False)
def query_import_requests(call: Call) -> Answer:
    repo = _repo_for(call)
    found = call.store.find("import_request", parent=repo["id"])
    if not call.flag("includeAbandoned"):
        found = [r for r in found if r["status"] != "abandoned"]
    return collection([import_json(call, r, repo) for r in reversed(found)])


def _import_for(call: Call, repo: dict[str, Any]) -> dict[str, Any]:
    number = call.params["importRequestId"]
    request = call.store.get("import_request", call.org_key(number))
    if request is None or request["repositoryId"] != repo["id"]:
        raise ServiceError(
            404,
            "GitAsyncOperationNotFoundException",
            f"A import request with ID '{number}' was not found.",
        )
    return request


@_routes("GET", _ONE_REQUEST, project_optional=False)
def get_import_request(call: Call) -> Answer:
    repo = _repo_for(call)
    return import_json(call, _import_for(call, repo), repo)


@_routes("PATCH", _ONE_REQUEST, project_optional=False)
def update_import_request(call: Call) -> Answer:
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
            full = disk_full(sandbox.data_dir)  # said as such, not as an unreachable source
            log.warning("import %s failed: %s", request["key"], full or err)
            request.update(status="failed", errorMessage=full or f"{IMPORT_FAILED_STORING} {err}")
    elif elapsed >= total * 0.2:
        step = 1 + int((elapsed / total - 0.2) / 0.8 * (len(IMPORT_STEPS) - 1))
        request.update(status="inProgress", currentStep=min(step if reachable else 1, 5))
    _save_import(sandbox, request)
    return request["status"] not in _ACTIVE

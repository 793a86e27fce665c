"""Git area: repositories (+ recycle bin), import requests, refs and pull requests.

Shapes follow Microsoft's git spec (7.2) and the recordings of the real service; where they differ
the recordings win (e.g. 201 for a created pull request). Refs and branch tips are always read from
the bare repositories, so whatever the SSH server receives shows here at once.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from ...naming import check_repo_name
from .. import repos
from ..errors import ServiceError
from ..routing import Answer, Call, Handler, Reply, collection, router
from ..service import Sandbox
from .core import project_json
from .lookups import now_iso, require_project

_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_pr_lock = threading.Lock()  # check-then-create of repositories, imports and pull requests
log = logging.getLogger("college_tui.sandbox")


def _routes(
    method: str, template: str, *, project_optional: bool = True
) -> Callable[[Handler], Handler]:
    """Register a handler on `{project}/<template>` and, where the service allows, on `<template>`."""

    def register(handler: Handler) -> Handler:
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
def create_repository(call: Call) -> Answer:
    body = call.body or {}
    given = body.get("name")
    name = given if isinstance(given, str) else ""
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
def list_repositories(call: Call) -> Answer:
    if call.params.get("project"):
        project = require_project(call, call.params["project"])
        found = call.store.find("repo", parent=project["id"])
    else:
        found = call.store.find("repo", org=call.org)
    found.sort(key=lambda r: r["name"].lower())
    return collection([repo_json(call, r, links=call.flag("includeLinks")) for r in found])


@_routes("GET", "_apis/git/repositories/{repositoryId}")
def get_repository(call: Call) -> Answer:
    return repo_json(call, _repo_for(call), links=True)


@_routes("DELETE", "_apis/git/repositories/{repositoryId}")
def delete_repository(call: Call) -> Answer:
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
def list_recycle_bin(call: Call) -> Answer:
    project = require_project(call, call.params["project"])
    return collection(
        [_deleted_json(call, r) for r in call.store.find("deleted_repo", parent=project["id"])]
    )


@_routes("DELETE", "_apis/git/recycleBin/repositories/{repositoryId}", project_optional=False)
def purge_repository(call: Call) -> Answer:
    project = require_project(call, call.params["project"])
    repo = call.store.get("deleted_repo", call.params["repositoryId"].lower())
    if repo is None or repo["projectId"] != project["id"]:
        raise _repo_not_found(call.params["repositoryId"])
    repos.purge_repository(call.sandbox, repo)
    return None


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
def list_refs(call: Call) -> Answer:
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
def update_refs(call: Call) -> Answer:
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

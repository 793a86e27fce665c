"""One function per page: read the sandbox's state and render a template (read-only)."""

from __future__ import annotations

import base64
import hashlib
import subprocess
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .. import repos, rules
from ..api.core import _PROCESS_NAMES
from ..api.lookups import find_project
from ..api.members import find_member, org_members
from ..rules import PAT_CREATION_RESTRICTED
from ..service import Sandbox
from .render import render

if TYPE_CHECKING:
    from starlette.responses import Response

MAX_COMMITS = 10


def _q(name: str) -> str:
    return quote(name, safe="")


def not_found(what: str) -> Response:
    return render("not_found.html", 404, title="Not found", what=what)


def _org(sandbox: Sandbox, name: str) -> dict[str, Any] | None:
    return sandbox.org(name)


def _links(base: str, org: dict[str, Any], project: dict[str, Any] | None = None) -> dict[str, str]:
    org_url = f"{base}/{_q(org['accountName'])}"
    links = {
        "org": org_url,
        "ssh_keys": f"{org_url}/_usersSettings/keys",  # not "keys": links.keys is dict.keys
        "tokens": f"{org_url}/_usersSettings/tokens",
    }
    if project is not None:
        links["project"] = f"{org_url}/{_q(project['name'])}"
        links["teams"] = f"{links['project']}/_settings/teams"
    return links


def _where(
    sandbox: Sandbox, org_name: str, project_name: str
) -> tuple[dict[str, Any], dict[str, Any]] | Response:
    """(org, project) documents, or a 404 page naming what is missing."""
    org = _org(sandbox, org_name)
    if org is None:
        return not_found(f"the organization {org_name}")
    project = find_project(sandbox, org["accountName"], project_name)
    if project is None:
        return not_found(f"the project {project_name} in {org['accountName']}")
    return org, project


def organization(sandbox: Sandbox, base: str, org: str) -> Response:
    doc = _org(sandbox, org)
    if doc is None:
        return not_found(f"the organization {org}")
    name = doc["accountName"]
    projects = sandbox.store.find("project", org=name)
    return render(
        "organization.html",
        title=name,
        org=doc,
        links=_links(base, doc),
        projects=[(p["name"], f"{base}/{_q(name)}/{_q(p['name'])}") for p in projects],
        members=org_members(sandbox, name),
    )


def project(sandbox: Sandbox, base: str, org: str, project: str) -> Response:
    where = _where(sandbox, org, project)
    if not isinstance(where, tuple):
        return where  # the 404 page
    org_doc, doc = where
    links = _links(base, org_doc, doc)
    teams = sandbox.store.find("team", parent=doc["id"])
    default = next((t["name"] for t in teams if t["id"] == doc.get("defaultTeamId")), None)
    repositories = [
        (r["name"], f"{links['project']}/_git/{_q(r['name'])}")
        for r in sandbox.store.find("repo", parent=doc["id"])
    ]
    return render(
        "project.html",
        title=doc["name"],
        project=doc,
        links=links,
        process=_PROCESS_NAMES.get(doc.get("processTemplateId", ""), "Custom"),
        teams=[t["name"] for t in teams],
        default_team=default,
        repositories=repositories,
    )


def team_members(sandbox: Sandbox, org: str, team: dict[str, Any]) -> list[dict[str, str]]:
    """The team's members as (display name, sign-in address), in the order they were added."""
    container = team["descriptor"]
    out = []
    for doc in sandbox.store.find("membership", org=org, parent=container):
        if doc["containerDescriptor"] != container:  # the store compares without case
            continue
        member = find_member(sandbox, org, desc=doc["memberDescriptor"]) or {}
        out.append(
            {
                "name": member.get("displayName") or doc["memberDescriptor"],
                "email": member.get("principalName", ""),
                "admin": doc.get("isTeamAdmin", False),
            }
        )
    return out


def teams(sandbox: Sandbox, base: str, org: str, project: str) -> Response:
    where = _where(sandbox, org, project)
    if not isinstance(where, tuple):
        return where  # the 404 page
    org_doc, doc = where
    found = [
        {
            "name": t["name"],
            "description": t.get("description", ""),
            "default": t["id"] == doc.get("defaultTeamId"),
            "members": team_members(sandbox, org_doc["accountName"], t),
        }
        for t in sandbox.store.find("team", parent=doc["id"])
    ]
    return render(
        "teams.html",
        title=f"{doc['name']} teams",
        project=doc,
        teams=found,
        links=_links(base, org_doc, doc),
    )


def _git(sandbox: Sandbox, repo: dict[str, Any], *args: str) -> str:
    try:
        return repos.git(repos.repo_path(sandbox, repo), *args)
    except subprocess.CalledProcessError:
        return ""


def repository(sandbox: Sandbox, base: str, org: str, project: str, repo: str) -> Response:
    where = _where(sandbox, org, project)
    if not isinstance(where, tuple):
        return where  # the 404 page
    org_doc, doc = where
    found = repos.find_repository(sandbox, doc, repo)
    if found is None:
        return not_found(f"the repository {repo} in {doc['name']}")
    links = _links(base, org_doc, doc)
    links["repo"] = f"{links['project']}/_git/{_q(found['name'])}"
    branch = repos.default_branch(sandbox, found)
    commits, files = [], []
    if branch:
        log = _git(
            sandbox,
            found,
            "log",
            f"-{MAX_COMMITS}",
            "--format=%h%x1f%an%x1f%as%x1f%s",
            branch,
            "--",
        )
        commits = [
            dict(zip(("id", "author", "date", "subject"), line.split("\x1f", 3), strict=False))
            for line in log.splitlines()
            if line
        ]
        files = _git(sandbox, found, "ls-tree", "-r", "--name-only", branch).splitlines()
    pulls = [
        {
            "id": pr["pullRequestId"],
            "title": pr["title"],
            "status": pr["status"],
            "url": f"{links['repo']}/pullrequest/{pr['pullRequestId']}",
        }
        for pr in sandbox.store.find("pull_request", parent=found["id"])
    ]
    return render(
        "repository.html",
        title=found["name"],
        repo=found,
        project=doc,
        links=links,
        ssh_url=repos.ssh_url(org_doc["accountName"], doc["name"], found["name"]),
        default_branch=branch and branch.removeprefix("refs/heads/"),
        branches=[
            (name.removeprefix("refs/heads/"), oid[:8])
            for name, oid in repos.list_refs(sandbox, found, "refs/heads/")
        ],
        commits=commits,
        files=files,
        pulls=pulls,
    )


def pull_request(
    sandbox: Sandbox, base: str, org: str, project: str, repo: str, number: str
) -> Response:
    where = _where(sandbox, org, project)
    if not isinstance(where, tuple):
        return where  # the 404 page
    org_doc, doc = where
    found = repos.find_repository(sandbox, doc, repo)
    pr = sandbox.store.get("pull_request", f"{org_doc['accountName'].lower()}:{int(number)}")
    if found is None or pr is None or pr["repositoryId"] != found["id"]:
        return not_found(f"pull request {number} in {repo}")
    links = _links(base, org_doc, doc)
    links["repo"] = f"{links['project']}/_git/{_q(found['name'])}"
    author = find_member(sandbox, org_doc["accountName"], user_id=pr.get("createdById", "")) or {}
    return render(
        "pullrequest.html",
        title=f"Pull request {number}: {pr['title']}",
        pr=pr,
        repo=found,
        project=doc,
        links=links,
        source=pr["sourceRefName"].removeprefix("refs/heads/"),
        target=pr["targetRefName"].removeprefix("refs/heads/"),
        author=author.get("displayName", ""),
    )


def _fingerprint(public_data: str) -> str:
    parts = public_data.split()
    try:
        digest = hashlib.sha256(base64.b64decode(parts[1])).digest()
    except (IndexError, ValueError):
        return "(unreadable key)"
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def ssh_keys(sandbox: Sandbox, base: str, org: str) -> Response:
    doc = _org(sandbox, org)
    if doc is None:
        return not_found(f"the organization {org}")
    user = sandbox.user
    keys = [
        {
            "name": k["displayName"],
            "fingerprint": _fingerprint(k["publicData"]),
            "type": k["publicData"].split()[0],
            "valid_to": k["validTo"][:10],
        }
        for k in sandbox.store.find("sshkey", org=doc["accountName"])
        if k["userId"] == user.get("id")
    ]
    return render(
        "ssh_keys.html",
        title="SSH public keys",
        org=doc,
        user=user,
        keys=keys,
        links=_links(base, doc),
    )


def tokens(sandbox: Sandbox, base: str, org: str) -> Response:
    doc = _org(sandbox, org)
    if doc is None:
        return not_found(f"the organization {org}")
    return render(
        "tokens.html",
        title="Personal access tokens",
        org=doc,
        restricted=PAT_CREATION_RESTRICTED if rules.on(sandbox, "pats_restricted") else "",
        user=sandbox.user,
        links=_links(base, doc),
    )

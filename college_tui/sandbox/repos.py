"""Git storage: one bare repository per Azure Repo, kept by id under `<data>/repos/`.

The REST side and the SSH server share these directories (one storage, no copies); names live in
the store, so a repo path on disk never depends on a user-typed name. Everything about refs is read
from git each time (a push over SSH shows in the REST API at once). The bundled course repository
is in courserepo.py, how git is run in gitexec.py.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from typing import Any
from urllib.parse import quote, unquote

# import_course, is_course_url, service_env and repo_path are imported from here by the API.
# Re-exported: the API modules reach git and the course through `repos` (one name for storage).
from .courserepo import import_course as import_course
from .courserepo import is_course_url as is_course_url
from .gitexec import git as git
from .gitexec import repo_path as repo_path
from .gitexec import run_git as run_git
from .gitexec import service_env as service_env
from .service import Sandbox

SSH_HOST = "ssh.dev.azure.com"  # sshUrl host, as the real service writes it (see ssh_url)
ZERO_ID = "0" * 40
PUSH_LOCK_WAIT = 60  # seconds a push waits for another push to the same repository


# -- repositories -------------------------------------------------------------------------------


def create_repository(
    sandbox: Sandbox, org: str, project: dict[str, Any], name: str
) -> dict[str, Any]:
    """A new, empty repository in a project (the caller checks the name is free)."""
    repo_id = str(uuid.uuid4())
    repo = {"id": repo_id, "name": name, "org": org, "projectId": project["id"]}
    path = sandbox.repos_dir / f"{repo_id}.git"
    run_git(["init", "--bare", "--quiet", "--initial-branch=main", str(path)])
    return sandbox.store.put("repo", repo_id, repo, org=org, parent=project["id"], name=name)


def find_repository(
    sandbox: Sandbox, project: dict[str, Any], id_or_name: str
) -> dict[str, Any] | None:
    """A live repository of the project by id or (case-insensitive) name."""
    repo = sandbox.store.get("repo", id_or_name.lower())
    if repo and repo["projectId"] == project["id"]:
        return repo
    return sandbox.store.find_one("repo", parent=project["id"], name=id_or_name)


def name_taken(sandbox: Sandbox, project: dict[str, Any], name: str) -> bool:
    """Whether a live or recycle-bin repository of the project holds the name already."""
    return any(
        sandbox.store.find(kind, parent=project["id"], name=name)
        for kind in ("repo", "deleted_repo")
    )


def delete_repository(sandbox: Sandbox, repo: dict[str, Any], deleted_by: str, when: str) -> None:
    """Move a repository to the recycle bin: gone from lists, its name reserved until purged."""
    doc = {**repo, "deletedBy": deleted_by, "deletedDate": when}
    with sandbox.store.transaction():
        sandbox.store.delete("repo", repo["id"])
        sandbox.store.put(
            "deleted_repo",
            repo["id"],
            doc,
            org=repo["org"],
            parent=repo["projectId"],
            name=repo["name"],
        )


def purge_repository(sandbox: Sandbox, repo: dict[str, Any]) -> None:
    """Delete a recycle-bin repository for good, its git storage with it."""
    sandbox.store.delete("deleted_repo", repo["id"])
    shutil.rmtree(repo_path(sandbox, repo), ignore_errors=True)


# -- SSH addressing -----------------------------------------------------------------------------


def ssh_path(org: str, project: str, repo: str) -> str:
    """The path part of an SSH clone URL: `v3/{org}/{project}/{repo}`, names percent-encoded."""
    return "/".join(["v3", *(quote(part, safe="") for part in (org, project, repo))])


def ssh_url(org: str, project: str, repo: str) -> str:
    """`git@ssh.dev.azure.com:v3/{org}/{project}/{repo}`, the form the service reports."""
    return f"git@{SSH_HOST}:{ssh_path(org, project, repo)}"


def resolve_ssh_path(sandbox: Sandbox, path: str) -> dict[str, Any] | None:
    """The repository an SSH path (`v3/org/project/repo`, quoted or not) names, else None.

    Names compare case-insensitively and may be percent-encoded (spaces arrive as %20); the
    project and the repository may also be given by id.
    """
    parts = [unquote(p) for p in path.strip().strip("'\"").strip("/").split("/")]
    if len(parts) != 4 or parts[0].lower() != "v3" or not all(parts):
        return None
    return resolve_repository(sandbox, *parts[1:])


def resolve_repository(
    sandbox: Sandbox, org_name: str, project_name: str, repo_name: str
) -> dict[str, Any] | None:
    """The live repository `org/project/repo` names (case-insensitive; project, repo by id too)."""
    org = sandbox.org(org_name)
    if org is None:
        return None
    project = sandbox.store.get("project", project_name.lower())
    if not project or project["org"].lower() != org["accountName"].lower():
        project = sandbox.store.find_one("project", org=org["accountName"], name=project_name)
    if project is None:
        return None
    return find_repository(sandbox, project, repo_name)


# -- reading a repository -----------------------------------------------------------------------


def list_refs(
    sandbox: Sandbox, repo: dict[str, Any], prefix: str = "refs/"
) -> list[tuple[str, str]]:
    """(name, object id) of the refs under `prefix`, sorted by name, straight from git."""
    out = git(repo_path(sandbox, repo), "for-each-ref", "--format=%(refname) %(objectname)", prefix)
    pairs = (line.split(" ", 1) for line in out.splitlines() if line)
    return [(name, oid) for name, oid in pairs]


def resolve_ref(sandbox: Sandbox, repo: dict[str, Any], name: str) -> str | None:
    """The object a full ref name points at, or None."""
    for ref, oid in list_refs(sandbox, repo, name):
        if ref == name:
            return oid
    return None


def default_branch(sandbox: Sandbox, repo: dict[str, Any]) -> str | None:
    """The default branch once the repository has commits: HEAD's branch, else the first one."""
    heads = list_refs(sandbox, repo, "refs/heads/")
    if not heads:
        return None
    try:
        head = git(repo_path(sandbox, repo), "symbolic-ref", "-q", "HEAD").strip()
    except subprocess.CalledProcessError:
        head = ""
    names = [name for name, _ in heads]
    return head if head in names else names[0]


def repository_size(sandbox: Sandbox, repo: dict[str, Any]) -> int:
    """Bytes the repository's objects take on disk (the service's `size`)."""
    objects = repo_path(sandbox, repo) / "objects"
    return sum(
        f.stat().st_size for f in objects.rglob("*") if f.is_file() and f.parent.name != "info"
    )


def object_type(sandbox: Sandbox, repo: dict[str, Any], oid: str) -> str | None:
    try:
        return git(repo_path(sandbox, repo), "cat-file", "-t", oid).strip()
    except subprocess.CalledProcessError:
        return None


def valid_ref_name(name: str) -> bool:
    try:
        run_git(["check-ref-format", name])
    except subprocess.CalledProcessError:
        return False
    return name.startswith("refs/")


# -- writing refs -------------------------------------------------------------------------------


def update_ref(sandbox: Sandbox, repo: dict[str, Any], name: str, old: str, new: str) -> str:
    """One ref update with an old-value check; the service's GitRefUpdateStatus as the result."""
    old, new = (old or ZERO_ID).lower(), (new or ZERO_ID).lower()
    if not valid_ref_name(name):
        return "invalidRefName"
    current = resolve_ref(sandbox, repo, name)
    path = repo_path(sandbox, repo)
    if new == ZERO_ID:
        if current is None:
            return "succeededNonExistentRef"
        if old != ZERO_ID and old != current:
            return "staleOldObjectId"
        args = ["update-ref", "-d", name, current]
    else:
        if (current or ZERO_ID) != old:
            return "staleOldObjectId"
        if object_type(sandbox, repo, new) != "commit":
            return "unresolvableToCommit"
        args = ["update-ref", name, new, old]
    try:
        git(path, *args)
    except subprocess.CalledProcessError:
        return "staleOldObjectId"  # lost a race with another writer (a push over SSH)
    return "succeeded"


# -- pull request merges ------------------------------------------------------------------------


def preview_merge(
    sandbox: Sandbox,
    repo: dict[str, Any],
    source: str,
    target: str,
    *,
    ref: str,
    message: str,
    author: tuple[str, str],
    date: str,
) -> tuple[str, str | None]:
    """Merge `source` into `target` without touching branches, as the service does for a PR.

    Returns ("succeeded", merge commit id) and stores the commit at `ref` (refs/pull/N/merge), or
    ("conflicts" | "failure", None).
    """
    path = repo_path(sandbox, repo)
    try:
        tree = git(path, "merge-tree", "--write-tree", "--no-messages", target, source)
    except subprocess.CalledProcessError as err:
        return ("conflicts" if err.returncode == 1 else "failure"), None
    name, email = author
    commit = git(
        path,
        "commit-tree",
        "--no-gpg-sign",
        tree.split()[0],
        "-p",
        target,
        "-p",
        source,
        input=message,
        env={
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_COMMITTER_DATE": date,
        },
    ).strip()
    git(path, "update-ref", ref, commit)
    return "succeeded", commit

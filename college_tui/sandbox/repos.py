"""Git storage: one bare repository per Azure Repo, kept by id under `<data>/repos/`.

The REST side and the SSH server share these directories (one storage, no copies); names live in
the store, so a repo path on disk never depends on a user-typed name. Everything about refs is read
from git each time (a push over SSH shows in the REST API at once). The bundled course repository
(`course/`) is built here into a bare "source" repo that imports of the course's GitHub URL use.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from ..workstation.childenv import child_env
from .service import Sandbox

SSH_HOST = "ssh.dev.azure.com"  # sshUrl host, as the real service writes it (see ssh_url)
ZERO_ID = "0" * 40
PUSH_LOCK_WAIT = 60  # seconds a push waits for another push to the same repository

COURSE_URL = "https://github.com/aidevcollege/aidevcollege"
COURSE_DIR = Path(__file__).parent / "course"
# Fixed identity and date: the course commit id is the same in every sandbox.
COURSE_AUTHOR = ("AI Developer College", "college@aidevcollege.example")
COURSE_DATE = "2024-03-04T09:00:00+00:00"
COURSE_MESSAGE = "MLOps on Azure: course material for challenges 0 and 1\n"
_SKIPPED = {"__pycache__", ".DS_Store"}

_course_lock = threading.Lock()


# -- running git --------------------------------------------------------------------------------


def run_git(args: list[str], cwd: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run git quietly with a neutral environment; raises CalledProcessError on failure."""
    # child_env: the attendee's PAT or passphrase (same process in --sandbox mode) stays here.
    env = {
        **child_env(),
        "GIT_TERMINAL_PROMPT": "0",
        "LC_ALL": "C",
        "GIT_CONFIG_NOSYSTEM": "1",
        # The service's git must not pick up the user's ~/.gitconfig (signing, templates...).
        "GIT_CONFIG_GLOBAL": os.devnull,
        **kwargs.pop("env", {}),
    }
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True, **kwargs
    )


def service_env(sandbox: Sandbox) -> dict[str, str]:
    """The environment of the `git upload-pack` / `receive-pack` that serve a client (SSH, HTTP).

    Nothing of the sandbox's own process (the attendee's PAT in --sandbox mode), no user config.
    """
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LC_ALL": "C",
        "HOME": str(sandbox.data_dir),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }


def git(path: Path, *args: str, **kwargs) -> str:
    """Output of a git command run against the bare repository at `path`."""
    return run_git(["--git-dir", str(path), *args], **kwargs).stdout


# -- repositories -------------------------------------------------------------------------------


def repo_path(sandbox: Sandbox, repo: dict[str, Any]) -> Path:
    return sandbox.repos_dir / f"{repo['id']}.git"


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
    return [tuple(line.split(" ", 1)) for line in out.splitlines() if line]  # type: ignore[misc]


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


# -- the bundled course -------------------------------------------------------------------------


def is_course_url(url: str) -> bool:
    """Whether an import source is the course's GitHub repository (any casing, `.git`, `/`)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    path = parts.path.rstrip("/")
    if path.lower().endswith(".git"):
        path = path[:-4]
    return (
        parts.scheme.lower() in ("http", "https")
        and (parts.hostname or "") in ("github.com", "www.github.com")
        and path.lower() == "/aidevcollege/aidevcollege"
    )


def course_files() -> list[tuple[str, Path]]:
    """(path in the repository, file) for every file of the bundled course, sorted."""
    files = []
    for path in COURSE_DIR.rglob("*"):
        rel = path.relative_to(COURSE_DIR)
        if not path.is_file() or _SKIPPED & set(rel.parts) or path.suffix in (".pyc", ".pyo"):
            continue
        files.append((rel.as_posix(), path))
    return sorted(files)


def course_source(sandbox: Sandbox) -> Path:
    """The bare repo holding the course (one commit on `main`), built on first use, then reused.

    Its directory name carries a digest of the content, so a newer bundled course gets a new one.
    """
    files = course_files()
    digest = hashlib.sha256()
    for rel, path in files:
        digest.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    target = sandbox.data_dir / f"course-{digest.hexdigest()[:16]}.git"
    with _course_lock:
        if not target.exists():
            _build_course(files, target)
    return target


def _build_course(files: list[tuple[str, Path]], target: Path) -> None:
    # Built aside and renamed into place, so nobody sees a half-made repository.
    build = Path(tempfile.mkdtemp(prefix=".course-", dir=target.parent))
    try:
        run_git(["init", "--bare", "--quiet", "--initial-branch=main", str(build)])
        index = f"{build}/course.index"
        # Stored byte for byte (no filters), every file as a plain 100644 blob.
        oids = git(
            build,
            "hash-object",
            "-w",
            "--no-filters",
            "--stdin-paths",
            input="".join(f"{path}\n" for _rel, path in files),
        ).split()
        entries = [f"100644 {oid}\t{rel}\n" for (rel, _path), oid in zip(files, oids, strict=True)]
        env = {"GIT_INDEX_FILE": index}
        git(build, "update-index", "--index-info", input="".join(entries), env=env)
        tree = git(build, "write-tree", env=env).strip()
        name, email = COURSE_AUTHOR
        commit = git(
            build,
            "commit-tree",
            "--no-gpg-sign",
            tree,
            input=COURSE_MESSAGE,
            env={
                "GIT_AUTHOR_NAME": name,
                "GIT_AUTHOR_EMAIL": email,
                "GIT_AUTHOR_DATE": COURSE_DATE,
                "GIT_COMMITTER_NAME": name,
                "GIT_COMMITTER_EMAIL": email,
                "GIT_COMMITTER_DATE": COURSE_DATE,
            },
        ).strip()
        git(build, "update-ref", "refs/heads/main", commit)
        os.unlink(index)
        os.replace(build, target)
    finally:
        shutil.rmtree(build, ignore_errors=True)


def import_course(sandbox: Sandbox, repo: dict[str, Any], *, overwrite: bool = False) -> None:
    """Fetch the course's branches and tags into a repository and point HEAD at its `main`."""
    source = course_source(sandbox)
    path = repo_path(sandbox, repo)
    git(
        path,
        "fetch",
        "--quiet",
        *(["--prune"] if overwrite else []),
        str(source),
        "+refs/heads/*:refs/heads/*",
        "+refs/tags/*:refs/tags/*",
    )
    git(path, "symbolic-ref", "HEAD", git(source, "symbolic-ref", "HEAD").strip())


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

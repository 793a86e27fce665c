"""Git storage: one bare repository per Azure Repo, kept by id under `<data>/repos/`.

The REST side and the SSH server share these directories (one storage, no copies); names live in
the store, so a repo path on disk never depends on a user-typed name.
"""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path
from typing import Any

from .service import Sandbox


def repo_path(sandbox: Sandbox, repo: dict[str, Any]) -> Path:
    return sandbox.repos_dir / f"{repo['id']}.git"


def run_git(args: list[str], cwd: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run git quietly with a neutral environment; raises CalledProcessError on failure."""
    import os

    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True, **kwargs)


def create_repository(sandbox: Sandbox, org: str, project: dict[str, Any], name: str) -> dict[str, Any]:
    """A new, empty repository in a project (the caller checks the name is free)."""
    repo_id = str(uuid.uuid4())
    repo = {"id": repo_id, "name": name, "org": org, "projectId": project["id"]}
    path = sandbox.repos_dir / f"{repo_id}.git"
    run_git(["init", "--bare", "--quiet", "--initial-branch=main", str(path)])
    return sandbox.store.put("repo", repo_id, repo, org=org, parent=project["id"], name=name)


def find_repository(sandbox: Sandbox, project: dict[str, Any], id_or_name: str) -> dict[str, Any] | None:
    repo = sandbox.store.get("repo", id_or_name.lower())
    if repo and repo["projectId"] == project["id"]:
        return repo
    return sandbox.store.find_one("repo", parent=project["id"], name=id_or_name)

"""Helpers the sandbox tests share: polling, making the project "College", importing the course.

They drive the sandbox through the official SDK (`clients` is a connection's `clients_v7_1`), as
the wizard does. Every wait is a poll with a bounded deadline.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from college_tui.sandbox import repos

T = TypeVar("T")

COURSE_URL = "https://github.com/aidevcollege/aidevcollege"
IMPORT_DONE = ("completed", "failed", "abandoned")


class HeldClock:
    """A clock for a sandbox's jobs (`start_sandbox(clock=HeldClock())`): the wall clock until
    `hold()`, then standing still until the test moves it with `advance(seconds)`. A job then
    moves when the test says, whatever the machine's load."""

    def __init__(self) -> None:
        self._held: float | None = None

    def __call__(self) -> float:
        held = self._held
        return time.time() if held is None else held

    def hold(self) -> None:
        self._held = time.time()

    def advance(self, seconds: float) -> None:
        assert self._held is not None, "hold() the clock first"
        self._held += seconds


def wait_for(predicate: Callable[[], T], timeout: float = 10, interval: float = 0.05) -> T:
    """Call `predicate` until it returns something truthy and return that; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value: {value!r})")
        time.sleep(interval)


def create_project(clients, name: str = "College", process: str = "Agile"):
    """Queue a project on a process, wait for its operation to succeed, return the TeamProject."""
    from azure.devops.v7_1.core.models import TeamProject

    core = clients.get_core_client()
    process_id = next(p.id for p in core.get_processes() if p.name == process)
    operation = core.queue_create_project(
        TeamProject(
            name=name,
            capabilities={
                "versioncontrol": {"sourceControlType": "Git"},
                "processTemplate": {"templateTypeId": process_id},
            },
        )
    )
    operations = clients.get_operations_client()
    final = wait_for(lambda: _finished(operations.get_operation(operation.id)))
    assert final.status == "succeeded", f"project creation ended {final.status}"
    return core.get_project(name, include_capabilities=True)


def _finished(operation):
    return operation if operation.status in ("succeeded", "failed", "cancelled") else None


def start_import(clients, project, repository_id: str, url: str = COURSE_URL):
    """Ask the service to import `url` into a repository; the queued GitImportRequest."""
    from azure.devops.v7_1.git.models import (
        GitImportGitSource,
        GitImportRequest,
        GitImportRequestParameters,
    )

    request = GitImportRequest(
        parameters=GitImportRequestParameters(
            git_source=GitImportGitSource(url=url, overwrite=False),
            delete_service_endpoint_after_import_is_done=False,
        )
    )
    return clients.get_git_client().create_import_request(request, project.name, repository_id)


def wait_for_import(clients, project, repository_id: str, request_id: int, timeout: float = 10):
    """Poll an import request until it ends (completed, failed or abandoned); return it."""
    git = clients.get_git_client()

    def ended():
        request = git.get_import_request(project.name, repository_id, request_id)
        return request if request.status in IMPORT_DONE else None

    return wait_for(ended, timeout=timeout)


def import_course(clients, project, repo_name: str = "aidevcollege") -> tuple[Any, Any]:
    """Create a repository and import the course into it: (GitRepository, GitImportRequest)."""
    from azure.devops.v7_1.core.models import TeamProjectReference
    from azure.devops.v7_1.git.models import GitRepositoryCreateOptions

    git = clients.get_git_client()
    repo = git.create_repository(
        GitRepositoryCreateOptions(name=repo_name, project=TeamProjectReference(id=project.id)),
        project.name,
    )
    queued = start_import(clients, project, repo.id)
    final = wait_for_import(clients, project, repo.id, queued.import_request_id)
    assert final.status == "completed", final.detailed_status.error_message
    return git.get_repository(repo.id, project.name), final


def git(cwd: Path | str, *args: str) -> str:
    """Run the git client as a user would (fixed identity, no personal config); its output."""
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_AUTHOR_NAME": "Ada Attendee",
        "GIT_AUTHOR_EMAIL": "ada@college.example",
        "GIT_COMMITTER_NAME": "Ada Attendee",
        "GIT_COMMITTER_EMAIL": "ada@college.example",
    }
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout


def refuse_as_unscoped(monkeypatch, method: str, host: str, path: str, status: int) -> None:
    """What the service does for a PAT made without the scope one call needs: that call is
    refused (`status`: 403, or 401 like a bad token), every other call works."""
    from college_tui.sandbox.errors import ServiceError
    from college_tui.sandbox.routing import router

    route, _params, _known = router.match(method, host, path)

    def refuse(call):
        raise ServiceError(
            status,
            "UnauthorizedRequestException",
            "TF400813: The user is not authorized to access this resource.",
        )

    monkeypatch.setattr(route, "handler", refuse)


ZERO = "0" * 40


def bare_repo(server, repo) -> Path:
    return repos.repo_path(server.sandbox, {"id": repo.id})


def push_commit(
    server, repo, tmp_path: Path, branch: str, path: str, text: str, base: str = "main"
) -> str:
    """Clone the bare repo, commit one file on `branch` (from `base`), push; the new commit id."""
    work = tmp_path / f"work-{branch.replace('/', '-')}"
    if not work.exists():
        git(tmp_path, "clone", "--quiet", str(bare_repo(server, repo)), str(work))
    git(work, "fetch", "--quiet", "origin")
    git(work, "checkout", "--quiet", "-B", branch, f"origin/{base}")
    (work / path).parent.mkdir(parents=True, exist_ok=True)
    (work / path).write_text(text)
    git(work, "add", path)
    git(work, "commit", "--quiet", "-m", f"Change {path} on {branch}")
    git(work, "push", "--quiet", "origin", f"HEAD:refs/heads/{branch}")
    return git(work, "rev-parse", "HEAD").strip()

"""End-to-end helpers: `college-tui` as a subprocess in a throw-away HOME, and a look inside.

Every run gets HOME, the XDG folders, the SDK cache, the state folder and the sandbox data inside
one temporary folder, an in-memory keyring, and the sandbox's fast clocks. Afterwards the test
starts the sandbox again on the same data folder, in this process, and reads it with the SDK.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from college_tui.sandbox.server import SandboxServer
from college_tui.sandbox.service import SandboxConfig
from tests.conftest import FAST, connect

PASSPHRASE_ENV = "COLLEGE_E2E_KEY_PASSPHRASE"
PASSPHRASE = "correct horse battery staple 42"
MEMBERS = ("grace@example.com", "alan@example.com")

ANSWERS_PLAIN = f"""
alias = "ada"
members = ["{MEMBERS[0]}", {{ email = "{MEMBERS[1]}", access_level = "basic" }}]
"""
# The key gets a passphrase: every bcrypt load costs ~0.5 s, so only the full-run story uses it.
ANSWERS = ANSWERS_PLAIN + f'key_passphrase_env = "{PASSPHRASE_ENV}"\n'


@dataclass
class World:
    """One attendee's machine: where everything of a run lives."""

    root: Path

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def data(self) -> Path:
        return self.root / "sandbox"

    @property
    def sandbox_home(self) -> Path:
        return self.data / "home"

    @property
    def state(self) -> Path:
        return self.root / "state"

    @property
    def answers(self) -> Path:
        return self.root / "answers.toml"

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("COLLEGE_TUI_", "AZURE_DEVOPS_", "XDG_"))
        }
        env.update(
            {
                "HOME": str(self.home),
                "XDG_CONFIG_HOME": str(self.root / "xdg-config"),
                "XDG_DATA_HOME": str(self.root / "xdg-data"),
                "XDG_STATE_HOME": str(self.root / "xdg-state"),
                "XDG_CACHE_HOME": str(self.root / "xdg-cache"),
                "AZURE_DEVOPS_CACHE_DIR": str(self.root / "sdk-cache"),
                "PYTHON_KEYRING_BACKEND": "college_tui.workstation.memory_keyring.MemoryKeyring",
                "COLLEGE_TUI_STATE_DIR": str(self.state),
                "COLLEGE_TUI_SANDBOX_FAST": "1",
                "PYTHONUNBUFFERED": "1",
                "GIT_CONFIG_NOSYSTEM": "1",
                PASSPHRASE_ENV: PASSPHRASE,
            }
        )
        env.update(extra)
        return env

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "college_tui.cli", *args]

    def sandbox_args(self, *extra: str) -> list[str]:
        return ["--sandbox", "--data", str(self.data), *extra]

    def service_args(self, info) -> list[str]:
        """A served sandbox reached as a service (its `info`), with this world's answers."""
        return [
            "--org",
            info.org_url,
            "--profile-url",
            info.profile_url,
            "--answers",
            str(self.answers),
        ]

    def run(
        self, *args: str, timeout: float = 120, env: dict | None = None, stdin=subprocess.DEVNULL
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            self.command(*args),
            env=env or self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=stdin,
            cwd=self.root,
        )

    def apply(self, *extra: str, **kwargs) -> subprocess.CompletedProcess:
        return self.run(
            "apply", *self.sandbox_args(), "--answers", str(self.answers), "--yes", *extra, **kwargs
        )

    def spawn(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            self.command(*args),
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            stdin=subprocess.DEVNULL,
            cwd=self.root,
        )

    def spy_on_git(self) -> tuple[Path, str]:
        """A `git` first on PATH that writes down its arguments and environment (its children
        inherit the same) in a file of the returned folder, then runs the real git; with the
        PATH that puts it first."""
        spy, bin_dir = self.root / "spy", self.root / "spy-bin"
        spy.mkdir()
        bin_dir.mkdir()
        wrapper = bin_dir / "git"
        wrapper.write_text(
            f'#!/bin/sh\n{{ printf "%s\\n" "$@"; env; }} > "{spy}/git.$$"\n'
            f'exec "{shutil.which("git")}" "$@"\n'
        )
        wrapper.chmod(0o755)
        return spy, f"{bin_dir}{os.pathsep}{os.environ['PATH']}"

    def kill_apply_at(self, marker: str, timeout: float = 60) -> str:
        """Start apply, read its lines until one matches `marker`, then SIGKILL it."""
        proc = self.spawn("apply", *self.sandbox_args(), "--answers", str(self.answers), "--yes")
        seen: list[str] = []
        pattern = re.compile(marker)
        deadline = time.monotonic() + timeout
        try:
            for line in proc.stdout:
                seen.append(line)
                if pattern.search(line):
                    proc.kill()
                    break
                assert time.monotonic() < deadline, "".join(seen)
            else:
                raise AssertionError(f"apply ended before {marker!r}:\n{''.join(seen)}")
        finally:
            proc.kill()
            proc.wait(10)
            proc.stdout.close()
        assert proc.returncode == -9, "".join(seen)
        return "".join(seen)


def path_without(folder: Path, *missing: str) -> str:
    """A PATH (one folder of symlinks) with every program of the real PATH but `missing`."""
    folder.mkdir(parents=True, exist_ok=True)
    for entry in os.environ.get("PATH", "").split(os.pathsep):
        if not entry or not os.path.isdir(entry):
            continue
        for name in os.listdir(entry):
            target = Path(entry) / name
            link = folder / name
            if name in missing or os.path.lexists(link):
                continue
            if target.is_file() and os.access(target, os.X_OK):
                link.symlink_to(target)
    return str(folder)


@pytest.fixture
def world(tmp_path) -> World:
    w = World(tmp_path)
    w.home.mkdir()
    w.answers.write_text(ANSWERS, encoding="utf-8")
    return w


@contextlib.contextmanager
def opened_sandbox(data: Path) -> Iterator[SandboxServer]:
    """The sandbox a run left behind, started again in this process to look inside."""
    server = SandboxServer(data, ssh=False, config=SandboxConfig(**FAST))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Snapshot:
    """What the sandbox holds after a run, read with the SDK (and the raw key list)."""

    projects: list
    process: str | None
    default_team: str | None
    teams: list[str]
    team_members: set[str]
    ssh_keys: list[str]
    repos: list[str]
    branches: list[str]
    active_prs: list
    repo_default_branch: str | None
    imports: int = 0  # import requests of aidevcollege, abandoned ones included


def snapshot(data: Path, branch: str = "users/ada/hello-college") -> Snapshot:
    with opened_sandbox(data) as server:
        clients = connect(server.info.org_url, server.info.pat).clients_v7_1
        core, git = clients.get_core_client(), clients.get_git_client()
        projects = [p.name for p in core.get_projects()]
        if "College" not in projects:
            return Snapshot(projects, None, None, [], set(), _ssh_keys(server), [], [], [], None)
        project = core.get_project("College", include_capabilities=True)
        teams = [t.name for t in core.get_teams(project.id)]
        members = {
            m.identity.unique_name
            for m in core.get_team_members_with_extended_properties(
                project.id, project.default_team.id
            )
        }
        repos = git.get_repositories("College")
        course = next((r for r in repos if r.name == "aidevcollege"), None)
        branches, prs, imports = [], [], 0
        if course is not None:
            imports = len(
                git.query_import_requests("College", course.id, include_abandoned=True) or []
            )
            branches = [r.name for r in git.get_refs(course.id, "College", filter="heads/")]
            from azure.devops.v7_1.git.models import GitPullRequestSearchCriteria

            prs = git.get_pull_requests(
                course.id,
                GitPullRequestSearchCriteria(
                    status="active", source_ref_name=f"refs/heads/{branch}"
                ),
                "College",
            )
        return Snapshot(
            projects=projects,
            process=project.capabilities["processTemplate"]["templateName"],
            default_team=project.default_team.name,
            teams=teams,
            team_members=members,
            ssh_keys=_ssh_keys(server),
            repos=sorted(r.name for r in repos),
            branches=branches,
            active_prs=prs,
            repo_default_branch=course.default_branch if course else None,
            imports=imports,
        )


def _ssh_keys(server) -> list[str]:
    answer = requests.get(
        f"{server.info.base_url}/vssps/{server.info.org}/_apis/Token/SessionTokens",
        params={"isPublic": "true", "includePublicData": "true", "api-version": "7.1-preview.1"},
        auth=("", server.info.pat),
        timeout=10,
        headers={"X-TFS-FedAuthRedirect": "Suppress"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    items = body.get("value", body) if isinstance(body, dict) else body
    return [item.get("publicData", "") for item in items]


def leftovers(folder: Path) -> list[Path]:
    """Temp files an interrupted atomic write could leave (there must be none)."""
    if not folder.exists():
        return []
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp") and ".git" not in p.parts]

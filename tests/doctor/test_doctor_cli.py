"""`college-tui doctor` as an attendee runs it: a fresh install in an empty home, in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("ssh") is None or shutil.which("git") is None, reason="needs git and OpenSSH"
)


def doctor(
    home: Path, *args: str, path: str | None = None, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XDG_", "COLLEGE_TUI_", "AZURE_DEVOPS_PAT", "SSH_AUTH_SOCK"))
    }
    env.update(HOME=str(home), AZURE_DEVOPS_CACHE_DIR=str(home / "sdk-cache"))
    if path is not None:
        env["PATH"] = path
    env.update(extra or {})
    return subprocess.run(
        [sys.executable, "-m", "college_tui.cli", "doctor", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_doctor_sandbox_passes_on_a_fresh_install(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    done = doctor(home, "--sandbox")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    for title in ("git", "OpenSSH client", "SSH port", "SSH host key", "PAT scope Code"):
        assert title in done.stdout
    assert "problem" not in done.stdout.split("\n")[-2]
    # The sandbox lives in the temp home, its SSH files in the sandbox's own home.
    assert any(home.rglob("sandbox.db"))
    assert not (home / ".ssh").exists()


def test_doctor_json_for_instructors_and_exit_1_on_a_problem(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    only = tmp_path / "bin"
    only.mkdir()
    (only / "git").symlink_to(shutil.which("git"))  # git, but no ssh on PATH
    done = doctor(home, "--sandbox", "--json", path=str(only))
    assert done.returncode == 1, done.stdout + done.stderr
    result = json.loads(done.stdout)
    checks = {c["key"]: c for c in result["checks"]}
    assert result["ok"] is False and result["counts"]["problem"] == 1
    assert checks["ssh-client"]["status"] == "problem"
    assert checks["ssh-host-key"]["status"] == "ok"
    assert set(checks["ssh-client"]) == {"key", "title", "status", "found", "advice"}
    assert result["counts"]["ok"] + result["counts"]["warning"] + 1 == len(checks)


def test_doctor_sandbox_without_git_says_the_sandbox_needs_git(tmp_path):
    # The sandbox keeps its repositories with git: it does not start without it (it would
    # otherwise answer the first project with an HTTP 500 the wizard blames on Azure DevOps).
    home = tmp_path / "home"
    home.mkdir()
    only = tmp_path / "bin"
    only.mkdir()
    (only / "ssh").symlink_to(shutil.which("ssh"))  # ssh, but no git on PATH
    done = doctor(home, "--sandbox", path=str(only))
    said = done.stdout + done.stderr
    assert done.returncode == 1, said
    assert "git is not installed" in said and "git-scm.com" in said, said
    assert "Traceback" not in said, said


def test_doctor_refuses_fresh_and_sandbox_options_without_sandbox(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    assert "--fresh" in doctor(home, "--sandbox", "--fresh").stderr
    done = doctor(home, "--faults", "ssh=closed")
    assert done.returncode == 2 and "--sandbox only" in done.stderr


def test_doctor_org_checks_the_scopes_of_the_pat_in_the_environment(tmp_path, sandbox):
    # A loopback sandbox stands in for the organisation (http:// is allowed on loopback only).
    home = tmp_path / "home"
    home.mkdir()
    info = sandbox.info
    done = doctor(
        home,
        "--org",
        info.org_url,
        "--profile-url",
        info.profile_url,
        "--json",
        extra={"AZURE_DEVOPS_PAT": info.pat},
    )
    result = json.loads(done.stdout)
    checks = {c["key"]: c for c in result["checks"]}
    assert checks["pat"]["status"] == "ok", checks["pat"]
    scopes = {k: c["status"] for k, c in checks.items() if k.startswith("scope:")}
    assert len(scopes) == 6 and set(scopes.values()) == {"ok"}
    assert checks["https"]["status"] == "ok"
    assert info.pat not in done.stdout + done.stderr


@pytest.mark.timeout(120)
def test_doctor_on_a_loopback_org_with_a_pat_learns_its_hosts_from_the_sandbox(
    start_sandbox, tmp_path
):
    """Issue 26: `doctor --org http://127.0.0.1:P/ORG` with AZURE_DEVOPS_PAT went to
    app.vssps.visualstudio.com and ssh.dev.azure.com:22, and advised clone_protocol = "https";
    a loopback organisation learns its profile host and SSH server from the sandbox."""
    from tests.e2e.conftest import World

    server = start_sandbox(ssh=True)
    world = World(tmp_path)
    world.home.mkdir()
    env = world.env(AZURE_DEVOPS_PAT=server.info.pat)
    result = subprocess.run(
        [sys.executable, "-m", "college_tui.cli", "doctor", "--org", server.info.org_url],
        env=env,
        capture_output=True,
        text=True,
        timeout=100,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    out = result.stdout + result.stderr
    assert "Traceback" not in out, out
    assert "app.vssps.visualstudio.com" not in out and "ssh.dev.azure.com" not in out, out
    assert 'clone_protocol = "https"' not in out, out
    assert f"127.0.0.1:{server.info.ssh_port}" in out, out

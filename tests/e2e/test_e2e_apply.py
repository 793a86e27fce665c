"""The whole course on the sandbox: `college-tui apply --sandbox --yes` in a throw-away HOME.

One run is shared by the tests of this module: apply, apply again, plan, check. Then the sandbox
is started again in this process and read with the SDK, and every file the run wrote is read
back: modes of ~/.ssh, the clone, and no PAT or passphrase anywhere.
"""

from __future__ import annotations

import base64
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ANSWERS, MEMBERS, PASSPHRASE, World, leftovers, opened_sandbox, snapshot

STEP_KEYS = [
    "sign-in",
    "organization",
    "project",
    "team",
    "members",
    "ssh-key",
    "import",
    "clone",
    "pull-request",
]
SSH_URL = "git@ssh.dev.azure.com:v3/college-sandbox/College/aidevcollege"


@dataclass
class FullRun:
    world: World
    first: subprocess.CompletedProcess
    second: subprocess.CompletedProcess
    plan: subprocess.CompletedProcess
    check: subprocess.CompletedProcess
    seconds: float


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> FullRun:
    world = World(tmp_path_factory.mktemp("course"))
    world.home.mkdir()
    world.answers.write_text(ANSWERS, encoding="utf-8")
    started = time.monotonic()
    first = world.apply()
    seconds = time.monotonic() - started
    second = world.apply("--verbose")  # every HTTP call printed: proof nothing was written
    answers = ("--answers", str(world.answers))
    plan = world.run("plan", *world.sandbox_args(), *answers)
    check = world.run("check", *world.sandbox_args(), *answers)
    return FullRun(world, first, second, plan, check, seconds)


def test_apply_completes_all_nine_steps(full):
    out = full.first.stdout + full.first.stderr
    assert full.first.returncode == 0, out
    assert "All 9 steps are done." in out
    for key in STEP_KEYS:
        assert f"[{key}] ✓ " in out, key
    assert "[project] ✓ Project College created (Agile)" in out
    assert "[members] ✓ 2 of 2 colleague(s) in College Team (2 added)" in out
    assert "http " not in out  # HTTP lines only with --verbose
    print(f"first apply: {full.seconds:.1f} s")


def test_the_sandbox_holds_the_whole_course(full):
    seen = snapshot(full.world.data)
    assert seen.projects == ["College"]
    assert seen.process == "Agile"
    assert seen.default_team == "College Team" and seen.teams == ["College Team"]
    assert set(MEMBERS) <= seen.team_members
    assert len(seen.ssh_keys) == 1 and seen.ssh_keys[0].startswith("ssh-rsa ")
    assert seen.repos == ["College", "aidevcollege"]
    assert seen.repo_default_branch is not None
    assert "refs/heads/users/ada/hello-college" in seen.branches
    assert len(seen.active_prs) == 1
    assert seen.active_prs[0].target_ref_name == seen.repo_default_branch


def test_the_clone_and_the_ssh_files_live_in_the_sandbox_home_with_safe_modes(full):
    home = full.world.sandbox_home
    ssh = home / ".ssh"
    key = ssh / "college_tui_rsa"
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(ssh) == 0o700
    assert mode(key) == 0o600
    assert mode(key.with_name("college_tui_rsa.pub")) == 0o644
    assert key.read_text().startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    config = (ssh / "config").read_text()
    assert "Host ssh.dev.azure.com" in config and "IdentitiesOnly yes" in config
    assert mode(ssh / "config") & 0o022 == 0
    clone = home / "college" / "aidevcollege"
    remote = subprocess.run(
        ["git", "-C", str(clone), "remote", "get-url", "origin"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert remote == SSH_URL
    assert not (full.world.home / ".ssh").exists()  # the attendee's real ~/.ssh is untouched
    assert leftovers(home) == []


def test_a_second_apply_changes_nothing_and_says_so(full):
    out = full.second.stdout + full.second.stderr
    assert full.second.returncode == 0, out
    for key in STEP_KEYS:
        assert f"[{key}] ✓ " in out and "(already done)" in out
    assert "Nothing to do: every step is already done; nothing was changed." in out
    calls = [line.split(" http ", 1)[1].split() for line in out.splitlines() if " http " in line]
    writes = [call for call in calls if call[0] in ("POST", "PUT", "PATCH", "DELETE")]
    assert calls and writes == [], writes
    seen = snapshot(full.world.data)
    assert (seen.projects, seen.teams, len(seen.ssh_keys), seen.repos, len(seen.active_prs)) == (
        ["College"],
        ["College Team"],
        1,
        ["College", "aidevcollege"],
        1,
    )


def test_plan_after_the_run_has_nothing_left(full):
    assert full.plan.returncode == 0, full.plan.stdout + full.plan.stderr
    assert "Nothing left to do: every step is done." in full.plan.stdout


def test_check_passes_every_challenge_outcome(full):
    out = full.check.stdout
    assert full.check.returncode == 0, out + full.check.stderr
    assert out.count("✓ done") == 9
    assert "9 of 9 challenge outcomes done." in out


def secret_forms(secret: str) -> list[bytes]:
    """A secret as it could be written: itself, URL-quoted, and base64 (the Basic header)."""
    from urllib.parse import quote

    forms = {secret, quote(secret, safe=""), quote(secret)}
    forms |= {base64.b64encode(f"{prefix}{secret}".encode()).decode() for prefix in ("", ":")}
    return sorted(form.encode() for form in forms)


def git_object_dirs(root: Path) -> list[Path]:
    """Every git repository below root (bare or not): their objects are zlib-compressed."""
    return sorted({p.parent for p in root.rglob("HEAD") if (p.parent / "objects").is_dir()})


def test_no_pat_and_no_passphrase_in_anything_the_run_printed_or_wrote(full):
    world = full.world
    with opened_sandbox(world.data) as server:
        pat = server.info.pat
    pat_forms, passphrase_forms = secret_forms(pat), secret_forms(PASSPHRASE)
    printed = "".join(
        r.stdout + r.stderr for r in (full.first, full.second, full.plan, full.check)
    ).encode()
    for secret in pat_forms + passphrase_forms:
        assert secret not in printed
    checked = set()
    for path in world.root.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        checked.add(path)
        # The sandbox's own database holds its PAT by design (it is the service's secret store).
        service_store = path.parent == world.data and path.name.startswith("sandbox.db")
        for secret in passphrase_forms + ([] if service_store else pat_forms):
            assert secret not in data, path
    # Everything the run wrote was read: the state (run files, logs), the sandbox home with
    # ~/.ssh and the clone's .git, and the sandbox's own repositories.
    for folder in (
        world.state / "runs",
        world.sandbox_home / ".ssh",
        world.sandbox_home / "college" / "aidevcollege" / ".git",
        world.data / "repos",
    ):
        assert any(folder in p.parents for p in checked), folder
    assert len(checked) > 20
    repositories = git_object_dirs(world.root)
    assert world.sandbox_home / "college" / "aidevcollege" / ".git" in repositories
    assert any(world.data / "repos" in r.parents for r in repositories)
    read = 0
    for repository in repositories:  # every object, reachable or not, decompressed
        objects = subprocess.run(
            ["git", "--git-dir", str(repository), "cat-file", "--batch-all-objects", "--batch"],
            capture_output=True,
            check=True,
        ).stdout
        read += len(objects)
        for secret in pat_forms + passphrase_forms:
            assert secret not in objects, repository
    assert read > 10_000  # the course's files and the pull request's commit, at least
    state_files = list(world.state.rglob("*.json"))
    assert state_files, "the run state should be on disk"

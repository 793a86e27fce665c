"""The whole course on the sandbox: `college-tui apply --sandbox --yes` in a throw-away HOME.

One run is shared by the tests of this module: apply, apply again, plan, check. Then the sandbox
is started again in this process and read with the SDK, and every file the run wrote is read
back: modes of ~/.ssh, the clone, and no PAT or passphrase anywhere.
"""

from __future__ import annotations

import stat
import subprocess
import time
from dataclasses import dataclass

import pytest

from .conftest import ANSWERS, MEMBERS, PASSPHRASE, World, leftovers, opened_sandbox, snapshot

STEP_KEYS = ["sign-in", "organization", "project", "team", "members", "ssh-key", "import",
             "clone", "pull-request"]
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
    second = world.apply()
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
    remote = subprocess.run(["git", "-C", str(clone), "remote", "get-url", "origin"],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert remote == SSH_URL
    assert not (full.world.home / ".ssh").exists()  # the attendee's real ~/.ssh is untouched
    assert leftovers(home) == []


def test_a_second_apply_changes_nothing_and_says_so(full):
    out = full.second.stdout + full.second.stderr
    assert full.second.returncode == 0, out
    for key in STEP_KEYS:
        assert f"[{key}] ✓ " in out and "(already done)" in out
    assert "Nothing to do: every step is already done; nothing was changed." in out
    seen = snapshot(full.world.data)
    assert (seen.projects, seen.teams, len(seen.ssh_keys), seen.repos, len(seen.active_prs)) == (
        ["College"], ["College Team"], 1, ["College", "aidevcollege"], 1)


def test_plan_after_the_run_has_nothing_left(full):
    assert full.plan.returncode == 0, full.plan.stdout + full.plan.stderr
    assert "Nothing left to do: every step is done." in full.plan.stdout


def test_check_passes_every_challenge_outcome(full):
    out = full.check.stdout
    assert full.check.returncode == 0, out + full.check.stderr
    assert out.count("✓ done") == 9
    assert "9 of 9 challenge outcomes done." in out


def test_no_pat_and_no_passphrase_in_anything_the_run_printed_or_wrote(full):
    world = full.world
    with opened_sandbox(world.data) as server:
        pat = server.info.pat
    secrets = [pat.encode(), PASSPHRASE.encode()]
    printed = "".join(r.stdout + r.stderr for r in (full.first, full.second, full.plan,
                                                    full.check)).encode()
    for secret in secrets:
        assert secret not in printed
    checked = 0
    for path in world.root.rglob("*"):
        # The sandbox's own database holds its PAT by design (it is the service's secret store).
        if not path.is_file() or path.parent == world.data and path.name.startswith("sandbox.db"):
            continue
        data = path.read_bytes()
        checked += 1
        for secret in secrets:
            assert secret not in data, path
    assert checked > 20
    history = subprocess.run(["git", "-C", str(world.sandbox_home / "college" / "aidevcollege"),
                              "log", "--all", "-p"], capture_output=True, check=True).stdout
    assert all(secret not in history for secret in secrets)
    state_files = list(world.state.rglob("*.json"))
    assert state_files, "the run state should be on disk"

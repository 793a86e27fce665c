"""The whole course with port 22 blocked: `apply --sandbox --yes --faults ssh=closed`.

The sandbox's SSH server refuses every connection, as a corporate firewall would, while its REST
API still hands out the sshUrl. The run must finish the challenge over HTTPS (the sandbox's plain
loopback HTTP), the pull request must exist, `check` must pass, and no file, no output and no
environment of a git process (nor of its children) may hold the PAT. Afterwards, with SSH open
again, the one command the clone step printed switches the clone to SSH.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from college_tui.sandbox.server import SandboxServer
from college_tui.sandbox.service import SandboxConfig
from tests.conftest import FAST

from .conftest import ANSWERS_PLAIN, World, opened_sandbox, snapshot
from .test_e2e_apply import git_object_dirs, secret_forms

FAULT = ("--faults", "ssh=closed")


@dataclass
class ClosedRun:
    world: World
    pat: str
    spy: Path
    apply: subprocess.CompletedProcess
    check: subprocess.CompletedProcess


@pytest.fixture(scope="module")
def closed(tmp_path_factory) -> ClosedRun:
    world = World(tmp_path_factory.mktemp("ssh-closed"))
    world.home.mkdir()
    world.answers.write_text(ANSWERS_PLAIN, encoding="utf-8")
    with opened_sandbox(world.data) as server:  # made now, so the test knows the PAT
        pat = server.info.pat
    spy, path = world.spy_on_git()  # git writes down its arguments and environment
    # The attendee's shell exports the PAT too: children must not inherit it.
    env = world.env(PATH=path, AZURE_DEVOPS_PAT=pat)
    applied = world.run(
        "apply", *world.sandbox_args(*FAULT), "--answers", str(world.answers), "--yes", env=env
    )
    check = world.run(
        "check", *world.sandbox_args(*FAULT), "--answers", str(world.answers), env=env
    )
    return ClosedRun(world, pat, spy, applied, check)


def test_apply_completes_the_challenge_over_https_and_says_why(closed):
    out = closed.apply.stdout + closed.apply.stderr
    assert closed.apply.returncode == 0, out
    assert "All 9 steps are done." in out
    assert "SSH cannot get through from here, the clone will use HTTPS" in out
    assert re.search(r"\[clone\] ✓ Cloned aidevcollege into .* over HTTP in ", out), out
    assert "Pushed users/ada/hello-college over HTTP" in out
    clone = closed.world.sandbox_home / "college" / "aidevcollege"
    assert f"git -C {clone} remote set-url origin git@ssh.dev.azure.com:v3/" in out


def test_the_pull_request_exists_and_check_passes(closed):
    seen = snapshot(closed.world.data)
    assert "refs/heads/users/ada/hello-college" in seen.branches
    assert len(seen.active_prs) == 1
    assert seen.active_prs[0].target_ref_name == seen.repo_default_branch
    assert closed.check.returncode == 0, closed.check.stdout + closed.check.stderr
    assert "9 of 9 challenge outcomes done." in closed.check.stdout


def test_no_file_output_or_git_environment_holds_the_pat(closed):
    world, forms = closed.world, secret_forms(closed.pat)
    printed = (
        closed.apply.stdout + closed.apply.stderr + closed.check.stdout + closed.check.stderr
    ).encode()
    dumps = list(closed.spy.iterdir())
    assert len(dumps) > 5  # clone, push, config reads... each left its argv and environment
    assert any(b"credential.helper=" in d.read_bytes() for d in dumps)  # HTTPS was used
    checked = 0
    for path in world.root.rglob("*"):
        if not path.is_file() or (path.parent == world.data and path.name.startswith("sandbox.db")):
            continue  # the sandbox's own database holds its PAT by design
        data = path.read_bytes()
        checked += 1
        for form in forms:
            assert form not in data, path
    for form in forms:
        assert form not in printed
    assert checked > 20
    for repository in git_object_dirs(world.root):  # every object, decompressed
        objects = subprocess.run(
            ["git", "--git-dir", str(repository), "cat-file", "--batch-all-objects", "--batch"],
            capture_output=True,
            check=True,
        ).stdout
        for form in forms:
            assert form not in objects, repository


def test_the_printed_command_switches_the_clone_to_ssh_once_ssh_gets_through(closed):
    world = closed.world
    out = closed.apply.stdout
    command = re.search(
        r"switch this clone to SSH with: (git -C .+ remote set-url origin \S+)", out
    )
    assert command, out
    ports = json.loads((world.data / "ports.json").read_text())
    server = SandboxServer(
        world.data,
        port=ports["port"],
        ssh_port=ports["ssh_port"],
        ssh=True,
        config=SandboxConfig(**FAST),
    )
    server.start()
    try:
        env = world.env()
        subprocess.run(shlex.split(command.group(1)), env=env, check=True, timeout=30)
        clone = world.sandbox_home / "college" / "aidevcollege"
        fetched = subprocess.run(
            ["git", "-C", str(clone), "fetch", "origin"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert fetched.returncode == 0, fetched.stderr
        heads = subprocess.run(
            ["git", "-C", str(clone), "ls-remote", "origin", "refs/heads/users/*"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert "refs/heads/users/ada/hello-college" in heads.stdout, heads.stderr
    finally:
        server.stop()

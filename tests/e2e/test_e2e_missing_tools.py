"""A machine without git or without ssh: the run names the missing program and what to do.

The PATH of each run is a folder of symlinks to every program of the real PATH except the one
removed, so everything else (python, ssh-keygen, ...) is the real thing.
"""

from __future__ import annotations

import re
import shutil

import pytest

from college_tui.sandbox.server import SandboxServer
from college_tui.sandbox.service import SandboxConfig
from tests.conftest import FAST

from .conftest import ANSWERS_PLAIN, World, path_without, snapshot

needs_tools = pytest.mark.skipif(
    not (shutil.which("git") and shutil.which("ssh")), reason="needs git and OpenSSH"
)


@needs_tools
def test_without_git_the_run_says_git_is_missing_and_changes_nothing(world: World):
    env = world.env(PATH=path_without(world.root / "bin", "git"))
    assert shutil.which("git", path=env["PATH"]) is None
    result = world.apply(env=env)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "git is not installed" in out and "git-scm.com" in out, out
    assert "HTTP 500" not in out and "having trouble" not in out, out
    assert "Traceback" not in out, out
    assert not (world.home / ".ssh").exists()  # stopped before any step
    if world.data.exists():  # nothing was created in the sandbox either
        after = snapshot(world.data)
        assert after.projects == [] and after.ssh_keys == [], after


@needs_tools
def test_the_sandbox_refuses_to_start_without_git(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", path_without(tmp_path / "bin", "git"))
    server = SandboxServer(tmp_path / "data", ssh=False, config=SandboxConfig(**FAST))
    with pytest.raises(Exception) as caught:
        server.start()
    server.stop()
    message = str(caught.value)
    assert re.search(r"git is not installed", message), message
    assert "git-scm.com" in message, message


@needs_tools
def test_without_ssh_the_run_names_it_and_clones_over_https(world: World):
    world.answers.write_text(ANSWERS_PLAIN, encoding="utf-8")  # no passphrase: no agent needed
    env = world.env(PATH=path_without(world.root / "bin", "ssh"))
    assert shutil.which("ssh", path=env["PATH"]) is None
    result = world.apply(env=env)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "ssh to ssh.dev.azure.com works" not in out, out
    assert "ssh (OpenSSH) is not installed" in out, out
    assert "ssh: not found" not in out and "Traceback" not in out, out
    assert re.search(r"Cloned aidevcollege into .* over HTTPS? ", out), out
    assert snapshot(world.data).active_prs, out  # the push went over HTTP(S) too

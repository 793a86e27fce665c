"""The clone step: the course cloned over SSH with the system git and the key the wizard made,
git's progress as events; an existing clone adopted, a foreign folder refused, and a clone cut
short by a kill cleaned up safely on the next run (only when the wizard made it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from college_tui.events import Note, StepProgress
from college_tui.steps.clone import CloneStep
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from college_tui.steps.sshkey import SshKeyStep
from college_tui.vocabulary import StepKey, StepStatus
from college_tui.workstation.hostos.sshstack import git_ssh
from tests.conftest import connect
from tests.sandbox.helpers import create_project, git, import_course, wait_for

from .conftest import signed_in

SSH_FAST = dict(poll_interval=0.05, verify_delay=0.05)
QUICK_SERVICE = dict(project_create_seconds=0.05, import_seconds=0.05)


@pytest.fixture
def course_sandbox(start_sandbox):
    """A sandbox with its SSH server, whose project creation and import take no time."""
    return start_sandbox(ssh=True, **QUICK_SERVICE)


def prepare_course(server, make_ctx, passphrase: str | None = None):
    """Project College with the imported course, and the SSH key step done: a signed-in Context."""
    sdk = connect(server.info.org_url, server.info.pat).clients_v7_1
    import_course(sdk, create_project(sdk))
    ctx = make_ctx(server)
    if passphrase:
        ctx.secrets.key_passphrase = passphrase
        ctx.state.guard(passphrase)
    assert run(ctx, [SignInStep, SshKeyStep(**SSH_FAST)]).ok, ctx.emit.text()
    return ctx


def course_url(server) -> str:
    sdk = connect(server.info.org_url, server.info.pat).clients_v7_1
    return sdk.get_git_client().get_repository("aidevcollege", "College").ssh_url


def real_ssh_dir() -> Path:
    import pwd

    return Path(pwd.getpwuid(os.getuid()).pw_dir) / ".ssh"  # what ssh itself calls ~


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    if not folder.exists():
        return {}
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}


class Killed(BaseException):
    """The wizard's process died here (SIGKILL: no handler, no cleanup)."""


def test_the_course_is_cloned_over_ssh_with_progress(course_sandbox, make_ctx, monkeypatch):
    ctx = prepare_course(course_sandbox, make_ctx)
    home = ctx.target.home
    monkeypatch.setenv("HOME", str(home))  # git's own config lookups stay in the temp home
    real_before = listing(real_ssh_dir())
    started = time.monotonic()

    report = run(ctx, [SignInStep, CloneStep()])

    assert report.ok, ctx.emit.text()
    dest = home / "college" / "aidevcollege"
    assert (dest / "README.md").is_file()
    assert git(dest, "remote", "get-url", "origin").strip() == course_url(course_sandbox)
    assert git(dest, "branch", "--show-current").strip() == "main"
    summary = ctx.emit.finished(StepKey.CLONE).summary
    assert (
        summary.startswith(f"Cloned aidevcollege into {dest} over SSH in ")
        and "(branch main)" in summary
    )
    assert 0 < ctx.state.get(StepKey.CLONE)["clone_seconds"] <= time.monotonic() - started
    progress = ctx.emit.of(StepProgress, "clone")
    assert any(e.message == "Cloning: Receiving objects" and e.fraction == 1.0 for e in progress)
    assert all(0.0 <= e.fraction <= 1.0 for e in progress if e.fraction is not None)
    # The attendee's own git in that folder keeps reaching the sandbox (core.sshCommand).
    config = home / ".ssh" / "config"
    # ... run by the ssh git runs here, by absolute path (tests/steps/test_clone_keeps_its_ssh.py).
    ssh = git_ssh().ssh
    assert git(dest, "config", "--local", "core.sshCommand").strip() == f"{ssh} -F {config}"
    assert "refs/heads/main" in git(dest, "ls-remote", "origin")
    assert any("core.sshCommand" in n.message for n in ctx.emit.of(Note, "clone"))
    assert listing(real_ssh_dir()) == real_before  # the real ~/.ssh saw nothing


def test_an_existing_clone_of_the_same_repository_is_adopted(course_sandbox, make_ctx):
    ctx = prepare_course(course_sandbox, make_ctx)
    assert run(ctx, [SignInStep, CloneStep()]).ok
    dest = ctx.target.home / "college" / "aidevcollege"
    head = git(dest, "rev-parse", "HEAD")

    again = make_ctx(course_sandbox)
    report = run(again, [SignInStep, CloneStep()])

    assert report.results[1].status == StepStatus.ALREADY
    assert again.emit.finished(StepKey.CLONE).summary == f"{dest} is a clone of aidevcollege"
    assert git(dest, "rev-parse", "HEAD") == head


def test_a_folder_holding_something_else_is_refused_and_left_alone(course_sandbox, make_ctx):
    ctx = prepare_course(course_sandbox, make_ctx)
    dest = ctx.target.home / "college" / "aidevcollege"
    dest.mkdir(parents=True)
    (dest / "notes.txt").write_text("my own notes\n")

    report = run(ctx, [SignInStep, CloneStep()])

    assert not report.ok
    message = ctx.emit.failed(StepKey.CLONE).message
    assert message.startswith(f"{dest} already exists and holds something else")
    assert "clone_dir" in message
    assert [p.name for p in dest.iterdir()] == ["notes.txt"]
    assert (dest / "notes.txt").read_text() == "my own notes\n"


def test_an_empty_folder_is_used_for_the_clone(course_sandbox, make_ctx):
    ctx = prepare_course(course_sandbox, make_ctx)
    dest = ctx.target.home / "college" / "aidevcollege"
    dest.mkdir(parents=True)

    assert run(ctx, [SignInStep, CloneStep()]).ok, ctx.emit.text()
    assert (dest / "README.md").is_file()


def killed_while_cloning(url, dest, ssh_command=None, on_progress=None, cancel=None):
    """git clone starts (folder and .git made, remote written), then everything is SIGKILLed."""
    proc = subprocess.Popen(
        ["git", "clone", "--", url, str(dest)],
        env={**os.environ, "GIT_SSH_COMMAND": "sleep 60; true"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    config = Path(dest) / ".git" / "config"
    wait_for(lambda: config.exists() and '[remote "origin"]' in config.read_text())
    os.killpg(proc.pid, signal.SIGKILL)  # git and the "ssh" it started, like a killed wizard
    proc.wait()
    raise Killed()


def test_a_clone_cut_short_by_a_kill_is_removed_and_made_again(
    course_sandbox, make_ctx, monkeypatch
):
    ctx = prepare_course(course_sandbox, make_ctx)
    dest = ctx.target.home / "college" / "aidevcollege"
    with monkeypatch.context() as patch:
        patch.setattr("college_tui.workstation.git.clone", killed_while_cloning)
        with pytest.raises(Killed):
            CloneStep().apply(ctx)
    assert [p.name for p in dest.iterdir()] == [".git"]  # what the kill left behind

    again = make_ctx(course_sandbox)
    inspection = CloneStep().inspect(signed_in(again))
    assert inspection.summary == f"{dest} holds a clone an earlier run did not finish"
    report = run(again, [SignInStep, CloneStep()])

    assert report.ok, again.emit.text()
    assert any(
        e.message.startswith("Removing the unfinished clone")
        for e in again.emit.of(StepProgress, "clone")
    )
    assert (dest / "README.md").is_file()
    assert git(dest, "status", "--porcelain") == ""


def test_an_unfinished_clone_the_wizard_did_not_start_is_left_alone(course_sandbox, make_ctx):
    ctx = prepare_course(course_sandbox, make_ctx)
    dest = ctx.target.home / "college" / "aidevcollege"
    dest.mkdir(parents=True)
    git(dest, "init", "--quiet")
    git(dest, "remote", "add", "origin", course_url(course_sandbox))  # someone else's attempt
    before = sorted(str(p.relative_to(dest)) for p in dest.rglob("*"))

    report = run(ctx, [SignInStep, CloneStep()])

    assert not report.ok
    message = ctx.emit.failed(StepKey.CLONE).message
    assert "was never finished" in message and "did not start it" in message
    assert sorted(str(p.relative_to(dest)) for p in dest.rglob("*")) == before


def test_a_passphrase_protected_key_clones_through_a_private_agent(
    course_sandbox, make_ctx, own_temp, monkeypatch
):
    import tempfile

    ctx = prepare_course(course_sandbox, make_ctx, passphrase="open sesame")
    made: list[Path] = []
    mkdtemp = tempfile.mkdtemp
    monkeypatch.setattr(
        tempfile, "mkdtemp", lambda *a, **k: made.append(Path(mkdtemp(*a, **k))) or str(made[-1])
    )

    report = run(ctx, [SignInStep, CloneStep()])

    assert report.ok, ctx.emit.text()
    assert (ctx.target.home / "college" / "aidevcollege" / "README.md").is_file()
    assert [p.parent for p in made if p.name.startswith("college-tui-agent-")] == [own_temp]
    wait_for(lambda: _agent_folders(own_temp) == set(), timeout=5)  # the agent is gone
    assert "open sesame" not in ctx.emit.text()


@pytest.fixture
def spied_children(tmp_path, monkeypatch) -> Path:
    """git, ssh, ssh-agent and ssh-add on PATH as wrappers that write down their environment."""
    import shutil

    bin_dir, dumps = tmp_path / "spy-bin", tmp_path / "spy-env"
    bin_dir.mkdir()
    dumps.mkdir()
    for name in ("git", "ssh", "ssh-agent", "ssh-add"):
        real = shutil.which(name)
        assert real, f"{name} is needed for this story"
        wrapper = bin_dir / name
        wrapper.write_text(f'#!/bin/sh\nenv > "{dumps}/{name}.$$"\nexec "{real}" "$@"\n')
        wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return dumps


def test_git_ssh_and_the_agent_never_inherit_the_pat_or_the_passphrase(
    course_sandbox, make_ctx, monkeypatch, spied_children
):
    ctx = prepare_course(course_sandbox, make_ctx, passphrase="open sesame")
    pat = course_sandbox.info.pat
    # What cli.py reads them from: the attendee's shell exports both.
    monkeypatch.setenv("AZURE_DEVOPS_PAT", pat)
    monkeypatch.setenv("COLLEGE_KEY_PASSPHRASE", "open sesame")

    report = run(ctx, [SignInStep, CloneStep()])

    assert report.ok, ctx.emit.text()
    dumps = list(spied_children.iterdir())
    assert {"git", "ssh", "ssh-agent", "ssh-add"} <= {d.name.split(".")[0] for d in dumps}
    for dump in dumps:
        env = dump.read_text()
        assert "AZURE_DEVOPS_PAT" not in env and pat not in env, dump.name
        assert "open sesame" not in env and "COLLEGE_KEY_PASSPHRASE" not in env, dump.name


def test_without_the_passphrase_the_clone_says_what_is_missing(course_sandbox, make_ctx):
    prepare_course(course_sandbox, make_ctx, passphrase="open sesame")
    ctx = make_ctx(course_sandbox)  # a new run where nobody gave the passphrase

    report = run(ctx, [SignInStep, CloneStep()])

    assert not report.ok
    assert "protected by a passphrase, but none was given" in ctx.emit.failed(StepKey.CLONE).message


@pytest.fixture
def own_temp(monkeypatch) -> Path:
    """This test's own temp folder for tempfile (the agent's folder is made there): tests running
    beside it (pytest-xdist) start agents in the shared one. Short, as the agent's socket path
    must fit in 108 bytes."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="ctui-"))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _agent_folders(folder: Path) -> set[str]:
    return {p.name for p in folder.glob("college-tui-agent-*")}

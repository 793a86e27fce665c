"""When SSH cannot get through, the clone and the push go over HTTPS, and the PAT stays secret.

The sandbox's SSH port is closed (`--faults ssh=closed`: connections refused, the REST API still
hands out the sshUrl). With `clone_protocol = "auto"` the SSH key step keeps the key registered
and says SSH is blocked, the clone step clones the remoteUrl with the PAT handed to git by a
credential helper for one command, the pull-request step pushes the same way, and each says what
happened and how to switch to SSH later. The attendee's own git config asks a credential helper
that would store the PAT in plain text: it is never asked.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from college_tui.events import Note
from college_tui.steps.answers import Answers, load_answers
from college_tui.steps.clone import CloneStep
from college_tui.steps.pullrequest import PullRequestStep
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from college_tui.steps.sshkey import SshKeyStep
from college_tui.vocabulary import StepKey, StepStatus
from tests.conftest import connect
from tests.e2e.test_e2e_apply import secret_forms
from tests.sandbox.helpers import create_project, import_course

SSH_FAST = dict(poll_interval=0.05, verify_delay=0.05)
QUICK_SERVICE = dict(project_create_seconds=0.05, import_seconds=0.05)
STEPS = [SignInStep, SshKeyStep(**SSH_FAST), CloneStep(), PullRequestStep()]


@pytest.fixture
def attendee_home(tmp_path, monkeypatch) -> Path:
    """HOME with a git config whose credential helper would write any password it is given to
    ~/.git-credentials (credential-store): the wizard must keep it out of the loop."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        '[credential]\n\thelper = store\n[credential "http://127.0.0.1"]\n\thelper = store\n'
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return home


@pytest.fixture
def spied_git(tmp_path, monkeypatch) -> Path:
    """git on PATH as a wrapper that writes down its arguments and environment, then runs git
    (its children, git-remote-http and the credential helper, inherit the same environment)."""
    bin_dir, dumps = tmp_path / "spy-bin", tmp_path / "spy"
    bin_dir.mkdir()
    dumps.mkdir()
    real = shutil.which("git")
    wrapper = bin_dir / "git"
    wrapper.write_text(
        f'#!/bin/sh\n{{ printf "%s\\n" "$@"; env; }} > "{dumps}/git.$$"\nexec "{real}" "$@"\n'
    )
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return dumps


def course_on(server):
    sdk = connect(server.info.org_url, server.info.pat).clients_v7_1
    repo, _ = import_course(sdk, create_project(sdk))
    return sdk, repo


def notes(ctx, step: str) -> str:
    return "\n".join(e.message for e in ctx.emit.of(Note, step))


def test_ssh_blocked_clone_and_push_go_over_https_and_the_pat_stays_secret(
    start_sandbox, make_ctx, attendee_home, spied_git, monkeypatch
):
    server = start_sandbox(ssh=True, faults="ssh=closed", **QUICK_SERVICE)
    sdk, repo = course_on(server)
    pat = server.info.pat
    monkeypatch.setenv("AZURE_DEVOPS_PAT", pat)  # as the attendee's shell would export it
    ctx = make_ctx(server, Answers(alias="ada"))

    report = run(ctx, STEPS)

    assert report.ok, ctx.emit.text()
    dest = ctx.target.home / "college" / "aidevcollege"
    assert "SSH cannot get through" in notes(ctx, "ssh-key")
    assert "the clone will use HTTPS" in ctx.emit.finished(StepKey.SSH_KEY).summary
    said = notes(ctx, "clone")
    assert "SSH cannot get through (the connection to 127.0.0.1" in said
    assert "was refused" in said
    assert (
        f"git -C {dest} remote set-url origin "
        f"git@ssh.dev.azure.com:v3/{server.info.org}/College/aidevcollege"
    ) in said
    assert " over HTTP in " in ctx.emit.finished(StepKey.CLONE).summary
    assert ctx.state.get(StepKey.CLONE)["protocol"] == "http"
    config = (dest / ".git" / "config").read_text()
    assert f"url = {repo.remote_url}\n" in config
    assert "Pushed users/ada/hello-college over HTTP" in notes(ctx, "pull-request")

    git = sdk.get_git_client()
    branch = git.get_refs(repo.id, "College", filter="heads/users/ada/hello-college")
    assert [r.name for r in branch] == ["refs/heads/users/ada/hello-college"]
    from azure.devops.v7_1.git.models import GitPullRequestSearchCriteria

    prs = git.get_pull_requests(
        repo.id,
        GitPullRequestSearchCriteria(
            source_ref_name="refs/heads/users/ada/hello-college", status="active"
        ),
        "College",
    )
    assert len(prs) == 1 and "a push over HTTP" in prs[0].description

    # No trace of the PAT: not in git's arguments or environment (nor its children's), not in
    # the clone, not handed to the attendee's credential-store, not in anything said.
    assert not (attendee_home / ".git-credentials").exists()
    dumps = list(spied_git.iterdir())
    assert len(dumps) > 5 and any("credential.helper=" in d.read_text() for d in dumps)
    for form in secret_forms(pat):
        for dump in dumps:
            assert form not in dump.read_bytes(), dump.name
        for path in dest.joinpath(".git").rglob("*"):
            if path.is_file():
                assert form not in path.read_bytes(), path
        assert form not in ctx.emit.text().encode()


def test_clone_protocol_https_clones_over_https_although_ssh_works(start_sandbox, make_ctx):
    server = start_sandbox(ssh=True, **QUICK_SERVICE)
    _sdk, repo = course_on(server)
    ctx = make_ctx(server, Answers(alias="ada", clone_protocol="https"))

    report = run(ctx, STEPS[:3])

    assert report.ok, ctx.emit.text()
    assert "SSH works" in notes(ctx, "ssh-key")
    dest = ctx.target.home / "college" / "aidevcollege"
    assert (dest / "README.md").is_file()
    assert 'because the answers say clone_protocol = "https"' in notes(ctx, "clone")
    assert f"url = {repo.remote_url}\n" in (dest / ".git" / "config").read_text()
    # A rerun adopts the HTTPS clone instead of calling it "something else".
    again = run(ctx, STEPS[:3])
    assert again.ok and again.result(StepKey.CLONE).status == StepStatus.ALREADY, ctx.emit.text()


def test_clone_protocol_ssh_with_ssh_blocked_stops_with_a_sentence(start_sandbox, make_ctx):
    server = start_sandbox(ssh=True, faults="ssh=closed", **QUICK_SERVICE)
    course_on(server)
    ctx = make_ctx(server, Answers(alias="ada", clone_protocol="ssh"))

    report = run(ctx, STEPS[:3])

    assert not report.ok
    message = ctx.emit.failed(StepKey.SSH_KEY).message
    assert "was refused" in message and "blocks SSH" in message
    assert not (ctx.target.home / "college").exists()


def test_auto_falls_back_to_https_when_ssh_itself_says_it_cannot_connect(
    start_sandbox, make_ctx, monkeypatch
):
    # The quick TCP test can pass where ssh still fails (a proxy that accepts, then closes):
    # what ssh says decides then.
    server = start_sandbox(ssh=True, faults="ssh=closed", **QUICK_SERVICE)
    course_on(server)
    ctx = make_ctx(server, Answers(alias="ada"))
    assert run(ctx, STEPS[:2]).ok, ctx.emit.text()
    import college_tui.steps.clone as clone_module

    monkeypatch.setattr(clone_module, "ssh_blocked", lambda ctx: None)

    report = run(ctx, [SignInStep, CloneStep()])

    assert report.ok, ctx.emit.text()
    said = notes(ctx, "clone")
    assert "SSH could not get through (Connection refused); trying HTTP instead." in said
    assert "because ssh said “Connection refused”" in said
    assert " over HTTP in " in ctx.emit.finished(StepKey.CLONE).summary


def test_clone_protocol_is_checked_in_the_answers(tmp_path):
    from college_tui.steps.answers import AnswersError
    from college_tui.target import Target

    target = Target(org_url="http://127.0.0.1/x", profile_url="", home=tmp_path)
    assert Answers(clone_protocol="https").validate() == []
    assert "clone_protocol: 'ftp' is unknown" in Answers(clone_protocol="ftp").validate()[0]
    file = tmp_path / "answers.toml"
    file.write_text('clone_protocol = "https"\n')
    assert load_answers(file, target).clone_protocol == "https"
    file.write_text('clone_protocol = "telnet"\n')
    with pytest.raises(AnswersError, match="clone_protocol"):
        load_answers(file, target)

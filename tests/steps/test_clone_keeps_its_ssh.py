"""The ssh the wizard checks is the ssh git uses, today and tomorrow: the SSH-key step logs in
with the ssh git runs, and the clone's own `core.sshCommand` names that very program by absolute
path, so the attendee's own `git fetch` in the clone runs it too.
"""

from __future__ import annotations

import os
import shlex
import shutil

import pytest

from college_tui.steps.clone import CloneStep
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from tests.sandbox.helpers import git

from .test_clone import course_sandbox, prepare_course  # noqa: F401 - the fixture

pytestmark = pytest.mark.skipif(shutil.which("ssh") is None, reason="needs OpenSSH")


def test_the_clone_keeps_the_very_ssh_the_ssh_key_step_logged_in_with(
    course_sandbox,  # noqa: F811
    make_ctx,
    tmp_path,
    monkeypatch,
):
    real = shutil.which("ssh")
    folder = tmp_path / "recording bin"  # a space: the path is quoted wherever it goes
    folder.mkdir()
    log = tmp_path / "ssh.log"
    recorder = folder / "ssh"
    recorder.write_text(f'#!/bin/sh\necho "$0 $*" >> "{log}"\nexec "{real}" "$@"\n')
    recorder.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")

    ctx = prepare_course(course_sandbox, make_ctx)  # sign-in and the SSH-key step
    logins = [line for line in log.read_text().splitlines() if " -T git@" in line]
    assert logins and all(line.startswith(f"{recorder} ") for line in logins)

    monkeypatch.setenv("HOME", str(ctx.target.home))
    assert run(ctx, [SignInStep, CloneStep()]).ok, ctx.emit.text()
    dest = ctx.target.home / "college" / "aidevcollege"
    command = git(dest, "config", "--local", "core.sshCommand").strip()
    assert shlex.split(command)[0] == str(recorder)

    before = len(log.read_text().splitlines())
    git(dest, "fetch", "origin")  # the attendee's own git, tomorrow
    assert any(line.startswith(f"{recorder} ") for line in log.read_text().splitlines()[before:])

"""The SSH key step's ~/.ssh/config block and pinned host key: the rest of the files kept, hashed
known_hosts entries counted, another host key refused and never written over; for Azure DevOps
itself, the documented block and the published key (the key itself: test_sshkey.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import pwd
from dataclasses import replace
from pathlib import Path

from college_tui.events import Note
from college_tui.steps.answers import Answers
from college_tui.steps.runner import make_context, run
from college_tui.steps.signin import SignInStep
from college_tui.steps.sshaccess import SshPaths, git_ssh_command
from college_tui.steps.sshkey import SshKeyStep
from college_tui.target import Target
from college_tui.vocabulary import StepKey, StepStatus
from college_tui.workstation.knownhosts import fingerprint_of
from college_tui.workstation.sshconfig import BEGIN_MARKER, read_block

from .conftest import Recorder
from .test_sshkey import (
    FAST,
    other_rsa_public,
    snapshot,
)


def test_the_rest_of_config_and_known_hosts_is_kept_and_a_rerun_is_a_no_op(sandbox_ssh, make_ctx):
    ctx = make_ctx(sandbox_ssh)
    ssh_dir = ctx.target.home / ".ssh"
    ssh_dir.mkdir(parents=True, mode=0o700)
    mine = "Host github.com\n  User git\n  IdentityFile ~/.ssh/id_github\n"
    (ssh_dir / "config").write_text(mine)
    github = f"github.com {other_rsa_public()}\n"
    (ssh_dir / "known_hosts").write_text(github)

    assert run(ctx, [SignInStep, SshKeyStep(**FAST)]).ok, ctx.emit.text()

    config = (ssh_dir / "config").read_text()
    assert config.startswith(BEGIN_MARKER) and config.endswith(mine)
    known = (ssh_dir / "known_hosts").read_text()
    assert known.startswith(github) and known.count("\n") == 2
    before = snapshot(ssh_dir)
    assert (
        run(make_ctx(sandbox_ssh), [SignInStep, SshKeyStep(**FAST)]).results[1].status
        == StepStatus.ALREADY
    )
    assert snapshot(ssh_dir) == before


def test_a_hashed_known_hosts_entry_counts_as_present(sandbox_ssh, make_ctx):
    ctx = make_ctx(sandbox_ssh)
    ssh_dir = ctx.target.home / ".ssh"
    ssh_dir.mkdir(parents=True, mode=0o700)
    salt = os.urandom(20)
    digest = hmac.new(salt, b"ssh.dev.azure.com", hashlib.sha1).digest()
    key_type, blob = sandbox_ssh.info.ssh_host_key.split()[:2]
    hashed = (
        f"|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()} "
        f"{key_type} {blob}\n"
    )
    (ssh_dir / "known_hosts").write_text(hashed)

    assert run(ctx, [SignInStep, SshKeyStep(**FAST)]).ok, ctx.emit.text()

    assert (ssh_dir / "known_hosts").read_text() == hashed
    assert not any("Pinned" in n.message for n in ctx.emit.of(Note, "ssh-key"))


def test_a_server_showing_another_host_key_is_refused(sandbox_ssh, make_ctx):
    # The pin says one key, the server at that address shows another: a man in the middle.
    ctx = make_ctx(sandbox_ssh)
    ctx.target = replace(ctx.target, ssh_host_key=other_rsa_public())

    report = run(ctx, [SignInStep, SshKeyStep(**FAST)])

    assert not report.ok
    message = ctx.emit.failed(StepKey.SSH_KEY).message
    assert "presented the host key" in message and "Do not continue" in message
    assert sandbox_ssh.info.ssh_host_key_fingerprint in message


def test_a_known_hosts_line_with_another_key_is_never_replaced(sandbox_ssh, make_ctx):
    ctx = make_ctx(sandbox_ssh)
    ssh_dir = ctx.target.home / ".ssh"
    ssh_dir.mkdir(parents=True, mode=0o700)
    stale = f"ssh.dev.azure.com {other_rsa_public()}\n"
    (ssh_dir / "known_hosts").write_text(stale)

    report = run(ctx, [SignInStep, SshKeyStep(**FAST)])

    assert not report.ok
    message = ctx.emit.failed(StepKey.SSH_KEY).message
    assert "already holds a different ssh-rsa key" in message and "ssh-keygen -R" in message
    assert (ssh_dir / "known_hosts").read_text() == stale


def test_for_azure_devops_itself_the_documented_block_and_the_published_key(tmp_path):
    # No network here: only what would be written for the real service, never a sandbox detail.
    target = Target(
        org_url="https://dev.azure.com/fabrikam",
        profile_url="https://app.vssps.visualstudio.com",
        home=tmp_path / "home",
        state_key="https://dev.azure.com/fabrikam",
    )
    recorder = Recorder()
    ctx = make_context(target, Answers().for_target(target), recorder)
    step, paths = SshKeyStep(), SshPaths.of(ctx)
    paths.ssh_dir.mkdir(parents=True, mode=0o700)

    step._configure(ctx, paths)
    step._pin(ctx, paths)

    block = read_block(paths.config)
    assert block.host_alias == "ssh.dev.azure.com"
    assert block.options == {"User": "git", "IdentityFile": str(paths.key), "IdentitiesOnly": "yes"}
    [entry] = (tmp_path / "home" / ".ssh" / "known_hosts").read_text().splitlines()
    host, key_type, blob = entry.split()
    assert (host, key_type) == ("ssh.dev.azure.com", "ssh-rsa")
    assert fingerprint_of(blob) == "SHA256:ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og"
    command = git_ssh_command(ctx)
    assert "HostKeyAlias" not in command and "HostName" not in command
    assert "StrictHostKeyChecking=yes" in command
    # HOME is not the account's home here: git's ssh reads the config the step wrote (-F), not
    # the account's ~/.ssh/config, which ssh would read by default (it ignores $HOME).
    assert f"-F {paths.config} " in command
    own_home = Path(pwd.getpwuid(os.getuid()).pw_dir)
    at_home = make_context(replace(target, home=own_home), Answers().for_target(target), recorder)
    assert " -F " not in git_ssh_command(at_home)  # ssh's own default: ~/.ssh/config + system

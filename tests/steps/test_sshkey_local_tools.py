"""The SSH-key step and the clone with what is really on this machine: the ssh program git runs,
and the user's own ssh config around the wizard's block.

The login check logs in with OpenSSH exactly as git will run it, so a `ProxyCommand /bin/false`
or a missing ssh program is seen by the step, not by the clone. The service-target path (not the
sandbox, whose ssh reads only the sandbox home) runs in a temp HOME, against the sandbox's SSH
server (redirected, like a firewall-free network) or without any network (the `ssh -G` check).
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from college_tui.events import Note
from college_tui.steps.answers import Answers
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from college_tui.steps.sshkey import SshKeyStep
from college_tui.vocabulary import StepKey
from tests.e2e.conftest import path_without

from .test_sshkey import FAST, registered

pytestmark = pytest.mark.skipif(shutil.which("ssh") is None, reason="needs OpenSSH")


def user_config(home: Path, text: str) -> Path:
    """The user's own ~/.ssh/config, there before the wizard runs."""
    ssh_dir = home / ".ssh"
    ssh_dir.mkdir(parents=True, mode=0o700, exist_ok=True)
    config = ssh_dir / "config"
    config.write_text(text, encoding="utf-8")
    return config


@pytest.fixture
def as_microsofts_service(monkeypatch):
    """The organisation is Microsoft's: its SSH host is ssh.dev.azure.com, known, not learnt from
    the service (a loopback organisation, a served sandbox, would get an SSH alias of its own)."""
    monkeypatch.setattr("college_tui.steps.signin._served", lambda target: False)


def service_ctx(make_ctx, server, answers: Answers | None = None):
    """The real-service code path (ssh reads the home's config) against the sandbox's server."""
    ctx = make_ctx(server, answers)
    ctx.target = replace(ctx.target, sandbox=False)
    return ctx


@pytest.mark.parametrize("protocol", ["auto", "ssh"])
def test_a_proxycommand_that_fails_is_not_reported_as_working(
    sandbox_ssh, make_ctx, protocol, as_microsofts_service
):
    ctx = service_ctx(make_ctx, sandbox_ssh, Answers(clone_protocol=protocol))
    user_config(ctx.target.home, "Host ssh.dev.azure.com\n    ProxyCommand /bin/false\n")

    report = run(ctx, [SignInStep, SshKeyStep(**FAST)])

    text = ctx.emit.text()
    assert "ssh to ssh.dev.azure.com works" not in text
    if protocol == "auto":  # the key is registered; the clone is told to use HTTPS
        assert report.ok, text
        summary = ctx.emit.finished(StepKey.SSH_KEY).summary
        assert "SSH cannot get through from here, the clone will use HTTPS" in summary
        notes = " ".join(n.message for n in ctx.emit.of(Note, "ssh-key"))
        assert _ssh_said_the_proxy_failed(notes) and "ProxyCommand" in notes, notes
    else:
        failed = ctx.emit.failed(StepKey.SSH_KEY).message
        assert _ssh_said_the_proxy_failed(failed) and "ProxyCommand" in failed, failed


def _ssh_said_the_proxy_failed(text: str) -> bool:
    # ssh's own last line, quoted: "Connection closed by UNKNOWN port 65535", or "Broken pipe"
    # when /bin/false is gone before ssh writes its banner (a race in ssh, not in the wizard).
    return "Connection closed" in text or "Broken pipe" in text


@pytest.mark.parametrize(
    ("user_lines", "shown"),
    [
        ("HostName 10.1.2.3\n    Port 2222\n", "10.1.2.3:2222"),
        ("Port 2222\n", "ssh.dev.azure.com:2222"),
        ("HostName 10.1.2.3\n", "10.1.2.3:22"),
    ],
)
def test_a_users_host_block_below_ours_that_wins_stops_the_run(
    sandbox_ssh, make_ctx, user_lines, shown, as_microsofts_service
):
    ctx = make_ctx(sandbox_ssh)
    # The real service: no redirection, so git's ssh takes HostName and Port from the config.
    ctx.target = replace(
        ctx.target, sandbox=False, ssh_hostname=None, ssh_port=None, ssh_host_key=None
    )
    config = user_config(ctx.target.home, f"Host ssh.dev.azure.com\n    {user_lines}")

    report = run(ctx, [SignInStep, SshKeyStep(**FAST)])

    assert not report.ok
    failed = ctx.emit.failed(StepKey.SSH_KEY).message
    assert shown in failed and "ssh.dev.azure.com:22" in failed, failed
    assert "ssh -G ssh.dev.azure.com" in failed and str(config) in failed, failed
    assert registered(sandbox_ssh) == []  # stopped before the key was uploaded anywhere


def test_without_ssh_the_step_names_it_and_the_clone_will_use_https(
    sandbox_ssh, make_ctx, monkeypatch, tmp_path
):
    ctx = make_ctx(sandbox_ssh)
    monkeypatch.setenv("PATH", path_without(tmp_path / "bin", "ssh"))

    report = run(ctx, [SignInStep, SshKeyStep(**FAST)])

    assert report.ok, ctx.emit.text()
    summary = ctx.emit.finished(StepKey.SSH_KEY).summary
    assert "works" not in summary
    assert "SSH cannot get through from here, the clone will use HTTPS" in summary
    notes = " ".join(n.message for n in ctx.emit.of(Note, "ssh-key"))
    assert "ssh (OpenSSH) is not installed" in notes, notes

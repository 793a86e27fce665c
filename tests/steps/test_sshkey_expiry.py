"""SSH key registrations expire (Azure DevOps' "Validate SSH key expiration" policy, on by default):
the expiry is shown, an expired or soon-expiring registration is renewed by a re-run (the old one
revoked, said so), and an organisation whose SSH policy is off gets HTTPS with a sentence. Against
the sandbox with its SSH server, the real facade and OpenSSH."""

from __future__ import annotations

import datetime as dt
import os
import subprocess

from college_tui.events import Note
from college_tui.steps.signin import SignInStep
from college_tui.steps.sshkey import SshKeyStep
from college_tui.steps.sshrules import expiry_text, needs_renewal
from college_tui.vocabulary import StepKey

from .conftest import signed_in
from .test_sshkey import FAST, ssh_t


def _move_expiry(server, days: float) -> str:
    """Every registration's validTo moved to now + `days` (what time does to a key)."""
    store = server.sandbox.store
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).isoformat()
    for doc in store.find("sshkey"):
        store.put("sshkey", doc["authorizationId"], {**doc, "validTo": until}, org=doc["org"])
    return until


def test_the_expiry_is_shown_and_an_expired_registration_is_renewed_by_a_rerun(
    sandbox_ssh, make_ctx
):
    first = make_ctx(sandbox_ssh)
    assert run_ok(first)
    year = (dt.datetime.now(dt.UTC) + dt.timedelta(days=365)).strftime("%Y-%m-%d")
    assert f"valid until {year}" in first.emit.finished(StepKey.SSH_KEY).summary
    assert first.state.get(StepKey.SSH_KEY)["valid_to"]
    old = sandbox_ssh.sandbox.store.find("sshkey")[0]["authorizationId"]

    _move_expiry(sandbox_ssh, -1)
    refused = ls_remote(first.target.home)  # the SSH server refuses git with an expired key
    assert "your SSH key has expired" in refused.stderr, refused.stderr
    again = make_ctx(sandbox_ssh)
    inspection = SshKeyStep().inspect(signed_in(again))
    assert not inspection.done and "renew the key's registration (expired on" in inspection.todo

    again = make_ctx(sandbox_ssh)
    assert run_ok(again)
    keys = sandbox_ssh.sandbox.store.find("sshkey")
    assert len(keys) == 1 and keys[0]["authorizationId"] != old  # a new registration
    said = " ".join(n.message for n in again.emit.of(Note, "ssh-key"))
    assert "expired on" in said and "revoked it and registers the same key again" in said
    assert f"valid until {year}" in again.emit.finished(StepKey.SSH_KEY).summary
    answer = ssh_t(again.target.home)
    assert "Shell access is not supported" in answer.stderr + answer.stdout


def test_a_registration_expiring_within_seven_days_is_renewed(sandbox_ssh, make_ctx):
    assert run_ok(make_ctx(sandbox_ssh))
    until = _move_expiry(sandbox_ssh, 3)
    assert needs_renewal(until) and "(in 2 days)" in expiry_text(until)
    again = make_ctx(sandbox_ssh)
    assert run_ok(again)
    keys = sandbox_ssh.sandbox.store.find("sshkey")
    assert len(keys) == 1 and not needs_renewal(keys[0]["validTo"])


def ls_remote(home) -> subprocess.CompletedProcess:
    config = home / ".ssh" / "config"
    return subprocess.run(
        ["git", "ls-remote", "git@ssh.dev.azure.com:v3/college-sandbox/College/College"],
        env={**os.environ, "GIT_SSH_COMMAND": f"ssh -F {config} -o BatchMode=yes"},
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )


def run_ok(ctx) -> bool:
    from college_tui.steps.runner import run

    report = run(ctx, [SignInStep, SshKeyStep(**FAST)])
    assert report.ok, ctx.emit.text()
    return True


def test_the_ssh_policy_turned_off_refuses_git_over_ssh_with_the_services_words(
    sandbox_ssh, make_ctx
):
    ctx = make_ctx(sandbox_ssh)
    assert run_ok(ctx)
    sandbox_ssh.faults.sshpolicy_off = True  # an organisation owner turns SSH authentication off
    refused = ls_remote(ctx.target.home)
    assert "SSH authentication is disabled for this organization" in refused.stderr
    again = make_ctx(sandbox_ssh)
    assert SshKeyStep().inspect(signed_in(again)).done  # the registration is still there

"""The doctor's network checks against a real sandbox: HTTP, the SSH port, the pinned host key and
the PAT's scopes (a route made to refuse, as the service refuses a PAT without the scope)."""

from __future__ import annotations

import pytest

from college_tui.steps.doctor_check import OK, PROBLEM, WARNING
from college_tui.steps.doctor_network import (
    check_https,
    check_pat_scopes,
    check_ssh_host_key,
    check_ssh_port,
    network_checks,
)
from college_tui.workstation.knownhosts import AZURE_DEVOPS_HOST_KEY
from tests.sandbox.helpers import refuse_as_unscoped
from tests.steps.conftest import sandbox_target

from .conftest import closed_port


def by_key(checks):
    return {c.key: c for c in checks}


def test_every_network_check_passes_on_the_sandbox(sandbox_ssh, home):
    target = sandbox_target(sandbox_ssh, home)
    checks = by_key(network_checks(target, sandbox_ssh.info.pat, timeout=5))
    assert {k: c.status for k, c in checks.items() if c.status != OK} == {}
    assert f"{sandbox_ssh.info.ssh_port} holds the pinned key" in checks["ssh-host-key"].found
    assert checks["pat"].found.startswith("accepted for college-sandbox")
    shown = " ".join(f"{c.found} {c.advice}" for c in checks.values())
    assert sandbox_ssh.info.pat not in shown
    assert {k for k in checks if k.startswith("scope:")} == {
        "scope:vso.profile",
        "scope:vso.work",
        "scope:vso.project_manage",
        "scope:vso.memberentitlementmanagement_write",
        "scope:vso.graph_manage",
        "scope:vso.code_manage",
    }


def test_a_sandbox_without_ssh_is_a_warning_and_nothing_on_the_internet_is_probed(
    sandbox, home, monkeypatch
):
    import socket

    def no_connection(*args, **kwargs):
        raise AssertionError("a sandbox check must not connect anywhere for SSH")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    target = sandbox_target(sandbox, home)  # REST only: no SSH endpoint handed out
    tcp = check_ssh_port(target, timeout=2)
    assert tcp.status == WARNING and "not listening" in tcp.found
    assert 'clone_protocol = "https"' in tcp.advice
    assert check_ssh_host_key(target, timeout=2, port_open=False).status == WARNING


def test_a_closed_ssh_port_is_a_warning_that_names_the_https_fallback(sandbox, home):
    port = closed_port()
    target = sandbox_target(sandbox, home, ssh_hostname="127.0.0.1", ssh_port=port)
    tcp = check_ssh_port(target, timeout=2)
    assert tcp.status == WARNING
    assert f"127.0.0.1:{port}" in tcp.found and "refused" in tcp.found
    assert 'clone_protocol = "https"' in tcp.advice
    handshake = check_ssh_host_key(target, timeout=2, port_open=False)
    assert handshake.status == WARNING and "not checked" in handshake.found


def test_a_server_with_another_host_key_is_a_problem(sandbox_ssh, home):
    # The sandbox's real SSH server, but the Azure DevOps key pinned: a man in the middle.
    target = sandbox_target(sandbox_ssh, home, ssh_host_key=f"ssh-rsa {AZURE_DEVOPS_HOST_KEY}")
    check = check_ssh_host_key(target, timeout=5, port_open=True)
    assert check.status == PROBLEM
    assert sandbox_ssh.info.ssh_host_key_fingerprint in check.found
    assert "do not clone over SSH" in check.advice


def test_something_that_is_not_ssh_on_the_port_is_a_warning(sandbox, home):
    # The REST port answers TCP but speaks HTTP, like a proxy that swallows port 22.
    target = sandbox_target(sandbox, home, ssh_hostname="127.0.0.1", ssh_port=sandbox.port)
    assert check_ssh_port(target, timeout=2).status == OK
    check = check_ssh_host_key(target, timeout=3, port_open=True)
    assert check.status == WARNING and "handshake" in check.found


def test_https_unreachable_is_a_problem(home, sandbox):
    target = sandbox_target(sandbox, home, org_url=f"http://127.0.0.1:{closed_port()}/org")
    check = check_https(target, timeout=2)
    assert check.status == PROBLEM and "HTTPS_PROXY" in check.advice
    assert check_https(sandbox_target(sandbox, home), timeout=2).status == OK


def test_the_users_proxy_settings_are_honoured(sandbox, home, monkeypatch):
    target = sandbox_target(sandbox, home)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.delenv("no_proxy", raising=False)
    check = check_https(target, timeout=2)
    assert check.status == PROBLEM and "proxy" in check.advice.lower()
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert check_https(target, timeout=2).status == OK


@pytest.mark.parametrize(
    ("host", "path", "scope"),
    [
        ("dev", "College/_apis/git/repositories/aidevcollege", "vso.code_manage"),
        ("dev", "_apis/process/processes", "vso.work"),
        ("vssps", "_apis/Graph/Descriptors/some-id", "vso.graph_manage"),
        ("vsaex", "_apis/UserEntitlements", "vso.memberentitlementmanagement_write"),
    ],
)
@pytest.mark.parametrize("status", [403, 401])
def test_a_pat_missing_a_scope_is_a_problem_that_names_it(
    sandbox, home, monkeypatch, host, path, scope, status
):
    refuse_as_unscoped(monkeypatch, "GET", host, path, status)
    checks = by_key(check_pat_scopes(sandbox_target(sandbox, home), sandbox.info.pat))
    missing = checks[f"scope:{scope}"]
    assert missing.status == PROBLEM
    assert scope in missing.found and scope in missing.advice
    assert [k for k, c in checks.items() if c.status != OK] == [f"scope:{scope}"]


def test_a_wrong_pat_is_a_problem(sandbox, home):
    checks = check_pat_scopes(sandbox_target(sandbox, home), "not-the-sandbox-pat")
    assert [(c.key, c.status) for c in checks] == [("pat", PROBLEM)]
    assert "did not accept" in checks[0].advice


def test_no_pat_or_no_organisation_is_a_warning(sandbox, home):
    assert check_pat_scopes(sandbox_target(sandbox, home), None)[0].status == WARNING
    assert check_pat_scopes(None, "some-token")[0].status == WARNING


def test_a_service_in_trouble_is_not_reported_as_a_missing_scope(start_sandbox, home):
    # Every API call answered 503: the doctor cannot tell what the token may do, and says so.
    server = start_sandbox(faults="5xx=1,seed=3")
    checks = check_pat_scopes(sandbox_target(server, home), server.info.pat, timeout=2)
    assert [(c.key, c.status) for c in checks] == [("pat", WARNING)]
    assert "HTTP 503" in checks[0].advice and "not checked" in checks[0].found

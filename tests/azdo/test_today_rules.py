"""Today's service rules (2025-2026), rehearsed by the sandbox's faults and met through the wizard's
own facade, the official SDK, real azure-identity and plain HTTP: device code blocked, PAT creation
restricted, the SSH policy off, guests off, and five free Basic seats."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
import requests

from college_tui.azdo.errors import AzdoError, PortalRefused
from college_tui.sandbox.identity.accounts import NEWCOMER
from tests.azdo.test_entra_sandbox import DevicePerson, device_credential

from .conftest import create_project

ADA = "ada@college.example"
PUBLIC_KEY_BITS = 2048


def basic(pat: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f":{pat}".encode()).decode()}


def test_device_code_blocked_is_one_sentence_without_the_services_text(start_sandbox, capfd):
    server = start_sandbox(device_code_interval=1, faults="devicecode=blocked")
    credential = device_credential(server, DevicePerson(ADA))
    with pytest.raises(AzdoError) as refused:
        credential.refresh_if_needed()
    assert refused.value.type_key == "DeviceCodeBlocked"
    assert refused.value.message.startswith("Your organisation blocks device-code sign-in")
    assert "AADSTS" not in refused.value.message and "{" not in refused.value.message
    assert "AADSTS53003" in refused.value.detail  # for the log file, never the screen
    out, err = capfd.readouterr()  # azure-identity's WARNING with the raw JSON: not printed
    assert "get_token failed" not in out + err and "AADSTS" not in out + err


def test_the_mfa_refusal_prints_no_raw_get_token_lines(start_sandbox, capfd):
    server = start_sandbox(device_code_interval=1, faults="mfa=required")
    credential = device_credential(server, DevicePerson(ADA))
    with pytest.raises(AzdoError):
        credential.refresh_if_needed()
    out, err = capfd.readouterr()
    assert "get_token failed" not in out + err and "Content:" not in out + err


def test_pat_creation_restricted_refuses_on_the_api_and_the_tokens_page(start_sandbox):
    open_server = start_sandbox()
    url = f"{open_server.info.base_url}/vssps/college-sandbox/_apis/tokens/pats"
    headers = {**basic(open_server.info.pat), "Accept": "application/json;api-version=7.1-preview"}
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat()
    body = {"displayName": "day one", "scope": "vso.code", "validTo": until, "allOrgs": False}
    made = requests.post(url, json=body, headers=headers, timeout=10).json()
    assert made["patTokenError"] == "none"
    token = made["patToken"]["token"]
    projects = f"{open_server.info.org_url}/_apis/projects"
    assert requests.get(projects, headers=basic(token), timeout=10).status_code == 200
    everywhere = requests.post(url, json={**body, "allOrgs": True}, headers=headers, timeout=10)
    assert everywhere.json()["patTokenError"] == "globalPATCreationBlocked"

    server = start_sandbox(faults="pats=restricted")
    url = f"{server.info.base_url}/vssps/college-sandbox/_apis/tokens/pats"
    headers = {**basic(server.info.pat), "Accept": "application/json;api-version=7.1-preview"}
    refused = requests.post(url, json=body, headers=headers, timeout=10).json()
    assert refused == {"patTokenError": "disablePatCreationPolicyViolation"}
    page = requests.get(f"{server.info.org_url}/_usersSettings/tokens", timeout=10)
    assert "Restrict personal access token creation" in page.text


def test_the_ssh_policy_off_refuses_keys(start_sandbox, connect):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    server = start_sandbox(faults="sshpolicy=off")
    azdo = connect(server)
    key = rsa.generate_private_key(public_exponent=65537, key_size=PUBLIC_KEY_BITS)
    line = (
        key.public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode()
    )
    until = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    with pytest.raises(PortalRefused) as refused:
        azdo.add_ssh_key("day one", line, azdo.connection_data().instance_id, until)
    assert "SSH authentication is disabled" in refused.value.message


def test_guests_off_refuses_an_address_outside_the_tenant_with_5102(start_sandbox, connect):
    server = start_sandbox(faults="guests=off")
    azdo = connect(server)
    project = create_project(azdo)
    outside = azdo.invite("grace@elsewhere.example", "express", project.id)
    assert not outside.ok and "5102" in outside.message
    inside = azdo.invite("noor@college.example", "express", project.id)
    assert inside.ok, inside.message


def test_five_free_basic_seats_then_stakeholders_have_no_repos(start_sandbox, connect):
    server = start_sandbox(device_code_interval=1, faults="licences=counted")
    azdo = connect(server)
    project = create_project(azdo)
    invited = [azdo.invite(f"c{n}@college.example", "express", project.id) for n in range(4)]
    assert all(i.ok for i in invited)  # owner + 4 = the five free seats
    sixth = azdo.invite("c5@college.example", "express", project.id)
    assert not sixth.ok and "free Basic" in sixth.message
    assert azdo.invite(NEWCOMER[1], "stakeholder", project.id).ok

    # Noor, a Stakeholder, signs in and is refused Azure Repos (REST and git over HTTPS).
    noor = device_credential(server, DevicePerson(NEWCOMER[1]))
    bearer = {"Authorization": noor.auth_header()}
    repos = requests.get(f"{server.info.org_url}/_apis/git/repositories", headers=bearer)
    assert repos.status_code == 403 and "Stakeholder" in repos.json()["message"]
    refs = requests.get(
        f"{server.info.org_url}/College/_git/College/info/refs?service=git-upload-pack",
        headers=bearer,
        timeout=10,
    )
    assert refs.status_code == 403 and "Stakeholder" in refs.text
    # The owner (Basic) still reads them.
    assert requests.get(
        f"{server.info.org_url}/_apis/git/repositories", headers=basic(server.info.pat)
    ).ok


def test_a_stakeholder_is_refused_git_over_ssh(start_sandbox, connect, tmp_path):
    """Noor, invited as Stakeholder, registers her key and is refused the repository over SSH."""
    import os
    import subprocess

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from college_tui.azdo.client import AzureDevOps
    from tests.azdo.conftest import Recorder, fast_policy

    server = start_sandbox(device_code_interval=1, ssh=True, faults="licences=counted")
    owner = connect(server)
    project = create_project(owner)
    assert owner.invite(NEWCOMER[1], "stakeholder", project.id).ok
    noor = device_credential(server, DevicePerson(NEWCOMER[1]))
    as_noor = AzureDevOps(
        server.info.org_url, server.info.profile_url, noor, Recorder(), "test", fast_policy()
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=PUBLIC_KEY_BITS)
    path = tmp_path / "noor_rsa"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)
    line = (
        key.public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode()
    )
    until = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    as_noor.add_ssh_key("noor", line, as_noor.connection_data().instance_id, until)
    ssh = (
        f"ssh -i {path} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no "
        f"-o UserKnownHostsFile=/dev/null -p {server.info.ssh_port}"
    )
    refused = subprocess.run(
        ["git", "ls-remote", "git@127.0.0.1:v3/college-sandbox/College/College"],
        env={**os.environ, "GIT_SSH_COMMAND": ssh},
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert refused.returncode != 0
    assert "Stakeholder access does not include Azure Repos" in refused.stderr, refused.stderr

"""The identity provider's protocol, spoken by hand over HTTPS: what MSAL relies on (discovery,
device code polling, PKCE, nonce, refresh rotation), Entra's error shape, and its files."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import stat
import sys

import pytest
import requests

from tests.azdo.stand_in_browser import Form, sign_in_on_device_page, submit
from tests.sandbox.serving import start_serving

ADO = "499b84ac-1321-427f-aa17-267ca6975798/.default"
CLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
DEVICE = "urn:ietf:params:oauth:grant-type:device_code"


class Idp:
    def __init__(self, info) -> None:
        self.info = info
        self.base = f"{info.authority}/{info.tenant_id}"

    def post(self, path: str, **form) -> requests.Response:
        return requests.post(f"{self.base}{path}", data=form, verify=self.info.ca_file, timeout=10)

    def token(self, **form) -> requests.Response:
        return self.post("/oauth2/v2.0/token", client_id=CLI, client_info="1", **form)


def claims(jwt: str) -> dict:
    body = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


@pytest.fixture
def idp(start_sandbox):
    return Idp(start_sandbox(device_code_interval=2).info)


def test_discovery_names_https_token_endpoints_and_an_http_page(idp):
    config = requests.get(
        f"{idp.base}/v2.0/.well-known/openid-configuration", verify=idp.info.ca_file, timeout=10
    ).json()
    assert config["token_endpoint"] == f"{idp.base}/oauth2/v2.0/token"
    assert config["device_authorization_endpoint"].startswith("https://127.0.0.1:")
    assert config["authorization_endpoint"].startswith("http://127.0.0.1:")
    unknown = requests.get(
        f"{idp.info.authority}/contoso.example/v2.0/.well-known/openid-configuration",
        verify=idp.info.ca_file,
        timeout=10,
    )
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "invalid_tenant"
    assert unknown.json()["error_description"].startswith("AADSTS90002: Tenant 'contoso.example'")


def test_device_code_is_pending_then_slowed_then_granted_once(idp):
    flow = idp.post("/oauth2/v2.0/devicecode", client_id=CLI, scope=f"{ADO} openid").json()
    assert flow["interval"] == 2 and flow["user_code"] in flow["message"]
    poll = dict(grant_type=DEVICE, device_code=flow["device_code"], code=flow["device_code"])
    pending = idp.token(**poll)
    assert (pending.status_code, pending.json()["error"]) == (400, "authorization_pending")
    too_soon = idp.token(**poll)
    assert too_soon.json()["error"] == "slow_down"
    wrong = requests.post(flow["verification_uri"], data={"otc": "NOPE"}, timeout=10)
    assert wrong.status_code == 400 and "didn't work" in wrong.text
    page = sign_in_on_device_page(
        flow["verification_uri"], flow["user_code"], "ada@college.example"
    )
    assert "signed in" in page
    granted = idp.token(**poll)
    assert granted.status_code == 200, granted.text
    body = granted.json()
    assert body["scope"] == ADO and body["token_type"] == "Bearer" and body["refresh_token"]
    assert claims(body["access_token"])["aud"] == ADO.split("/")[0]
    assert claims(body["id_token"])["preferred_username"] == "ada@college.example"
    again = idp.token(**poll)
    assert again.json()["error"] == "expired_token"


def _authorize(idp, verifier: str, nonce: str, account="ada@college.example"):
    """A person picks `account` on the authorize page; the form_post's fields."""
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    config = requests.get(
        f"{idp.base}/v2.0/.well-known/openid-configuration", verify=idp.info.ca_file, timeout=10
    ).json()
    session = requests.Session()
    page = session.get(
        config["authorization_endpoint"],
        params=dict(
            client_id=CLI,
            response_type="code",
            redirect_uri="http://localhost:8400",
            scope=f"{ADO} offline_access openid profile",
            state="s1",
            response_mode="form_post",
            code_challenge=challenge.decode(),
            code_challenge_method="S256",
            nonce=nonce,
            client_info="1",
            prompt="select_account",
        ),
        timeout=10,
    )
    assert page.status_code == 200 and "Pick an account" in page.text
    answer = submit(session, page.url, page.text, account=account)
    form = Form(answer.text)
    assert form.action == "http://localhost:8400"
    return form.fields


def test_authorization_code_checks_the_pkce_verifier_echoes_the_nonce_and_rotates_refresh(idp):
    verifier = secrets.token_urlsafe(43)
    fields = _authorize(idp, verifier, "n0nce")
    assert fields["state"] == "s1" and fields["client_info"]
    redeem = dict(
        grant_type="authorization_code",
        code=fields["code"],
        redirect_uri="http://localhost:8400",
        scope=f"{ADO} offline_access openid profile",
    )
    wrong = idp.token(code_verifier="x" * 43, **redeem)
    assert wrong.status_code == 400
    assert wrong.json()["error_description"].startswith("AADSTS50148")
    fields = _authorize(idp, verifier, "n0nce")  # a failed redemption spends the code
    redeem["code"] = fields["code"]
    good = idp.token(code_verifier=verifier, **redeem)
    assert good.status_code == 200, good.text
    assert claims(good.json()["id_token"])["nonce"] == "n0nce"
    reused = idp.token(code_verifier=verifier, **redeem)
    assert reused.json()["error_description"].startswith("AADSTS70008")

    old = good.json()["refresh_token"]
    fresh = idp.token(grant_type="refresh_token", refresh_token=old, scope=ADO)
    assert fresh.status_code == 200 and fresh.json()["refresh_token"] != old
    replay = idp.token(grant_type="refresh_token", refresh_token=old, scope=ADO)
    assert (replay.status_code, replay.json()["error"]) == (400, "invalid_grant")


def test_the_ca_and_keys_are_made_once_with_private_keys_0600(start_sandbox, tmp_path):
    from cryptography import x509

    server = start_sandbox(tmp_path / "data")
    folder = tmp_path / "data" / "identity"
    ca = (folder / "ca.pem").read_bytes()
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
        for key in ("ca-key.pem", "server-key.pem", "token-signing.key"):
            assert stat.S_IMODE(os.stat(folder / key).st_mode) == 0o600, key
    cert = x509.load_pem_x509_certificate((folder / "server.pem").read_bytes())
    assert cert.issuer == x509.load_pem_x509_certificate(ca).subject
    server.stop()
    start_sandbox(tmp_path / "data")  # a restart keeps the CA clients already trust
    assert (folder / "ca.pem").read_bytes() == ca


def test_serve_prints_the_authority_and_ca_and_logs_no_token(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path / "home"), "COLLEGE_TUI_SANDBOX_TOKEN_SECONDS": "90"}
    data = tmp_path / "data"
    served = start_serving(
        [
            sys.executable,
            "-m",
            "college_tui.cli",
            "sandbox",
            "serve",
            "--data",
            str(data),
            "--print-json",
        ],
        env,
        tmp_path,
    )
    try:
        info = served.info
        assert {"org_url", "pat", "profile_url", "ssh_port"} <= set(info)
        assert info["authority"].startswith("https://127.0.0.1:")
        assert info["ca_file"] == str(data / "identity" / "ca.pem")
        base = f"{info['authority']}/{info['tenant_id']}"
        flow = requests.post(
            f"{base}/oauth2/v2.0/devicecode",
            data={"client_id": CLI, "scope": ADO},
            verify=info["ca_file"],
            timeout=10,
        ).json()
        sign_in_on_device_page(flow["verification_uri"], flow["user_code"], "ada@college.example")
        body = requests.post(
            f"{base}/oauth2/v2.0/token",
            data={"client_id": CLI, "grant_type": DEVICE, "device_code": flow["device_code"]},
            verify=info["ca_file"],
            timeout=10,
        ).json()
        assert body["expires_in"] == 90  # the lifetime the environment asked for
        me = requests.get(
            f"{info['profile_url']}/_apis/profile/profiles/me?api-version=7.1",
            headers={"Authorization": f"Bearer {body['access_token']}"},
            timeout=10,
        )
        assert me.json()["emailAddress"] == "ada@college.example"
    finally:
        code, err = served.stop()
    assert code == 0, err
    secrets_seen = (body["access_token"], body["refresh_token"], flow["device_code"])
    for secret in secrets_seen:
        assert secret not in err
        for path in data.rglob("*"):
            if path.is_file():
                assert secret.encode() not in path.read_bytes(), path


def test_the_mfa_fault_is_named_in_the_faults_spec():
    from college_tui.sandbox.faults import Faults

    assert Faults.parse("mfa=required,seed=3").mfa_required
    assert not Faults.parse("mfa=off").mfa_required
    with pytest.raises(ValueError, match="fault mfa is required or off"):
        Faults.parse("mfa=sometimes")

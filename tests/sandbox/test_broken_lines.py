"""Issue 26: lines a mutation sample broke without any test failing. Each test here fails when its
line is broken (each was checked by breaking the line by hand): the token audience the REST side
checks, expired grants, the redirect URI and the client a code was issued to, and the encrypted
token cache."""

from __future__ import annotations

import secrets
import time

import pytest
import requests

from tests.sandbox.test_identity_provider import ADO, CLI, Idp, _authorize, claims

VISUAL_STUDIO = "872cd9fa-d31f-45e0-9eab-6e460a02d1f1"  # another public client the tenant knows
GRAPH = "00000003-0000-0000-c000-000000000000"


@pytest.fixture
def served(start_sandbox):
    return start_sandbox(device_code_interval=2)


def _signed_in(idp: Idp) -> dict:
    verifier = secrets.token_urlsafe(43)
    fields = _authorize(idp, verifier, "n")
    answer = idp.token(
        grant_type="authorization_code",
        code=fields["code"],
        redirect_uri="http://localhost:8400",
        code_verifier=verifier,
        scope=f"{ADO} offline_access openid profile",
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _projects(served, token: str) -> int:
    return requests.get(
        f"{served.info.org_url}/_apis/projects",
        headers={"Authorization": f"Bearer {token}", "X-TFS-FedAuthRedirect": "Suppress"},
        timeout=10,
    ).status_code


def test_a_token_signed_for_another_resource_is_refused_by_the_rest_side(served):
    """sandbox/auth.py: the audience check. The same claims, signed with the sandbox's own key,
    open the organisation for Azure DevOps' audience and not for Microsoft Graph's."""
    from college_tui.sandbox.identity.tokens import encode_jwt

    token = _signed_in(Idp(served.info))["access_token"]
    assert _projects(served, token) == 200
    key = served.sandbox.identity.files.signing_key
    for audience in (GRAPH, "https://graph.microsoft.com", ""):
        other = encode_jwt({**claims(token), "aud": audience}, key)
        assert _projects(served, other) == 401, audience


def test_an_expired_refresh_token_or_code_is_not_redeemed(served):
    """sandbox/identity/tokens.py `GrantStore.take`: a grant past its expiry is gone, even
    though it is still in memory (refresh tokens live 90 days, codes 10 minutes)."""
    from college_tui.sandbox.identity.tokens import Grant

    idp = Idp(served.info)
    body = _signed_in(idp)
    grants = served.sandbox.identity.grants
    account = grants.take("refresh", body["refresh_token"]).account
    stale = Grant(CLI, [ADO], "organizations", time.time() - 1, account=account)
    refresh = grants.add("refresh", stale)
    answer = idp.token(grant_type="refresh_token", refresh_token=refresh, scope=ADO)
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_grant"), answer.text
    assert "AADSTS70000" in answer.json()["error_description"]
    # A live one with the same account is redeemed: the expiry is what refused it.
    live = grants.add(
        "refresh", Grant(CLI, [ADO], "organizations", time.time() + 60, account=account)
    )
    assert idp.token(grant_type="refresh_token", refresh_token=live, scope=ADO).status_code == 200

    code = grants.add(
        "code",
        Grant(CLI, [ADO], "organizations", time.time() - 1, account=account, redirect_uri="x"),
    )
    late = idp.token(grant_type="authorization_code", code=code, redirect_uri="x", scope=ADO)
    assert late.status_code == 400 and "AADSTS70008" in late.json()["error_description"]


def _code(idp: Idp) -> tuple[str, str]:
    verifier = secrets.token_urlsafe(43)
    return _authorize(idp, verifier, "n")["code"], verifier


def test_a_code_redeemed_with_another_redirect_uri_is_refused(served):
    """sandbox/identity/oauth.py: the code is bound to the redirect URI it was issued for."""
    idp = Idp(served.info)
    code, verifier = _code(idp)
    answer = idp.token(
        grant_type="authorization_code",
        code=code,
        redirect_uri="http://localhost:8401",
        code_verifier=verifier,
        scope=ADO,
    )
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_grant"), answer.text
    assert answer.json()["error_description"].startswith("AADSTS50011")
    assert "access_token" not in answer.json()


def test_a_code_redeemed_by_another_client_is_refused(served):
    """sandbox/identity/oauth.py: a grant issued to one application is not another's."""
    idp = Idp(served.info)
    code, verifier = _code(idp)
    answer = idp.post(
        "/oauth2/v2.0/token",
        client_id=VISUAL_STUDIO,
        grant_type="authorization_code",
        code=code,
        redirect_uri="http://localhost:8400",
        code_verifier=verifier,
        scope=ADO,
    )
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_grant"), answer.text
    assert "issued to another application" in answer.json()["error_description"]
    refresh = _signed_in(idp)["refresh_token"]
    stolen = idp.post(
        "/oauth2/v2.0/token",
        client_id=VISUAL_STUDIO,
        grant_type="refresh_token",
        refresh_token=refresh,
        scope=ADO,
    )
    assert stolen.status_code == 400 and "another application" in stolen.text


def test_the_token_cache_never_falls_back_to_a_plain_file(monkeypatch, tmp_path):
    """azdo/remembered.py: both the probe and the options ask for encrypted storage only; with
    `allow_unencrypted_storage=True` msal-extensions would write tokens to a plain file where no
    keychain answers."""
    import azure.identity._persistent_cache as persistent

    from college_tui.azdo import remembered

    asked: list[bool] = []

    def load(options, *args, **kwargs):
        asked.append(options.allow_unencrypted_storage)
        raise ValueError("no keychain here")

    monkeypatch.setattr(persistent, "_load_persistent_cache", load)
    assert "never keeps tokens in a plain file" in (remembered.encrypted_cache_problem() or "")
    options = remembered.remembered_options(tmp_path / "record.json")
    asked.append(options["cache_persistence_options"].allow_unencrypted_storage)
    assert asked == [False, False]

"""Signing in with Microsoft Entra against the sandbox's identity provider: the real azure-identity
and MSAL, a person played by HTTP requests (the device page, a stand-in browser), and the official
SDK using the Bearer token afterwards."""

from __future__ import annotations

import time

import pytest
import requests

from college_tui.azdo.authority import (
    MICROSOFT_AUTHORITY,
    PERSONAL_ORG_TENANT,
    discover_sign_in,
)
from college_tui.azdo.client import AzureDevOps
from college_tui.azdo.credentials import EntraCredential, entra_credential
from college_tui.azdo.errors import MSA_HELP, AzdoError
from college_tui.events import NeedsYou
from college_tui.sandbox.identity.accounts import NEWCOMER, PERSONAL
from college_tui.vocabulary import AuthMode
from tests.azdo.conftest import Recorder, fast_policy
from tests.azdo.stand_in_browser import sign_in_on_device_page, use_stand_in_browser
from tests.conftest import connect
from tests.sandbox.helpers import create_project, wait_for

ADA = "ada@college.example"


class DevicePerson:
    """Reads the code from the sign-in event, as a person reads the screen, and types it on the
    device page (in a thread: the credential is polling meanwhile)."""

    def __init__(self, account: str) -> None:
        self.account = account
        self.events: list = []
        self.pages: list[str] = []

    def __call__(self, event) -> None:
        self.events.append(event)
        if isinstance(event, NeedsYou) and event.detail:
            self.pages.append(sign_in_on_device_page(event.url, event.detail, self.account))


def device_credential(server, person, **options):
    return sandbox_credential(server.info.org_url, AuthMode.DEVICE_CODE, person, **options)


def sandbox_credential(org_url: str, mode: AuthMode, person, **options):
    """An Entra credential of the sandbox's identity provider, as sign-in discovery finds it."""
    place = discover_sign_in(org_url)
    return entra_credential(
        mode,
        person,
        tenant_id=place.tenant_id,
        authority=place.authority,
        ca_file=place.ca_file,
        timeout=30,
        **options,
    )


def browser_facade(org_url: str, recorder: Recorder) -> tuple[AzureDevOps, EntraCredential]:
    """The facade and its credential, signed in in the browser (a desktop session's)."""
    place = discover_sign_in(org_url)
    credential = sandbox_credential(org_url, AuthMode.BROWSER, recorder)
    facade = AzureDevOps(place.org_url, place.profile_url, credential, recorder, "t", fast_policy())
    return facade, credential


def test_tenant_discovery_learns_the_sandbox_authority_profile_and_ca(sandbox):
    place = discover_sign_in(sandbox.info.org_url)
    assert place.authority == sandbox.info.authority and place.authority.startswith("https://127")
    assert place.tenant_id == sandbox.info.tenant_id
    assert place.profile_url == sandbox.info.profile_url
    with open(place.ca_file, "rb") as ours, open(sandbox.info.ca_file, "rb") as theirs:
        assert ours.read() == theirs.read()
    assert not place.personal_accounts
    # The CA is trusted per call, never process-wide: the default bundle still refuses it.
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"{place.authority}/{place.tenant_id}/v2.0/.well-known/openid-configuration")


def test_an_unauthenticated_request_answers_with_the_tenant_headers(sandbox):
    tenant = sandbox.info.tenant_id
    head = requests.head(sandbox.info.org_url, timeout=10)
    assert head.headers["X-VSS-ResourceTenant"] == tenant
    assert (
        f"Bearer authorization_uri={sandbox.info.authority}/{tenant}"
        in (head.headers["WWW-Authenticate"])
    )
    api = requests.get(
        f"{sandbox.info.org_url}/_apis/projects",
        headers={"X-TFS-FedAuthRedirect": "Suppress"},
        timeout=10,
    )
    assert api.status_code == 401 and "TF400813" in api.json()["message"]
    assert api.headers["X-VSS-ResourceTenant"] == tenant


def test_device_code_sign_in_then_the_sdk_works_with_the_bearer_token(start_sandbox):
    server = start_sandbox(device_code_interval=1)
    person = DevicePerson(ADA)
    credential = device_credential(server, person)
    clients = connect_bearer(server, credential)
    projects = clients.get_core_client().get_projects()
    assert [p.name for p in projects] == []
    assert "signed in as ada@college.example" in person.pages[0]
    prompt = next(e for e in person.events if isinstance(e, NeedsYou))
    assert prompt.url.startswith("http://127.0.0.1:") and prompt.url.endswith("/_idp/devicelogin")

    project = create_project(clients)  # the SDK's create + operation polling, all with Bearer
    assert project.name == "College"
    teams = clients.get_core_client().get_teams(project.id)  # the team step's reads
    assert [t.name for t in teams] == ["College Team"]
    repos = clients.get_git_client().get_repositories(project.name)  # the import step's reads
    assert [r.name for r in repos] == ["College"]


def connect_bearer(server, credential):
    """The official SDK's connection with the credential's Bearer auth (refreshed per request)."""
    from azure.devops.connection import Connection

    return Connection(
        base_url=server.info.org_url, creds=credential.msrest_credentials()
    ).clients_v7_1


def test_browser_sign_in_with_pkce_and_form_post_then_the_facade_reads_the_profile(
    start_sandbox, monkeypatch
):
    server = start_sandbox()
    browser = use_stand_in_browser(monkeypatch, NEWCOMER[1])
    monkeypatch.setenv("DISPLAY", ":0")  # a desktop session: browser sign-in is offered
    recorder = Recorder()
    azdo, _credential = browser_facade(server.info.org_url, recorder)
    me = azdo.profile()
    assert not browser.errors, browser.errors
    assert (me.display_name, me.email) == NEWCOMER
    assert azdo.organizations(me.id) == []  # the newcomer has no organisation yet
    visited = browser.visited[0]
    assert visited.startswith(f"http://127.0.0.1:{server.port}/_idp/")  # plain http page
    assert "code_challenge_method=S256" in visited and "response_mode=form_post" in visited
    assert any(isinstance(e, NeedsYou) for e in recorder.events)  # "sign in in the browser"


def test_a_short_lifetime_refreshes_and_the_facade_keeps_working_across_expiry(start_sandbox):
    server = start_sandbox(device_code_interval=1, token_seconds=3)
    person = DevicePerson(ADA)
    credential = device_credential(server, person)
    recorder = Recorder()
    azdo = AzureDevOps(
        server.info.org_url, server.info.profile_url, credential, recorder, "t", fast_policy()
    )
    assert azdo.profile().email == ADA
    first = credential._token["access_token"]
    expires = credential.expires_on
    wait_for(lambda: time.time() > expires + 0.5, timeout=10)

    # The expired token is refused by the service itself, as Azure DevOps refuses it...
    refused = requests.get(
        f"{server.info.org_url}/_apis/projects",
        headers={"Authorization": f"Bearer {first}", "X-TFS-FedAuthRedirect": "Suppress"},
        timeout=10,
    )
    assert refused.status_code == 401 and "TF400813" in refused.json()["message"]
    assert refused.headers["X-VSS-ResourceTenant"] == server.info.tenant_id

    # ...while the facade refreshes silently (refresh token, rotated) and goes on.
    assert [p.name for p in azdo.organizations(azdo.profile().id)] == ["college-sandbox"]
    assert credential._token["access_token"] != first
    assert len([e for e in person.events if isinstance(e, NeedsYou)]) == 1  # no second prompt


def test_a_personal_account_is_refused_with_the_personal_account_sentence(start_sandbox):
    server = start_sandbox(device_code_interval=1)
    person = DevicePerson(PERSONAL[1])
    credential = device_credential(server, person)
    with pytest.raises(AzdoError) as refused:
        credential.refresh_if_needed()
    assert MSA_HELP in refused.value.message
    assert "AADSTS50020" in person.pages[0]  # the page said why, as Microsoft's does
    assert refused.value.type_key == "PersonalAccountNotSupported"


def test_a_personal_account_in_the_browser_on_organizations_gets_aadsts500200(
    start_sandbox, monkeypatch
):
    server = start_sandbox()
    browser = use_stand_in_browser(monkeypatch, PERSONAL[1])
    monkeypatch.setenv("DISPLAY", ":0")
    place = discover_sign_in(server.info.org_url)
    credential = entra_credential(
        AuthMode.BROWSER, Recorder(), authority=place.authority, ca_file=place.ca_file, timeout=30
    )  # no tenant: azure-identity's default, "organizations"
    with pytest.raises(AzdoError) as refused:
        credential.refresh_if_needed()
    assert refused.value.type_key == "PersonalAccountNotSupported"
    assert "/organizations/oauth2/v2.0/authorize" in browser.visited[0]
    assert "AADSTS500200" in browser.pages[-1]  # sent back to the application by form_post


def test_the_mfa_fault_refuses_tokens_with_its_own_sentence(start_sandbox):
    server = start_sandbox(device_code_interval=1, faults="mfa=required")
    credential = device_credential(server, DevicePerson(ADA))
    with pytest.raises(AzdoError) as refused:
        credential.refresh_if_needed()
    assert refused.value.type_key == "ConditionalAccessRefused"
    assert "multi-factor authentication" in refused.value.message
    assert "AADSTS" not in refused.value.message


def sign_up(server, name: str, account: str) -> None:
    """The sandbox's signup page (the portal's "New organization"), signed in as `account`."""
    page = requests.get(f"{server.info.base_url}/_sandbox/signup?name={name}", timeout=10)
    assert account in page.text
    done = requests.post(
        f"{server.info.base_url}/_sandbox/signup", data={"name": name, "account": account}
    )
    assert done.status_code == 201, done.text


def test_the_newcomer_signs_up_an_organisation_and_its_token_reaches_it(start_sandbox):
    server = start_sandbox(device_code_interval=1)
    credential = device_credential(server, DevicePerson(NEWCOMER[1]))
    azdo = AzureDevOps(
        server.info.org_url, server.info.profile_url, credential, Recorder(), "t", fast_policy()
    )
    me = azdo.profile()
    assert azdo.organizations(me.id) == []  # from nothing
    sign_up(server, "noors-org", NEWCOMER[1])
    assert [o.name for o in azdo.organizations(me.id)] == ["noors-org"]
    url = server.info.org_url.rsplit("/", 1)[0] + "/noors-org"
    assert discover_sign_in(url).tenant_id == server.info.tenant_id
    mine = requests.get(
        f"{url}/_apis/projects", headers={"Authorization": credential.auth_header()}, timeout=10
    )
    assert mine.status_code == 200 and mine.json()["count"] == 0


def test_an_org_of_personal_accounts_takes_the_pat_only(start_sandbox):
    server = start_sandbox(device_code_interval=1)
    sign_up(server, "robins-org", PERSONAL[1])
    url = server.info.org_url.rsplit("/", 1)[0] + "/robins-org"
    place = discover_sign_in(url)
    assert place.personal_accounts and place.tenant_id == PERSONAL_ORG_TENANT
    credential = device_credential(server, DevicePerson(ADA))
    credential.refresh_if_needed()
    bearer = requests.get(
        f"{url}/_apis/projects",
        headers={"Authorization": credential.auth_header(), "X-TFS-FedAuthRedirect": "Suppress"},
        timeout=10,
    )
    assert bearer.status_code == 401  # a work account's token does not reach it
    assert connect(url, server.info.pat).clients_v7_1.get_core_client().get_projects() == []


def test_the_real_service_keeps_microsofts_hosts():
    from college_tui.azdo.authority import _tenant_from

    headers = {
        "WWW-Authenticate": "Bearer authorization_uri=https://login.microsoftonline.com/72f988bf-"
        '86f1-41af-91ab-2d7cd011db47, Basic realm="https://tfsprodweu5.app.visualstudio.com/"',
    }
    assert _tenant_from(headers) == ("72f988bf-86f1-41af-91ab-2d7cd011db47", MICROSOFT_AUTHORITY)
    with pytest.raises(ValueError):
        entra_credential(
            AuthMode.DEVICE_CODE, Recorder(), authority=MICROSOFT_AUTHORITY, ca_file="/tmp/ca.pem"
        )


def test_no_token_reaches_a_file_of_the_data_dir(start_sandbox):
    server = start_sandbox(device_code_interval=1)
    credential = device_credential(server, DevicePerson(ADA))
    credential.refresh_if_needed()
    token = credential._token["access_token"]
    for path in server.data_dir.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path


@pytest.mark.timeout(60)
def test_an_entra_token_that_expired_is_not_told_to_make_a_pat(start_sandbox):
    """COLLEGE_TUI_SANDBOX_TOKEN_SECONDS=0: every token is expired when it arrives; the answer
    was "Create a new PAT under User settings…" to a person who signed in with Entra."""
    server = start_sandbox(device_code_interval=1, token_seconds=0)
    credential = device_credential(server, DevicePerson(ADA))
    azdo = AzureDevOps(
        server.info.org_url, server.info.profile_url, credential, Recorder(), "t", fast_policy()
    )
    with pytest.raises(AzdoError) as refused:
        azdo.profile()
    sentence = refused.value.message
    assert "did not accept your Microsoft Entra sign-in" in sentence, sentence
    assert "Sign in again" in sentence and "time zone" in sentence
    assert "PAT" not in sentence and "Personal access tokens" not in sentence


@pytest.mark.timeout(90)
def test_a_served_sandbox_restarting_mid_run_says_so_before_the_browser_opens_again(
    tmp_path, monkeypatch
):
    """Issue 26: a restart forgets the refresh tokens (they live in memory); the browser opened
    a second time without a word. Now the second sign-in is announced first."""
    from college_tui.sandbox.server import SandboxServer
    from college_tui.sandbox.service import SandboxConfig

    data = tmp_path / "data"
    config = SandboxConfig(token_seconds=3)  # renewed at each call: the refresh token is used
    first = SandboxServer(data, config=config)
    first.start()
    browser = use_stand_in_browser(monkeypatch, ADA)
    monkeypatch.setenv("DISPLAY", ":0")
    recorder = Recorder()
    azdo, credential = browser_facade(first.info.org_url, recorder)
    assert azdo.profile().email == ADA
    ports = (first.port, first.idp_port)
    first.stop()
    second = SandboxServer(data, port=ports[0], idp_port=ports[1], config=config)
    second.start()
    try:
        expires = credential.expires_on  # then renewed: its refresh token died with the first
        wait_for(lambda: time.time() > expires + 0.5, timeout=10)
        projects = requests.get(  # the next call renews the token: the browser again
            f"{second.info.org_url}/_apis/projects",
            headers={"Authorization": credential.auth_header()},
            timeout=10,
        )
        assert projects.status_code == 200, projects.text
    finally:
        second.stop()
    asked = [e.message for e in recorder.events if isinstance(e, NeedsYou)]
    assert len(browser.visited) == 2 and len(asked) == 2, (browser.visited, asked)
    assert "sign in to Azure DevOps again" in asked[1] and "sandbox restarted" in asked[1]

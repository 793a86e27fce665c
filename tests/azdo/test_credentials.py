"""Credentials: the PAT's Basic header, Entra tokens refreshed before they expire, MSA accounts."""

from __future__ import annotations

import base64
from collections import namedtuple

import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import CredentialUnavailableError, DeviceCodeCredential

from college_tui.azdo.client import AzureDevOps
from college_tui.azdo.credentials import (
    AZURE_DEVOPS_SCOPE,
    EntraCredential,
    PatCredential,
    browser_available,
    device_code_prompt,
    entra_credential,
)
from college_tui.azdo.errors import AzdoError
from college_tui.events import NeedsYou
from college_tui.vocabulary import AuthMode

from .conftest import fast_policy

AccessToken = namedtuple("AccessToken", "token expires_on")


class FakeTokenCredential:
    """Stands in for an azure-identity credential: hands out numbered tokens, 1 hour each."""

    def __init__(self, clock, error: Exception | None = None) -> None:
        self.clock = clock
        self.error = error
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes):
        self.scopes.append(scopes)
        if self.error:
            raise self.error
        return AccessToken(f"entra-token-{len(self.scopes)}", self.clock() + 3600)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_pat_is_sent_as_basic_with_an_empty_user_name():
    cred = PatCredential("  my-pat  ")
    assert cred.kind == "pat"
    assert cred.auth_header() == "Basic " + base64.b64encode(b":my-pat").decode()
    assert "my-pat" not in repr(cred)
    with pytest.raises(AzdoError, match="empty"):
        PatCredential("   ")


def test_an_entra_token_is_fetched_once_and_renewed_before_it_expires():
    clock = Clock()
    source = FakeTokenCredential(clock)
    cred = EntraCredential(source, clock=clock)
    auth = cred.msrest_credentials()
    import requests

    session = auth.signed_session(requests.Session())
    assert session.headers["Authorization"] == "Bearer entra-token-1"
    assert source.scopes == [(AZURE_DEVOPS_SCOPE,)]

    clock.now += 3000  # 10 minutes left: still fine
    auth.signed_session(session)
    assert session.headers["Authorization"] == "Bearer entra-token-1"

    clock.now += 400  # under 5 minutes left: renewed in place, before the request is signed
    auth.signed_session(session)
    assert session.headers["Authorization"] == "Bearer entra-token-2"
    assert auth.token["access_token"] == "entra-token-2"
    assert cred.auth_header() == "Bearer entra-token-2"
    assert "entra-token" not in repr(cred) + repr(auth)


def test_every_sdk_request_carries_the_current_entra_token(sandbox, recorder):
    seen: list[str] = []
    sandbox.sandbox.observers.append(
        lambda method, host, template, call, reply: seen.append(call.headers.get("authorization"))
    )
    clock = Clock()
    azdo = AzureDevOps(
        sandbox.info.org_url,
        sandbox.info.profile_url,
        EntraCredential(FakeTokenCredential(clock), clock=clock),
        recorder,
        "sign-in",
        fast_policy(),
    )
    # The sandbox only knows PATs: the Bearer token is refused like an unknown credential,
    # but the discovery calls (anonymous) show what was sent.
    with pytest.raises(AzdoError, match="^Sign-in failed") as failure:
        azdo.processes()
    assert "Bearer entra-token-1" in seen
    assert "entra-token" not in failure.value.message
    clock.now += 3500  # close to expiry: the next request (a new host's discovery) renews it
    with pytest.raises(AzdoError):
        azdo.profile()
    assert seen[-1] == "Bearer entra-token-2"


@pytest.mark.parametrize(
    "message",
    [
        "AADSTS50020: User account 'ada@outlook.com' from identity provider 'live.com' does not "
        "exist in tenant 'Contoso' and cannot access the application.",
        "AADSTS500011: The resource principal named 499b84ac-1321-427f-aa17-267ca6975798 was not "
        "found in the tenant named 9188040d-6c67-4c5b-b112-36a304b66dad.",
        "AADSTS9002331: Application is configured for use by Microsoft Account users only. Please "
        "use the /consumers endpoint to serve this request.",
    ],
)
def test_a_personal_microsoft_account_is_told_to_use_a_pat(message):
    cred = EntraCredential(FakeTokenCredential(Clock(), ClientAuthenticationError(message)))
    with pytest.raises(AzdoError) as failure:
        cred.auth_header()
    text = failure.value.message
    assert "Personal Microsoft accounts" in text
    assert "personal access token" in text
    assert "_usersSettings/tokens" in text


def test_other_entra_failures_say_what_to_try_next():
    unavailable = CredentialUnavailableError("Failed to open a browser")
    with pytest.raises(AzdoError, match="not available here: Failed to open a browser"):
        EntraCredential(FakeTokenCredential(Clock(), unavailable)).auth_header()
    denied = ClientAuthenticationError("AADSTS50126: Invalid username or password.")
    with pytest.raises(
        AzdoError, match="^Sign-in with Microsoft Entra failed: Invalid username or password. Try"
    ):
        EntraCredential(FakeTokenCredential(Clock(), denied)).auth_header()


def test_the_device_code_reaches_the_user_as_a_needs_you_event_never_stdout(capsys):
    events = []
    prompt = device_code_prompt(events.append, "sign-in")
    prompt("https://microsoft.com/devicelogin", "ABCD-EFGH", None)
    assert events == [
        NeedsYou(
            "sign-in",
            "Open https://microsoft.com/devicelogin and enter the code ABCD-EFGH to sign "
            "in to Azure DevOps.",
            url="https://microsoft.com/devicelogin",
            detail="ABCD-EFGH",
        )
    ]
    assert capsys.readouterr().out == ""


def test_the_device_code_credential_is_built_with_that_prompt():
    cred = entra_credential(AuthMode.DEVICE_CODE, lambda e: None)
    assert cred.kind == "entra"
    inner = cred._credential
    assert isinstance(inner, DeviceCodeCredential)
    # azure-identity print()s the code when no prompt_callback is given: ours must be set.
    assert inner._prompt_callback is not None
    with pytest.raises(ValueError):
        entra_credential("carrier-pigeon", lambda e: None)


def test_browser_sign_in_is_not_offered_where_only_a_text_browser_could_open():
    assert not browser_available({}, "linux")
    assert browser_available({"DISPLAY": ":0"}, "linux")
    assert browser_available({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert browser_available({}, "darwin") and browser_available({}, "win32")


def test_browser_and_azure_cli_sign_in_use_their_azure_identity_credentials(monkeypatch):
    from azure.identity import AzureCliCredential, InteractiveBrowserCredential

    assert isinstance(
        entra_credential(AuthMode.AZURE_CLI, lambda e: None)._credential, AzureCliCredential
    )

    monkeypatch.setenv("DISPLAY", ":0")
    events = []
    cred = entra_credential(AuthMode.BROWSER, events.append)
    assert isinstance(cred._credential, InteractiveBrowserCredential)
    cred._credential = FakeTokenCredential(Clock())  # what the browser sign-in would hand back
    assert cred.auth_header() == "Bearer entra-token-1"
    # The attendee was told to look for the browser before it opened, and only then.
    assert [type(e) for e in events] == [NeedsYou] and "browser" in events[0].message

    # A Linux machine without a display: a console browser can't sign in, device code can.
    monkeypatch.setattr("sys.platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(AzdoError, match="device code"):
        entra_credential(AuthMode.BROWSER, events.append)

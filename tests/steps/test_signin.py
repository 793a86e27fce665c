"""Sign-in: the credential is verified (profile + connectionData), kept safely, or refused clearly."""

from __future__ import annotations

import dataclasses

import keyring
import pytest
from keyring.backend import KeyringBackend

from college_tui.azdo.credentials import EntraCredential, PatCredential
from college_tui.events import HttpCall, Note, StepFailed
from college_tui.steps.answers import Answers
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from college_tui.steps.signin_help import PERSONAL_WHY
from college_tui.vocabulary import AuthMode, StepKey, StepStatus
from college_tui.workstation import secrets as pat_store

from .conftest import Recorder


@pytest.fixture(autouse=True)
def clean_keyring():
    backend = keyring.get_keyring()
    pat_store.forget_session_pats()
    if hasattr(backend, "clear"):
        backend.clear()
    yield
    pat_store.forget_session_pats()
    keyring.set_keyring(backend)


def as_real_service(ctx):
    """The same sandbox seen as if it were dev.azure.com: PATs go to the keyring then."""
    ctx.target = dataclasses.replace(ctx.target, sandbox=False)
    return ctx


def test_a_good_pat_signs_in_names_the_user_and_lists_the_scopes_it_needs(sandbox, make_ctx):
    ctx = make_ctx(sandbox)
    report = run(ctx, [SignInStep])
    assert report.ok
    events = ctx.emit
    assert events.finished(StepKey.SIGN_IN).summary == (
        "Signed in as Ada Attendee (ada@college.example) with a personal access token"
    )
    scopes = events.of(Note, "sign-in")[0].message
    for scope in (
        "vso.profile",
        "vso.work",
        "vso.project_manage",
        "vso.graph_manage",
        "vso.memberentitlementmanagement_write",
        "vso.code_manage",
    ):
        assert scope in scopes
    calls = [(e.method, e.path.split("?")[0]) for e in events.posts()]
    assert calls == []  # signing in reads only
    remembered = ctx.state.get(StepKey.SIGN_IN)
    assert remembered["user_id"] == sandbox.sandbox.user["id"]
    assert sandbox.info.pat not in ctx.state.path.read_text()


def test_a_second_run_finds_the_sign_in_already_done(sandbox, make_ctx):
    run(make_ctx(sandbox), [SignInStep])
    again = make_ctx(sandbox)
    report = run(again, [SignInStep])
    assert report.results[0].status == StepStatus.ALREADY
    assert again.emit.finished(StepKey.SIGN_IN).already_done


def test_a_wrong_pat_is_a_clear_sign_in_failure_and_nothing_is_remembered(sandbox, make_ctx):
    before = sandbox.sandbox.stats()["total"]
    ctx = make_ctx(sandbox, pat="x" * 52)
    report = run(ctx, [SignInStep])
    assert report.results[0].status == StepStatus.FAILED
    message = ctx.emit.failed(StepKey.SIGN_IN).message
    assert message.startswith("Sign-in failed: Azure DevOps did not accept your credential")
    # What to do next: where a new personal access token is made.
    assert "Create a new PAT under User settings → Personal access tokens" in message
    assert "x" * 52 not in message
    assert ctx.azdo is None
    assert ctx.state.get(StepKey.SIGN_IN) == {}
    assert sandbox.sandbox.stats()["total"] > before  # it did ask the service


def test_a_wrong_pat_gets_a_401_never_the_203_sign_in_page(sandbox, make_ctx):
    # Without X-TFS-FedAuthRedirect: Suppress the service (and the sandbox) answers a bad
    # credential with 203 and an HTML sign-in page. The SDK and the raw calls always send the
    # header, so what really comes back is a 401, and the step calls it a sign-in failure.
    ctx = make_ctx(sandbox, pat="x" * 52)
    run(ctx, [SignInStep])
    statuses = [call.status for call in ctx.emit.of(HttpCall)]
    assert 401 in statuses
    assert 203 not in statuses
    message = ctx.emit.failed(StepKey.SIGN_IN).message
    assert message.startswith("Sign-in failed:") and "HTTP 401" in message


def test_on_the_real_service_the_pat_is_kept_in_the_keyring_under_the_org_url(sandbox, make_ctx):
    ctx = as_real_service(make_ctx(sandbox))
    run(ctx, [SignInStep])
    assert keyring.get_password("college-tui", sandbox.info.org_url.lower()) == sandbox.info.pat
    notes = [e.message for e in ctx.emit.of(Note, "sign-in")]
    assert any("saved in your system keyring" in n for n in notes)
    # Next run: no PAT given, it comes from the keyring, and the step is already done.
    pat_store.forget_session_pats()
    later = as_real_service(make_ctx(sandbox, pat=""))
    later.secrets.pat = None
    report = run(later, [SignInStep])
    assert report.results[0].status == StepStatus.ALREADY


class PlaintextKeyring(KeyringBackend):
    """Stands in for keyrings.alt's plain-text file backend."""

    priority = 1
    stored: dict = {}

    def get_password(self, service, username):
        return self.stored.get((service, username))

    def set_password(self, service, username, password):
        self.stored[(service, username)] = password

    def delete_password(self, service, username):
        self.stored.pop((service, username), None)


def test_a_plaintext_keyring_is_refused_and_the_pat_kept_for_this_run_only(sandbox, make_ctx):
    keyring.set_keyring(PlaintextKeyring())
    ctx = as_real_service(make_ctx(sandbox))
    report = run(ctx, [SignInStep])
    assert report.ok
    assert PlaintextKeyring.stored == {}
    note = next(e.message for e in ctx.emit.of(Note, "sign-in") if "not saved" in e.message)
    assert "unencrypted" in note and "this run only" in note


def test_in_the_sandbox_the_pat_never_goes_to_the_keyring(sandbox, make_ctx):
    run(make_ctx(sandbox), [SignInStep])
    assert keyring.get_password("college-tui", sandbox.info.org_url.lower()) is None


class PersonalAccount:
    """An azure-identity credential as it fails for an @outlook.com account."""

    def get_token(self, *scopes, **kwargs):
        raise RuntimeError(
            "AADSTS50020: User account 'ada@outlook.com' from identity provider "
            "'live.com' does not exist in tenant 'Microsoft Services'."
        )


def test_a_personal_microsoft_account_is_steered_to_a_pat(sandbox, make_ctx):
    ctx = make_ctx(sandbox, Answers(auth=AuthMode.BROWSER), pat="")
    ctx.secrets.pat = None
    ctx.credential = EntraCredential(PersonalAccount())
    run(ctx, [SignInStep])
    message = ctx.emit.failed(StepKey.SIGN_IN).message
    assert PERSONAL_WHY in message
    assert "personal access token" in message and "_usersSettings/tokens" in message
    scopes = " ".join(n.message for n in ctx.emit.of(Note, "sign-in"))
    assert "vso.project_manage" in scopes  # the PAT's scopes, said once beside the sentence


def test_without_any_pat_the_step_says_how_to_get_one(sandbox, make_ctx):
    ctx = make_ctx(sandbox, pat="")
    ctx.secrets.pat = None
    events: Recorder = ctx.emit
    report = run(ctx, [SignInStep])
    assert report.results[0].status == StepStatus.FAILED
    message = events.of(StepFailed, "sign-in")[0].message
    assert "AZURE_DEVOPS_PAT" in message and "_usersSettings/tokens" in message


def test_a_credential_is_verified_against_the_organisation_not_only_the_profile(sandbox, make_ctx):
    # The profile host answers for any good credential; only connectionData on the organisation
    # proves the organisation is there for this user.
    ctx = make_ctx(sandbox)
    ctx.target = dataclasses.replace(ctx.target, org_url=f"{sandbox.info.base_url}/no-such-org")
    report = run(ctx, [SignInStep])
    assert report.results[0].status == StepStatus.FAILED
    message = ctx.emit.failed(StepKey.SIGN_IN).message
    assert message.startswith(
        "Sign-in failed: the organisation no-such-org was not found at "
        f"{sandbox.info.base_url}/no-such-org"
    )
    assert ctx.azdo is None and ctx.state.get(StepKey.SIGN_IN) == {}


class EntraStandIn:
    """An Entra credential as the facade sees it (kind "entra"); the sandbox only knows PATs,
    so it signs with the sandbox's PAT underneath."""

    kind = "entra"

    def __init__(self, pat: str) -> None:
        self._pat = PatCredential(pat)

    def msrest_credentials(self):
        return self._pat.msrest_credentials()

    def auth_header(self) -> str:
        return self._pat.auth_header()

    def refresh_if_needed(self) -> None:
        pass


def test_an_entra_sign_in_that_turns_out_to_be_a_personal_account_is_steered_to_a_pat(
    start_sandbox, make_ctx
):
    server = start_sandbox(user_email="ada@outlook.com")
    ctx = make_ctx(server, Answers(auth=AuthMode.BROWSER), pat="")
    ctx.secrets.pat = None
    ctx.credential = EntraStandIn(server.info.pat)
    report = run(ctx, [SignInStep])
    assert report.results[0].status == StepStatus.FAILED
    message = ctx.emit.failed(StepKey.SIGN_IN).message
    assert PERSONAL_WHY in message and "_usersSettings/tokens" in message
    assert ctx.azdo is None and ctx.state.get(StepKey.SIGN_IN) == {}


def test_in_the_sandbox_the_azure_cli_is_refused_without_contacting_microsoft(
    sandbox, make_ctx, monkeypatch
):
    import college_tui.azdo.credentials as credentials

    def must_not_be_called(*args, **kwargs):
        raise AssertionError("an Entra credential was built for the sandbox")

    monkeypatch.setattr(credentials, "entra_credential", must_not_be_called)
    ctx = make_ctx(sandbox, Answers(auth=AuthMode.AZURE_CLI), pat="")
    ctx.secrets.pat = None
    report = run(ctx, [SignInStep])
    assert report.results[0].status == StepStatus.FAILED
    assert ctx.emit.failed(StepKey.SIGN_IN).message == (
        "Sign-in: 'azure-cli' asks the Azure CLI, which signs in with Microsoft online and knows "
        'nothing of the offline sandbox. Use "pat" (the default), "browser" or "device-code" '
        "(the sandbox's own sign-in) for --sandbox."
    )


class DevicePerson(Recorder):
    """Reads the device code off the sign-in event and types it on the sandbox's page."""

    def __call__(self, event) -> None:
        from college_tui.events import NeedsYou
        from tests.azdo.stand_in_browser import sign_in_on_device_page

        super().__call__(event)
        if isinstance(event, NeedsYou) and event.detail:
            sign_in_on_device_page(event.url, event.detail, "ada@college.example")


def test_in_the_sandbox_device_code_signs_in_through_its_own_identity_provider(
    start_sandbox, make_ctx
):
    server = start_sandbox(device_code_interval=1)
    person = DevicePerson()
    ctx = make_ctx(server, Answers(auth=AuthMode.DEVICE_CODE), pat="", emit=person)
    ctx.secrets.pat = None
    report = run(ctx, [SignInStep])
    assert report.results[0].status == StepStatus.DONE, person.text()
    assert ctx.credential.kind == "entra"
    assert "Signed in as Ada Attendee (ada@college.example) with Microsoft Entra" in person.text()
    code_event = next(e for e in person if getattr(e, "detail", None))
    assert code_event.url.startswith(f"http://127.0.0.1:{server.port}/_idp/")

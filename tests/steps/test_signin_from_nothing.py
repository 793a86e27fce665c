"""Sign in first, with no organisation yet ("My Azure DevOps" from nothing), against a served
sandbox named by COLLEGE_TUI_SERVICE_URL: the real azure-identity and MSAL, a person played by HTTP
requests on the device page and the signup page, then the organisation picked or created."""

from __future__ import annotations

import pytest
import requests

from college_tui.events import NeedsYou
from college_tui.opening import TargetOptions, TargetRefused
from college_tui.opening.service_target import pending_service
from college_tui.sandbox.identity.accounts import NEWCOMER, PERSONAL
from college_tui.steps.answers import Answers
from college_tui.steps.base import Secrets
from college_tui.steps.organization import OrganizationStep
from college_tui.steps.runner import make_context, run
from college_tui.steps.signin import SignInStep
from college_tui.steps.signin_help import PERSONAL_WHY
from college_tui.vocabulary import AuthMode, StepKey, StepStatus
from tests.azdo.stand_in_browser import sign_in_on_device_page

from .conftest import Recorder

ADA = "ada@college.example"


class Person(Recorder):
    """Types the device code shown on the device page as `account`, and creates the organisation
    on the signup page when the organisation step hands it over."""

    def __init__(self, account: str) -> None:
        super().__init__()
        self.account = account
        self.pages: list[str] = []

    def __call__(self, event) -> None:
        super().__call__(event)
        if not isinstance(event, NeedsYou) or not event.url:
            return
        if "/_idp/" in event.url and event.detail:
            self.pages.append(sign_in_on_device_page(event.url, event.detail, self.account))
        elif "/_sandbox/signup" in event.url:
            base = event.url.split("/_sandbox/")[0]
            done = requests.post(
                f"{base}/_sandbox/signup",
                data={"name": event.detail, "account": self.account},
                timeout=10,
            )
            assert done.status_code == 201, done.text


def options() -> TargetOptions:
    return TargetOptions(None, False, None, None, None, False, org_later=True)


def from_nothing(server, monkeypatch, tmp_path, account: str, **answers):
    monkeypatch.setenv("COLLEGE_TUI_SERVICE_URL", server.info.base_url)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    target = pending_service(options())
    person = Person(account)
    ctx = make_context(
        target,
        Answers(auth=AuthMode.DEVICE_CODE, **answers).for_target(target),
        person,
        secrets=Secrets(),
    )
    ctx.attended = True
    return ctx, person


def test_signed_in_with_no_organisation_then_one_of_the_accounts_organisations_is_picked(
    start_sandbox, monkeypatch, tmp_path
):
    server = start_sandbox(device_code_interval=1)
    ctx, person = from_nothing(server, monkeypatch, tmp_path, ADA)
    assert ctx.target.org_pending and ctx.target.org == ""
    assert ctx.target.org_url.startswith(server.info.base_url)

    report = run(ctx, [SignInStep])
    assert report.results[0].status == StepStatus.DONE, person.text()
    assert "Signed in as Ada Attendee (ada@college.example) with Microsoft Entra" in person.text()
    # The profile host was learnt from the sandbox itself, nothing hidden.
    assert ctx.target.profile_url == server.info.profile_url
    assert ctx.target.org_pending  # nothing chosen yet: the organisation step lists them
    svc = ctx.service("t")
    assert [o.name for o in svc.organizations(svc.profile().id)] == ["college-sandbox"]

    inspected = OrganizationStep().inspect(ctx)
    assert not inspected.done and "college-sandbox" in inspected.summary

    ctx.answers.organization = "college-sandbox"
    report = run(ctx, [OrganizationStep(poll_seconds=0.2)])
    assert report.results[0].status in ("done", "already"), person.text()
    assert ctx.target.org_url == server.info.org_url and not ctx.target.org_pending

    token = ctx.credential.git_password()
    for path in tmp_path.rglob("*"):  # no token in any file the run wrote
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path
    assert token not in person.text()


def test_a_newcomer_creates_the_organisation_through_the_hand_off_and_the_run_goes_there(
    start_sandbox, monkeypatch, tmp_path
):
    server = start_sandbox(device_code_interval=1)
    ctx, person = from_nothing(server, monkeypatch, tmp_path, NEWCOMER[1])
    assert run(ctx, [SignInStep]).results[0].status == StepStatus.DONE, person.text()
    svc = ctx.service("t")
    assert svc.organizations(svc.profile().id) == []  # from nothing

    ctx.answers.organization = "noors-org"
    report = run(ctx, [OrganizationStep(poll_seconds=0.2)])
    assert report.results[0].status == StepStatus.DONE, person.text()
    handed = [e for e in person.of(NeedsYou, "organization")]
    assert handed and handed[0].url.startswith(f"{server.info.base_url}/_sandbox/signup")
    assert ctx.target.org_url == f"{server.info.base_url}/noors-org"
    assert "Organisation noors-org created" in person.text()


def test_a_personal_account_gets_the_way_that_works_not_aadsts_text(
    start_sandbox, monkeypatch, tmp_path
):
    server = start_sandbox(device_code_interval=1)
    ctx, person = from_nothing(server, monkeypatch, tmp_path, PERSONAL[1])
    report = run(ctx, [SignInStep])
    assert report.results[0].status == StepStatus.FAILED
    message = person.failed(StepKey.SIGN_IN).message
    assert PERSONAL_WHY in message and "AADSTS" not in message
    assert "first create your organisation: type its name on the organisation step" in message
    assert "then make a personal access token in it" in message
    assert len(message) <= 6 * 70  # at most six lines of the panel: the one way that works
    assert "AADSTS" in person.pages[0]  # the page said the code, the wizard says what to do


def test_conditional_access_has_its_own_sentence(start_sandbox, monkeypatch, tmp_path):
    server = start_sandbox(device_code_interval=1, faults="mfa=required")
    ctx, person = from_nothing(server, monkeypatch, tmp_path, ADA)
    report = run(ctx, [SignInStep])
    assert report.results[0].status == StepStatus.FAILED
    message = person.failed(StepKey.SIGN_IN).message
    assert "multi-factor authentication" in message and "AADSTS" not in message


@pytest.mark.parametrize(
    "value",
    ["https://example.com", "http://127.0.0.1:8080/college-sandbox", "ftp://127.0.0.1:1"],
)
def test_the_service_setting_names_a_served_sandbox_address_only(monkeypatch, value):
    monkeypatch.setenv("COLLEGE_TUI_SERVICE_URL", value)
    with pytest.raises(TargetRefused) as refused:
        pending_service(options())
    assert "COLLEGE_TUI_SERVICE_URL" in refused.value.message


def test_without_the_setting_it_is_microsofts_service(monkeypatch):
    monkeypatch.delenv("COLLEGE_TUI_SERVICE_URL", raising=False)
    target = pending_service(options())
    assert target.org_url.startswith("https://dev.azure.com/") and target.org_pending
    assert target.profile_url == "https://app.vssps.visualstudio.com"


def test_remember_me_without_an_encrypted_store_says_so_and_keeps_nothing(
    start_sandbox, monkeypatch, tmp_path
):
    from college_tui.azdo.remembered import encrypted_cache_problem
    from college_tui.steps.signin import record_file

    if encrypted_cache_problem() is None:
        pytest.skip("this machine has an encrypted token cache")
    server = start_sandbox(device_code_interval=1)
    ctx, person = from_nothing(server, monkeypatch, tmp_path, ADA)
    ctx.secrets.remember_sign_in = True
    report = run(ctx, [SignInStep])
    assert report.results[0].status == StepStatus.DONE, person.text()
    assert "The sign-in is not remembered: this machine has no encrypted store" in person.text()
    assert not record_file(ctx.target.state_key).exists()
    assert not (tmp_path / "home" / ".IdentityService").exists()  # no plain-text cache either


def test_a_served_sandbox_says_its_sign_in_profile_host_and_ssh_server(start_sandbox):
    from college_tui.azdo.authority import MICROSOFT_AUTHORITY, MICROSOFT_PROFILE, discover_service

    server = start_sandbox(ssh=True)
    info = server.info
    place = discover_service(info.base_url)
    assert (place.authority, place.tenant_id) == (info.authority, info.tenant_id)
    assert place.profile_url == info.profile_url and place.ca_file
    assert place.ssh == (info.ssh_host, info.ssh_port, info.ssh_host_key)
    # Microsoft's service: its own hosts, nothing asked of the network.
    microsoft = discover_service("https://dev.azure.com")
    assert (microsoft.authority, microsoft.profile_url) == (MICROSOFT_AUTHORITY, MICROSOFT_PROFILE)
    assert microsoft.ssh is None and microsoft.ca_file is None


def test_a_personal_account_creates_the_organisation_first_and_then_signs_in_with_a_pat(
    start_sandbox, monkeypatch, tmp_path
):
    from college_tui.azdo.authority import discover_sign_in

    server = start_sandbox(device_code_interval=1)
    ctx, person = from_nothing(server, monkeypatch, tmp_path, PERSONAL[1])
    assert run(ctx, [SignInStep]).results[0].status == StepStatus.FAILED  # no Entra token: said

    ctx.answers.organization = "robins-org"
    report = run(ctx, [OrganizationStep(poll_seconds=0.2)])
    assert report.results[0].status == StepStatus.DONE, person.text()
    handed = person.of(NeedsYou, "organization")
    assert handed and handed[0].url.startswith(f"{server.info.base_url}/_sandbox/signup")
    url = f"{server.info.base_url}/robins-org"
    assert ctx.target.org_url == url and not ctx.target.org_pending
    assert discover_sign_in(url).personal_accounts  # made by a personal account
    assert f"{url}/_usersSettings/tokens" in person.text()

    # The PAT made in it (the sandbox's own stands in for it) signs in to that organisation.
    ctx.answers.auth = "pat"
    ctx.secrets.pat = server.info.pat
    report = run(ctx, [SignInStep])
    assert report.results[0].status == StepStatus.DONE, person.text()
    assert ctx.azdo is not None


def test_org_url_on_loopback_learns_tenant_profile_host_and_ssh_from_the_sandbox(
    start_sandbox, tmp_path
):
    from college_tui.target import AZURE_PROFILE_URL, Target

    server = start_sandbox(ssh=True, device_code_interval=1)
    info = server.info
    # What `--org http://127.0.0.1:P/college-sandbox` opens: nothing hidden (no --profile-url).
    target = Target(
        org_url=info.org_url,
        profile_url=AZURE_PROFILE_URL,
        home=tmp_path / "home",
        state_key=info.org_url.lower(),
    )
    person = Person(ADA)
    ctx = make_context(
        target, Answers(auth=AuthMode.DEVICE_CODE).for_target(target), person, secrets=Secrets()
    )
    report = run(ctx, [SignInStep])
    assert report.results[0].status == StepStatus.DONE, person.text()
    assert ctx.target.profile_url == info.profile_url
    assert (ctx.target.ssh_hostname, ctx.target.ssh_port) == (info.ssh_host, info.ssh_port)
    assert ctx.target.ssh_host_key == info.ssh_host_key

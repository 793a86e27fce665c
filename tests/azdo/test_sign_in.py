"""Signing in: who am I, which organizations, and what a bad credential looks like to the user."""

from __future__ import annotations

import pytest
import requests

from college_tui.azdo.errors import AzdoError
from college_tui.azdo.raw import check_raw_response
from college_tui.vocabulary import StepKey


def test_the_sandbox_pat_signs_in_and_finds_the_organization(sandbox, azdo, recorder):
    me = azdo.profile()
    assert me.display_name == "Ada Attendee"
    assert me.email == "ada@college.example"

    who = azdo.connection_data()
    assert who.user_id == me.id
    assert who.user_descriptor.startswith("aad.")
    assert who.instance_id == sandbox.sandbox.org("college-sandbox")["accountId"]

    orgs = azdo.organizations(me.id)
    assert [(o.name, o.url) for o in orgs] == [("college-sandbox", sandbox.info.org_url)]
    assert orgs[0].id == who.instance_id

    # Every request was reported, tagged with the step, with method, path, status and timing.
    calls = recorder.calls()
    assert {c.step for c in calls} == {"test"}
    profile_call = next(c for c in calls if c.path.endswith("/Profile/Profiles/me"))
    assert (profile_call.method, profile_call.status) == ("GET", 200)
    assert profile_call.duration_ms >= 0
    assert any(c.method == "OPTIONS" for c in calls)  # the SDK's discovery is visible too
    assert all("://" not in c.path for c in calls)


def test_a_wrong_pat_is_a_sign_in_failure_with_what_to_do(sandbox, connect, recorder):
    azdo = connect(sandbox, pat="x" * 52)
    with pytest.raises(AzdoError) as failure:
        azdo.connection_data()
    error = failure.value
    assert error.status == 401
    assert error.message.startswith("Sign-in failed: Azure DevOps did not accept your credential")
    assert "Create a new PAT" in error.message
    assert recorder.calls()[-1].status == 401
    assert not recorder.waits()  # a 401 is not retried


def test_the_profile_host_refuses_a_wrong_pat_too(sandbox, connect):
    azdo = connect(sandbox, pat="not-the-pat")
    with pytest.raises(AzdoError, match="^Sign-in failed"):
        azdo.profile()


def test_an_organization_that_does_not_exist_is_named_as_such(sandbox, connect):
    azdo = connect(sandbox)
    missing = azdo.__class__(
        sandbox.info.org_url.rsplit("/", 1)[0] + "/no-such-org",
        sandbox.info.profile_url,
        azdo.credential,
        lambda e: None,
    )
    with pytest.raises(AzdoError) as failure:
        missing.connection_data()
    assert failure.value.status == 404
    assert failure.value.message.startswith("Organization not found")
    assert "no-such-org" in failure.value.message


def test_a_raw_call_answered_with_the_sign_in_page_is_a_sign_in_failure(sandbox):
    # Without X-TFS-FedAuthRedirect: Suppress the service answers a bad credential with
    # HTTP 203 and an HTML sign-in page: a 2xx that must not be taken for success.
    response = requests.get(
        f"{sandbox.info.org_url}/_apis/ConnectionData",
        auth=("", "wrong"),
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 203
    with pytest.raises(AzdoError, match="^Sign-in failed") as failure:
        check_raw_response(response, "ssh_keys")
    assert failure.value.status == 203


def test_a_raw_call_with_the_suppress_header_gets_a_401_and_a_sign_in_failure(sandbox):
    response = requests.get(
        f"{sandbox.info.org_url}/_apis/ConnectionData",
        auth=("", "wrong"),
        headers={"X-TFS-FedAuthRedirect": "Suppress"},
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 401
    with pytest.raises(AzdoError, match="^Sign-in failed"):
        check_raw_response(response, "connection_data", portal=False)


def test_the_raw_classifier_passes_json_through(sandbox):
    response = requests.get(
        f"{sandbox.info.org_url}/_apis/ConnectionData",
        auth=("", sandbox.info.pat),
        allow_redirects=False,
        timeout=5,
        headers={"X-TFS-FedAuthRedirect": "Suppress"},
    )
    assert check_raw_response(response, "connection_data")["authenticatedUser"]["id"]


def test_for_step_shares_the_connection_and_tags_events(azdo, recorder):
    azdo.for_step(StepKey.PROJECT).processes()
    assert {c.step for c in recorder.calls()} == {"project"}
    before = len(recorder.calls())
    azdo.for_step(StepKey.TEAM).processes()
    later = recorder.calls()[before:]
    # Same connection: discovery is not repeated, only the processes call itself.
    assert [(c.step, c.method) for c in later] == [("team", "GET")]

"""No secret leaves the azdo layer: not in events, not in error messages, not in reprs."""

from __future__ import annotations

import base64

import pytest

from college_tui.azdo.client import AzureDevOps
from college_tui.azdo.credentials import PatCredential
from college_tui.azdo.errors import AzdoError
from college_tui.azdo.redact import redact, redact_url, register_secret

from .conftest import create_project, fast_policy


def test_secret_shapes_are_redacted_and_harmless_text_is_kept():
    pat = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst"  # 52 chars, base32: PAT-shaped
    assert redact(f"token {pat} here") == "token *** here"
    assert redact("Authorization: Basic OnNlY3JldA==") == "Authorization: Basic ***"
    assert (
        redact("{'Authorization': 'Bearer eyJhbGciOi.eyJzdWIiOi.sig'}")
        == "{'Authorization': 'Bearer ***'}"
    )
    assert (
        redact("GET /x?access_token=abc&api-version=7.1&sig=zzz")
        == "GET /x?access_token=***&api-version=7.1&sig=***"
    )
    assert redact("https://ada:hunter2@dev.azure.com/org") == "https://dev.azure.com/org"
    assert redact("jwt eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl end") == "jwt *** end"
    # Descriptors, GUIDs and commit ids are not secrets and stay readable.
    keep = (
        "PUT /_apis/Graph/Memberships/aad.YWM1OTQ5ZDYtMzAyNy00ODViLWE5YzAtODAzNTk3MWRmMWRm/"
        "vssgp.Uy0xLTktMTU1MTM3NDI0NS0xMjA0NDAwOTY5LTI0MDI5ODY0MTMtMjE3OTQwODYxNi0zLTE "
        "project 6aff4c61-8a1f-4c6e-9ae9-b2a3e0e0a3f3 commit "
        "3f786850e387550fdab836ed7e6dc881de23001b"
    )
    assert redact(keep) == keep


def test_a_registered_secret_and_its_basic_encoding_are_redacted():
    register_secret("correct horse battery staple")
    header = base64.b64encode(b":correct horse battery staple").decode()
    assert redact("passphrase correct horse battery staple!") == "passphrase ***!"
    assert redact(f"Basic {header}") == "Basic ***"
    assert redact(header) == "***"


def test_http_call_paths_have_no_host_userinfo_or_query_secrets():
    assert (
        redact_url("https://org@dev.azure.com/org/_apis/x?token=abc&$top=5")
        == "/org/_apis/x?token=***&$top=5"
    )


def test_the_pat_never_appears_in_events_errors_or_reprs(sandbox, recorder):
    pat = sandbox.info.pat
    wrong = "w" * 52
    encoded = base64.b64encode(f":{pat}".encode()).decode()
    messages: list[str] = []

    good = AzureDevOps(
        sandbox.info.org_url,
        sandbox.info.profile_url,
        PatCredential(pat),
        recorder,
        "secrets",
        fast_policy(),
    )
    project = create_project(good)
    good.teams(project.id)
    good.ssh_keys()
    for attempt in (
        lambda: good.create_team(project.id, "College Team", ""),
        lambda: good.get_operation("not-an-operation"),
        lambda: good.queue_create_project("College", "", "not-a-process"),
    ):
        with pytest.raises(AzdoError) as failure:
            attempt()
        messages += [failure.value.message, str(failure.value), repr(failure.value)]

    bad = AzureDevOps(
        sandbox.info.org_url,
        sandbox.info.profile_url,
        PatCredential(wrong),
        recorder,
        "secrets",
        fast_policy(),
    )
    for attempt in (bad.profile, bad.connection_data, bad.ssh_keys):
        with pytest.raises(AzdoError) as failure:
            attempt()
        messages += [failure.value.message, str(failure.value)]

    texts = (
        [repr(e) for e in recorder.events]
        + messages
        + [repr(good), repr(good.credential), repr(bad.credential)]
    )
    assert len(recorder.events) > 20
    for text in texts:
        for secret in (pat, wrong, encoded):
            assert secret not in text


def test_every_error_message_passes_through_redaction():
    register_secret("s3cr3t-passphrase")
    error = AzdoError("the key s3cr3t-passphrase was refused; Authorization: Bearer abc.def.ghi")
    assert error.message == "the key *** was refused; Authorization: Bearer ***"
    assert str(error) == error.message

"""A credential handed to a child process (azdo/handover.py): what goes on the pipe, and an Entra
token asked for again before it expires, each one registered for redaction."""

from __future__ import annotations

import pytest

from college_tui.azdo.client import AzureDevOps
from college_tui.azdo.credentials import REFRESH_MARGIN_SECONDS, PatCredential
from college_tui.azdo.errors import AzdoError
from college_tui.azdo.handover import handed, handed_again, taken
from college_tui.azdo.redact import MASK, redact
from tests.azdo.conftest import fast_policy

PAT = "p" * 52


def test_a_pat_is_handed_as_it_is_and_taken_as_the_same_credential():
    given = handed(PatCredential(PAT))
    assert given == {"kind": "pat", "secret": PAT}
    credential = taken(given, ask=lambda: pytest.fail("a PAT is never asked for again"))
    assert credential.kind == "pat"
    assert credential.auth_header() == PatCredential(PAT).auth_header()
    assert PAT not in repr(credential)


class Parent:
    """The parent's side of the pipe: a new token each time it is asked."""

    def __init__(self, now: float) -> None:
        self.now = now
        self.asked = 0

    def ask(self) -> dict:
        self.asked += 1
        return {
            "kind": "entra",
            "secret": f"token-number-{self.asked}",
            "expires_on": self.now + 3600,
        }


def test_an_entra_token_is_asked_for_again_only_within_the_renewal_margin():
    now = [1000.0]
    parent = Parent(now[0])
    given = {"kind": "entra", "secret": "token-number-0", "expires_on": now[0] + 3600}
    credential = taken(given, parent.ask, clock=lambda: now[0])
    assert redact("Bearer token-number-0 here") == f"Bearer {MASK} here"
    assert credential.auth_header() == "Bearer token-number-0" and parent.asked == 0

    now[0] += 3600 - REFRESH_MARGIN_SECONDS + 1  # within the margin: the parent is asked
    parent.now = now[0]
    assert credential.auth_header() == "Bearer token-number-1" and parent.asked == 1
    assert credential.git_password() == "token-number-1" and parent.asked == 1
    assert redact("token-number-1") == MASK
    assert "token-number" not in repr(credential)
    # msrest's credentials read the same token, renewed before each request is signed
    session = credential.msrest_credentials().signed_session()
    assert session.headers["Authorization"] == "Bearer token-number-1"


def test_no_token_from_the_parent_fails_the_request_with_its_sentence():
    given = {"kind": "entra", "secret": "token-number-0", "expires_on": 0.0}
    answer = {"kind": "entra", "secret": None, "message": "Sign-in cancelled: run it again."}
    credential = taken(given, lambda: answer)
    with pytest.raises(AzdoError, match="Sign-in cancelled: run it again."):
        credential.auth_header()


def test_the_parent_answers_a_failed_renewal_with_its_sentence():
    class Failing:
        kind = "entra"

        def git_password(self) -> str:
            raise AzdoError("The sign-in expired: sign in again.")

    assert handed_again(Failing()) == {
        "kind": "entra",
        "secret": None,
        "message": "The sign-in expired: sign in again.",
    }


def test_a_facade_is_rebuilt_from_its_settings_with_the_same_urls_timeout_and_retries():
    first = AzureDevOps(
        "http://127.0.0.1:1/org/",
        "http://127.0.0.1:1/app",
        PatCredential(PAT),
        lambda e: None,
        "t",
        fast_policy(max_attempts=3),
        timeout=(2.0, 7.0),
    )
    settings = first.settings()
    assert PAT not in repr(settings)
    again = AzureDevOps.from_settings(settings, PatCredential(PAT), lambda e: None, "members")
    assert again.settings() == settings
    assert again.org_url == "http://127.0.0.1:1/org" and again._shared.http.timeout == (2.0, 7.0)
    assert again._shared.retry.max_attempts == 3

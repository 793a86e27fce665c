"""Sign-in under today's rules: PAT guidance names the one organisation, an expiry and the scopes
(global PATs are gone); a 401 with a PAT after one signed in here says why a token that worked
stops; the browser is suggested wherever one can open (over SSH too, with a forwarded display)."""

from __future__ import annotations

from college_tui.steps.answers import Answers
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from college_tui.steps.signin_help import scopes_text, suggested_auth


def test_pat_guidance_names_the_organisation_an_expiry_and_the_scopes():
    text = scopes_text("ada-college")
    assert "Organization: ada-college (not “All accessible organizations”" in text
    assert "global tokens stopped working on 2026-12-01" in text
    assert "Expiration: 30 days" in text
    assert "Code: Read, write & manage (vso.code_manage)" in text


def test_a_401_after_a_pat_worked_here_says_global_pats_stopped(sandbox, make_ctx):
    first = make_ctx(sandbox, Answers(auth="pat"))
    assert run(first, [SignInStep]).ok, first.emit.text()
    again = make_ctx(sandbox, Answers(auth="pat"), pat="x" * 52)
    report = run(again, [SignInStep])
    assert report.results[0].status == "failed"
    message = again.emit.failed("sign-in").message
    assert "stopped working on 2026-12-01, when Microsoft retired them" in message
    assert "_usersSettings/tokens for the organisation college-sandbox only" in message


def test_the_browser_is_suggested_wherever_one_can_open():
    over_ssh = {"SSH_CONNECTION": "10.0.0.2 5000 10.0.0.1 22"}
    assert suggested_auth(over_ssh) == "device-code"
    assert suggested_auth({**over_ssh, "DISPLAY": "localhost:10.0"}) == "browser"  # ssh -X

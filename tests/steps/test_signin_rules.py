"""Sign-in under today's rules: PAT guidance names the one organisation, an expiry and the scopes
(global PATs are gone); a 401 with a PAT after one signed in here says why a token that worked
stops; the browser is suggested wherever one can open (over SSH too, with a forwarded display)."""

from __future__ import annotations

from college_tui.steps.answers import Answers
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from college_tui.steps.signin_help import scopes_text, ssh_browser_hint, suggested_auth
from college_tui.vocabulary import AuthMode, StepKey, StepStatus


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
    assert report.results[0].status == StepStatus.FAILED
    message = again.emit.failed(StepKey.SIGN_IN).message
    assert "stopped working on 2026-12-01, when Microsoft retired them" in message
    assert "_usersSettings/tokens for the organisation college-sandbox only" in message


def test_the_browser_is_suggested_wherever_one_can_open():
    over_ssh = {"SSH_CONNECTION": "10.0.0.2 5000 10.0.0.1 22"}
    assert suggested_auth(over_ssh) == AuthMode.DEVICE_CODE
    assert suggested_auth({**over_ssh, "DISPLAY": "localhost:10.0"}) == AuthMode.BROWSER  # ssh -X


def test_the_default_is_the_pat_at_hand_else_the_browser(monkeypatch):
    """Answers without `auth`: a PAT in the environment or remembered in the keyring for the
    organisation stays the default; with none, the browser where one opens (else device code)."""
    from types import SimpleNamespace

    import keyring

    from college_tui.opening.service_target import default_auth
    from college_tui.workstation import secrets
    from college_tui.workstation.memory_keyring import MemoryKeyring

    org_url = "https://dev.azure.com/ada-college"
    opened = SimpleNamespace(
        sandbox_pat=None, target=SimpleNamespace(org_pending=False, org_url=org_url)
    )
    monkeypatch.delenv("AZURE_DEVOPS_PAT", raising=False)
    monkeypatch.setenv("BROWSER", "true")  # a browser opens here
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        assert default_auth(opened) == AuthMode.BROWSER
        monkeypatch.setenv("AZURE_DEVOPS_PAT", "x" * 52)
        assert default_auth(opened) == AuthMode.PAT
        monkeypatch.delenv("AZURE_DEVOPS_PAT")
        assert secrets.store_pat(org_url, "y" * 52).stored
        assert default_auth(opened) == AuthMode.PAT  # remembered for this organisation
        other = SimpleNamespace(
            sandbox_pat=None,
            target=SimpleNamespace(org_pending=False, org_url="https://dev.azure.com/other"),
        )
        assert default_auth(other) == AuthMode.BROWSER
    finally:
        secrets.delete_pat(org_url)
        secrets.forget_session_pats()
        keyring.set_keyring(previous)
    assert default_auth(SimpleNamespace(sandbox_pat="z" * 52, target=opened.target)) == AuthMode.PAT


def test_answers_saying_auth_are_kept_and_without_it_the_engine_chooses(tmp_path):
    from college_tui.steps.answers import load_answers
    from college_tui.target import Target

    said = tmp_path / "said.toml"
    said.write_text('auth = "pat"\n', encoding="utf-8")
    unsaid = tmp_path / "unsaid.toml"
    unsaid.write_text('project = "College"\n', encoding="utf-8")
    target = Target(
        "https://dev.azure.com/ada-college", "https://app.vssps.visualstudio.com", tmp_path
    )
    assert load_answers(said, target).auth_said
    assert not load_answers(unsaid, target).auth_said
    assert not load_answers(None, target).auth_said


def test_over_ssh_with_no_display_the_hint_gives_the_line_that_forwards_it():
    over_ssh = {"SSH_CONNECTION": "192.0.2.7 50022 198.51.100.4 22"}
    assert "ssh -X " in ssh_browser_hint(over_ssh) and "@198.51.100.4" in ssh_browser_hint(over_ssh)
    assert ssh_browser_hint({**over_ssh, "DISPLAY": ":0"}) == ""
    assert ssh_browser_hint({}) == ""

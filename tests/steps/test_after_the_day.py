"""An HTTPS clone (SSH blocked, or the organisation's SSH policy off) keeps working after the day
through Git Credential Manager with Microsoft Entra: the summary says what to run."""

from __future__ import annotations

from college_tui.steps.session import after_the_day


def test_an_https_clone_gets_the_gcm_line_and_an_ssh_clone_nothing(sandbox, make_ctx):
    ctx = make_ctx(sandbox)
    assert after_the_day(ctx) == ""  # no clone yet (or over SSH): nothing to add
    ctx.state.update("clone", protocol="ssh", clone_path="/tmp/clone")
    assert after_the_day(ctx) == ""
    ctx.state.update("clone", protocol="https")
    hint = after_the_day(ctx)
    assert "git -C /tmp/clone config credential.azreposCredentialType oauth" in hint
    assert "personal access token for this organisation with the Code scope" in hint

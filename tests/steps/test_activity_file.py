"""The wizard's activity file (steps/activity.py): an engine event sink that redacts with the one
redactor, azdo/redact.py; and the organisation URL rule of --org (steps/org_url.py)."""

from __future__ import annotations

import stat

from college_tui.azdo.redact import forget_secrets
from college_tui.events import HttpCall, Note, StepFailed
from college_tui.steps.activity import ActivityFile
from college_tui.steps.org_url import org_url_problem
from college_tui.vocabulary import StepKey

TYPED_PAT = "typed-pat-never-written-0123456789"
PAT_SHAPED = "a" * 52  # a PAT nobody registered: caught by its shape


def test_the_activity_file_writes_each_events_line_redacted_and_0600(tmp_path):
    sink = ActivityFile(tmp_path / "logs")
    sink.hide(TYPED_PAT)
    try:
        shown = sink(Note(StepKey.SIGN_IN, f"Signed in with {TYPED_PAT}"))
        sink(StepFailed(StepKey.SIGN_IN, f"Refused: Authorization: Basic {PAT_SHAPED}"))
        assert sink(HttpCall("sign-in", "GET", "/_apis/connectionData", 200, 12.0)) is not None
    finally:
        forget_secrets()
    text = sink.path.read_text(encoding="utf-8")
    assert TYPED_PAT not in text and PAT_SHAPED not in text
    assert TYPED_PAT not in shown  # the screen gets the line as written
    assert "Signed in with ***" in text and "/_apis/connectionData 200" in text
    assert len(text.splitlines()) == 3
    assert stat.S_IMODE(sink.path.stat().st_mode) == 0o600


def test_a_secret_shape_nobody_registered_is_redacted_too(tmp_path):
    sink = ActivityFile(tmp_path)
    sink.write(f"token {PAT_SHAPED} in a line")
    assert PAT_SHAPED not in sink.path.read_text(encoding="utf-8")


def test_a_refusals_aadsts_code_and_correlation_id_go_to_the_file_only(tmp_path):
    """The wizard's screen gets the sentence (the line returned); the file keeps the codes."""
    sink = ActivityFile(tmp_path)
    kept = "AADSTS53003 correlation 1b2c3d4e-0000-4000-8000-123456789abc"
    shown = sink(StepFailed(StepKey.SIGN_IN, "Your organisation blocks device-code sign-in.", kept))
    assert shown is not None and "AADSTS" not in shown and "correlation" not in shown
    text = sink.path.read_text(encoding="utf-8")
    assert "blocks device-code sign-in" in text
    assert f"(for an administrator: {kept})" in text


def test_the_welcomes_org_url_rule_is_the_one_of_org(tmp_path):
    assert org_url_problem("https://dev.azure.com/contoso/College/_git/x")[0] == (
        "https://dev.azure.com/contoso"
    )
    assert org_url_problem("https://contoso.visualstudio.com")[0] == "https://dev.azure.com/contoso"
    for refused in (
        "",
        "dev.azure.com/contoso",
        "https://example.com/contoso",
        "http://dev.azure.com/x",
    ):
        url, problem = org_url_problem(refused)
        assert url is None and "https://" in problem, refused

"""Objects that hold a secret never show it in their repr (tracebacks, debuggers, logs print them)."""

from __future__ import annotations

from college_tui.opening import Opened
from college_tui.sandbox.server import SandboxInfo
from college_tui.steps.answers import Answers
from college_tui.steps.base import Secrets
from college_tui.steps.runner import make_context
from college_tui.target import Target

PAT = "sandbox-pat-0123456789"
PASSPHRASE = "open sesame 42"


def test_what_the_cli_and_the_engine_hold_is_shown_without_its_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("COLLEGE_TUI_STATE_DIR", str(tmp_path / "state"))
    target = Target(
        org_url="http://127.0.0.1:1/college-sandbox",
        profile_url="",
        home=tmp_path,
        sandbox=True,
        state_key="repr-test",
    )
    ctx = make_context(
        target, Answers(), lambda event: None, secrets=Secrets(pat=PAT, key_passphrase=PASSPHRASE)
    )
    info = SandboxInfo(
        org_url=target.org_url,
        pat=PAT,
        profile_url="",
        base_url="",
        org="o",
        data_dir=str(tmp_path),
    )
    texts = [repr(Opened(target, PAT)), repr(ctx), repr(ctx.secrets), repr(info)]
    for text in texts:
        assert PAT not in text and PASSPHRASE not in text, text
    assert "127.0.0.1:1" in texts[0]  # the rest stays readable

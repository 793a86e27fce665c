"""Issue 26: more hostile cases, each a row run as the attendee would (tests/test_bad_inputs.py's
runner: `college-tui` as a subprocess in a fresh temp HOME): the exit code, the sentence (what
happened, what to do), no traceback, a time limit, and for the data cases that nothing of the
user's was touched.
"""

from __future__ import annotations

import pytest

from tests.test_bad_inputs import Case, run_case

SANDBOX_PLAN = ["plan", "--sandbox", "--data", "{root}/sandbox"]
SERVE = ["sandbox", "serve", "--data", "{root}/sandbox"]


def _setting(name: str, value: str, args: list[str], kind: str) -> Case:
    return Case(
        args,
        2,
        [f"{name}={value!r}", kind, f"unset {name}"],
        env={name: value},
        absent=["could not convert", "invalid literal"],
    )


TOKEN = "COLLEGE_TUI_SANDBOX_TOKEN_SECONDS"
PROJECT = "COLLEGE_TUI_SANDBOX_PROJECT_SECONDS"
WHOLE = "a whole number of seconds from 0 to 86400"
SECONDS = "a number of seconds from 0 to 86400"

CASES: dict[str, Case] = {
    f"{TOKEN}=abc (plan)": _setting(TOKEN, "abc", SANDBOX_PLAN, WHOLE),
    f"{TOKEN}=1.5 (plan)": _setting(TOKEN, "1.5", SANDBOX_PLAN, WHOLE),
    f"{TOKEN}=abc (sandbox serve)": _setting(TOKEN, "abc", SERVE, WHOLE),
    f"{TOKEN}=-5 (sandbox serve)": _setting(TOKEN, "-5", SERVE, WHOLE),
    f"{PROJECT}=abc (plan)": _setting(PROJECT, "abc", SANDBOX_PLAN, SECONDS),
    f"{PROJECT}=nan (plan)": _setting(PROJECT, "nan", SANDBOX_PLAN, SECONDS),
    f"{PROJECT}=abc (sandbox serve)": _setting(PROJECT, "abc", SERVE, SECONDS),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", list(CASES))
def test_a_hostile_case_gets_a_sentence(tmp_path, name):
    run_case(tmp_path, CASES[name])


def test_the_sandbox_reads_its_settings_when_it_starts_not_at_import(monkeypatch):
    """A bad value broke every sandbox command at import; now it is read when a sandbox starts."""
    from college_tui import settings
    from college_tui.sandbox.service import SandboxConfig

    monkeypatch.setenv(TOKEN, "abc")
    with pytest.raises(settings.SettingProblem, match=TOKEN):
        SandboxConfig()
    monkeypatch.setenv(TOKEN, "90")
    assert SandboxConfig().token_seconds == 90

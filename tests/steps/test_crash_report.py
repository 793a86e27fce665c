"""The one crash report writer (steps/crash_report.py): versions, the exception chain with
Textual's WorkerFailed unwrapped, never a frame's locals, never a secret; the last ten kept."""

from __future__ import annotations

import os

from textual.worker import WorkerFailed

from college_tui.steps.crash_report import KEEP, write_crash_report


def failing(secret: str) -> BaseException:
    token = secret  # a local holding the secret: a traceback with locals would print it
    try:
        try:
            {}["missing"]
        except KeyError as cause:
            raise RuntimeError(f"the request failed (token {len(token)} chars)") from cause
    except RuntimeError as exc:
        return exc
    raise AssertionError("unreachable")


def test_a_report_names_versions_and_the_whole_chain_without_locals_or_secrets(state_dir):
    secret = "s3cret-local-value-9f2e"
    # The secret is not passed to the writer: only its absence from the frames keeps it out.
    path = write_crash_report(WorkerFailed(failing(secret)), "wizard-worker-x")
    text = path.read_text(encoding="utf-8")
    assert path.parent == state_dir / "logs" and path.name.startswith("crash-")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert "where: wizard-worker-x" in text and "error: RuntimeError" in text
    assert "textual " in text and "college-tui " in text and "python 3." in text
    # The chain: the cause, then the exception itself; WorkerFailed is unwrapped.
    assert text.index("KeyError: 'missing'") < text.index("RuntimeError: the request failed")
    assert "direct cause" in text and "WorkerFailed" not in text
    assert secret not in text and "len(token)" in text  # the source line, not the local


def test_a_secret_in_the_message_is_masked(state_dir):
    path = write_crash_report(ValueError("pat=abc123def456 in the URL"), "x", ["abc123def456"])
    text = path.read_text(encoding="utf-8")
    assert "abc123def456" not in text and "***" in text


def test_the_last_ten_reports_are_kept_and_other_logs_are_left_alone(state_dir):
    logs = state_dir / "logs"
    logs.mkdir(parents=True)
    other = logs / "20200101-000000-a-apply.log"  # not a crash report: never removed
    other.write_text("x")
    for number in range(KEEP + 3):
        old = logs / f"crash-20200101-000000-{number:06d}-old.log"
        old.write_text(str(number))
        os.utime(old, (0, 0))
    newest = write_crash_report(ValueError("now"), "x")
    reports = sorted(logs.glob("crash-*.log"))
    assert len(reports) == KEEP and reports[-1] == newest
    assert reports[0].name == "crash-20200101-000000-000004-old.log"
    assert other.exists()


def test_an_unwritable_state_folder_gives_no_path(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("COLLEGE_TUI_STATE_DIR", str(blocker))
    assert write_crash_report(ValueError("x"), "x") is None

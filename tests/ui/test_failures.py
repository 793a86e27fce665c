"""One failure path for every kind of worker (issue 19): an exception injected into the warm-up,
the browser, the welcome's checks, the panels' mount or a run ends in the apology sentence with
the log file's path, the app still running; never a traceback, never a 30-second wait."""

from __future__ import annotations

import time

import pytest

from college_tui.steps.runner import APOLOGY
from tests.ui.conftest import log_text, make_app, server_opener, settle, wait_until

LIMIT = 10.0  # seconds: far below the 30 s the workers once waited for the panels


class Injected(RuntimeError):
    """The bug a test puts into a worker."""


def boom(*_args, **_kwargs):
    raise Injected("injected for the test")


def crash_logs(wizard_env) -> list:
    return sorted((wizard_env.state / "logs").glob("*.log"))


async def _apology_in_the_log(app, pilot) -> str:
    await wait_until(pilot, lambda: APOLOGY in log_text(app), timeout=LIMIT, what="the apology")
    # The log wraps at words (never inside the path): read its lines as one text.
    text = " ".join(log_text(app).split())
    return text[text.index(APOLOGY) :]


def _says_where(line: str, wizard_env) -> None:
    logs = crash_logs(wizard_env)
    assert logs, "no crash log was written"
    assert f"The details are in {logs[-1]}." in line
    assert "Traceback" not in line and "Injected" in logs[-1].read_text(encoding="utf-8")


async def test_a_failing_warm_up_is_apologised_for_and_the_wizard_opens(
    sandbox, wizard_env, monkeypatch
):
    monkeypatch.setattr("college_tui.steps.session.warm_up", boom)
    app = make_app(server_opener(sandbox), env=wizard_env)
    started = time.monotonic()
    async with app.run_test(size=(120, 40)) as pilot:
        line = await _apology_in_the_log(app, pilot)
        await settle(app, pilot)
        assert app.is_running and app.wizard.session is not None  # the open went on
    _says_where(line, wizard_env)
    assert time.monotonic() - started < 3 * LIMIT


async def test_a_failing_browser_is_apologised_for(sandbox, wizard_env, monkeypatch):
    import webbrowser

    monkeypatch.setattr(webbrowser, "open", boom)
    app = make_app(server_opener(sandbox), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_link("https://dev.azure.com/contoso")
        line = await _apology_in_the_log(app, pilot)
        assert app.is_running and app.clipboard == "https://dev.azure.com/contoso"
    _says_where(line, wizard_env)


async def test_failing_welcome_checks_are_apologised_for_on_the_welcome(wizard_env, monkeypatch):
    monkeypatch.setattr("college_tui.steps.doctor.quick_checks", boom)
    app = make_app(wizard_env.cli_opener(), start=None, env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        checks = app.screen.query_one("#welcome-checks")
        await wait_until(
            pilot, lambda: APOLOGY in str(checks.content), timeout=LIMIT, what="the apology"
        )
        assert app.is_running
        line = str(checks.content)
    _says_where(line, wizard_env)


async def test_a_failing_panel_mount_is_apologised_for_at_once(sandbox, wizard_env, monkeypatch):
    monkeypatch.setattr("college_tui.ui.panel_host._panel_classes", boom)
    app = make_app(server_opener(sandbox), env=wizard_env)
    started = time.monotonic()
    async with app.run_test(size=(120, 40)) as pilot:
        line = await _apology_in_the_log(app, pilot)
        await settle(app, pilot)  # the engine's worker is not left waiting for the panels
        assert app.is_running
        assert app.wizard.status.operation == "Stopped by an unexpected error."
    _says_where(line, wizard_env)
    assert time.monotonic() - started < LIMIT


@pytest.mark.parametrize("where", ["run", "open"])
async def test_a_failing_engine_call_is_apologised_for(sandbox, wizard_env, monkeypatch, where):
    from college_tui.steps.session import Session

    app = make_app(server_opener(sandbox), env=wizard_env)
    if where == "open":
        monkeypatch.setattr(Session, "inspect_all", boom)
    async with app.run_test(size=(120, 40)) as pilot:
        if where == "run":
            await settle(app, pilot)
            monkeypatch.setattr(Session, "run", boom)
            await pilot.press("enter")  # run the sign-in step
        line = await _apology_in_the_log(app, pilot)
        await settle(app, pilot)
        screen = app.wizard
        assert app.is_running and not screen.busy
        assert screen.status.operation == "Stopped by an unexpected error."
        await pilot.press("ctrl+q")  # nothing runs any more: quits at once
        await pilot.pause()
    assert app.return_code == 0
    _says_where(line, wizard_env)


def test_every_worker_is_named_and_none_exits_the_app():
    """Source check: each `@work(...)` and `run_worker(...)` under ui/ names its worker and sets
    exit_on_error=False (so a failure takes the one path above, never Textual's exit)."""
    import ast
    from pathlib import Path

    import college_tui.ui

    calls = []
    for path in Path(college_tui.ui.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in ("work", "run_worker"):
                    keywords = {k.arg: k.value for k in node.keywords}
                    calls.append((path.name, node.lineno, keywords))
    assert len(calls) >= 6
    for where, line, keywords in calls:
        assert "name" in keywords, f"{where}:{line} has no name"
        stop = keywords.get("exit_on_error")
        assert isinstance(stop, ast.Constant) and stop.value is False, f"{where}:{line} may exit"

"""UI tests: the real wizard on the real engine against a sandbox started in this process.

`wizard_env` gives every test its own state folder, log folder and sandbox data, the sandbox's
fast clocks and a browser that opens nothing. `make_app` builds a CollegeApp whose opener is
either cli.py's own (the product path) or one on a sandbox a test controls (faults, clocks).
"""

from __future__ import annotations

import contextlib
import re
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from college_tui.launch import TargetOptions, wizard_opener
from college_tui.steps.session import OpenedTarget
from college_tui.ui.app import CollegeApp
from college_tui.ui.widgets.activity_log import ActivityLog
from tests.steps.conftest import sandbox_target

FROZEN = lambda: 1000.0  # noqa: E731  a clock that never moves: elapsed times stay 0:00

PASSPHRASE = "tui passphrase 7 never shown"


@dataclass
class WizardEnv:
    root: Path
    data: Path
    state: Path
    logs: Path
    stacks: list = field(default_factory=list)

    def cli_opener(self, *, fresh: bool = False, faults: str | None = None):
        stack = contextlib.ExitStack()
        self.stacks.append(stack)
        options = TargetOptions(
            org_url=None,
            use_sandbox=True,
            data=self.data,
            faults=faults,
            profile_url=None,
            verbose=False,
            fresh=fresh,
        )
        return wizard_opener(options, stack)


@pytest.fixture(autouse=True)
def collector_restored():
    """Each app freezes what it holds (ui/app.py keep_out_of_full_collections) and `college-tui`
    turns the collector off until the first frame: give the next test a collector as usual."""
    import gc

    yield
    gc.unfreeze()
    gc.enable()


@pytest.fixture(autouse=True)
def no_desktop_clipboard(monkeypatch):
    """The tests' terminal: no desktop clipboard tool takes a copy (the app then sends OSC 52,
    which Textual's test driver records as `app.clipboard`), and no VS Code key hint. The native
    tools themselves are tested with fakes in tests/hostos/test_desktop.py."""
    monkeypatch.setattr("college_tui.steps.desktop.copy_natively", lambda text: False)
    monkeypatch.delenv("TERM_PROGRAM", raising=False)


@pytest.fixture
def wizard_env(tmp_path, monkeypatch) -> WizardEnv:
    env = WizardEnv(tmp_path, tmp_path / "sandbox", tmp_path / "state", tmp_path / "logs")
    monkeypatch.setenv("COLLEGE_TUI_STATE_DIR", str(env.state))
    monkeypatch.setenv("COLLEGE_TUI_SANDBOX_FAST", "1")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("BROWSER", "true")  # webbrowser runs `true URL`: nothing opens
    yield env
    for stack in env.stacks:
        stack.close()


def server_opener(
    server, home: Path | None = None, *, pat: str | None = None, sandbox: bool = True
):
    """An opener on a sandbox the test started (so it can change its faults meanwhile)."""

    def opener(_sandbox: bool, _org_url: str | None = None) -> OpenedTarget:
        from dataclasses import replace

        target = sandbox_target(server, home or Path(server.info.data_dir) / "home")
        target.home.mkdir(parents=True, exist_ok=True)
        if not sandbox:
            target = replace(target, sandbox=False)
        return OpenedTarget(target, pat if pat is not None else server.info.pat)

    return opener


def scrubber(*values: str):
    """Hide what changes between runs from frames: ports, temp paths, ids, times, host name."""
    host = socket.gethostname()
    patterns = [
        # A sandbox the test started itself lives in pytest's numbered temp folders.
        (re.compile(r"/pytest-of-[^/\s]+/pytest-\d+/[\w.-]+"), ""),
        (re.compile(r"http://127\.0\.0\.1:\d+"), "http://sandbox"),
        (re.compile(r"127\.0\.0\.1:\d+"), "sandbox"),
        (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<id>"),
        (re.compile(r"aad\.[A-Za-z0-9_-]+"), "aad.<descriptor>"),
        (re.compile(r"SHA256:[A-Za-z0-9+/=]+"), "SHA256:<fingerprint>"),
        (re.compile(r"ssh-rsa [A-Za-z0-9+/=]+"), "ssh-rsa <key>"),
        (re.compile(r"\b\d+(\.\d+)?\s?ms\b"), "N ms"),
        (re.compile(r"\b\d+\.\d\d s\b"), "N s"),
        (re.compile(r"\d{4}-\d{2}-\d{2}"), "YYYY-MM-DD"),
        (re.compile(r"wizard-\d{8}-\d{6}-\d+\.log"), "wizard.log"),
        (re.compile(r"\b[0-9a-f]{8}\b"), "<sha>"),
    ]

    host_word = re.compile(rf"\b{re.escape(host)}\b") if host else None

    def scrub(text: str) -> str:
        for value in values:
            if value:
                text = text.replace(value, "<tmp>")
        for pattern, replacement in patterns:
            text = pattern.sub(replacement, text)
        return host_word.sub("<host>", text) if host_word else text

    return scrub


def make_app(
    opener,
    start: str | None = "sandbox",
    *,
    env: WizardEnv | None = None,
    stable: bool = False,
    org_url: str | None = None,
) -> CollegeApp:
    scrub = scrubber(str(env.root) if env else "", "/tmp") if stable else None
    app = CollegeApp(
        opener=opener,
        start=start,
        org_url=org_url,
        clock=FROZEN,
        scrub=scrub,
        log_dir=env.logs if env else None,
    )
    if stable:  # frames for snapshots: no animation half way through
        app.animation_level = "none"
    return app


async def settle(app, pilot) -> None:
    """Wait until the engine's workers finish, then until their messages are handled."""
    await pilot.pause()
    for _ in range(3):
        with contextlib.suppress(Exception):
            await app.workers.wait_for_complete()
        await pilot.pause()


async def wait_until(pilot, condition, timeout: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.05)


def wizard(app):
    return app.wizard


def log_text(app) -> str:
    return app.wizard.query_one(ActivityLog).text


def request_total(server_or_base) -> int:
    base = getattr(getattr(server_or_base, "info", None), "base_url", server_or_base)
    return requests.get(f"{base}/_sandbox/stats", timeout=10).json()["total"]

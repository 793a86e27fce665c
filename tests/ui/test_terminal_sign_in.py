"""`college-tui` from nothing in a real terminal (tmux): the welcome, "My Azure DevOps" with no
URL against a served sandbox (COLLEGE_TUI_SERVICE_URL), a device code read off the screen with
capture-pane and typed on the sandbox's device page over HTTP, the organisation picked from the
list, then Enter alone to the pull request. No token reaches the screen or a file."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable

import pytest

from tests.azdo.stand_in_browser import sign_in_on_device_page

from .test_terminal import TmuxWizard, _quit

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

CODE = re.compile(r"\b([B-DF-HJ-NP-TV-XZ2-9](?:  [B-DF-HJ-NP-TV-XZ2-9]){8})\b")
JWT = re.compile(rb"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.")  # an Entra access token
PAGE = re.compile(r"http://127\.0\.0\.1:\d+/_idp/devicelogin")


def wait_for(session: TmuxWizard, pattern, timeout: float = 60) -> re.Match:
    deadline = time.monotonic() + timeout
    while True:
        screen = session.screen()
        found = re.search(pattern, screen)
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {pattern}; screen:\n{screen}"
        time.sleep(0.2)


def enter_until(
    session: TmuxWizard,
    wanted: str,
    timeout: float = 240,
    press: Callable[[], object] | None = None,
) -> None:
    """Enter whenever the wizard waits for it, the SSH key's question included (on a real
    organisation the wizard asks before writing into ~/.ssh; Enter says yes), until `wanted`
    shows. `press` sends the Enter (a test that counts its keys passes its own)."""
    press = press or (lambda: session.send("Enter"))
    deadline = time.monotonic() + timeout
    while True:
        screen = session.screen()
        if wanted in screen:
            return
        assert time.monotonic() < deadline, f"timed out; screen:\n{screen}"
        if "Enter runs" in screen or "Go ahead?" in screen:
            press()
            settled = time.monotonic() + 10
            while session.screen() == screen and time.monotonic() < settled:
                time.sleep(0.1)
        time.sleep(0.2)


def test_from_the_welcome_to_the_pull_request_signing_in_with_a_device_code(
    start_sandbox, tmp_path
):
    server = start_sandbox(ssh=True, device_code_interval=1)
    session = TmuxWizard(
        tmp_path,
        "from-nothing",
        args="",  # `college-tui` alone: the welcome
        COLLEGE_TUI_SERVICE_URL=server.info.base_url,
        BROWSER="",
        DISPLAY="",
        WAYLAND_DISPLAY="",
    )
    try:
        wait_for(session, "Where shall we work")
        session.send("Tab")  # from "The practice sandbox" to "My Azure DevOps"; no URL typed
        session.send("Enter")
        wait_for(session, r"Ready: .* Enter\s+runs")
        session.send("Enter")  # Sign in, the way shown: a device code (no display here)
        code = wait_for(session, CODE)[1].replace(" ", "")
        page = wait_for(session, PAGE)[0]
        assert "ada@college.example" in sign_in_on_device_page(page, code, "ada@college.example")

        wait_for(session, "college-sandbox")  # the account's organisations, listed
        wait_for(session, r"Done\.\s+Enter\s+runs")
        session.send("Enter")  # the first (only) organisation of the list
        wait_for(session, "Organisation college-sandbox")
        # The summary's own checklist line: the status sentence comes a moment before the panel.
        enter_until(session, "8 of 9 challenge outcomes done, 1 skipped (checked")
        screen = session.screen()
        assert "Pull request:" in screen and "/pullrequest/1" in screen, screen
        assert not JWT.search(screen.encode())
        assert _quit(session) == "0"
    finally:
        session.close()
    files = [p for p in tmp_path.rglob("*") if p.is_file() and not p.is_symlink()]
    assert any(p.name.startswith("wizard-") for p in files)  # the activity log was written
    for path in files:  # the log, the state, ~/.ssh, ~/.gitconfig, the clone: no token
        assert not JWT.search(path.read_bytes()), path

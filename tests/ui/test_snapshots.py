"""SVG snapshots of what attendees see (pytest-textual-snapshot): the welcome, every step panel,
the guided hand-off, the quit question and the summary at 120x40 and at 80x24, and a failed step
at 120x40. Ports, temp paths, ids, dates, durations and the host name are hidden by the
app's scrub hook and the clock is frozen, so frames repeat run after run.

Update after a reviewed change: pytest tests/ui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from college_tui.launch import TargetOptions, wizard_opener
from college_tui.ui.panels import PANELS

from .conftest import PASSPHRASE, make_app, scrubber, server_opener, settle
from .frames import opened, same_as_snapshot, same_frame_twice, still, svg_rows, take_frame

WIDE, NARROW = (120, 40), (80, 24)


@pytest.fixture(autouse=True)
def fixed_user(monkeypatch):
    # The alias (and so the branch name) defaults to the user name: the same on every machine.
    monkeypatch.setenv("USER", "ada")
    monkeypatch.setenv("LOGNAME", "ada")


@pytest.fixture
def snap_compare(snap_compare, request):
    """The plugin's comparison, plus the frame's text diff printed on a mismatch: CI logs show
    what changed without the HTML report."""
    import difflib
    import pickle

    from pytest_textual_snapshot import node_to_report_path

    def compare(*args, **kwargs) -> bool:
        same = snap_compare(*args, **kwargs)
        if not same:
            data = pickle.loads(node_to_report_path(request.node).read_bytes())
            expected, actual = svg_rows(data[1]), svg_rows(data[2])
            print(
                "\n".join(
                    difflib.unified_diff(expected, actual, "snapshot", "this run", lineterm="")
                )
            )
        return same

    return compare


@pytest.fixture(autouse=True)
def fixed_machine(monkeypatch, tmp_path):
    """The welcome shows doctor's local checks: the same machine facts everywhere."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")


@pytest.fixture(autouse=True)
def stable_svg_ids(monkeypatch):
    """Rich names the SVG's CSS classes after a hash of the segments' repr, which holds ids of
    widgets that never show; frames that look the same get one name."""
    from textual.app import App

    export = App.export_screenshot

    def export_stable(self, *args, **kwargs):
        return re.sub(r"terminal-\d+", "terminal-college", export(self, *args, **kwargs))

    monkeypatch.setattr(App, "export_screenshot", export_stable)


def test_welcome(snap_compare, wizard_env):
    app = make_app(wizard_env.cli_opener(), start=None, env=wizard_env, stable=True)
    assert snap_compare(app, terminal_size=WIDE, run_before=opened)


def test_welcome_narrow(snap_compare, wizard_env):
    app = make_app(wizard_env.cli_opener(), start=None, env=wizard_env, stable=True)
    assert snap_compare(app, terminal_size=NARROW, run_before=opened)


STEPS = [panel.STEP for panel in PANELS]


@pytest.fixture(scope="module")
def panel_frames() -> dict:
    """Every step panel's frame, by size, each size's taken from one wizard (`_panel_frame`).
    Module-scoped, so the panel tests share an xdist worker (tests/conftest.py): it walks each
    size once."""
    return {}


def _panel_frame(frames: dict, wizard_env, size, step: str) -> str:
    """The frame of `step`'s panel at `size`. One wizard a size opens the sandbox and shows
    each panel in turn, taken as the plugin's `snap_compare` takes a frame: one app start,
    sandbox and sign-in for nine frames, not nine (~1.6 s of CPU each). A panel's frame is the
    same whichever panel was shown before it (switch_to puts the focus and scroll where the
    panel opens; `still` puts the rest)."""
    if size not in frames:
        app = make_app(wizard_env.cli_opener(), env=wizard_env, stable=True)
        title, shots = app.title, {}

        async def every_panel(pilot) -> None:
            await opened(pilot)
            for key in STEPS:
                pilot.app.wizard.switch_to(key)
                await still(pilot)
                shots[key] = await take_frame(pilot, title)
            pilot.app.exit()

        app.run(headless=True, size=size, auto_pilot=every_panel)
        frames[size] = shots
    return frames[size][step]


@pytest.mark.parametrize("step", STEPS)
def test_step_panel(snapshot, panel_frames, wizard_env, step):
    assert same_as_snapshot(snapshot, _panel_frame(panel_frames, wizard_env, WIDE, step))


@pytest.mark.parametrize("step", STEPS)
def test_step_panel_narrow(snapshot, panel_frames, wizard_env, step):
    assert same_as_snapshot(snapshot, _panel_frame(panel_frames, wizard_env, NARROW, step))


def test_failed_step(snap_compare, start_sandbox, wizard_env, monkeypatch):
    """Every answer a 5xx: the step's retries give up and the frame says so. Their waits are
    not waited (6 s of nothing): the delays are computed, logged and added up as before, so the
    frame reads the same (tests/azdo/test_retry_policy.py tests the waiting itself)."""
    from college_tui.azdo.retry import RetryPolicy

    monkeypatch.setattr(RetryPolicy, "pause", lambda self, seconds: None)
    server = start_sandbox(faults="5xx=1.0,seed=3")
    app = make_app(server_opener(server), env=wizard_env, stable=True)
    assert snap_compare(app, terminal_size=WIDE, run_before=opened)


@pytest.fixture(scope="module")
def hand_off_frames() -> dict:
    """By size: the guided hand-off's frame and the quit question's over it (`_hand_off`)."""
    return {}


def _hand_off(frames: dict, start_sandbox, wizard_env, monkeypatch, size) -> dict[str, str]:
    """The SSH key step handing the key's upload to the browser (the portal refused it): its
    frame, then ctrl+q's question over it (a step runs: quitting asks first). One wizard a
    size for both frames, each taken as `snap_compare` takes one."""
    if size in frames:
        return frames[size]
    from college_tui.azdo.client import AzureDevOps
    from college_tui.azdo.errors import PortalRefused

    def refused(self, *args, **kwargs):
        raise PortalRefused("the portal answered HTTP 401 to the key upload", status=401)

    monkeypatch.setattr(AzureDevOps, "add_ssh_key", refused)
    server = start_sandbox(ssh=True)
    app = make_app(server_opener(server), env=wizard_env, stable=True)
    # The log wraps its lines whole: the sandbox's own folder shows (in ~/.ssh/config's path).
    app._scrub = scrubber(str(wizard_env.root), str(server.info.data_dir), "/tmp")
    title, shots = app.title, {}

    async def hand_off_then_quit(pilot) -> None:
        await opened(pilot)
        screen = pilot.app.wizard
        while screen.current != "ssh-key":
            await pilot.press("enter")
            await settle(pilot.app, pilot)
        await pilot.press("enter")
        deadline = time.monotonic() + 60
        while not screen.query("#ssh-key-panel .copy-detail"):
            assert time.monotonic() < deadline, "no hand-off"
            await pilot.pause(0.05)
        await still(pilot, workers=False)  # the step's worker polls for the key until cancelled
        shots["hand-off"] = await take_frame(pilot, title)
        await pilot.press("ctrl+q")
        await same_frame_twice(pilot)
        shots["quit"] = await take_frame(pilot, title)
        pilot.app.exit()

    try:
        app.run(headless=True, size=size, auto_pilot=hand_off_then_quit)
    finally:
        if app.wizard and app.wizard.session:
            app.wizard.session.cancel()  # the step stops polling for the key
    frames[size] = shots
    return shots


def test_guided_hand_off(snapshot, hand_off_frames, start_sandbox, wizard_env, monkeypatch):
    frames = _hand_off(hand_off_frames, start_sandbox, wizard_env, monkeypatch, WIDE)
    assert same_as_snapshot(snapshot, frames["hand-off"])


def test_guided_hand_off_narrow(snapshot, hand_off_frames, start_sandbox, wizard_env, monkeypatch):
    frames = _hand_off(hand_off_frames, start_sandbox, wizard_env, monkeypatch, NARROW)
    assert same_as_snapshot(snapshot, frames["hand-off"])


@pytest.mark.parametrize("size", [WIDE, NARROW], ids=["wide", "narrow"])
def test_device_code_sign_in(snap_compare, start_sandbox, wizard_env, monkeypatch, size):
    """ "My Azure DevOps" with no URL, on a terminal without a display: the device code, large,
    with the page to type it on (issue 18). The code and the sandbox's port are scrubbed."""
    server = start_sandbox(device_code_interval=1)
    monkeypatch.setenv("COLLEGE_TUI_SERVICE_URL", server.info.base_url)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER", "SSH_CONNECTION", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)
    stack = contextlib.ExitStack()
    wizard_env.stacks.append(stack)
    options = TargetOptions(None, False, None, None, None, False)
    app = make_app(wizard_opener(options, stack), start=None, env=wizard_env, stable=True)
    scrub = scrubber(str(wizard_env.root), str(server.info.data_dir), "/tmp")
    spaced_code = re.compile(r"\b[A-Z0-9](?:  [A-Z0-9]){8}\b")  # as the box spaces it out
    logged_code = re.compile(r"(?<=the code )[A-Z0-9]{9}\b")  # as the activity log says it

    def scrub_code(text: str) -> str:
        text = spaced_code.sub("  ".join("CODE4YOU9"), scrub(text))
        return logged_code.sub("CODE4YOU9", text)

    app._scrub = scrub_code

    async def run_before(pilot) -> None:
        await opened(pilot)
        await pilot.click("#choose-org")  # no URL typed: sign in first
        await settle(pilot.app, pilot)
        panel = pilot.app.wizard.panel("sign-in")
        await pilot.press("enter")
        deadline = time.monotonic() + 60
        while not panel.query("#device-code"):
            assert time.monotonic() < deadline, "no device code"
            await pilot.pause(0.05)
        await still(pilot, workers=False)  # the sign-in's worker waits for the code

    exit_app = app.exit

    def cancel_then_exit(*args, **kwargs):
        # Right after the frame is taken: the sign-in stops waiting for the code (the app's
        # shutdown waits for the step's worker).
        if app.wizard and app.wizard.session:
            app.wizard.session.cancel()
        exit_app(*args, **kwargs)

    app.exit = cancel_then_exit
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [WIDE, NARROW], ids=["wide", "narrow"])
def test_quit_question(snapshot, hand_off_frames, start_sandbox, wizard_env, monkeypatch, size):
    """ctrl+q while a step runs (the SSH key step waits for the key's upload) asks first."""
    frames = _hand_off(hand_off_frames, start_sandbox, wizard_env, monkeypatch, size)
    assert same_as_snapshot(snapshot, frames["quit"])


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """Sandbox data on which every step was done (by `college-tui apply`), and its state."""
    root = tmp_path_factory.mktemp("finished")
    env = {
        **os.environ,
        "COLLEGE_TUI_STATE_DIR": str(root / "state"),
        "USER": "ada",
        "LOGNAME": "ada",
        "COLLEGE_TUI_SANDBOX_FAST": "1",
        "HOME": str(root / "home"),
    }
    answers = root / "answers.toml"  # the wizard's sandbox answers: one example colleague
    answers.write_text('members = ["grace@example.com"]\n', encoding="utf-8")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "college_tui.cli",
            "apply",
            "--sandbox",
            "--data",
            str(root / "sandbox"),
            "--yes",
            "--answers",
            str(answers),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    return root


@pytest.mark.parametrize("size", [WIDE, NARROW], ids=["wide", "narrow"])
def test_summary(snap_compare, finished: Path, monkeypatch, size, tmp_path):
    monkeypatch.setenv("COLLEGE_TUI_STATE_DIR", str(finished / "state"))
    monkeypatch.setenv("BROWSER", "true")
    with contextlib.ExitStack() as stack:
        options = TargetOptions(
            org_url=None,
            use_sandbox=True,
            data=finished / "sandbox",
            faults=None,
            profile_url=None,
            verbose=False,
        )
        app = make_app(wizard_opener(options, stack), stable=True)
        # Paths under the module's own folder, and the log file's under this test's HOME.
        app._scrub = scrubber(str(finished), str(tmp_path), "/tmp")
        seen: list[str] = []

        async def run_before(pilot) -> None:
            await opened(pilot)
            seen.append(str(pilot.app.wizard.query_one("#summary-checklist").content))

        assert snap_compare(app, terminal_size=size, run_before=run_before)
        assert "9 of 9 challenge outcomes done" in seen[0]


def test_no_secret_in_any_snapshot():
    folder = Path(__file__).parent / "__snapshots__" / "test_snapshots"
    frames = list(folder.glob("*.svg"))
    assert len(frames) >= 27
    for frame in frames:
        text = frame.read_text(encoding="utf-8")
        assert PASSPHRASE not in text
        for volatile in ("127.0.0.1", "/tmp/", "pytest-of"):
            assert volatile not in text, f"{frame.name} shows {volatile}"

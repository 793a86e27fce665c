"""The installed `college-tui --sandbox` in a real terminal (tmux): Enter only, to the pull
request's link on screen; ctrl+q exits 0. And a wizard killed mid-import is completed by the
next launch with no duplicates."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from college_tui.steps.answers import default_alias
from tests.e2e.conftest import snapshot
from tests.tmux import TMUX

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

COMMAND = Path(sys.executable).with_name("college-tui")


class TmuxWizard:
    """One `college-tui` in a detached tmux session, read with capture-pane."""

    def __init__(
        self,
        root: Path,
        name: str,
        args: str | None = None,
        size: tuple[int, int] = (120, 40),
        **extra_env: str,
    ) -> None:
        self.root, self.name = root, f"college-tui-test-{os.getpid()}-{name}"
        self.pid_file, self.exit_file = root / f"{name}.pid", root / f"{name}.exit"
        env = {
            "HOME": root / "home",
            "XDG_STATE_HOME": root / "xdg-state",
            "XDG_CONFIG_HOME": root / "xdg-config",
            "XDG_CACHE_HOME": root / "xdg-cache",
            "AZURE_DEVOPS_CACHE_DIR": root / "sdk-cache",
            "COLLEGE_TUI_STATE_DIR": root / "state",
            "COLLEGE_TUI_SANDBOX_FAST": "1",
            "BROWSER": "true",
            "PYTHON_KEYRING_BACKEND": "college_tui.workstation.memory_keyring.MemoryKeyring",
            "GIT_CONFIG_NOSYSTEM": "1",
            "TERM": "xterm-256color",
            **extra_env,
        }
        (root / "home").mkdir(exist_ok=True)
        exports = " ".join(f"{k}={shlex.quote(str(v))}" for k, v in env.items())
        if args is None:
            args = f"--sandbox --data {shlex.quote(str(root / 'sandbox'))}"
        script = root / f"{name}.sh"
        script.write_text(
            f"export {exports}\nsleep 0.5\n"  # tmux sizes the window after starting it
            f"echo $$ > {shlex.quote(str(self.pid_file))}\n"
            f"{shlex.quote(str(COMMAND))} {args}\n"
            f"echo $? > {shlex.quote(str(self.exit_file))}\nsleep 60\n",
            encoding="utf-8",
        )
        # The shell execs nothing: its pid is the wizard's parent; the wizard is its only child.
        command = [
            *TMUX,
            "new-session",
            "-d",
            "-s",
            self.name,
            "-x",
            str(size[0]),
            "-y",
            str(size[1]),
            f"sh {shlex.quote(str(script))}",
        ]
        # A tmux server still exiting after the previous test's last session refuses a new one
        # now and then: ask again until it answers (a fresh server starts).
        deadline = time.monotonic() + 10
        while subprocess.run(command, capture_output=True).returncode != 0:
            assert time.monotonic() < deadline, "tmux would not start a session"
            time.sleep(0.2)

    def screen(self) -> str:
        return subprocess.run(
            [*TMUX, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        ).stdout

    def send(self, key: str) -> None:
        subprocess.run([*TMUX, "send-keys", "-t", self.name, key], check=True)

    def wizard_pid(self) -> int:
        shell = self.pid_file.read_text().strip()
        out = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout
        return int(out.split()[0])

    def close(self) -> None:
        subprocess.run([*TMUX, "kill-session", "-t", self.name], capture_output=True)

    def enter_until(
        self, wanted: str, *, stop_at: str | None = None, limit: int = 20, timeout: float = 180
    ) -> int:
        """Press Enter each time the wizard is ready for it, until `wanted` is on screen."""
        enters, deadline = 0, time.monotonic() + timeout
        while True:
            screen = self.screen()
            if wanted in screen or (stop_at and stop_at in screen):
                return enters
            assert time.monotonic() < deadline, f"timed out; screen:\n{screen}"
            if "Enter runs" in screen:
                self.send("Enter")
                enters += 1
                assert enters <= limit, f"more than {limit} Enters; screen:\n{screen}"
                # The step list and status change as soon as the step starts (or ends).
                settled = time.monotonic() + 10
                while self.screen() == screen and time.monotonic() < settled:
                    time.sleep(0.1)
            time.sleep(0.2)


@pytest.fixture
def tmux_root(tmp_path):
    sessions: list[TmuxWizard] = []

    def launch(name: str, **env) -> TmuxWizard:
        session = TmuxWizard(tmp_path, name, **env)
        sessions.append(session)
        return session

    yield tmp_path, launch
    for session in sessions:
        session.close()


def _assert_complete_once(data: Path) -> None:
    seen = snapshot(data, branch=f"users/{default_alias()}/hello-college")
    assert seen.projects == ["College"] and seen.teams == ["College Team"]
    assert len(seen.ssh_keys) == 1 and seen.repos == ["College", "aidevcollege"]
    assert seen.imports == 1 and len(seen.active_prs) == 1


def _quit(session: TmuxWizard) -> str:
    session.send("C-q")
    deadline = time.monotonic() + 30
    while not session.exit_file.exists():
        assert time.monotonic() < deadline, session.screen()
        time.sleep(0.2)
    return session.exit_file.read_text().strip()


def test_enter_alone_reaches_the_pull_request_link_in_a_real_terminal(tmux_root):
    root, launch = tmux_root
    wizard = launch("walk")
    # The summary (the log names the pull request's link a moment before it).
    enters = wizard.enter_until("9 of 9 challenge outcomes")
    assert enters <= 20
    screen = wizard.screen()
    assert "Pull request:" in screen and "9 of 9 challenge outcomes" in screen, screen
    assert _quit(wizard) == "0"
    _assert_complete_once(root / "sandbox")


def test_a_wizard_killed_mid_import_is_completed_by_the_next_launch(tmux_root):
    root, launch = tmux_root
    first = launch("killed", COLLEGE_TUI_SANDBOX_IMPORT_SECONDS="8")
    first.enter_until("/_git/aidevcollege/pullrequest/", stop_at="Importing:")
    os.kill(first.wizard_pid(), signal.SIGKILL)
    deadline = time.monotonic() + 20
    while not first.exit_file.exists():
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert first.exit_file.read_text().strip() == str(128 + signal.SIGKILL)
    first.close()

    second = launch("relaunched")
    second.enter_until("9 of 9 challenge outcomes")  # the summary: the wizard is idle
    assert _quit(second) == "0"
    _assert_complete_once(root / "sandbox")


def _wait_for(session: TmuxWizard, wanted: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while wanted not in (screen := session.screen()):
        assert time.monotonic() < deadline, f"no {wanted!r}; screen:\n{screen}"
        time.sleep(0.1)
    return screen


def _boxed_text(screen: str, first_words: str) -> str:
    """The text inside the box whose first line starts with `first_words`, lines joined."""
    rows = screen.splitlines()
    start = next(i for i, row in enumerate(rows) if f"│ {first_words}" in row)
    column = rows[start].index(f"│ {first_words}")
    lines = []
    for row in rows[start:]:
        inner = row[column + 1 :].split("│")[0].strip()
        if not inner or row[column] != "│":
            break
        lines.append(inner)
    return " ".join(lines)


def test_at_80x24_every_step_title_status_and_link_is_whole(tmux_root):
    from college_tui.steps.plan import STEPS
    from college_tui.ui.widgets.step_list import STEP_NAMES

    _root, launch = tmux_root
    wizard = launch("small", size=(80, 24))
    screen = _wait_for(wizard, "Enter runs")
    # All ten entries, one line each: at 80 columns a glyph and a number (the panel's border
    # names the step shown), so the panel's controls get the width.
    for index in range(1, len(STEP_NAMES) + 1):
        assert any(re.search(rf"│ [○✓▶?!✗] {index}\b", row) for row in screen.splitlines()), screen
    assert "★ Σ" in screen
    status = _boxed_text(screen, "Ready:")
    assert status.endswith("Enter runs the step shown."), screen  # the sentence whole
    titles = [step.title for step in STEPS]
    assert titles[0] in screen, screen  # the first panel opens at its top
    for title in titles[1:]:
        wizard.send("C-n")
        screen = _wait_for(wizard, title, timeout=10)  # each panel's title as it opens
    wizard.send("C-r")  # run the rest: the summary at the end
    screen = _wait_for(wizard, "challenge outcomes done (checked", timeout=180)  # the summary
    urls = [row for row in screen.splitlines() if "/_git/aidevcollege/pullrequest/" in row]
    assert any(
        row.strip().startswith("http") and row.strip().split("/")[-1].isdigit() for row in urls
    ), screen  # the pull request's address whole, on a line of its own
    assert "…" not in "".join(urls), screen
    assert _quit(wizard) == "0"


def test_a_terminal_without_cursor_control_gets_a_sentence_not_a_screen(tmux_root):
    root, launch = tmux_root
    wizard = launch("dumb", size=(80, 24), TERM="dumb")
    deadline = time.monotonic() + 30
    while not wizard.exit_file.exists():
        assert time.monotonic() < deadline, wizard.screen()
        time.sleep(0.2)
    joined = [*TMUX, "capture-pane", "-p", "-J", "-t", wizard.name]  # -J: wrapped rows joined
    screen = subprocess.run(joined, capture_output=True, text=True).stdout
    assert "This terminal (TERM=dumb) cannot draw the full-screen wizard" in screen, screen
    assert "college-tui apply --sandbox" in screen
    assert wizard.exit_file.read_text().strip() == "2"

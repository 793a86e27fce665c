"""The installed `college-tui --sandbox` in a real terminal (tmux): Enter only, to the pull
request's link on screen; ctrl+q exits 0. And a wizard killed mid-import is completed by the
next launch with no duplicates."""

from __future__ import annotations

import os
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

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

COMMAND = Path(sys.executable).with_name("college-tui")


class TmuxWizard:
    """One `college-tui` in a detached tmux session, read with capture-pane."""

    def __init__(self, root: Path, name: str, args: str | None = None, **extra_env: str) -> None:
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
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                "120",
                "-y",
                "40",
                f"sh {shlex.quote(str(script))}",
            ],
            check=True,
        )

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        ).stdout

    def send(self, key: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True)

    def wizard_pid(self) -> int:
        shell = self.pid_file.read_text().strip()
        out = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout
        return int(out.split()[0])

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)

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
    # The summary's sentence: the pull request's link shows on its panel a moment earlier, while
    # the summary is still being read from the service.
    enters = wizard.enter_until("challenge outcomes done")
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
    second.enter_until("challenge outcomes done")  # the run is over: ctrl+q quits at once
    assert _quit(second) == "0"
    _assert_complete_once(root / "sandbox")

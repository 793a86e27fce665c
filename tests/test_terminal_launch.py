"""`college-tui` in a real terminal (tmux) at its start: what reaches the screen on a terminal
whose locale cannot encode the wizard's glyphs, and a ctrl+q typed before the first frame.

The welcome (no target) is used: it needs no sandbox or network, and it is what `college-tui`
opens first.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from college_tui import terminal_glyphs
from college_tui.terminal_glyphs import STAND_INS, stand_in
from tests.tmux import TMUX

PACKAGE = Path(terminal_glyphs.__file__).parent
COMMAND = Path(sys.executable).with_name("college-tui")
needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    """`college-tui` alone in a detached tmux session of 100x30, read with capture-pane."""

    def __init__(self, root: Path, name: str, *, pause: float = 0.5, **extra_env: str) -> None:
        self.name = f"college-tui-start-{os.getpid()}-{name}"
        self.exit_file = root / f"{name}.exit"
        env = {
            "HOME": root / "home",
            "XDG_STATE_HOME": root / "xdg-state",
            "XDG_CONFIG_HOME": root / "xdg-config",
            "XDG_CACHE_HOME": root / "xdg-cache",
            "AZURE_DEVOPS_CACHE_DIR": root / "sdk-cache",
            "COLLEGE_TUI_STATE_DIR": root / "state",
            "PYTHON_KEYRING_BACKEND": "college_tui.workstation.memory_keyring.MemoryKeyring",
            "GIT_CONFIG_NOSYSTEM": "1",
            "TERM": "xterm-256color",
            **extra_env,
        }
        (root / "home").mkdir(exist_ok=True)
        exports = " ".join(f"{k}={shlex.quote(str(v))}" for k, v in env.items())
        script = root / f"{name}.sh"
        script.write_text(
            f"export {exports}\nsleep {pause}\n"  # tmux sizes the window after starting it
            f"{shlex.quote(str(COMMAND))}\n"
            f"echo $? > {shlex.quote(str(self.exit_file))}\nsleep 60\n",
            encoding="utf-8",
        )
        subprocess.run(
            [*TMUX, "new-session", "-d", "-s", self.name, "-x", "100", "-y", "30"]
            + [f"sh {shlex.quote(str(script))}"],
            check=True,
        )

    def screen(self) -> str:
        return subprocess.run(
            [*TMUX, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        ).stdout

    def send(self, key: str) -> None:
        subprocess.run([*TMUX, "send-keys", "-t", self.name, key], check=True)

    def wait_for(self, words: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while words not in (screen := self.screen()):
            assert time.monotonic() < deadline, f"no {words!r} on screen:\n{screen}"
            time.sleep(0.1)
        return screen

    def close(self) -> None:
        subprocess.run([*TMUX, "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def terminal(tmp_path):
    opened: list[Terminal] = []

    def open_(name: str, **kwargs) -> Terminal:
        opened.append(Terminal(tmp_path, name, **kwargs))
        return opened[-1]

    yield open_
    for one in opened:
        one.close()


def _drawn_glyphs() -> set[str]:
    # Every non-ASCII character in the code whose text the wizard draws (its own and the
    # engine's messages), docstrings and comments included: a superset is fine here.
    found = set()
    for folder in ("ui", "steps", "opening"):
        for path in (PACKAGE / folder).rglob("*.py"):
            found |= {c for c in path.read_text(encoding="utf-8") if ord(c) > 127}
    return found


@pytest.mark.parametrize("char", sorted(_drawn_glyphs() | set(STAND_INS) | {"─", "╭", "│", "▁"}))
def test_every_glyph_has_an_ascii_stand_in_of_its_width(char):
    from rich.cells import cell_len

    plain = stand_in(char)
    assert plain.isascii(), (char, plain)
    assert cell_len(plain) == cell_len(char), (char, unicodedata.name(char, ""), plain)
    assert "?" not in plain, f"no stand-in for {char!r} ({unicodedata.name(char, '')})"


@needs_tmux
def test_the_c_locale_shows_ascii_stand_ins_not_escapes(terminal):
    """`LC_ALL=C LANG=C PYTHONUTF8=0`: Python writes the screen as ASCII with backslashreplace,
    so the header's icon reached the terminal as \\u25c6 and every border as \\u2500s."""
    shown = terminal("c-locale", LC_ALL="C", LANG="C", PYTHONUTF8="0")
    screen = shown.wait_for("Quit")
    time.sleep(0.5)  # the first frames settle
    screen = shown.screen()
    assert "\\u" not in screen and "\\x" not in screen, screen
    header = screen.splitlines()[0]
    assert "AI Developer College" in header and "?" not in header, screen
    assert header.split()[0] == STAND_INS["◆"], screen


def _pane(session: str, what: str) -> str:
    return subprocess.run(
        [*TMUX, "display-message", "-p", "-t", session, what], capture_output=True, text=True
    ).stdout.strip()


@needs_tmux
def test_a_ctrl_q_typed_before_the_first_frame_quits(terminal):
    """Until Textual's driver took the terminal (~0.3 s), it was cooked: ctrl+q is XON there,
    which the terminal swallows. The key is sent once college-tui has started and before
    Textual's driver switched to the alternate screen, and the wizard must exit."""
    import termios

    shown = terminal("early-quit", pause=0.3)
    tty = _pane(shown.name, "#{pane_tty}")
    fd = os.open(tty, os.O_RDONLY | os.O_NOCTTY)
    try:
        deadline = time.monotonic() + 20
        while True:  # college-tui has set the terminal up, Textual has not started yet
            assert time.monotonic() < deadline, "the terminal never took keys before Textual"
            flow_control = termios.tcgetattr(fd)[0] & termios.IXON
            if not flow_control and _pane(shown.name, "#{alternate_on}") == "0":
                break
            time.sleep(0.005)
    finally:
        os.close(fd)
    shown.send("C-q")
    deadline = time.monotonic() + 15
    while not shown.exit_file.exists():
        assert time.monotonic() < deadline, f"ctrl+q was lost; screen:\n{shown.screen()}"
        time.sleep(0.1)
    assert shown.exit_file.read_text().strip() == "0"

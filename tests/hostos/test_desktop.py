"""The clipboard, the browser and the kind of terminal, per system, with fake tools."""

from __future__ import annotations

import pytest

from college_tui.workstation.hostos import Host
from college_tui.workstation.hostos.desktop import (
    MINTTY,
    VSCODE_KEYS,
    browser_available,
    clipboard_tool,
    copy_native,
    keys_hint,
    no_screen_control,
    no_terminal_sentence,
    open_browser,
)

from .layouts import log_lines, program, recorder

TOOLS = ("pbcopy", "clip.exe", "wl-copy", "xclip", "xsel", "wslview")


@pytest.fixture
def tools(tmp_path):
    for tool in TOOLS:
        recorder(tmp_path / "bin", tool, tmp_path / "tools.log")
    return tmp_path / "bin", tmp_path / "tools.log"


@pytest.mark.parametrize(
    ("system", "env", "wsl", "tool"),
    [
        ("darwin", {}, False, "pbcopy"),
        ("win32", {}, False, "clip.exe"),
        ("linux", {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, False, "wl-copy"),
        ("linux", {"DISPLAY": ":0"}, False, "xclip"),
        ("linux", {}, True, "clip.exe"),  # WSL: Windows' clipboard
        ("linux", {}, False, None),  # a console: only the terminal's OSC 52
        ("darwin", {"SSH_CONNECTION": "1 2 3 4"}, False, None),  # over SSH: not the attendee's
    ],
)
def test_the_native_clipboard_of_each_system(tools, system, env, wsl, tool):
    folder, log = tools
    host = Host(system, {"PATH": str(folder), **env}, wsl=wsl)
    found = clipboard_tool(host)
    assert (found[0].rsplit("/", 1)[-1] if found else None) == tool
    assert copy_native("ABCD-1234", host) is (tool is not None)
    if tool:
        assert log_lines(log)[-2:] == [f"{tool} {' '.join(found[1:])}", "stdin: ABCD-1234"]


def test_a_clipboard_tool_that_fails_is_no_copy(tmp_path):
    program(tmp_path, "pbcopy", "exit 1")
    assert not copy_native("x", Host("darwin", {"PATH": str(tmp_path)}))


def test_wsl_opens_windows_browser_through_wslview(tools):
    folder, log = tools
    wsl = Host("linux", {"PATH": str(folder)}, wsl=True)
    assert browser_available(wsl)
    assert open_browser("https://dev.azure.com/", wsl)
    for _ in range(100):  # wslview runs on its own
        if "wslview https://dev.azure.com/" in log_lines(log):
            break
        import time

        time.sleep(0.05)
    assert "wslview https://dev.azure.com/" in log_lines(log)
    assert not browser_available(Host("linux", {"PATH": "/nonexistent"}, wsl=True))


def test_where_a_browser_can_open():
    assert browser_available(Host("win32")) and browser_available(Host("darwin"))
    assert not browser_available(Host("linux", {}))
    assert browser_available(Host("linux", {"DISPLAY": ":0"}))


def test_git_bash_mintty_gets_its_own_sentence():
    assert no_terminal_sentence(Host("win32", {"MSYSTEM": "MINGW64"})) == MINTTY
    assert no_terminal_sentence(Host("win32", {"TERM_PROGRAM": "mintty"})) == MINTTY
    assert no_terminal_sentence(Host("win32", {})) is None
    assert no_terminal_sentence(Host("linux", {"MSYSTEM": "MINGW64"})) is None
    assert "winpty college-tui" in MINTTY and "Windows Terminal" in MINTTY


def test_vs_codes_terminal_gets_the_function_key_hint():
    for system in ("win32", "darwin", "linux"):
        assert keys_hint(Host(system, {"TERM_PROGRAM": "vscode"})) == VSCODE_KEYS
        assert keys_hint(Host(system, {"TERM_PROGRAM": "iTerm.app"})) is None
    assert "F10" in VSCODE_KEYS


def test_a_terminal_without_cursor_control_except_windows_console():
    assert no_screen_control(Host("win32", {})) is None
    for system in ("darwin", "linux"):
        assert "TERM=dumb" in no_screen_control(Host(system, {"TERM": "dumb"}))
        assert no_screen_control(Host(system, {"TERM": "xterm-256color"})) is None


def test_college_tui_in_git_bash_says_where_to_run_it(monkeypatch):
    """Native Python in mintty sees pipes: the command line says why and what to open."""
    from click.testing import CliRunner

    from college_tui.cli import main

    git_bash = Host("win32", {"MSYSTEM": "MINGW64", "TERM_PROGRAM": "mintty"})
    monkeypatch.setattr(Host, "current", classmethod(lambda cls: git_bash))
    result = CliRunner().invoke(main, [])
    assert MINTTY in result.output
    assert "needs a terminal" not in result.output

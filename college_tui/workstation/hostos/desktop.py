"""The attendee's desktop: the clipboard, the browser, the kind of terminal.

Clipboard: native first (`pbcopy`; `clip.exe`; `wl-copy`, `xclip`, `xsel`), since the terminal
escape OSC 52 (what Textual's `copy_to_clipboard` writes) is ignored by macOS Terminal.app and
the Windows console; over SSH the native clipboard is the remote machine's, so OSC 52 is the only
way there. Browser: on WSL, Windows' browser through `wslview` (Python's `webbrowser` would start
a console browser or nothing). Terminal: Git Bash's mintty gives a native Python pipes, not a
console, and VS Code's terminal keeps ctrl+q and ctrl+p for itself.
"""

from __future__ import annotations

import subprocess
import webbrowser

from . import Host, here

MINTTY = (
    "Git Bash (mintty) gives college-tui no terminal it can draw in: open Windows Terminal or "
    "PowerShell and run college-tui there, or run `winpty college-tui` in Git Bash."
)
VSCODE_KEYS = (
    "VS Code's terminal may keep ctrl keys for itself: the function keys do the same here "
    "(F10 quit, F9 command palette, F5 run the rest, F8/F7 next/previous step, F1 help)."
)


def clipboard_tool(host: Host | None = None) -> list[str] | None:
    """The command that copies its standard input to the desktop's clipboard, or None."""
    host = here(host)
    env = host.env
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY"):
        return None  # the native clipboard here is the remote machine's, not the attendee's
    candidates: list[list[str]] = []
    if host.macos:
        candidates = [["pbcopy"]]
    elif host.windows:
        candidates = [["clip.exe"], ["clip"]]
    else:
        if host.wsl:
            candidates.append(["clip.exe"])
        if env.get("WAYLAND_DISPLAY"):
            candidates.append(["wl-copy"])
        if env.get("DISPLAY"):
            candidates += [["xclip", "-selection", "clipboard"], ["xsel", "--clipboard", "--input"]]
    for command in candidates:
        program = host.which(command[0])
        if program:
            return [program, *command[1:]]
    return None


def copy_native(text: str, host: Host | None = None) -> bool:
    """Put `text` on the desktop's clipboard with its own tool; True only when that worked."""
    host = here(host)
    command = clipboard_tool(host)
    if command is None:
        return False
    clip = command[0].lower().endswith(("clip.exe", "clip"))
    data = text.encode("utf-16" if clip and not text.isascii() else "utf-8")
    try:
        # The tool may leave a child serving the selection (xclip): no pipes for it to hold.
        done = subprocess.run(
            command, input=data, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def browser_command(host: Host | None = None) -> list[str] | None:
    """On WSL, the program that opens Windows' browser (`wslview`); None: use `webbrowser`."""
    host = here(host)
    if not host.wsl:
        return None
    program = host.which("wslview")
    return [program] if program else None


def browser_available(host: Host | None = None) -> bool:
    """Whether browser sign-in can work here: on Linux without a display `webbrowser` would
    start a console browser (w3m, lynx) that cannot sign in; on WSL only `wslview` reaches
    Windows' browser."""
    host = here(host)
    if host.system != "linux":
        return True
    if host.wsl:
        return browser_command(host) is not None or bool(host.env.get("BROWSER"))
    return any(host.env.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"))


def open_browser(url: str, host: Host | None = None) -> bool:
    """Open `url` in the attendee's browser; True when a browser was started."""
    command = browser_command(host)
    if command is not None:
        try:
            subprocess.Popen(
                [*command, url],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            return False
        return True

    return webbrowser.open(url)


def in_mintty(host: Host | None = None) -> bool:
    """Git Bash's mintty (or MSYS2's), where a native Windows Python sees pipes."""
    host = here(host)
    return host.windows and (
        host.env.get("TERM_PROGRAM", "").lower() == "mintty" or bool(host.env.get("MSYSTEM"))
    )


def no_terminal_sentence(host: Host | None = None) -> str | None:
    """Why there is no terminal to draw in, when the reason is known (mintty), else None."""
    return MINTTY if in_mintty(host) else None


def keys_hint(host: Host | None = None) -> str | None:
    """The function-key hint for a terminal that keeps ctrl keys (VS Code's), else None."""
    return VSCODE_KEYS if here(host).env.get("TERM_PROGRAM", "").lower() == "vscode" else None


def no_screen_control(host: Host | None = None) -> str | None:
    """The sentence for a terminal that cannot place the cursor (TERM=dumb, unknown or unset);
    None for any other terminal, and on Windows, whose console needs no TERM."""
    host = here(host)
    term = (host.env.get("TERM") or "").strip().lower()
    if host.windows or term not in ("", "dumb", "unknown"):
        return None
    shown = f"TERM={term}" if term else "no TERM"
    return (
        f"This terminal ({shown}) cannot draw the full-screen wizard: run "
        "`college-tui apply --sandbox` (or `college-tui apply --org URL`), which does the same "
        "steps line by line, or open the wizard in a terminal such as xterm or Windows Terminal."
    )

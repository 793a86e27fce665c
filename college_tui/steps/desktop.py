"""The attendee's desktop as the wizard's screens use it: the clipboard, the browser, the keys.

ui/ never imports workstation/: its screens ask here, and this asks workstation/hostos/desktop.py.
A copy is "copied" only when the desktop's own clipboard tool took it; otherwise the screen sends
the terminal escape OSC 52, which some terminals ignore (macOS Terminal.app, the Windows
console), and says only that it was sent.
"""

from __future__ import annotations


def copy_natively(text: str) -> bool:
    """Put `text` on the desktop's clipboard with its own tool; True only when that worked."""
    from ..workstation.hostos.desktop import copy_native

    return copy_native(text)


def open_page(url: str) -> bool:
    """Open `url` in the attendee's browser (Windows' browser on WSL); True when one started."""
    from ..workstation.hostos.desktop import open_browser

    return open_browser(url)


def copied(what: str, native: bool) -> str:
    """What to say after copying `what` ("The code", "The link"): only what happened."""
    if native:
        return f"{what} is copied to the clipboard."
    return f"{what} was sent to your terminal's clipboard (your terminal may not allow it)."


def keys_hint() -> str | None:
    """A hint for a terminal that keeps ctrl keys for itself (VS Code's), else None."""
    from ..workstation.hostos.desktop import keys_hint as hint

    return hint()

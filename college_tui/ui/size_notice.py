"""The notice for a window smaller than the wizard is laid out for (80×24): it still works (Tab
and the scrollbars reach everything), and the notice says which size shows it all at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App


SMALLEST = (80, 24)


def small_window_sentence(width: int, height: int) -> str | None:
    """The sentence for a `width`×`height` window, or None when it is large enough."""
    least_width, least_height = SMALLEST
    if width >= least_width and height >= least_height:
        return None
    return (
        f"This window is {width}×{height}: the wizard is made for {least_width}×{least_height} or "
        "larger. Everything still works (Tab and the scrollbars reach it); enlarge the window to "
        "see each step whole."
    )


class SizeNotice:
    """Says it once each time the window becomes too small (not again while it stays small)."""

    def __init__(self) -> None:
        self.said = False

    def check(self, app: App[Any], width: int, height: int, *, quiet: bool = False) -> None:
        """`quiet`: no toast (it would cover what the person must read, a device code)."""
        sentence = small_window_sentence(width, height)
        if quiet:
            return  # not said: the next resize while small says it
        if sentence and not self.said:
            app.notify(sentence, title="A small window", severity="warning", timeout=10)
        self.said = sentence is not None

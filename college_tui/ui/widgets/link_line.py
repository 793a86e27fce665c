"""A web link as a terminal hyperlink (OSC 8): the label, then the address whole on one line.

The address never wraps mid-way: on its own line when label and address do not fit side by side,
and shortened visibly (an ellipsis in the middle) only when it is wider than the widget; the full
address is always the hyperlink's target. Enter or a click opens it; `c` copies it (OSC 52)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.content import Content
from textual.style import Style
from textual.widget import Widget

from ..screens import college_app

if TYPE_CHECKING:
    from textual.geometry import Size


def shortened(url: str, width: int) -> str:
    """`url` as it fits in `width` cells: whole, or its start and end around an ellipsis."""
    if len(url) <= width or width < 8:
        return url
    tail = (width - 1) // 2
    return url[: width - 1 - tail] + "…" + url[len(url) - tail :]


class LinkLine(Widget, can_focus=True):
    DEFAULT_CSS = """
    LinkLine { height: auto; width: 1fr; }
    """
    BINDINGS = [
        Binding("enter", "open", "Open the link"),
        Binding("c", "copy", "Copy the link"),
    ]

    def __init__(self, label: str, url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.label, self.url = label, url

    def render(self) -> Content:
        width = self.size.width or 80
        link = Style(link=self.url, underline=True)
        if len(self.label) + 2 + len(self.url) <= width:
            return Content.assemble(f"{self.label}: ", (self.url, link))
        return Content.assemble(f"{self.label}:\n", (shortened(self.url, width), link))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1 if len(self.label) + 2 + len(self.url) <= width else 2

    def action_open(self) -> None:
        college_app(self).open_link(self.url)

    def action_copy(self) -> None:
        college_app(self).share(self.url, "The link")

    def on_click(self) -> None:
        self.action_open()

"""Every place college-tui relies on Textual's private internals (Textual 8.2.8), in one module.

Each one saves a repaint or a restyle that Textual does more often than this app needs (the
figures are in docs/performance.md). An upgrade of Textual may rename or reshape any of them:
tests/ui/test_textual_private.py checks each name, signature and cache shape used here against
the installed Textual, so a change fails there and not silently on a user's screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import App
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widgets import Footer, Log, OptionList

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.events import ScreenResume
    from textual.visual import VisualType
    from textual.widget import Widget


class AppWithOneCrashPath(App[None]):
    """An App whose every unhandled exception goes to `crashed(error) -> sentence`.

    Textual sends each exception nobody handled (an event handler's, a timer's, a worker's with
    exit_on_error) to `App._handle_exception`, which exits printing a traceback with the frames'
    locals (a PAT typed into a form among them). Here the app exits the same way (exit code 1,
    the terminal restored first) and prints `crashed`'s sentence instead. Pilot's `run_test`
    still re-raises the first such exception, so a test sees the bug."""

    def crashed(self, error: Exception) -> str:
        """Report `error` and return the one sentence the user reads after the exit."""
        raise NotImplementedError

    def _handle_exception(self, error: Exception) -> None:
        try:
            sentence = self.crashed(error)
        except Exception:  # the report itself failed: still no traceback on the screen
            from ..steps.runner import APOLOGY  # the engine's runner: not before the first frame

            sentence = APOLOGY
        self._return_code = 1
        if self._exception is None:  # what Textual's own handler keeps for run_test
            self._exception = error
            self._exception_event.set()
        # One line the terminal wraps itself: a path folded or cropped by Rich would not copy
        # whole (soft_wrap: the error console neither wraps nor crops what it prints).
        self.error_console.soft_wrap = True
        self.panic(Text(sentence, no_wrap=True, overflow="ignore"))


def quiet_focus() -> Reactive[Widget | None]:
    """A replacement for `Screen.focused` that does not repaint the whole screen.

    Textual repaints the screen when the focus moves; the widget that gains it and the one that
    loses it repaint themselves (their :focus styles). Use on a screen none of whose styles
    depend on where the focus is."""
    return Reactive(None, repaint=False)


S = TypeVar("S", bound=Screen[Any])


def focus_restyles_little(cls: type[S]) -> type[S]:
    """Class decorator: the screen's focus moves restyle only what a :focus-within rule can
    change (`restyle_for_focus`, as its `_update_focus_styles`)."""

    def update_focus_styles(
        self: Screen[Any], focused: Widget | None = None, blurred: Widget | None = None
    ) -> None:
        restyle_for_focus(self, focused, blurred)

    setattr(cls, "_update_focus_styles", update_focus_styles)  # noqa: B010  (Textual's name)
    return cls


def restyle_for_focus(screen: Screen[Any], focused: Widget | None, blurred: Widget | None) -> None:
    """`Screen._update_focus_styles`, restyling only the nodes a :focus-within rule can change.

    When the focus moves, Textual restyles every descendant of the nearest ancestor that has a
    :focus-within rule (`.step-panel:focus-within`, a panel's border): a panel's thirty widgets
    twice per panel switch, 20-60 ms (figure 3). A node's `_has_focus_within` says whether any
    rule that may match it names :focus-within (its own or an ancestor's part, e.g.
    `.choice:focus-within Button`), so the nodes without it keep their styles whatever the focus
    does, and are left alone here; the others are restyled as Textual would."""
    nodes: set[DOMNode] = set()
    for moved in (focused, blurred):
        if moved is None:
            continue
        for widget in reversed(moved.ancestors_with_self):
            if widget._has_focus_within:
                nodes.update(
                    node for node in widget.walk_children(with_self=True) if node._has_focus_within
                )
                break
    if nodes:
        screen.app.stylesheet.update_nodes(nodes, animate=True)


def breakpoint_classes(
    screen: Screen[object], width: int, breakpoints: list[tuple[int, str]]
) -> set[str]:
    """The breakpoint classes (-narrow/-wide) Textual gives a screen of `width` on its Resize."""
    return screen._get_breakpoint_classes(width, breakpoints)


def skip_first_restyle(event: ScreenResume) -> None:
    """Tell Screen's own ScreenResume handler not to restyle every widget this time.

    Works because Textual dispatches a subclass's `on_screen_resume` before Screen's
    `_on_screen_resume` (the class's MRO, subclass first), which reads the flag."""
    event.refresh_styles = False


def footer_has_bindings(footer: Footer) -> bool:
    """Whether the footer has been told its bindings once (it shows nothing before)."""
    return footer._bindings_ready


def replace_prompt_quietly(option_list: OptionList, index: int, prompt: VisualType) -> None:
    """Change one option's prompt (same height) and repaint only that option.

    `replace_option_prompt_at_index` forgets every option's rendering and repaints the list."""
    option = option_list.get_option_at_index(index)
    option._set_prompt(prompt)
    cache = option_list._option_render_cache  # a Textual LRUCache: no iteration, only keys()
    for cached in [k for k in cache.keys() if k[0] is option]:  # noqa: SIM118
        cache.discard(cached)
    repaint_option(option_list, index)


def repaint_option(option_list: OptionList, index: int | None) -> None:
    """Repaint the lines of one option only."""
    if index is None or not option_list.is_mounted:
        return
    line = option_list._index_to_line.get(index)
    if line is not None:
        option_list.refresh_lines(line, option_list._heights[index])


def set_border_subtitle_quietly(widget: Widget, text: str) -> None:
    """A widget's bottom border text, repainting that row only.

    Textual's `border_subtitle` setter repaints the whole widget (an OptionList: every option
    again) on each change."""
    if not widget.is_mounted or not widget.size:
        widget.border_subtitle = text
        return
    if widget.border_subtitle == text:
        return
    widget._border_subtitle = widget.render_str(text)  # what the border_subtitle setter stores
    offset = widget.content_offset
    width, height = widget.outer_size
    widget.refresh(Region(-offset.x, height - 1 - offset.y, width, 1))


class QuietLog(Log):
    """A Log whose new lines change only its own scroll range (its height is fixed by CSS).

    Textual's `virtual_size` asks for a layout of the whole screen on every change (10-60 ms of
    CPU, once per line); this log updates its scrollbars itself instead (a Log always shows
    both, so no layout is needed to show or hide them)."""

    virtual_size = Reactive(Size(0, 0), layout=False)

    def watch_virtual_size(self, size: Size) -> None:
        if self.container_size:
            self._scroll_update(size)

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # The screen's layout offers the size of the log's viewport as its virtual size; a Log's
        # is its lines'. Textual compares the two, finds them different on every layout pass of
        # the screen and repaints both scrollbars (2-10 ms a pass here): compare the log's own.
        return super()._size_updated(size, self.virtual_size, container_size, layout)

    # Log's own is decorated @work (a thread worker); ours runs in place, hence the signature
    def _update_size(self, updates: int, lines: list[str]) -> None:  # type: ignore[override]
        # Log measures the width of new lines in an unnamed thread worker: for every line a
        # worker, its three state messages and a call back to the event loop. Ours are one short
        # line each: measured here, in microseconds (and the scrollbars are right at once).
        if lines:
            widest = max(cell_len(self._process_line(line)) for line in lines)
            self._update_maximum_width(updates, widest)

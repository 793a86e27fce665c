"""The nine steps on the left, one line each: the state as a glyph and a colour (the theme's
tokens), and as a word for the highlighted one in the list's bottom border (never colour alone)."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Region
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

TODO, RUNNING, DONE, ALREADY, NEEDS_YOU, WARNING, FAILED = (
    "todo",
    "running",
    "done",
    "already",
    "needs-you",
    "warning",
    "failed",
)

MARKS = {
    TODO: ("○", "to do"),
    RUNNING: ("▶", "running"),
    DONE: ("✓", "done"),
    ALREADY: ("✓", "already there"),
    NEEDS_YOU: ("?", "needs you"),
    WARNING: ("!", "warning"),
    FAILED: ("✗", "failed"),
}
# The glyph's colour: a design token of the theme (tests/ui/test_contrast.py checks each pair).
COLOURS = {
    TODO: "$text-muted",
    RUNNING: "$text-accent",
    DONE: "$text-success",
    ALREADY: "$text-primary",  # found made before this session: not done by this run
    NEEDS_YOU: "$text-warning",
    WARNING: "$text-warning",
    FAILED: "$text-error",
}
SUMMARY = "summary"
# The engine's steps in order (steps/plan.py STEPS) and their names in the list: kept here, not
# read from the panels or the engine, so the first frame imports neither.
STEP_NAMES = [
    ("sign-in", "Sign in"),
    ("organization", "Organisation"),
    ("project", "Project"),
    ("team", "Default team"),
    ("members", "Colleagues"),
    ("ssh-key", "SSH key"),
    ("import", "Import repository"),
    ("clone", "Clone"),
    ("pull-request", "Pull request"),
]


class StepList(OptionList):
    """One option per step plus the summary; selecting one shows its panel.

    Only the options that change are repainted. OptionList repaints every line of itself when
    the highlight moves or a prompt is replaced: 7-15 ms here, added to each panel switch."""

    highlighted: reactive[int | None] = reactive(None, repaint=False)

    def __init__(self, steps: list[tuple[str, str]], **kwargs) -> None:
        self.steps = steps  # (key, short title)
        self.states = {key: TODO for key, _ in steps}
        super().__init__(*self._options(), **kwargs)

    def _prompt(self, index: int, key: str, title: str) -> Content:
        state = self.states[key]
        return Content.assemble((MARKS[state][0], COLOURS[state]), f" {index}. {title}")

    def _options(self) -> list[Option]:
        options = [
            Option(self._prompt(i, key, title), id=key)
            for i, (key, title) in enumerate(self.steps, 1)
        ]
        options.append(Option(Content.assemble(("★", "$text-accent"), " Summary"), id=SUMMARY))
        return options

    def set_state(self, key: str, state: str) -> None:
        if key not in self.states or self.states[key] == state:
            return
        self.states[key] = state
        index = [k for k, _ in self.steps].index(key)
        option = self.get_option_at_index(index)
        # The prompt keeps its one line, so no other option moves: forget this one's rendering
        # only (replace_option_prompt_at_index forgets all of them and repaints the list).
        option._set_prompt(self._prompt(index + 1, key, self.steps[index][1]))
        cache = self._option_render_cache  # a Textual LRUCache: no iteration, only keys()
        for cached in [k for k in cache.keys() if k[0] is option]:  # noqa: SIM118
            cache.discard(cached)
        self._repaint_option(index)
        if index == self.highlighted:
            self._say_state()

    def _say_state(self) -> None:
        """The highlighted step's state as a word, in the list's bottom border."""
        index = self.highlighted
        if index is None or index >= len(self.steps):
            self._set_subtitle("")
            return
        key, _title = self.steps[index]
        self._set_subtitle(MARKS[self.states[key]][1])  # the highlighted step's state

    def _set_subtitle(self, text: str) -> None:
        """The bottom border's text, repainting that row only: Textual's `border_subtitle`
        repaints the whole list (every option again) on each move of the highlight."""
        if not self.is_mounted or not self.size:
            self.border_subtitle = text
            return
        if self.border_subtitle == text:
            return
        self._border_subtitle = self.render_str(text)  # what the border_subtitle setter stores
        offset = self.content_offset
        width, height = self.outer_size
        self.refresh(Region(-offset.x, height - 1 - offset.y, width, 1))

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        super().watch_highlighted(new)
        self._say_state()
        self._repaint_option(old)
        self._repaint_option(new)

    def _repaint_option(self, index: int | None) -> None:
        if index is None or not self.is_mounted:
            return
        line = self._index_to_line.get(index)
        if line is not None:
            self.refresh_lines(line, self._heights[index])

    def state_text(self, key: str) -> str:
        return MARKS[self.states[key]][1]

    def point_at(self, key: str) -> None:
        ids = [k for k, _ in self.steps] + [SUMMARY]
        if key in ids:
            self.highlighted = ids.index(key)

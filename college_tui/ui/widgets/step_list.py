"""The nine steps on the left, one line each: the state as a glyph and a colour (the theme's
tokens), and as a word for the highlighted one in the list's bottom border (never colour alone)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...vocabulary import StepKey, StepStatus
from ..textual_private import (
    repaint_option,
    replace_prompt_quietly,
    set_border_subtitle_quietly,
)
from ..wizard_effects import SUMMARY

MARKS = {
    StepStatus.TODO: ("○", "to do"),
    StepStatus.RUNNING: ("▶", "running"),
    StepStatus.DONE: ("✓", "done"),
    StepStatus.ALREADY: ("✓", "already there"),
    StepStatus.NEEDS_YOU: ("?", "needs you"),
    StepStatus.WARNING: ("!", "warning"),
    StepStatus.FAILED: ("✗", "failed"),
    StepStatus.SKIPPED: ("–", "skipped"),
}
# The glyph's colour: a design token of the theme (tests/ui/test_contrast.py checks each pair).
# The accent is "your turn" only (? and !: look at the panel); blue is the focus's, so none here.
COLOURS = {
    # "$text": readable on the highlighted row too (a muted glyph would fade on it at 80x24,
    # where the list has no words); the glyph tells these apart.
    StepStatus.TODO: "$text",
    StepStatus.RUNNING: "$text",  # the accent is "your turn" (needs you), not "busy"
    StepStatus.DONE: "$text-success",  # done by this run: green
    StepStatus.ALREADY: "$text",  # made before this session: a plain ✓, not this run's green
    StepStatus.NEEDS_YOU: "$text-accent",  # the accent: your turn (college.tcss)
    StepStatus.WARNING: "$text-warning",
    StepStatus.FAILED: "$text-error",
    StepStatus.SKIPPED: "$text",
}
# The engine's steps in order (steps/plan.py STEPS) and their names in the list: kept here, not
# read from the panels or the engine, so the first frame imports neither.
STEP_NAMES = [
    (StepKey.SIGN_IN, "Sign in"),
    (StepKey.ORGANIZATION, "Organisation"),
    (StepKey.PROJECT, "Project"),
    (StepKey.TEAM, "Default team"),
    (StepKey.MEMBERS, "Colleagues"),
    (StepKey.SSH_KEY, "SSH key"),
    (StepKey.IMPORT, "Import repository"),
    (StepKey.CLONE, "Clone"),
    (StepKey.PULL_REQUEST, "Pull request"),
]


class StepList(OptionList):
    """One option per step plus the summary; selecting one shows its panel, and Enter runs it
    (as Enter does wherever the focus is on no field or button).

    Only the options that change are repainted. OptionList repaints every line of itself when
    the highlight moves or a prompt is replaced: 7-15 ms here, added to each panel switch."""

    highlighted: reactive[int | None] = reactive(None, repaint=False)
    BINDINGS = [Binding("enter", "run_highlighted", "Run", show=False)]

    class RunAsked(Message):
        """Enter on the list: show the highlighted step and run it."""

    def action_run_highlighted(self) -> None:
        self.action_select()  # OptionSelected first: the screen shows the step
        self.post_message(self.RunAsked())

    def __init__(
        self, steps: Sequence[tuple[str, str]], *, narrow: bool = False, **kwargs: Any
    ) -> None:
        self.steps = steps  # (key, short title)
        self.states = {key: StepStatus.TODO for key, _ in steps}
        self.narrow = narrow  # 80 columns: glyphs and numbers only (the panel's title names it)
        super().__init__(*self.step_options(), **kwargs)

    def _prompt(self, index: int, key: str, title: str) -> Content:
        state = self.states[key]
        name = f" {index}" if self.narrow else f" {index}. {title}"
        return Content.assemble((MARKS[state][0], COLOURS[state]), name)

    def step_options(self) -> list[Option]:
        options = [
            Option(self._prompt(i, key, title), id=key)
            for i, (key, title) in enumerate(self.steps, 1)
        ]
        summary = " Σ" if self.narrow else " Summary"
        options.append(Option(Content.assemble(("★", "$text"), summary), id=SUMMARY))
        return options

    def set_narrow(self, narrow: bool) -> None:
        """Glyphs and numbers only (narrow), or with the steps' names; the highlight stays."""
        if narrow == self.narrow:
            return
        self.narrow = narrow
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(self.step_options())
        self.highlighted = highlighted

    def set_state(self, key: StepKey, state: StepStatus) -> None:
        if key not in self.states or self.states[key] == state:
            return
        self.states[key] = state
        index = [k for k, _ in self.steps].index(key)
        replace_prompt_quietly(self, index, self._prompt(index + 1, key, self.steps[index][1]))
        if index == self.highlighted:
            self._say_state()

    def _say_state(self) -> None:
        """The highlighted step's state as a word, in the list's bottom border."""
        index = self.highlighted
        if index is None or index >= len(self.steps):
            set_border_subtitle_quietly(self, "")
            return
        key, _title = self.steps[index]
        set_border_subtitle_quietly(self, "" if self.narrow else MARKS[self.states[key]][1])

    # Textual calls a watcher with (old, new) or (new), as its signature asks; the base's
    # takes the new value only
    def watch_highlighted(  # type: ignore[override]
        self, old: int | None, new: int | None
    ) -> None:
        super().watch_highlighted(new)
        self._say_state()
        repaint_option(self, old)
        repaint_option(self, new)

    def state_text(self, key: str) -> str:
        return MARKS[self.states[key]][1]

    def point_at(self, key: str) -> None:
        ids = [k for k, _ in self.steps] + [SUMMARY]
        if key in ids:
            self.highlighted = ids.index(key)

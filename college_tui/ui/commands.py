"""Command palette entries: the steps, run the rest, retry, copy the PR link, open the log file."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .wizard_effects import SUMMARY

if TYPE_CHECKING:
    from collections.abc import Callable

    from .app import CollegeApp


class WizardCommands(Provider):
    def _entries(self) -> list[tuple[str, Callable[[], object], str]]:
        from .wizard import WizardScreen

        app = cast("CollegeApp", self.app)  # a Provider is no DOM node: college_app can't take it
        wizard = next((s for s in app.screen_stack if isinstance(s, WizardScreen)), None)
        entries: list[tuple[str, Callable[[], object], str]] = [
            ("Open the log file", app.action_open_log, "Show the session's log file")
        ]
        if wizard is None:
            return entries
        entries += [
            ("Run the rest", wizard.action_run_rest, "Run every step not done yet, in order"),
            ("Retry the failed step", wizard.retry, "Run the failed step again"),
            ("Copy the pull request link", app.action_copy_pr_link, "To the clipboard"),
            ("Show the summary", partial(wizard.switch_to, SUMMARY), "The challenge checklist"),
        ]
        from .panels.base import TITLES
        from .widgets.step_list import STEP_NAMES

        entries += [
            (f"Go to step {i}: {name}", partial(wizard.switch_to, key), TITLES[key])
            for i, (key, name) in enumerate(STEP_NAMES, 1)
        ]
        return entries

    async def discover(self) -> Hits:
        for text, callback, help_text in self._entries():
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text)

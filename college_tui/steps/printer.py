"""Plain-text lines for events, plans and checklists: what `college-tui apply|plan|check` print.

One line per event, prefixed with the step key, e.g. `[project] ✓ Project College created (Agile)`.
HTTP calls appear only when verbose (`http GET /org/_apis/projects 200 12ms`). The TUI renders
the same events its own way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..events import (
    Event,
    HttpCall,
    NeedsYou,
    Note,
    StepFailed,
    StepFinished,
    StepProgress,
    StepStarted,
    Waiting,
)
from ..visible import visible
from ..vocabulary import StepStatus

if TYPE_CHECKING:
    from .checklist import CheckItem
    from .runner import RunReport


_UNICODE = {
    "ok": "✓",
    "fail": "✗",
    "warn": "!",
    "start": "▶",
    "wait": "…",
    "you": "?",
    "note": "·",
    "todo": "+",
    "arrow": "→",
    "skip": "–",
}
_ASCII = {
    "ok": "OK",
    "fail": "FAIL",
    "warn": "!",
    "start": ">",
    "wait": "...",
    "you": "?",
    "note": "-",
    "todo": "+",
    "arrow": "->",
    "skip": "-",
}


class Printer:
    """Turns events into lines; ASCII marks when the output cannot encode ✓ and ✗."""

    def __init__(self, verbose: bool = False, unicode: bool = True) -> None:
        self.verbose = verbose
        self.unicode = unicode
        self.marks = _UNICODE if unicode else _ASCII
        self._last_progress: dict[str, str] = {}  # step -> message of its last progress line

    def line(self, event: Event) -> str | None:
        """The line for `event`, or None when it is not shown (control characters visible)."""
        line = self._line(event)
        return None if line is None else visible(line)

    def _line(self, event: Event) -> str | None:
        m = self.marks
        tag = f"[{event.step}] " if event.step else ""
        if isinstance(event, HttpCall):
            if not self.verbose:
                return None
            status = event.status if event.status is not None else "no answer"
            return f"{tag}http {event.method} {event.path} {status} {event.duration_ms:.0f}ms"
        if isinstance(event, StepStarted):
            return f"{tag}{m['start']} {event.title}"
        if isinstance(event, StepProgress):
            # git reports every percent: one line per stage (its first and its last) is enough.
            repeat = self._last_progress.get(event.step) == event.message
            self._last_progress[event.step] = event.message
            if repeat and event.fraction is not None and event.fraction < 1.0 and not self.verbose:
                return None
            pct = f" ({event.fraction:.0%})" if event.fraction is not None else ""
            return f"{tag}  {event.message}{pct}"
        if isinstance(event, Waiting):
            attempt = f", attempt {event.attempt}" if event.attempt else ""
            return f"{tag}{m['wait']} {event.message} ({event.how_long}{attempt})"
        if isinstance(event, NeedsYou):
            text = f"{tag}{m['you']} {event.message}"
            if event.url:
                text += f"\n{tag}  {m['arrow']} {event.url}"
            if event.detail:
                text += f"\n{tag}  {event.detail}"
            return text
        if isinstance(event, Note):
            if event.message.startswith("Warning: "):
                return f"{tag}{m['warn']} {event.message[len('Warning: ') :]}"
            return f"{tag}{m['note']} {event.message}"
        if isinstance(event, StepFinished):
            if event.skipped:
                return f"{tag}{m['skip']} {event.summary}"
            suffix = " (already done)" if event.already_done else ""
            return f"{tag}{m['ok']} {event.summary}{suffix}"
        if isinstance(event, StepFailed):
            return f"{tag}{m['fail']} {event.message}"
        return None


def plan_lines(report: RunReport, unicode: bool = True, apply_command: str = "") -> list[str]:
    """`college-tui plan`: per step, what exists and what apply would do.

    `apply_command` is the exact command that does it (same target, data folder and answers);
    without one, no command is suggested (apply's own preview needs none).
    """

    m = _UNICODE if unicode else _ASCII
    lines = []
    for r in report.results:
        if r.status == StepStatus.ALREADY:
            lines.append(f"[{r.key}] {m['ok']} {r.summary}")
        elif r.status == StepStatus.SKIPPED:
            lines.append(f"[{r.key}] {m['skip']} {r.summary}")
        elif r.status == StepStatus.TODO:
            lines.append(f"[{r.key}] {m['todo']} {r.summary}: would {r.todo}")
        elif r.status == StepStatus.BLOCKED:
            lines.append(f"[{r.key}] {m['wait']} waits for an earlier step: {r.message}")
        elif r.status == StepStatus.FAILED:
            lines.append(f"[{r.key}] {m['fail']} {r.message}")
    todo = [r for r in report.results if r.status not in (StepStatus.ALREADY, StepStatus.SKIPPED)]
    if not todo:
        lines.append("Nothing left to do: every step is done.")
    else:
        does = f"; `{apply_command}` does them." if apply_command else "."
        lines.append(f"{len(todo)} of {len(report.results)} step(s) left to do{does}")
    return [visible(line) for line in lines]


def check_lines(items: list[CheckItem], unicode: bool = True) -> list[str]:
    """`college-tui check`: one line per challenge outcome, done or missing with the reason."""
    m = _UNICODE if unicode else _ASCII
    lines = []
    for item in items:
        if item.ok:
            lines.append(
                f"{m['ok']} done     {item.label}" + (f": {item.detail}" if item.detail else "")
            )
        elif item.skipped:
            lines.append(f"{m['skip']} skipped  {item.label}: {item.detail}")
        else:
            lines.append(f"{m['fail']} missing  {item.label}: {item.detail}")
    done = sum(1 for i in items if i.ok)
    skipped = sum(1 for i in items if i.skipped)
    lines.append(
        f"{done} of {len(items)} challenge outcomes done"
        + (f", {skipped} skipped." if skipped else ".")
    )
    return [visible(line) for line in lines]

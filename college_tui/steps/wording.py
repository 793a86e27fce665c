"""The wizard's activity log in plain words: one sentence per action, no HTTP lines, nothing for a
step that did not run. (The log file and the log's details view keep `printer.py`'s full lines.)

UI-free, so the wording is tested without a terminal (tests/steps/test_wording.py).
"""

from __future__ import annotations

from ..events import Event, NeedsYou, Note, StepFailed, StepFinished, Waiting


def activity_line(event: Event, *, looking: bool = False) -> str | None:
    """The plain sentence for `event`, or None when the plain log shows nothing for it.

    `looking`: the event comes from an inspection (the wizard looking at what exists): only a
    failure is worth a line then; starts, progress and HTTP calls never are (the status line
    shows what runs)."""
    if isinstance(event, StepFailed):
        return f"✗ {event.message}"
    if looking:
        return None
    if isinstance(event, StepFinished):
        return f"✓ {event.summary}" + (" (already there)" if event.already_done else "")
    if isinstance(event, NeedsYou):
        return f"? {event.message}"
    if isinstance(event, Waiting):
        return f"… {event.message} (waiting {event.seconds:.0f} s)"
    if isinstance(event, Note):
        if event.message.startswith("Warning: "):
            return f"! {event.message[len('Warning: ') :]}"
        return f"· {event.message}"
    return None

"""The outcome of an idempotent edit of a file on the attendee's machine."""

from __future__ import annotations

from enum import StrEnum


class Change(StrEnum):
    """What an ``ensure_*`` call did; compares equal to its string value (``"created"`` ...)."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REMOVED = "removed"

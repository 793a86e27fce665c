"""Workstation errors as step errors: one sentence that says what happened and what to do."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from .base import StepError


@contextlib.contextmanager
def explained(hint: str = "") -> Iterator[None]:
    """Workstation errors (key, ssh config, git...) become StepErrors; their text says what to do."""
    from ..workstation.errors import WorkstationError

    try:
        yield
    except WorkstationError as exc:
        raise StepError(f"{exc}{hint}") from None

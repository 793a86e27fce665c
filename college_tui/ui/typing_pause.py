"""Whether the attendee is typing in a field, for the wizard's model (no Textual): a box that
appears while they are (a hand-off, a device code) leaves the keyboard where it is.

Typing is a key that changed a field's value in the last moment (TYPING_PAUSE), on the
screen's monotonic clock. Time, not "the value changed since the panel appeared": a name typed
and Enter pressed to run the step is not typing any more when the step asks, seconds later,
and the box must then take the keyboard (Enter opens the page)."""

from __future__ import annotations

import time
from collections.abc import Callable

# A key that changed a field less than this ago (seconds): the attendee is typing there.
TYPING_PAUSE = 2.0


class Typing:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.typed_at: float | None = None

    def typed(self) -> None:
        """A key changed the value of the focused field (the screen says so)."""
        self.typed_at = self.clock()

    @property
    def now(self) -> bool:
        return self.typed_at is not None and self.clock() - self.typed_at < TYPING_PAUSE

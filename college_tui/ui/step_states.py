"""The steps' states as the step list shows them, in the engine's order: a part of the wizard's
model (wizard_model.py), without Textual."""

from __future__ import annotations

from ..vocabulary import StepKey, StepStatus
from .wizard_effects import FINISHED, TICKED, SetState


class StepStates:
    """Each step's state; the first step is the sign-in, which everything after needs."""

    def __init__(self, steps: list[StepKey]) -> None:
        self.order = list(steps)
        self._states = dict.fromkeys(self.order, StepStatus.TODO)

    def __getitem__(self, key: str) -> StepStatus:
        return self._states[StepKey(key)]

    def __contains__(self, key: object) -> bool:
        return key in self._states

    def set(self, key: StepKey, state: StepStatus) -> SetState:
        """Change a step's state; the effect that shows it."""
        self._states[key] = state
        return SetState(key, state)

    @property
    def signed_in(self) -> bool:
        return self._states[self.order[0]] in TICKED

    def left(self, after: StepKey | None = None) -> list[StepKey]:
        """The steps not finished yet, in order (after `after`, when given)."""
        start = self.order.index(after) + 1 if after is not None else 0
        return [key for key in self.order[start:] if self._states[key] not in FINISHED]

    def first(self, state: StepStatus) -> StepKey | None:
        return next((key for key in self.order if self._states[key] == state), None)

    def count(self, *states: StepStatus) -> int:
        return sum(1 for state in self._states.values() if state in states)

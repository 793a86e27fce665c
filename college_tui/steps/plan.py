"""The nine steps of challenges 0 and 1, in the order they must run.

Each step needs what the ones before it made: the sign-in's connection, the organisation, the
project (and its team), the key before the clone, the clone before the pull request.
"""

from __future__ import annotations

from .base import Step
from .clone import CloneStep
from .importrepo import ImportStep
from .members import MembersStep
from .organization import OrganizationStep
from .project import ProjectStep
from .pullrequest import PullRequestStep
from .signin import SignInStep
from .sshkey import SshKeyStep
from .team import TeamStep

STEPS: list[type[Step]] = [
    SignInStep,
    OrganizationStep,
    ProjectStep,
    TeamStep,
    MembersStep,
    SshKeyStep,
    ImportStep,
    CloneStep,
    PullRequestStep,
]

STEP_KEYS: list[str] = [step.key for step in STEPS]


def steps_until(key: str | None) -> list[type[Step]]:
    """The steps up to and including `key` (all of them when None)."""
    if key is None:
        return list(STEPS)
    if key not in STEP_KEYS:
        raise ValueError(f"unknown step {key!r}: use one of {', '.join(STEP_KEYS)}")
    return STEPS[: STEP_KEYS.index(key) + 1]

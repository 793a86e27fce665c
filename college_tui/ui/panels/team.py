"""Step 4: College Team as the project's default team (a guided hand-off if the portal refuses)."""

from __future__ import annotations

from ...vocabulary import StepKey
from .base import Field, StepPanel


class TeamPanel(StepPanel):
    STEP = StepKey.TEAM
    PORTAL = "Project settings → Teams → … → Set team as project default"
    COMMAND = (
        "No az command sets the default team: the wizard's own call is shown once the target "
        "is open"
    )
    ACTION = "Make it the default team"
    FIELDS = (Field("team", "Team name"), Field("team_description", "Description"))

"""Step 3: the project, on the Agile process; the panel follows the creation's progress."""

from __future__ import annotations

from ...vocabulary import StepKey
from .base import Field, StepPanel


class ProjectPanel(StepPanel):
    STEP = StepKey.PROJECT
    PORTAL = "Organisation home → + New project → Advanced → Work item process: Agile"
    COMMAND = "az devops project create --name College --process Agile"
    ACTION = "Create the project"
    FIELDS = (Field("project", "Project name"), Field("project_description", "Description"))

    def intro(self) -> str:
        return "Process: Agile (the course's choice). Creation takes a little while."

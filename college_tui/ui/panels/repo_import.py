"""Step 7: import the course repository into Azure Repos (the panel follows the import)."""

from __future__ import annotations

from ...vocabulary import StepKey
from .base import Field, StepPanel


class ImportPanel(StepPanel):
    STEP = StepKey.IMPORT
    PORTAL = "Repos → Files → Import a repository"
    COMMAND = (
        "az repos create --name aidevcollege --project College, then az repos import create "
        "--git-source-url URL --repository aidevcollege --project College"
    )
    ACTION = "Import it"
    FIELDS = (
        Field("source_url", "Source (a public Git repository)"),
        Field("repo", "Repository name"),
    )

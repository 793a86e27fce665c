"""Step 8: clone the repository over SSH (the panel follows git's progress)."""

from __future__ import annotations

from ...vocabulary import StepKey
from .base import Field, StepPanel


class ClonePanel(StepPanel):
    STEP = StepKey.CLONE
    PORTAL = "Repos → Files → Clone → SSH"
    COMMAND = "git clone git@ssh.dev.azure.com:v3/ORG/College/aidevcollege"
    ACTION = "Clone it"
    FIELDS = (Field("clone_dir", "Clone into this folder", home=True),)

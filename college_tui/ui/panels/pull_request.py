"""Step 9: a branch, a first commit, a push and a pull request; the PR link when done."""

from __future__ import annotations

from ...vocabulary import StepKey
from .base import Field, StepPanel


class PullRequestPanel(StepPanel):
    STEP = StepKey.PULL_REQUEST
    PORTAL = "Repos → Pull requests → New pull request"
    COMMAND = (
        "git switch -c BRANCH, commit a change, git push -u origin BRANCH, then az repos pr "
        "create --organization URL --project College --repository aidevcollege (in full once "
        "the target is open)"
    )
    ACTION = "Open the pull request"
    FIELDS = (
        Field("alias", "Your alias (names the commit's file)"),
        Field("branch", "Branch name"),
    )

"""Step 5: colleagues, by e-mail or from a CSV, with an access level; the result per member."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Label, Select

from ...steps.roster import ACCESS_LEVELS, Member
from ...vocabulary import StepKey
from .base import Field, StepPanel, select_value

SANDBOX_EXAMPLE = "grace@example.com"  # an address the sandbox's directory accepts


class MembersPanel(StepPanel):
    STEP = StepKey.MEMBERS
    PORTAL = "Organisation settings → Users → Add users"
    COMMAND = (
        "az devops user add --email-id NAME@DOMAIN --license-type stakeholder, then "
        "az devops security group membership add into the team (in full once the target is open)"
    )
    ACTION = "Add them"

    def intro(self) -> str:
        return (
            "Separate addresses with commas. Stakeholder access is free; Basic is a paid "
            "licence. Leave both empty to add nobody."
        )

    def fields(self) -> list[Field]:
        return [
            Field("members", "E-mail addresses", placeholder="name@example.com, ..."),
            Field(
                "members_csv",
                "…or a CSV file of email,access_level rows",
                placeholder="optional path",
            ),
        ]

    def compose_extra(self) -> ComposeResult:
        yield Label("Access level", classes="field-label")
        yield Select(
            [(level.capitalize(), level) for level in ACCESS_LEVELS],
            value="stakeholder",
            allow_blank=False,
            id="members-level",
            compact=True,
        )

    def initial(self, name: str) -> str:
        if name == "members":
            return ", ".join(m.email for m in self.answers.members)
        return super().initial(name)

    def value(self, name: str) -> Any:
        if name == "members":
            level = (
                select_value(self, "#members-level", "stakeholder")
                if self.query("#members-level")
                else "stakeholder"
            )
            return [
                Member(part.strip(), level)
                for part in self.raw(name).replace(";", ",").replace("\n", ",").split(",")
                if part.strip()
            ]
        return super().value(name)

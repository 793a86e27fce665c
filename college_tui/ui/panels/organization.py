"""Step 2: the organisation: pick one of yours, or create it in the browser (the engine waits)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Label, OptionList

from .base import Field, StepPanel


class OrganizationPanel(StepPanel):
    STEP = "organization"
    PORTAL = "https://aex.dev.azure.com → Create new organization"
    COMMAND = "(no command: organisations are created in the portal)"
    ACTION = "Use this organisation"

    def intro(self) -> str:
        return (
            "Pick one of your organisations, or type a new name: the wizard shows the page "
            "where you create it and carries on by itself when it appears."
        )

    def initial(self, name: str) -> str:
        if name == "organization":
            return self.answers.organization or getattr(self.app, "target_org", "") or ""
        return super().initial(name)

    def fields(self) -> list[Field]:
        return [Field("organization", "Organisation name")]

    def compose_extra(self) -> ComposeResult:
        yield Label("Your organisations", classes="field-label", id="organization-list-label")
        yield OptionList(id="organization-list")

    def on_mount(self) -> None:
        self.show_organizations([])  # listed after sign-in on Azure DevOps; none in the sandbox

    def show_organizations(self, names: list[str]) -> None:
        listing = self.query_one("#organization-list", OptionList)
        listing.clear_options()
        listing.add_options(names)
        # The heading goes with its list: no "Your organisations" above nothing.
        for widget in (listing, self.query_one("#organization-list-label")):
            widget.display = bool(names)
        if names:
            listing.highlighted = 0  # Enter picks the first: the Enter-only walk from nothing

    def focus_first(self) -> None:
        """The list of your organisations when there is one and no name is typed yet."""
        listing = self.query_one("#organization-list", OptionList)
        if listing.display and listing.option_count and not self.raw("organization").strip():
            listing.focus()
            # Once laid out (the list was hidden until now): on 80x24 it is below the fold.
            self.call_after_refresh(self.scroll_to_widget, listing, animate=False)
        else:
            super().focus_first()

    @on(OptionList.OptionSelected, "#organization-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#organization-organization").value = str(event.option.prompt)
        self.request_run()

    def value(self, name: str):
        raw = self.raw(name).strip()
        return raw or None

"""Step 2: the organisation: pick one of yours, or name a new one and Create it: the wizard
opens the sign-up page (where a browser opens; else the link is shown and copied) and waits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Button, Input, Label, OptionList, Static

from ...vocabulary import StepKey
from ..screens import college_app
from .base import Field, StepPanel

if TYPE_CHECKING:
    from ...events import NeedsYou


NONE_YET = "You have no organisation yet: type a name for it and press Create."
CREATE = "Create"


class OrganizationPanel(StepPanel):
    STEP = StepKey.ORGANIZATION
    PORTAL = "https://aex.dev.azure.com → Create new organization"
    COMMAND = "(no command: organisations are created in the portal)"
    ACTION = "Use this organisation"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.names: list[str] = []
        self.listed = False  # the account's organisations were listed (after sign-in)
        self.opened: set[str] = set()  # sign-up pages opened already (once per page)

    def intro(self) -> str:
        return (
            "Pick one of your organisations, or type a new name and press Create: the wizard "
            "opens the page where you create it and carries on by itself when it appears."
        )

    def initial(self, name: str) -> str:
        if name == "organization":
            return self.answers.organization or getattr(self.app, "target_org", "") or ""
        return super().initial(name)

    def fields(self) -> list[Field]:
        return [Field("organization", "Organisation name")]

    def compose_controls(self) -> ComposeResult:
        # Your organisations first (Enter picks the highlighted one), then the name field.
        yield Label("Your organisations", classes="field-label", id="organization-list-label")
        yield OptionList(id="organization-list")
        yield Static(NONE_YET, id="organization-none", markup=False)
        yield from super().compose_controls()

    def on_mount(self) -> None:
        self.show_organizations([], listed=False)  # listed after sign-in; none in the sandbox

    def show_organizations(self, names: list[str], *, listed: bool = True) -> None:
        self.names, self.listed = list(names), listed
        listing = self.query_one("#organization-list", OptionList)
        listing.clear_options()
        listing.add_options(names)
        # The heading goes with its list: no "Your organisations" above nothing.
        for widget in (listing, self.query_one("#organization-list-label")):
            widget.display = bool(names)
        self.query_one("#organization-none").display = listed and not names
        if names:
            listing.highlighted = 0  # Enter picks the first: the Enter-only walk from nothing
        self._label_button()

    @on(Input.Changed, "#organization-organization")
    def _name_typed(self, event: Input.Changed) -> None:
        self._label_button()

    def _label_button(self) -> None:
        """ "Create" for a name that is not one of yours (once they were listed)."""
        typed = self.raw("organization").strip().lower()
        known = [name.lower() for name in self.names]
        new = self.listed and (not known or bool(typed and typed not in known))
        button = self.query_one(".primary", Button)
        if str(button.label) != "Retry":
            button.label = CREATE if new else self.ACTION

    def extra_problem(self, name: str) -> str | None:
        if name == "organization" and self.listed and not self.raw(name).strip():
            # Nothing to run yet: said under the field, never a failed step.
            if self.names:
                return "Pick one of your organisations above, or type a new name."
            return "Type a name for your new organisation, then press Create."
        return None

    def focus_first(self) -> None:
        """The list of your organisations when there is one and no name is typed yet."""
        listing = self.query_one("#organization-list", OptionList)
        if listing.display and listing.option_count and not self.raw("organization").strip():
            self.scroll_home(animate=False, immediate=True)
            listing.focus(scroll_visible=False)
        else:
            super().focus_first()

    @on(OptionList.OptionSelected, "#organization-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#organization-organization", Input).value = str(event.option.prompt)
        self.request_run()

    def value(self, name: str) -> Any:
        raw = self.raw(name).strip()
        return raw or None

    def show_outcome(self, text: str, *, failed: bool = False) -> None:
        super().show_outcome(text, failed=failed)
        if not failed:
            self._label_button()

    # -- the sign-up page ---------------------------------------------------------------------

    def show_handoff(self, event: NeedsYou, *, focus: bool = False) -> None:
        super().show_handoff(event, focus=focus)
        url = event.url or ""
        if not url or url in self.opened:
            return
        self.opened.add(url)
        from ...steps.signin_help import browser_opens

        if browser_opens():
            college_app(self).open_link(url)  # copies the link too
            self.app.notify("The sign-up page opened in your browser; the link is copied too.")
        else:
            self.app.copy_to_clipboard(url)
            self.app.notify("No browser here: open the link shown (it is on your clipboard).")

"""Step 1: sign in. The sandbox signs you in with its own token (nothing to type, never shown);
Azure DevOps takes a personal access token (masked) or Microsoft Entra."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Checkbox, Label, Select, Static

from ...steps.answers import AUTH_MODES
from .base import Field, StepPanel, select_value

AUTH_LABELS = {
    "pat": "Personal access token",
    "browser": "Browser (Microsoft Entra)",
    "device-code": "Device code (another device signs in)",
    "azure-cli": "Azure CLI (az login already done)",
}


class SignInPanel(StepPanel):
    STEP = "sign-in"
    PORTAL = "User settings → Personal access tokens"
    COMMAND = "az devops login --organization https://dev.azure.com/NAME"
    ACTION = "Sign in"

    def intro(self) -> str:
        if self.sandbox:
            return (
                "The practice sandbox signs you in with its own token: nothing to type. "
                "Press Enter."
            )
        from ...steps.signin import scopes_text

        return scopes_text()

    def fields(self) -> list[Field]:
        if self.sandbox:
            return []
        return [
            Field(
                "pat",
                "Personal access token (hidden as you type)",
                password=True,
                secret=True,
                placeholder="paste the token",
            )
        ]

    def compose_extra(self) -> ComposeResult:
        if self.sandbox:
            return
        yield Label("How to sign in", classes="field-label")
        yield Select(
            [(AUTH_LABELS[m], m) for m in AUTH_MODES],
            value=self.answers.auth,
            allow_blank=False,
            id="sign-in-auth",
            compact=True,
        )
        yield Checkbox(
            "Remember the token in the system keyring",
            value=False,
            id="sign-in-remember",
            compact=True,
        )
        yield Static("", id="sign-in-pat-page", classes="where", markup=False)

    def load(self, answers, sandbox, home=None) -> None:
        super().load(answers, sandbox, home)
        if not sandbox and self.query("#sign-in-pat-page"):
            from ...steps.signin import pat_page

            url = getattr(self.app, "org_url", None) or "https://dev.azure.com/NAME"
            self.query_one("#sign-in-pat-page", Static).update(
                self.app.scrub(f"Create a token at {pat_page(url)}")
            )

    @on(Select.Changed, "#sign-in-auth")
    def _auth_changed(self, event: Select.Changed) -> None:
        uses_pat = event.value == "pat"
        for widget in self.query("#sign-in-pat, #sign-in-remember"):
            widget.display = uses_pat

    def auth(self) -> str:
        if self.sandbox:
            return "pat"
        return select_value(self, "#sign-in-auth", "pat")

    def extra_problem(self, name: str) -> str | None:
        if (
            name == "pat"
            and self.auth() == "pat"
            and not self.raw("pat").strip()
            and not getattr(self.app, "has_pat", False)
        ):
            return "Paste your personal access token (it is not shown or saved in a file)."
        return None

    def changes(self):
        found = super().changes()
        if found is None:
            return None
        found["auth"] = self.auth()
        return found

    def secrets(self) -> dict[str, str]:
        if self.sandbox or self.auth() != "pat" or not self.raw("pat").strip():
            return {}
        return {
            "pat": self.raw("pat").strip(),
            "remember": "yes" if self.query_one("#sign-in-remember", Checkbox).value else "",
        }

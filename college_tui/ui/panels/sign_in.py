"""Step 1: sign in, four ways. The sandbox's own token stays its default (nothing to type, never
shown); its identity provider also takes browser and device-code sign-in, as Microsoft Entra does.
Azure DevOps suggests the PAT already at hand (the environment, the keyring), else the browser
wherever one opens and a device code with no display (over SSH, the line that forwards the display
is shown); a personal access token (masked) and the Azure CLI remain."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Label, Select, Static

from ...steps.session import TypedSecrets
from ...vocabulary import AuthMode, StepKey
from ..screens import college_app
from ..sign_in_modes import SignInModes
from .base import Field, StepPanel, select_value, take_the_keyboard

if TYPE_CHECKING:
    from pathlib import Path

    from ...events import NeedsYou
    from ...steps.answers import Answers


AUTH_LABELS = {
    AuthMode.PAT: "Personal access token",
    AuthMode.BROWSER: "Browser (Microsoft Entra)",
    AuthMode.DEVICE_CODE: "Device code (another device signs in)",
    AuthMode.AZURE_CLI: "Azure CLI (az login already done)",
}
SANDBOX_LABELS = {
    AuthMode.PAT: "The sandbox's own token (nothing to type)",
    AuthMode.BROWSER: "Browser (the sandbox's Entra sign-in)",
    AuthMode.DEVICE_CODE: "Device code (the sandbox's Entra sign-in)",
}
TEACHING = (
    "A token is what a tool shows instead of your password: a personal access token (PAT) made "
    "in one organisation, or a one-hour Microsoft Entra token from your tenant (your company's or "
    "school's directory). Personal Microsoft accounts get no Entra token for Azure DevOps: a PAT."
)


REMEMBER_PAT = "Remember the token in the system keyring"
REMEMBER_ENTRA = "Remember me (tokens only in the system's encrypted token cache)"


class DeviceCodeBox(Vertical):
    """The device code, large, with the page to type it on (a notice says where it was copied)."""

    DEFAULT_CSS = """
    DeviceCodeBox { border: heavy $text-accent; height: auto; padding: 0 1; margin: 1 0; }
    DeviceCodeBox > .device-code { text-style: bold reverse; padding: 0 2; width: auto; }
    DeviceCodeBox > .device-url { text-style: bold; }
    DeviceCodeBox > Horizontal { height: auto; }
    """

    def __init__(self, code: str, url: str, opened: bool, focus: bool = False) -> None:
        super().__init__(classes="device-code-box")
        self.code, self.url, self.opened = code, url, opened
        self.takes_focus = focus

    def on_mount(self) -> None:
        app = college_app(self)
        if app.code_needs_the_room():  # a small window: the toasts shown would cover the code
            app.clear_notifications()
        if self.takes_focus:
            take_the_keyboard(self)

    def compose(self) -> ComposeResult:
        where = "in the browser that opened" if self.opened else "on any device with a browser"
        yield Static(f"Open this page {where} and type the code:", markup=False)
        yield Static(self.url, classes="device-url", markup=False)
        code = college_app(self).scrub("  ".join(self.code))  # the scrub hook: snapshots hide it
        yield Static(code, classes="device-code", id="device-code", markup=False)
        yield Static(
            "The wizard goes on by itself once you have signed in; Escape cancels.",
            markup=False,
        )
        with Horizontal():
            yield Button("Open the page", classes="open-page", compact=True)
            yield Button("Copy the code", classes="copy-detail", compact=True)


class SignInPanel(StepPanel):
    STEP = StepKey.SIGN_IN
    PORTAL = "User settings → Personal access tokens"
    COMMAND = (
        "az login; az account get-access-token --resource 499b84ac-1321-427f-aa17-267ca6975798"
    )
    ACTION = "Sign in"

    def __init__(self, answers: Answers, sandbox: bool, modes: SignInModes) -> None:
        super().__init__(answers, sandbox)
        self.modes = modes  # the wizard model's decisions (sign_in_modes.py)

    def intro(self) -> str:
        if self.sandbox:
            return (
                "The practice sandbox signs you in with its own token: nothing to type. Press "
                f"Enter. Browser and device code practise Microsoft Entra's sign-in.\n\n{TEACHING}"
            )
        from ...steps.signin_help import scopes_text

        return f"{TEACHING}\n\n{scopes_text()}"

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

    def _modes(self) -> list[tuple[str, AuthMode]]:
        labels = SANDBOX_LABELS if self.sandbox else AUTH_LABELS
        return [(labels[mode], mode) for mode in self.modes.offered()]

    def _default(self) -> AuthMode:
        from ...steps.signin_help import suggested_auth

        return self.modes.default(self.answers.auth, suggested_auth)

    def compose_controls(self) -> ComposeResult:
        yield Label("How to sign in", classes="field-label")
        yield Select(
            self._modes(),
            value=self._default(),
            allow_blank=False,
            id="sign-in-auth",
            compact=True,
        )
        yield from super().compose_controls()  # the token's field, then compose_extra

    def compose_extra(self) -> ComposeResult:
        if self.sandbox:
            return
        yield Checkbox(
            REMEMBER_PAT,
            value=False,
            id="sign-in-remember",
            compact=True,
        )
        yield Static("", id="sign-in-pat-page", classes="where", markup=False)
        from ...steps.signin_help import ssh_browser_hint

        hint = ssh_browser_hint()  # over SSH with no display: how the browser can still work
        if hint:
            yield Static(hint, id="sign-in-over-ssh", classes="where", markup=False)

    def on_mount(self) -> None:
        self._show_pat_fields(self.auth() == AuthMode.PAT)

    def load(self, answers: Answers, sandbox: bool, home: Path | None = None) -> None:
        super().load(answers, sandbox, home)
        self.query_one("#sign-in-auth", Select).value = self._default()
        self.show_pat_page(college_app(self).org_url or "https://dev.azure.com/NAME")

    def show_pat_page(self, org_url: str) -> None:
        """Where the token is made: the organisation's Personal access tokens page."""
        if not self.sandbox and self.query("#sign-in-pat-page"):
            from ...steps.signin_help import pat_page

            self.query_one("#sign-in-pat-page", Static).update(
                college_app(self).scrub(f"Create a token at {pat_page(org_url)}")
            )

    def use_pat(self, org_url: str) -> None:
        """The organisation exists and the sign-in is still to do (a personal account): the
        token is the way, made on that organisation's page and pasted in the field shown."""
        self.query_one("#sign-in-auth", Select).value = AuthMode.PAT
        self._show_pat_fields(True)
        self.show_pat_page(org_url)

    @on(Select.Changed, "#sign-in-auth")
    def _auth_changed(self, event: Select.Changed) -> None:
        self._show_pat_fields(event.value == AuthMode.PAT)

    def _show_pat_fields(self, uses_pat: bool) -> None:
        shown = self.modes.types_pat(AuthMode.PAT) and uses_pat
        for widget in self.query("#sign-in-pat, #sign-in-pat-page"):
            widget.display = shown
        for error in self.query("#sign-in-pat-error"):  # shown by its class when it has a text
            if shown:
                error.styles.clear_rule("display")
            else:
                error.display = False
        for remember in self.query("#sign-in-remember").results(Checkbox):
            remember.label = REMEMBER_PAT if uses_pat else REMEMBER_ENTRA
            remember.display = uses_pat or self.modes.remembers(self.auth())
        for label in self.query(".field-label").results(Label):
            if "access token" in str(label.content):
                label.display = uses_pat and not self.sandbox

    def focus_first(self) -> None:
        """The token's field when one is typed; else the Sign in button (Enter signs in with
        the way shown: the Enter-only walk), the panel left at its top (its title in view)."""
        if self.modes.types_pat(self.auth()):
            self.scroll_home(animate=False, immediate=True)
            self.query_one("#sign-in-pat").focus(scroll_visible=False)
        else:
            self.query_one(".primary", Button).focus(scroll_visible=False)

    def auth(self) -> AuthMode:
        return AuthMode(select_value(self, "#sign-in-auth", AuthMode.PAT))

    def extra_problem(self, name: str) -> str | None:
        if name == "pat" and self.auth() == AuthMode.PAT and not self.raw("pat").strip():
            return "Paste your personal access token (it is not shown or saved in a file)."
        return None

    def chosen(self) -> dict[str, Any]:
        return {"auth": self.auth()}

    def secrets(self) -> TypedSecrets:
        if self.sandbox:  # no token field, no remember box
            return self.modes.secrets(self.auth(), "", remember=False)
        remember = self.query_one("#sign-in-remember", Checkbox).value
        return self.modes.secrets(self.auth(), self.raw("pat"), remember)

    def show_outcome(self, text: str, *, failed: bool = False) -> None:
        super().show_outcome(text, failed=failed)
        instead = self.modes.instead_of(self.auth(), text) if failed else None
        if instead == AuthMode.BROWSER:
            # Offered in place: the browser chosen, one key press away.
            self.query_one("#sign-in-auth", Select).value = instead
            self.query_one(".primary", Button).label = "Sign in with the browser"

    # -- the device code ----------------------------------------------------------------------

    def show_handoff(self, event: NeedsYou, *, focus: bool = False) -> None:
        if not (event.detail and event.url):
            super().show_handoff(event, focus=focus)
            return
        self.last_handoff = event
        if any(box.code == event.detail for box in self.query(DeviceCodeBox)):
            return
        self.hide_handoff()
        from ...steps.signin_help import suggested_auth

        opened = suggested_auth() == AuthMode.BROWSER  # a desktop session: open the page there
        college_app(self).share(event.detail, "The code", open_url=event.url if opened else None)
        box = DeviceCodeBox(event.detail, college_app(self).scrub(event.url), opened, focus)
        # First in the panel, scrolled to: on 80x24 the code must be seen at once.
        self.mount(box, before=0)
        self.add_class("-handed-off")  # the code is your turn: the step's button goes quiet
        self.call_after_refresh(self.scroll_home, animate=False)

    def hide_handoff(self) -> None:
        super().hide_handoff()
        for box in self.query(DeviceCodeBox):
            box.remove()

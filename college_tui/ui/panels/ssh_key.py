"""Step 6: the SSH key: path, size, optional passphrase typed twice; fingerprint and public key
shown after. Against Azure DevOps the screen asks before anything is written under ~/.ssh."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Label, Select, Static

from ...steps.answers import KEY_BITS
from ...steps.session import TypedSecrets
from ...vocabulary import StepKey
from ..screens import college_app
from .base import Field, StepPanel, select_value


class SshKeyPanel(StepPanel):
    STEP = StepKey.SSH_KEY
    PORTAL = "User settings → SSH public keys → + New Key"
    COMMAND = "ssh-keygen -t rsa -b 3072 -f ~/.ssh/college_tui_rsa"
    ACTION = "Create and register the key"
    FIELDS = (
        Field("key_path", "Key file", home=True),
        Field(
            "passphrase",
            "Passphrase (optional, hidden)",
            password=True,
            secret=True,
            placeholder="empty: no passphrase",
        ),
        Field("passphrase2", "Passphrase again", password=True, secret=True),
    )

    def compose_extra(self) -> ComposeResult:
        yield Label("Key size (bits)", classes="field-label")
        yield Select(
            [(f"{bits}" + (" (recommended)" if bits == 3072 else ""), bits) for bits in KEY_BITS],
            value=self.answers.key_bits,
            allow_blank=False,
            id="ssh-key-bits",
            compact=True,
        )

    def compose_results(self) -> ComposeResult:
        yield Static("", id="ssh-key-public", classes="public-key", markup=False)

    def extra_problem(self, name: str) -> str | None:
        if name == "passphrase2" and self.raw("passphrase") != self.raw("passphrase2"):
            return "The two passphrases differ: type the same one twice."
        return None

    def chosen(self) -> dict[str, Any]:
        return {"key_bits": select_value(self, "#ssh-key-bits", 3072)}

    def secrets(self) -> TypedSecrets:
        return TypedSecrets(passphrase=self.raw("passphrase"))

    def show_key(self, fingerprint: str, public_line: str) -> None:
        text = (
            f"Fingerprint: {fingerprint}\nPublic key:\n{public_line}"
            if fingerprint
            else f"Public key:\n{public_line}"
        )
        public = self.query_one("#ssh-key-public", Static)
        public.update(college_app(self).scrub(text))
        public.set_class(True, "-shown")

"""The sign-in's decisions, without Textual (the wizard model's `sign_in`): which ways are
offered, which is chosen first, which fields and secrets each way takes, and the way offered in
place when one is refused. The sign-in panel (panels/sign_in.py) draws what these say."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..vocabulary import AuthMode

if TYPE_CHECKING:
    from ..steps.session import TypedSecrets

# The sandbox's identity provider takes these; the Azure CLI signs in with Microsoft online only.
SANDBOX_MODES = (AuthMode.PAT, AuthMode.BROWSER, AuthMode.DEVICE_CODE)
ENTRA_MODES = (AuthMode.BROWSER, AuthMode.DEVICE_CODE)  # a Microsoft Entra sign-in, remembered


@dataclass(frozen=True)
class SignInModes:
    sandbox: bool
    from_nothing: bool  # no organisation URL given: no organisation to make a PAT in yet

    def offered(self) -> tuple[AuthMode, ...]:
        return SANDBOX_MODES if self.sandbox else tuple(AuthMode)

    def default(self, said: str, suggested: Callable[[], str]) -> AuthMode:
        """The way chosen first: the answers' (`said`) where it is offered; from nothing, the
        PAT (the answers' default) gives way to the `suggested` one (the browser, a device
        code), called only then."""
        if self.sandbox:
            return AuthMode(said) if said in SANDBOX_MODES else AuthMode.PAT
        if self.from_nothing and said == AuthMode.PAT:
            return AuthMode(suggested())
        return AuthMode(said)

    def types_pat(self, mode: str) -> bool:
        """Whether the token's field is shown (the sandbox's own token is never typed)."""
        return mode == AuthMode.PAT and not self.sandbox

    def remembers(self, mode: str) -> bool:
        """Whether "remember" is offered: the PAT in the keyring, an Entra sign-in cached."""
        return mode == AuthMode.PAT or mode in ENTRA_MODES

    def secrets(self, mode: str, typed_pat: str, remember: bool) -> TypedSecrets:
        """What the run is given for the way chosen (nothing typed in the sandbox)."""
        from ..steps.session import TypedSecrets

        if self.sandbox:
            return TypedSecrets()
        if mode in ENTRA_MODES:
            return TypedSecrets(remember_sign_in=remember)
        if mode != AuthMode.PAT or not typed_pat.strip():
            return TypedSecrets()
        return TypedSecrets(pat=typed_pat.strip(), remember_pat=remember)

    def instead_of(self, mode: str, failure: str) -> AuthMode | None:
        """The way offered in place when the sign-in failed (None: the same way again): a
        device code the organisation blocks gives way to the browser."""
        from ..steps.signin import DEVICE_CODE_BLOCKED  # the engine's sentence for it

        if mode == AuthMode.DEVICE_CODE and DEVICE_CODE_BLOCKED in failure:
            return AuthMode.BROWSER
        return None

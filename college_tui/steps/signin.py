"""Step 1: sign in to Azure DevOps (a personal access token, or Microsoft Entra) and verify it.

The credential is verified with two cheap reads: the profile (who am I) and the organisation's
connectionData (may I use this organisation). A PAT is kept in the system keyring under the
organisation URL, never in a plain-text file: when only an insecure keyring exists it is kept for
this run only, and the step says why.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..vocabulary import AuthMode, StepKey
from .base import Context, Inspection, Outcome, Step, StepError
from .signin_help import (
    device_code_blocked,
    msa_message,
    pat_page,
    pat_refused_hint,
    scopes_text,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from ..azdo.authority import SignInPlace
    from ..azdo.client import AzureDevOps
    from ..azdo.credentials import Credential, EntraCredential
    from ..azdo.models import ConnectionInfo
    from ..target import Target

# Conditional Access blocks the device-code flow in many tenants (2025): the sentence that says
# so (azdo/credentials.py says the same; the sign-in panel offers the browser on seeing it).
DEVICE_CODE_BLOCKED = "Your organisation blocks device-code sign-in"

# Personal Microsoft account domains: Entra cannot issue Azure DevOps tokens for them.
PERSONAL_DOMAINS = (
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "passport.com",
    "outlook.de",
    "hotmail.de",
    "hotmail.co.uk",
    "live.de",
)


def record_file(state_key: str) -> Path:
    """Where a remembered Entra sign-in's authentication record (no token) is kept."""
    # Standard library, but lazy: this module is in the first frame, which needs no OpenSSL.
    import hashlib

    from .state import state_dir

    digest = hashlib.sha256(state_key.encode()).hexdigest()[:16]
    return state_dir() / StepKey.SIGN_IN / f"{digest}.json"


class SignInStep(Step):
    key = StepKey.SIGN_IN

    def inspect(self, ctx: Context) -> Inspection:
        """Verify the credential we already have (nothing interactive); done once remembered."""
        if ctx.azdo is None:
            credential = self._quiet_credential(ctx)
            if credential is None:
                how = (
                    "a personal access token"
                    if ctx.answers.auth == AuthMode.PAT
                    else f"Microsoft Entra ({ctx.answers.auth})"
                )
                return Inspection(False, "Not signed in yet", todo=f"sign in with {how}")
            self._verify(ctx, credential)
        elif not self._user_id:
            self._verify(ctx, ctx.signed_in())
        facts = ctx.state.get(self.key)
        # The organisation by name: a sandbox's URL changes port on every start.
        if facts.get("user_id") != self._user_id or facts.get("org") != ctx.target.org:
            return Inspection(
                False,
                f"The credential works: {self._who}",
                todo=f"sign in as {self._who}",
                facts={"user_id": self._user_id},
            )
        if self._pat_to_store(ctx):
            return Inspection(
                False,
                f"Signed in as {self._who}",
                todo="save the personal access token in the system keyring",
            )
        return Inspection(True, f"Signed in as {self._who}", facts={"user_id": self._user_id})

    def apply(self, ctx: Context) -> Outcome:
        answers = ctx.answers
        if answers.auth == AuthMode.PAT:
            self.note(ctx, scopes_text(ctx.target.org))
        if ctx.credential is not None and (ctx.credential.kind == "pat") != (
            answers.auth == AuthMode.PAT
        ):
            # Another way was chosen than the one signed in with (the sandbox's token, then
            # its device code): sign in that way.
            ctx.azdo, ctx.credential, self._user_id = None, None, ""
        if ctx.azdo is None:
            credential = self._quiet_credential(ctx) or self._interactive_credential(ctx)
            self._verify(ctx, credential)
        elif not self._user_id:
            self._verify(ctx, ctx.signed_in())
        ctx.state.update(
            self.key,
            user_id=self._user_id,
            who=self._who,
            org=ctx.target.org,
            org_url=ctx.target.org_url,
            instance_id=self._instance_id,
            auth=answers.auth,
        )
        how = "a personal access token" if answers.auth == AuthMode.PAT else "Microsoft Entra"
        if self._pat_to_store(ctx):
            from ..workstation.secrets import store_pat

            result = store_pat(ctx.target.org_url, ctx.secrets.pat or "")
            if result.stored:
                self.note(
                    ctx,
                    "The personal access token is saved in your system keyring "
                    f"under {ctx.target.org_url}; the next run will not ask for it.",
                )
            else:
                self.note(ctx, f"The personal access token was not saved: {result.reason}.")
            ctx.state.update(self.key, keyring_checked=True)
        return Outcome(f"Signed in as {self._who} with {how}")

    # -- credentials -------------------------------------------------------------------------

    def _quiet_credential(self, ctx: Context) -> Credential | None:
        """A credential that needs no interaction: the PAT we were given / saved, or Azure CLI."""
        if ctx.credential is not None:
            return ctx.credential
        from ..azdo.credentials import PatCredential, entra_credential

        if ctx.answers.auth == AuthMode.PAT:
            if not ctx.secrets.pat and not ctx.target.sandbox:
                from ..workstation.secrets import load_pat

                try:
                    ctx.secrets.pat = load_pat(ctx.target.org_url)
                except Exception:  # a broken keyring only means "not saved"
                    ctx.secrets.pat = None
            if not ctx.secrets.pat:
                return None
            ctx.state.guard(ctx.secrets.pat)
            return PatCredential(ctx.secrets.pat)
        if ctx.answers.auth == AuthMode.AZURE_CLI:
            return self._entra(ctx, entra_credential)
        return None

    def _interactive_credential(self, ctx: Context) -> Credential:
        if ctx.answers.auth == AuthMode.PAT:
            raise StepError(
                "No personal access token: set AZURE_DEVOPS_PAT, or run without --yes to type it. "
                f"Create one at {pat_page(ctx.target.org_url)}. {scopes_text(ctx.target.org)}"
            )
        from ..azdo.credentials import entra_credential

        return self._entra(ctx, entra_credential)

    def _entra(self, ctx: Context, factory: Callable[..., EntraCredential]) -> EntraCredential:
        from ..azdo.errors import AzdoError

        if ctx.target.sandbox and ctx.answers.auth == AuthMode.AZURE_CLI:
            # never reach login.microsoftonline.com for the offline sandbox
            from .answers import sandbox_auth_problem

            raise StepError(f"Sign-in: {sandbox_auth_problem(ctx.answers.auth)}")
        place = self._place(ctx)
        if place.personal_accounts:  # an organisation of personal accounts: Entra can't reach it
            raise self._personal_account(ctx)
        where: dict[str, Any] = {
            "tenant_id": place.tenant_id,
            "authority": place.authority,
            "cancel": ctx.cancel,
        }
        if ctx.secrets.remember_sign_in and not ctx.target.sandbox:
            where["remember"] = record_file(ctx.target.state_key)
        if place.ca_file:
            where["ca_file"] = place.ca_file
        try:
            return factory(ctx.answers.auth, ctx.emit, step=self.key, **where)
        except AzdoError as exc:
            raise StepError(self._failure(ctx, exc), detail=exc.detail) from None

    def _place(self, ctx: Context) -> SignInPlace:
        """Where to sign in, learnt before any credential is used: the organisation's tenant
        (one unauthenticated request), or the service's when there is no organisation yet. A
        loopback target (a served sandbox) also says its profile host and the CA of its sign-in,
        trusted for that credential alone; its profile host becomes the target's."""

        from ..azdo.authority import discover_service, discover_sign_in, is_loopback
        from ..azdo.errors import AzdoError

        target = ctx.target
        try:
            if target.org_pending:
                place = discover_service(target.org_url.rsplit("/", 1)[0])
            else:
                place = discover_sign_in(target.org_url)
        except AzdoError as exc:
            raise StepError(f"Sign-in: {exc.message}") from None
        if is_loopback(target.org_url) and not target.sandbox:
            ctx.target = learned_target(target, place)
        return place

    # -- verification ------------------------------------------------------------------------

    def _verify(self, ctx: Context, credential: Credential) -> AzureDevOps:
        from ..azdo.client import AzureDevOps
        from ..azdo.errors import AzdoError

        if credential.kind == "pat" and not ctx.target.sandbox and _served(ctx.target):
            self._place(ctx)  # a served sandbox's profile host and SSH (Entra learnt them)
        azdo = AzureDevOps(
            ctx.target.org_url, ctx.target.profile_url, credential, ctx.emit, step=self.key
        )
        from .overlap import Beside

        # The profile (its own host) and the organisation's connection data do not wait for
        # each other: asked at once, with where the organisation's APIs live (issue 28). No
        # organisation yet: the profile is all there is to ask; the organisation step lists
        # them next.
        asked = None
        if not ctx.target.org_pending:
            asked = Beside(azdo, self.key, ctx.emit, _connection_and_discovery, raises=True)
        try:
            profile = azdo.profile()
            if credential.kind != "pat" and _is_personal(profile.email):
                raise self._personal_account(ctx)
            connection = asked.join() if asked is not None else None
        except AzdoError as exc:
            raise StepError(self._failure(ctx, exc), detail=exc.detail) from None
        finally:
            if asked is not None:
                asked.finish()
        ctx.azdo = azdo
        ctx.credential = credential
        self._user_id = profile.id
        self._instance_id = connection.instance_id if connection else ""
        who = profile.display_name or profile.email or "you"
        if profile.email and profile.email != who:
            who = f"{who} ({profile.email})"
        self._who = who
        return azdo

    _user_id: str = ""
    _who: str = "you"
    _instance_id: str = ""

    def _failure(self, ctx: Context, exc: BaseException) -> str:
        from .runner import azdo_message

        message = azdo_message(exc)
        status = getattr(exc, "status", None)
        if getattr(exc, "type_key", None) == "PersonalAccountNotSupported":
            return str(self._personal_account(ctx))
        if getattr(exc, "type_key", None) == "DeviceCodeBlocked":
            return device_code_blocked(ctx)
        if status == 404:
            return (
                f"Sign-in failed: the organisation {ctx.target.org} was not found at "
                f"{ctx.target.org_url}. Check its name. ({message})"
            )
        prefix = "" if message.lower().startswith("sign-in") else "Sign-in failed: "
        hint = ""
        if status in (401, 203) and ctx.answers.auth == AuthMode.PAT:
            hint = pat_refused_hint(ctx)
        return f"{prefix}{message}{hint}"

    def _personal_account(self, ctx: Context) -> StepError:
        """A personal Microsoft account: the short sentence, the PAT's scopes as a note beside it
        (once, not inside the sentence)."""
        if not ctx.target.org_pending:
            self.note(ctx, scopes_text(ctx.target.org))
        return StepError(msa_message(ctx))

    def _pat_to_store(self, ctx: Context) -> bool:
        """True when a PAT should still be offered to the keyring (not in the sandbox)."""
        if (
            ctx.answers.auth != AuthMode.PAT
            or ctx.target.sandbox
            or not ctx.secrets.pat
            or not ctx.secrets.remember_pat
        ):
            return False
        if ctx.state.get(self.key).get("keyring_checked"):
            from ..workstation.secrets import load_pat

            try:
                return load_pat(ctx.target.org_url) != ctx.secrets.pat and _keyring_secure()
            except Exception:
                return False
        return True


def _served(target: Target) -> bool:
    """No organisation yet on the service, or a loopback one (a served sandbox): where to sign in
    and where SSH goes are learnt from it."""
    from ..azdo.authority import is_loopback

    return target.org_pending or is_loopback(target.org_url)


def sandbox_ssh_alias(port: int) -> str:
    """The `Host` name a served sandbox's SSH server gets in the real ~/.ssh (never the real
    ssh.dev.azure.com, which stays the attendee's Azure DevOps)."""
    return f"college-tui-sandbox-{port}"


def _is_personal(email: str | None) -> bool:
    domain = (email or "").rpartition("@")[2].lower()
    return domain in PERSONAL_DOMAINS


def _keyring_secure() -> bool:
    import keyring

    from ..workstation.secrets import insecure_reason

    return insecure_reason(keyring.get_keyring()) is None


def learned_target(target: Target, place: SignInPlace) -> Target:
    """A served sandbox reached as a service (a loopback organisation): its profile host and SSH
    server, as it says them (`place`, azdo.authority), under an SSH alias of its own: the real
    ~/.ssh never gets a block or a pin for ssh.dev.azure.com."""
    changes: dict[str, Any] = {"profile_url": place.profile_url}
    if place.ssh:
        changes.update(
            ssh_alias=sandbox_ssh_alias(place.ssh[1]),
            ssh_hostname=place.ssh[0],
            ssh_port=place.ssh[1],
            ssh_host_key=place.ssh[2],
        )
    return replace(target, **changes)


def _connection_and_discovery(svc: AzureDevOps) -> ConnectionInfo:
    connection = svc.connection_data()
    svc.discover()
    return connection

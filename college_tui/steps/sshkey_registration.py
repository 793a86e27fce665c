"""Registering the SSH key when the portal's API won't (the attendee pastes it while the step
polls) or when the registration has expired (revoked, then registered again); how keys are named
and found in the list."""

from __future__ import annotations

import socket
from datetime import date
from typing import TYPE_CHECKING

from ..events import NeedsYou, Waiting
from .base import Context, Step, StepError
from .sshaccess import SshPaths, can_log_in
from .sshrules import expiry_text

if TYPE_CHECKING:
    from ..azdo.client import AzureDevOps
    from ..azdo.models import SshKey
    from ..workstation.sshkeys import KeyInfo
    from .sshkey import SshKeyStep


def revoke(step: Step, ctx: Context, svc: AzureDevOps, old: SshKey) -> None:
    """An expired or soon-expiring registration: revoked, so the same key can be registered
    again (Azure DevOps refuses the same key twice in an organisation)."""
    from ..azdo.errors import PortalRefused
    from ..azdo.urls import ssh_keys_page

    try:
        svc.revoke_ssh_key(old.authorization_id)
    except PortalRefused as exc:
        raise StepError(
            f"Your key's registration “{old.display_name}” {expiry_text(old.valid_to)}, and "
            f"the wizard could not revoke it to register the key again ({exc.message}) "
            f"Delete it on {ssh_keys_page(ctx.target.org_url)} and run this step again."
        ) from None
    step.note(
        ctx,
        f"Your key's registration “{old.display_name}” {expiry_text(old.valid_to)}: the "
        "wizard revoked it and registers the same key again, valid for a year.",
    )


def hand_off(
    step: SshKeyStep, ctx: Context, svc: AzureDevOps, paths: SshPaths, info: KeyInfo, why: str
) -> str:
    """The portal refused: show the key and the page, then poll until the key is there."""
    from ..azdo.errors import PortalRefused
    from ..azdo.urls import ssh_keys_page

    url = ssh_keys_page(ctx.target.org_url)
    ctx.emit(
        NeedsYou(
            step.key,
            f"Azure DevOps did not let the wizard upload your SSH key ({why}). Add it yourself: "
            "open the SSH public keys page, choose “New Key”, give it a name, paste the key "
            "below (one line, starting with ssh-rsa) and choose Add. The wizard waits until the "
            "key appears.",
            url=url,
            detail=info.public_line,
        )
    )
    ctx.emit(Waiting(step.key, "Waiting for your key to appear in Azure DevOps", step.wait_timeout))
    listing = [True]  # falls back to an SSH login when the key list is refused too

    def appeared() -> str | None:
        """The key's authorization id once listed; "" when only an SSH login shows it."""
        if listing[0]:
            try:
                key = find_key(svc.ssh_keys(), info.key_material)
            except PortalRefused:
                listing[0] = False
            else:
                return None if key is None else key.authorization_id
        return "" if can_log_in(ctx, paths) else None

    authorization_id = ctx.wait_for_person(
        appeared,
        timeout=step.wait_timeout,
        what=f"your SSH key to appear on {url}",
        every=step.poll_interval,
    )
    if authorization_id:
        ctx.state.update(step.key, authorization_id=authorization_id)
    step.note(ctx, "Your key is registered in Azure DevOps: thank you.")
    return "by hand"


def display_name() -> str:
    """How the key is named in Azure DevOps: `college-tui <host> <date>`."""
    host = socket.gethostname().split(".")[0] or "localhost"
    return f"college-tui {host} {date.today().isoformat()}"


def find_key(keys: list[SshKey], material: str) -> SshKey | None:
    from ..workstation.sshkeyfiles import same_key

    return next((k for k in keys if same_key(k.public_data, material)), None)

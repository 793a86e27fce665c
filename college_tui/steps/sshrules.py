"""Today's rules for SSH keys (2025-2026): registrations expire, and an organisation's "SSH
authentication" policy can be off.

Azure DevOps' "Validate SSH key expiration" policy is on by default: a key's registration carries
`validTo`, a notice comes 7 days before, and git over SSH is refused after it. A re-run renews a
registration that has expired or expires within EXPIRY_NOTICE_DAYS. With the SSH policy off the
organisation refuses keys and git over SSH: the clone and the push go over HTTPS instead.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from ..vocabulary import StepKey

if TYPE_CHECKING:
    from .base import Context

EXPIRY_NOTICE_DAYS = 7
# How the portal and the SSH server say the organisation's SSH policy is off (the PAT API's
# error value is `sshPolicyDisabled`).
POLICY_OFF_WORDS = ("SSH authentication is disabled", "sshPolicyDisabled", "SshPolicyDisabled")
POLICY_OFF_NOTE = (
    "Your organisation's SSH policy is off (Organization settings → Policies → SSH "
    "authentication): Azure DevOps refuses SSH keys and git over SSH there, so the clone and the "
    "push go over HTTPS. Your key stays on this machine; once an organisation owner turns the "
    "policy on, run the wizard again to register it."
)


def policy_off(text: str) -> bool:
    """Does a refusal say the organisation's SSH policy is off?"""
    return any(words in text for words in POLICY_OFF_WORDS)


def ssh_off(ctx: Context) -> bool:
    """Did the SSH key step learn that this organisation refuses SSH?"""
    return bool(ctx.state.get(StepKey.SSH_KEY).get("ssh_policy_off"))


def valid_until(valid_to: str | None) -> datetime | None:
    """A registration's `validTo` as an aware datetime (None: unknown or unreadable)."""
    if not valid_to:
        return None
    try:
        moment = datetime.fromisoformat(valid_to.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def needs_renewal(valid_to: str | None, now: datetime | None = None) -> bool:
    """Expired, or expiring within EXPIRY_NOTICE_DAYS."""
    until = valid_until(valid_to)
    now = now or datetime.now(UTC)
    return until is not None and until - now <= timedelta(days=EXPIRY_NOTICE_DAYS)


def expiry_text(valid_to: str | None, now: datetime | None = None) -> str:
    """ "valid until 2027-12-07", "expires on 2026-12-10 (in 3 days)" or "expired on …"."""
    until = valid_until(valid_to)
    if until is None:
        return "expiry unknown"
    now = now or datetime.now(UTC)
    if until <= now:
        return f"expired on {until:%Y-%m-%d}"
    days = (until - now).days
    if days < EXPIRY_NOTICE_DAYS:
        return f"expires on {until:%Y-%m-%d} (in {days} day{'s' if days != 1 else ''})"
    return f"valid until {until:%Y-%m-%d}"

"""Today's service rules (2025-2026) as the sandbox rehearses them, each turned on by a fault.

`faults.py` parses them; the routes, the identity provider and the SSH server ask here. The words
are the real service's where they are known (the PAT API's `patTokenError` values come from the
tokens spec); the rest are marked ASSUMPTION: nobody has published the exact text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .service import Sandbox

FREE_BASIC_SEATS = 5  # the first five Basic users of an organisation cost nothing (owner included)

DEVICE_CODE_BLOCKED = (
    "AADSTS53003: Access has been blocked by Conditional Access policies. The access policy does "
    "not allow token issuance. (The policy blocks the device code flow.)"
)
# ASSUMPTION: the wording of the portal's and the SSH server's refusal when the organisation's
# "SSH authentication" policy is off; the PAT API's error value is `sshPolicyDisabled`.
SSH_POLICY_OFF = (
    "SSH authentication is disabled for this organization (Organization settings → Policies → "
    "SSH authentication)."
)
SSH_POLICY_OFF_GIT = f"remote: {SSH_POLICY_OFF}\nfatal: Could not read from remote repository."
# ASSUMPTION: the tokens page's words when the policy "Restrict personal access token creation"
# is on; the PAT API answers `patTokenError: disablePatCreationPolicyViolation`.
PAT_CREATION_RESTRICTED = (
    "Your organization's policy restricts the creation of personal access tokens "
    "(Organization settings → Policies → Restrict personal access token creation)."
)


def on(sandbox: Sandbox, rule: str) -> bool:
    """Is the fault `rule` (an attribute of faults.Faults, e.g. "pats_restricted") on?"""
    return bool(getattr(sandbox.faults, rule, False))


def tenant_domain(sandbox: Sandbox) -> str:
    """The sandbox directory's domain: its owner's e-mail domain."""
    return (sandbox.config.user_email or "").rpartition("@")[2].lower()


def guest_refusal(sandbox: Sandbox, principal: str) -> dict[str, Any] | None:
    """`guests=off`: an invitation outside the tenant, as the operation result's error."""
    if not on(sandbox, "guests_off"):
        return None
    if principal.rpartition("@")[2].lower() == tenant_domain(sandbox):
        return None
    return {
        "key": 5102,
        "value": (
            f"(5102) You are trying to invite a user from outside your directory: "
            f"'{principal}'. Your organization's policy does not allow external guest access."
        ),
    }


def basic_seats_used(members: list[dict[str, Any]]) -> int:
    return sum(1 for m in members if m.get("accountLicenseType") == "express")


def basic_refusal(sandbox: Sandbox, members: list[dict[str, Any]]) -> dict[str, Any] | None:
    """`licences=counted`: one more Basic user when the five free seats are taken."""
    if not on(sandbox, "licences_counted") or basic_seats_used(members) < FREE_BASIC_SEATS:
        return None
    # ASSUMPTION: the code and words the service uses when no paid Basic licence is left.
    return {
        "key": 5003,
        "value": (
            "VS403283: Could not assign the Basic access level: the organization's "
            f"{FREE_BASIC_SEATS} free Basic users are taken and no billing is set up. Assign "
            "Stakeholder, or set up billing."
        ),
    }


def repos_refusal(sandbox: Sandbox, member: dict[str, Any] | None) -> str | None:
    """`licences=counted`: a Stakeholder (`member`, the caller's entitlement) has no Azure Repos
    in a private project (every sandbox project is private)."""
    if not on(sandbox, "licences_counted") or member is None:
        return None
    if member.get("accountLicenseType") != "stakeholder":
        return None
    return (
        f"TF400813: The user '{member.get('principalName', '')}' is not authorized to "
        "access this resource. Stakeholder access does not include Azure Repos in private "
        "projects."
    )

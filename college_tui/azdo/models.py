"""What the facade returns: small frozen dataclasses, never SDK model objects.

Fields after the ones in the facade contract have defaults, so callers that build these in tests
with the contract's fields keep working.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Profile:
    id: str  # the memberId for the accounts list
    display_name: str
    email: str


@dataclass(frozen=True)
class ConnectionInfo:
    instance_id: str  # the organization's id (targetAccounts of an SSH key)
    user_id: str
    user_descriptor: str
    user_name: str


@dataclass(frozen=True)
class Organization:
    name: str
    id: str
    url: str  # the organization URL (https://dev.azure.com/{name} on the real service)


@dataclass(frozen=True)
class Process:
    id: str
    name: str
    is_default: bool


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    process_id: str | None
    process_name: str | None
    default_team_id: str | None
    default_team_name: str | None
    web_url: str
    state: str = "wellFormed"
    description: str = ""


@dataclass(frozen=True)
class Operation:
    id: str
    status: str  # notSet | queued | inProgress | cancelled | succeeded | failed
    message: str = ""

    @property
    def done(self) -> bool:
        return self.status in ("succeeded", "failed", "cancelled")


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class Invite:
    ok: bool
    message: str
    user_id: str | None = None
    user_descriptor: str | None = None


@dataclass(frozen=True)
class Member:
    id: str
    unique_name: str
    display_name: str
    descriptor: str | None


@dataclass(frozen=True)
class SshKey:
    authorization_id: str
    display_name: str
    public_data: str
    valid_to: str | None = None
    is_valid: bool = True

    @property
    def key_material(self) -> str:
        return key_material(self.public_data)


@dataclass(frozen=True)
class Repository:
    id: str
    name: str
    ssh_url: str | None
    web_url: str | None
    default_branch: str | None  # None while the repository is empty
    size: int
    remote_url: str | None = None
    project_id: str | None = None


@dataclass(frozen=True)
class ImportRequest:
    id: int
    status: str  # queued | inProgress | completed | failed | abandoned
    current_step: int | None
    all_steps: tuple[str, ...] = field(default_factory=tuple)
    error: str | None = None

    @property
    def done(self) -> bool:
        return self.status in ("completed", "failed", "abandoned")


@dataclass(frozen=True)
class Ref:
    name: str  # refs/heads/main
    object_id: str


@dataclass(frozen=True)
class OrgUser:
    """A user of an organisation: e-mail, display name, when added (ISO 8601)."""

    email: str
    name: str
    date_created: str


@dataclass(frozen=True)
class Review:
    """A reviewer of a pull request and their vote (10 approved, 5 with suggestions, 0 none,
    -5 waiting for the author, -10 rejected)."""

    reviewer: str  # unique name (e-mail) or display name
    vote: int = 0

    @property
    def state(self) -> str:
        return REVIEW_STATES.get(self.vote, f"vote {self.vote}")


REVIEW_STATES = {
    10: "approved",
    5: "approved with suggestions",
    0: "waiting for review",
    -5: "waiting for the author",
    -10: "rejected",
}


@dataclass(frozen=True)
class PullRequest:
    id: int
    status: str
    title: str
    source_ref: str
    target_ref: str
    web_url: str | None
    reviewers: tuple[Review, ...] = ()


def key_material(public_line: str) -> str:
    """`type base64` of an OpenSSH public key line (the comment and whitespace don't count)."""
    parts = (public_line or "").split()
    return " ".join(parts[:2])

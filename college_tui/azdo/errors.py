"""AzdoError and the sentences users read when a call to Azure DevOps fails.

Every failure the facade raises is an `AzdoError` whose `.message` says what happened and what to
do next; nothing expected ever reaches the user as a traceback. Messages are redacted here, at the
source. `REQUIRED_PAT_SCOPES` is the list the sign-in step shows before the attendee creates a PAT;
`METHOD_SCOPES` maps each facade method to the scope it needs (API reference §12a).
"""

from __future__ import annotations

from .redact import redact

# (scope, label in the portal's "New token" dialog, why the wizard needs it). Each "manage"/"write"
# scope includes its read scope in the portal, so this is the smallest set covering every call.
REQUIRED_PAT_SCOPES: list[tuple[str, str, str]] = [
    ("vso.profile", "User Profile: Read", "to find who you are and your organizations"),
    ("vso.work", "Work Items: Read", "to find the project's process"),
    (
        "vso.project_manage",
        "Project and Team: Read, write & manage",
        "to create the project and its team",
    ),
    (
        "vso.memberentitlementmanagement_write",
        "Member Entitlement Management: Read & write",
        "to invite your colleagues",
    ),
    ("vso.graph_manage", "Graph: Read & manage", "to add your colleagues to the team"),
    (
        "vso.code_manage",
        "Code: Read, write & manage",
        "to create and import the repository and open pull requests",
    ),
]

PORTAL_API_NOTE = (
    "Setting the default team and uploading your SSH key use the portal's own (undocumented) API, "
    "which may refuse a PAT; if it does, the wizard shows you the page to do it by hand."
)

_LABELS = {scope: label for scope, label, _why in REQUIRED_PAT_SCOPES}
_COVERED_BY = {
    "vso.profile": "vso.profile",
    "vso.work": "vso.work",
    "vso.project": "vso.project_manage",
    "vso.project_manage": "vso.project_manage",
    "vso.memberentitlementmanagement": "vso.memberentitlementmanagement_write",
    "vso.memberentitlementmanagement_write": "vso.memberentitlementmanagement_write",
    "vso.graph": "vso.graph_manage",
    "vso.graph_manage": "vso.graph_manage",
    "vso.code": "vso.code_manage",
    "vso.code_write": "vso.code_manage",
    "vso.code_manage": "vso.code_manage",
}

# facade method -> (what it does, in words for a message; the scope its call needs per the specs)
METHOD_SCOPES: dict[str, tuple[str, str | None]] = {
    "profile": ("read your profile", "vso.profile"),
    "connection_data": ("check your sign-in with the organization", None),
    "organizations": ("list your organizations", "vso.profile"),
    "processes": ("list the processes", "vso.work"),
    "get_project": ("read the project", "vso.project"),
    "queue_create_project": ("create the project", "vso.project_manage"),
    "get_operation": ("follow the project creation", None),
    "teams": ("list the teams", "vso.project"),
    "create_team": ("create the team", "vso.project_manage"),
    "set_default_team": ("set the default team", None),
    "invite": ("invite a colleague", "vso.memberentitlementmanagement_write"),
    "invite_many": ("invite your colleagues", "vso.memberentitlementmanagement_write"),
    "user_entitlement": ("look up a user in the organization", "vso.memberentitlementmanagement"),
    "org_users": ("list the users of the organization", "vso.memberentitlementmanagement"),
    "delete_project": ("delete the project", "vso.project_manage"),
    "delete_repository": ("delete the repository", "vso.code_manage"),
    "remove_user": ("remove a user from the organization", "vso.memberentitlementmanagement_write"),
    "basic_users": ("count the organization's Basic users", "vso.memberentitlementmanagement"),
    "descriptor": ("look up the team's identity", "vso.graph"),
    "is_member": ("check the team membership", "vso.graph"),
    "add_member": ("add a colleague to the team", "vso.graph_manage"),
    "team_members": ("list the team members", "vso.project"),
    "ssh_keys": ("list your SSH keys", None),
    "add_ssh_key": ("upload your SSH key", None),
    "revoke_ssh_key": ("revoke your SSH key's old registration", None),
    "repositories": ("list the repositories", "vso.code"),
    "get_repository": ("read the repository", "vso.code"),
    "create_repository": ("create the repository", "vso.code_manage"),
    "import_requests": ("list the repository imports", "vso.code"),
    "create_import": ("start the repository import", "vso.code_manage"),
    "get_import": ("follow the repository import", "vso.code"),
    "refs": ("list the branches", "vso.code"),
    "pull_requests": ("list the pull requests", "vso.code"),
    "create_pull_request": ("create the pull request", "vso.code_write"),
}

PAT_HELP = (
    "Create a new PAT under User settings → Personal access tokens (expiry of at least a "
    "few days, scopes as listed at sign-in) and paste it here."
)


class AzdoError(Exception):
    """A failed Azure DevOps call, explained: `.message` is what happened and what to do next."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        type_key: str | None = None,
        scope_hint: str | None = None,
    ) -> None:
        self.message = redact(message)
        self.status = status
        self.type_key = type_key
        self.scope_hint = scope_hint
        self.detail = ""  # for the activity log file only (an AADSTS code, a correlation id)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, type_key={self.type_key!r})"


class PortalRefused(AzdoError):
    """The portal's own API (HierarchyQuery, SessionTokens) refused the call: hand off to the browser."""


def what(method: str) -> str:
    return METHOD_SCOPES.get(method, (method.replace("_", " "), None))[0]


def scope_for(method: str) -> str | None:
    """The scope from REQUIRED_PAT_SCOPES to add when `method` is refused (None: not scope-bound)."""
    scope = METHOD_SCOPES.get(method, ("", None))[1]
    return _COVERED_BY.get(scope, scope) if scope else None


def sign_in_failed(
    detail: str = "", *, status: int | None = 401, maybe_scope: str | None = None
) -> AzdoError:
    """401 (or a sign-in page): the credential was not accepted. A PAT that lacks the scope of
    the call can be refused this way too, so `maybe_scope` is named (not set as scope_hint)."""
    why = f" ({detail})" if detail else ""
    scope = ""
    if maybe_scope:
        scope = (
            f" If the same token worked a moment ago, it may lack the scope "
            f"“{_LABELS.get(maybe_scope, maybe_scope)}” ({maybe_scope})."
        )
    return AzdoError(
        f"Sign-in failed: Azure DevOps did not accept your credential{why}. The token may be "
        f"mistyped, expired or revoked. {PAT_HELP}{scope}",
        status=status,
        type_key="UnauthorizedRequestException",
    )


def entra_refused(method: str) -> AzdoError:
    """401 to a Microsoft Entra sign-in: its token was refused (expired: a clock far off, or a
    lifetime cut short), not a PAT to create."""
    return AzdoError(
        f"Sign-in failed: Azure DevOps did not accept your Microsoft Entra sign-in (HTTP 401 "
        f"while trying to {what(method)}): its token expired or was refused. Sign in again (run "
        "the sign-in step again), and check that this computer's date, time and time zone "
        "are right.",
        status=401,
        type_key="UnauthorizedRequestException",
    )


class Cancelled(AzdoError):
    """The attendee cancelled while the azdo layer was waiting (a retry or a Retry-After)."""

    def __init__(self) -> None:
        super().__init__("Cancelled while waiting for Azure DevOps; nothing more was sent.")


def refused(
    method: str, status: int | None, service_message: str = "", type_key: str | None = None
) -> AzdoError:
    """403 (or a 401 on an otherwise valid sign-in): the credential lacks a permission or scope."""
    scope = scope_for(method)
    said = f" Azure DevOps said: {service_message.strip()}" if service_message else ""
    if scope:
        hint = (
            f" If you signed in with a PAT, it needs the scope “{_LABELS.get(scope, scope)}” "
            f"({scope}): edit the token under User settings → Personal access tokens, or "
            "create a new one with the scopes listed at sign-in."
        )
    else:
        hint = " Ask an organization administrator for access, or sign in with another account."
    return AzdoError(
        f"Azure DevOps refused to {what(method)} (HTTP {status}).{said}{hint}",
        status=status,
        type_key=type_key,
        scope_hint=scope,
    )


def org_not_found(org_url: str, status: int | None = 404) -> AzdoError:
    return AzdoError(
        f"Organization not found: Azure DevOps has no organization at {org_url} (HTTP {status}). "
        "Check the name (the part after dev.azure.com/) or create the organization first.",
        status=status,
        type_key="HostNotFoundException",
    )


def service_trouble(method: str, status: int | None) -> AzdoError:
    return AzdoError(
        f"Azure DevOps is having trouble (HTTP {status}) and could not {what(method)} — try again "
        "in a minute; nothing was lost.",
        status=status,
    )


def rate_limited(method: str, seconds: float | None) -> AzdoError:
    wait = f" It asked us to wait {seconds:.0f} s more." if seconds else ""
    return AzdoError(
        f"Azure DevOps is limiting how fast we may call it, so we could not {what(method)} yet."
        f"{wait} Wait a few minutes and try again; nothing was lost.",
        status=429,
        type_key="RequestBlockedException",
    )


def unreachable(method: str, host: str, reason: str) -> AzdoError:
    return AzdoError(
        f"Could not reach Azure DevOps ({host}) to {what(method)}: {reason}. Check your network "
        "connection (and proxy settings), then try again; nothing was lost."
    )


def service_error(method: str, status: int | None, message: str, type_key: str | None) -> AzdoError:
    """Any other refusal: the service's own sentence, prefixed with what we were doing."""
    code = f" (HTTP {status})" if status else ""
    text = message.strip() or "no details were given"
    return AzdoError(f"Could not {what(method)}{code}: {text}", status=status, type_key=type_key)


MSA_HELP = (
    "Personal Microsoft accounts (like @outlook.com, @hotmail.com or @live.com) can't get an "
    "Entra sign-in token for Azure DevOps. Sign in with a personal access token instead: in Azure "
    "DevOps open User settings → Personal access tokens (https://dev.azure.com/<your organization>/"
    "_usersSettings/tokens), choose New Token, tick the scopes listed here, create it and paste it "
    "into the wizard."
)


def personal_account() -> AzdoError:
    return AzdoError(
        f"Sign-in with Microsoft Entra failed. {MSA_HELP}",
        status=None,
        type_key="PersonalAccountNotSupported",
    )

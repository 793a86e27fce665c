"""Web pages of Azure DevOps the wizard shows or opens (built from the org URL, never a fixed host)."""

from __future__ import annotations

from urllib.parse import quote


def _segment(name: str) -> str:
    return quote(name, safe="")


def project_web_url(org_url: str, project: str) -> str:
    """`{org_url}/{project}`: the project's home page."""
    return f"{org_url.rstrip('/')}/{_segment(project)}"


def pull_request_web_url(repo_web_url: str, pull_request_id: int) -> str:
    """`{repo.webUrl}/pullrequest/{id}`."""
    return f"{repo_web_url.rstrip('/')}/pullrequest/{pull_request_id}"


def ssh_keys_page(org_url: str) -> str:
    """User settings → SSH public keys, where a key is added by hand."""
    return f"{org_url.rstrip('/')}/_usersSettings/keys"


def personal_access_tokens_page(org_url: str) -> str:
    """User settings → Personal access tokens."""
    return f"{org_url.rstrip('/')}/_usersSettings/tokens"


def team_settings_page(org_url: str, project: str) -> str:
    """Project settings → Teams, where the default team is set by hand."""
    return f"{project_web_url(org_url, project)}/_settings/teams"


def sibling_org_url(org_url: str, name: str) -> str:
    """The URL of organization `name` on the same service as `org_url` (last segment replaced)."""
    base = org_url.rstrip("/").rsplit("/", 1)[0]
    return f"{base}/{_segment(name)}"

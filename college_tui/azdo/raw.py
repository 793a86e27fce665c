"""The calls the SDK lacks: the portal's HierarchyQuery data providers and Token/SessionTokens.

They are sent with plain `requests` (on the observed session of azdo/http.py) with the same
Authorization header as the SDK, `X-TFS-FedAuthRedirect: Suppress` and no redirects. Without that
header Azure DevOps answers a bad credential with HTTP 203 and an HTML sign-in page, so a 203, any
HTML body and any 3xx all mean "sign-in failed" here (API reference §11c).

Failures are classified only by what the real service is known to send, the status code and the
message (API reference §4b, §6, §11): the portal's API is undocumented, public clients report it
refusing PATs (401) and nobody has published the shape of a failing data provider. So 429 and 5xx
are retried, and every other failure of a portal call, whatever its body, is a `PortalRefused`
that quotes the service's message and sends the attendee to the page that does it by hand. No
decision reads a `typeKey`: the ones the sandbox puts in provider failures are its own invention.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from .errors import PortalRefused, sign_in_failed, what
from .models import SshKey
from .urls import ssh_keys_page, team_settings_page

if TYPE_CHECKING:
    import requests


RAW_API_VERSION = "5.0-preview.1"
DEFAULT_TEAM_PROVIDER = "ms.vss-admin-web.admin-teams-data-provider"
SSH_KEY_PROVIDER = "ms.vss-token-web.personal-access-token-issue-session-token-provider"

# Resource areas whose host serves Token/SessionTokens (vssps.dev.azure.com on the service).
TOKEN_HOST_AREAS = (
    "af68438b-ed04-4407-9eb6-f1dbae3f922e",  # TokenAdmin
    "8a3d49b8-91f0-46ef-b33d-dda338c25db3",  # IMS
    "bb1e7ec9-e901-4b68-999a-de7012b920f8",  # Graph
)


class HttpStatusError(Exception):
    """A raw call answered with an error status; the facade maps it like an SDK error."""

    def __init__(self, status: int, message: str, type_key: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type_key = type_key


def raw_headers(auth_header: str, *, body: bool = False) -> dict[str, str]:
    headers = {
        "Authorization": auth_header,
        "Accept": f"application/json;api-version={RAW_API_VERSION}",
        "X-TFS-FedAuthRedirect": "Suppress",
        "X-VSS-ForceMsaPassThrough": "true",
    }
    if body:
        headers["Content-Type"] = "application/json"
    return headers


def _json(response: requests.Response) -> Any:
    text = response.content.decode("utf-8-sig", errors="replace").strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def service_message(body: Any) -> str:
    """The service's own sentence in an error body or a failed provider's details, any shape.

    The WrappedException's `message`; the older `Message` / `{"value": {"Message"}}` forms the SDK
    also reads (API reference §11a); a bare string; "" when there is none.
    """
    if isinstance(body, str):
        return body.strip()
    if not isinstance(body, dict):
        return ""
    for found in (
        body.get("message"),
        body.get("Message"),
        (body.get("value") or {}).get("Message") if isinstance(body.get("value"), dict) else None,
    ):
        if isinstance(found, str) and found.strip():
            return found.strip()
    return ""


def check_raw_response(response: requests.Response, method: str, *, portal: bool = True) -> Any:
    """The parsed JSON of a raw call's response, or the AzdoError its status means.

    203, 3xx and HTML bodies are a sign-in page: the credential was not accepted. 5xx and 429
    raise HttpStatusError (the retry layer retries those). Any other failure of a portal call
    raises PortalRefused with the service's message, so the step hands off to the browser.
    """
    status = response.status_code
    content_type = (response.headers.get("Content-Type") or "").lower()
    if status == 203 or 300 <= status < 400 or (status < 300 and "text/html" in content_type):
        raise sign_in_failed(
            f"HTTP {status}, Azure DevOps answered with its sign-in page", status=status
        )
    body = _json(response)
    message = service_message(body)
    if status >= 400 and (status == 429 or status >= 500):  # typeKey: a sandbox's storage
        type_key = body.get("typeKey") if isinstance(body, dict) else None
        raise HttpStatusError(status, message or f"HTTP {status}", type_key)
    if status >= 400 and portal:
        said = f": {message}" if message else ""
        raise PortalRefused(
            f"Azure DevOps did not let the wizard {what(method)} through its portal API "
            f"(HTTP {status}{said}). This API is undocumented and often refuses personal access "
            "tokens; the wizard will show you how to do it in the browser instead.",
            status=status,
        )
    if status == 401:
        raise sign_in_failed(f"HTTP {status}", status=status)
    if status >= 400:  # a documented REST call: its WrappedException's typeKey is real (§11a)
        type_key = body.get("typeKey") if isinstance(body, dict) else None
        raise HttpStatusError(status, message or f"HTTP {status}", type_key)
    return body


def _iso(valid_to: Any) -> str:
    if isinstance(valid_to, datetime):
        moment = valid_to if valid_to.tzinfo else valid_to.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(valid_to, date):
        return f"{valid_to.isoformat()}T00:00:00.000Z"
    return str(valid_to)


def default_team_query(org_url: str, project: str, team_id: str) -> dict[str, Any]:
    """HierarchyQuery body that makes `team_id` the project's default team (reference §4b)."""
    return {
        "contributionIds": [DEFAULT_TEAM_PROVIDER],
        "dataProviderContext": {
            "properties": {
                "setDefaultTeam": True,
                "teamId": team_id,
                "sourcePage": {
                    "url": team_settings_page(org_url, project),
                    "routeId": "ms.vss-admin-web.project-admin-hub-route",
                    "routeValues": {
                        "project": project,
                        "adminPivot": "teams",
                        "controller": "ContributedPage",
                        "action": "Execute",
                    },
                },
            }
        },
    }


def ssh_key_query(
    org_url: str, display_name: str, public_line: str, instance_id: str, valid_to: Any
) -> dict[str, Any]:
    """HierarchyQuery body that registers an SSH public key (reference §6)."""
    return {
        "contributionIds": [SSH_KEY_PROVIDER],
        "dataProviderContext": {
            "properties": {
                "displayName": display_name,
                "publicData": public_line.strip(),
                "validTo": _iso(valid_to),
                "scope": "app_token",
                "isPublic": True,
                "targetAccounts": [instance_id],
                "sourcePage": {
                    "url": ssh_keys_page(org_url),
                    "routeId": "ms.vss-admin-web.user-admin-hub-route",
                    "routeValues": {
                        "adminPivot": "keys",
                        "controller": "ContributedPage",
                        "action": "Execute",
                    },
                },
            }
        },
    }


def provider_result(body: Any, provider: str, method: str) -> Any:
    """The data one provider returned in a HierarchyQuery answer; PortalRefused when it failed.

    The portal reports a failing provider with HTTP 200, in `exceptions` (or
    `dataProviderExceptions`) keyed by its id. What the details hold on the real service is not
    known, so whatever they are, the service's message is shown and the step hands off.
    """
    if not isinstance(body, dict):
        raise PortalRefused(
            f"Azure DevOps gave no usable answer when asked to {what(method)}; "
            "the wizard will show you how to do it in the browser instead."
        )
    for key in ("exceptions", "dataProviderExceptions"):
        failures = body.get(key) or {}
        failure = failures.get(provider) if isinstance(failures, dict) else None
        if failure:
            detail = service_message(failure) or "no reason given"
            raise PortalRefused(
                f"Azure DevOps refused to {what(method)} through its portal API: {detail}"
                f"{'' if detail.endswith('.') else '.'} The wizard will show you how to do it in "
                "the browser instead."
            )
    return (body.get("dataProviders") or {}).get(provider)


def ssh_key_from(data: dict[str, Any]) -> SshKey:
    return SshKey(
        authorization_id=str(data.get("authorizationId") or ""),
        display_name=str(data.get("displayName") or ""),
        public_data=str(data.get("publicData") or ""),
        valid_to=data.get("validTo"),
        is_valid=bool(data.get("isValid", True)),
    )


def session_tokens(body: Any) -> list[dict[str, Any]]:
    """The SessionToken list of a Token/SessionTokens answer (a bare array or {count, value})."""
    if isinstance(body, dict):
        body = body.get("value")
    if not isinstance(body, list):
        return []
    return [item for item in body if isinstance(item, dict)]

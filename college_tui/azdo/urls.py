"""Web pages of Azure DevOps the wizard shows or opens (built from the org URL, never a fixed host)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

if TYPE_CHECKING:
    from urllib.parse import SplitResult


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


# -- the organisation URL the attendee types ------------------------------------------------------

AZURE_HOST = "dev.azure.com"
# Where Microsoft signs a person up for a new organisation (the portal; no API creates one).
SIGNUP_URL = "https://go.microsoft.com/fwlink/?LinkId=307137"
LEGACY_SUFFIX = ".visualstudio.com"


class OrgUrlError(ValueError):
    """The text is not an organisation URL college-tui may send a token to (a sentence)."""


class OrgUrlNeedsName(OrgUrlError):
    """`https://dev.azure.com/` alone: the organisation's name is missing (ask for it)."""


@dataclass(frozen=True)
class OrgUrl:
    """A normalised organisation URL and what normalising changed (one sentence each)."""

    url: str
    notes: tuple[str, ...] = ()

    @property
    def org(self) -> str:
        return self.url.rsplit("/", 1)[-1]


def is_loopback(host: str) -> bool:
    """localhost or a loopback address (the sandbox): plain http stays on this machine."""
    host = (host or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_org_url(text: str) -> OrgUrl:
    """The organisation URL in `text`, as `https://dev.azure.com/ORG` (or a loopback sandbox URL).

    Accepts `https://dev.azure.com/ORG[/anything]` (a pasted project or repository URL: the rest
    is dropped, saying so) and the legacy `https://ORG.visualstudio.com[/...]` (rewritten, saying
    so). Loopback `http(s)://127.0.0.1:P/ORG` or `localhost` is kept as given (the sandbox).
    Anything else raises OrgUrlError, so no token is ever sent to another host; a URL holding
    a user name or token is refused without repeating it. `https://dev.azure.com/` alone raises
    OrgUrlNeedsName. The organisation name itself is checked by the caller (naming rules: only
    letters, digits and hyphens, so it needs no quoting).
    """
    raw = (text or "").strip()
    if not raw.lower().startswith(("https://", "http://")):
        raise OrgUrlError(f"{raw!r} is not a URL: use https://dev.azure.com/NAME.")
    parts = urlsplit(raw)
    if "@" in parts.netloc:  # never repeat it: it may hold the token
        raise OrgUrlError(
            "put no user name or token in the URL: college-tui reads the personal "
            "access token from AZURE_DEVOPS_PAT, the keyring or a hidden prompt."
        )
    host = (parts.hostname or "").lower()
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if segments and ("/" in segments[0] or "\\" in segments[0] or segments[0] in (".", "..")):
        # org%2F..%2Fx would name one organisation and run on another
        raise OrgUrlError(
            f"the organisation name in the URL ({segments[0]!r}) holds an encoded '/' or '..': "
            "use https://dev.azure.com/NAME with the name alone."
        )
    if is_loopback(host):  # the sandbox (or a local emulator): the URL is used as given
        if not segments:
            raise OrgUrlNeedsName(
                f"the URL has no organisation name: add it, e.g. {raw.rstrip('/')}/NAME."
            )
        base = f"{parts.scheme.lower()}://{parts.netloc}"
        return _with_rest(f"{base}/{segments[0]}", segments[1:], parts)
    if parts.scheme.lower() != "https":
        raise OrgUrlError("http:// would send your token unencrypted: use https://.")
    if host == AZURE_HOST and parts.port in (None, 443):
        if not segments:
            raise OrgUrlNeedsName(
                "the URL has no organisation name: use https://dev.azure.com/NAME."
            )
        return _with_rest(f"https://{AZURE_HOST}/{segments[0]}", segments[1:], parts)
    if host.endswith(LEGACY_SUFFIX) and host.count(".") == 2 and parts.port in (None, 443):
        org = host[: -len(LEGACY_SUFFIX)]
        if org in ("app", "vssps", "www", "status"):  # the service's own hosts
            raise OrgUrlError(
                f"{host} is a service host, not an organisation: use https://dev.azure.com/NAME."
            )
        url = f"https://{AZURE_HOST}/{org}"
        found = _with_rest(url, segments, parts)
        return OrgUrl(found.url, (f"{raw} is the older form of {url}: using {url}.", *found.notes))
    if host == AZURE_HOST or (host.endswith(LEGACY_SUFFIX) and host.count(".") == 2):
        raise OrgUrlError(
            f"Azure DevOps answers on the standard HTTPS port, not port {parts.port}: remove "
            f":{parts.port} from the URL (https://{AZURE_HOST}/NAME)."
        )
    raise OrgUrlError(
        f"{host or raw!r} is not Azure DevOps: use https://dev.azure.com/NAME "
        "(or https://NAME.visualstudio.com). college-tui sends your token to "
        "Azure DevOps only."
    )


def _with_rest(url: str, rest: list[str], parts: SplitResult) -> OrgUrl:
    ignored = "/".join(rest)
    if parts.query:
        ignored += f"?{parts.query}"
    if parts.fragment:
        ignored += f"#{parts.fragment}"
    if not ignored:
        return OrgUrl(url)
    return OrgUrl(url, (f"Using the organisation {url}; ignored the rest of the URL ({ignored}).",))

"""Where to sign in for an organisation: its tenant and authority, learnt as Git Credential
Manager learns them, from one unauthenticated request.

`HEAD {org_url}` without credentials answers with `X-VSS-ResourceTenant` (the tenant's GUID; the
all-zero GUID for an organisation of personal Microsoft accounts) and `WWW-Authenticate: Bearer
authorization_uri=https://login.microsoftonline.com/{tenant}`. For an organisation on Microsoft's
service the authority and the profile host are Microsoft's, whatever a header says. For a loopback
organisation (a served sandbox) the authority comes from that header and must be loopback https
too; the profile host and the CA that signed the authority's certificate come from the sandbox
(`/_sandbox/identity` and its `ca.pem`). That CA is trusted only for that authority, per
credential (`connection_verify`), never process-wide: REQUESTS_CA_BUNDLE would replace the
system's bundle for every other HTTPS call.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .errors import AzdoError

if TYPE_CHECKING:
    from collections.abc import Mapping

    import requests


MICROSOFT_AUTHORITY = "https://login.microsoftonline.com"
MICROSOFT_PROFILE = "https://app.vssps.visualstudio.com"
PERSONAL_ORG_TENANT = "00000000-0000-0000-0000-000000000000"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_BEARER = re.compile(r"Bearer\s+authorization_uri=\"?([^\s,\"]+)", re.IGNORECASE)
_TENANT = re.compile(r"^[A-Za-z0-9.-]+$")
_CA_FILES: dict[str, str] = {}  # sha256 of a CA's PEM -> the private file holding it
_CA_LOCK = threading.Lock()


@dataclass(frozen=True)
class SignInPlace:
    """How to sign in for one organisation (pass to `entra_credential`)."""

    org_url: str
    tenant_id: str | None  # None: the organisation does not say (use "organizations")
    authority: str  # https://login.microsoftonline.com, or a served sandbox's https://127.0.0.1:P
    profile_url: str  # the profile host (app.vssps.visualstudio.com, or the sandbox's /app)
    ca_file: str | None = None  # the CA to trust for `authority` only (loopback sandboxes)
    # A served sandbox's SSH server (host, port, "ssh-rsa AAAA..." host key), on loopback only
    ssh: tuple[str, int, str | None] | None = None

    @property
    def personal_accounts(self) -> bool:
        """The organisation is backed by personal Microsoft accounts: Entra tokens can't reach it,
        a personal access token can."""
        return self.tenant_id == PERSONAL_ORG_TENANT


def is_loopback(url: str) -> bool:
    """Whether `url` points at this machine (where a served sandbox listens)."""
    return (urlsplit(url).hostname or "").lower() in LOOPBACK_HOSTS


def _tenant_from(headers: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(tenant, authority base) from a refusal's headers; either may be None."""
    tenant = (headers.get("X-VSS-ResourceTenant") or "").strip() or None
    authority = None
    match = _BEARER.search(headers.get("WWW-Authenticate") or "")
    if match:
        parts = urlsplit(match[1])
        if parts.scheme and parts.netloc:
            authority = f"{parts.scheme}://{parts.netloc}"
            segment = parts.path.strip("/").split("/", 1)[0]
            tenant = tenant or segment or None
    if tenant is not None and not _TENANT.match(tenant):
        tenant = None  # azure-identity refuses such a tenant_id; let it default
    return tenant, authority


def _unreachable(org_url: str, error: Exception) -> AzdoError:
    return AzdoError(
        f"Could not reach {org_url} to learn where to sign in ({type(error).__name__}). Check the "
        "organisation URL and your network connection, then try again."
    )


def discover_sign_in(org_url: str, *, timeout: float = 10) -> SignInPlace:
    """The tenant, authority, profile host (and, for a loopback sandbox, CA) of `org_url`.

    One unauthenticated HEAD of the organisation's URL, as Git Credential Manager does; a
    loopback organisation also answers `/_sandbox/identity`. Raises AzdoError with a sentence.
    """
    import requests

    from .tls import use_system_trust

    use_system_trust()
    org_url = org_url.rstrip("/")
    try:
        answer = requests.head(org_url, timeout=timeout, allow_redirects=False)
    except requests.RequestException as error:
        raise _unreachable(org_url, error) from None
    if answer.status_code == 404:
        raise AzdoError(
            f"The organisation {org_url} does not exist (the service answered 404). Check its "
            "name in the URL, or create it first."
        )
    tenant, authority = _tenant_from(answer.headers)
    if not is_loopback(org_url):
        return SignInPlace(org_url, tenant, MICROSOFT_AUTHORITY, MICROSOFT_PROFILE)
    return _sandbox_place(org_url, tenant, authority, timeout)


def discover_service(service_url: str, *, timeout: float = 10) -> SignInPlace:
    """Where to sign in before any organisation is chosen, on the service at `service_url`.

    Microsoft's service: its authority ("organizations", the tenant comes with the account) and
    profile host, nothing asked. A loopback service (a served sandbox) says it itself, as for a
    loopback organisation. `SignInPlace.org_url` is the service's URL. Raises AzdoError.
    """
    service_url = service_url.rstrip("/")
    if not is_loopback(service_url):
        return SignInPlace(service_url, None, MICROSOFT_AUTHORITY, MICROSOFT_PROFILE)
    return _sandbox_place(service_url, None, None, timeout, base=service_url)


def _sandbox_place(
    org_url: str,
    tenant: str | None,
    authority: str | None,
    timeout: float,
    base: str | None = None,
) -> SignInPlace:
    import requests

    from .tls import use_system_trust

    use_system_trust()
    base = base or org_url.rsplit("/", 1)[0]
    try:
        described = requests.get(f"{base}/_sandbox/identity", timeout=timeout)
    except requests.RequestException as error:
        raise _unreachable(org_url, error) from None
    about = _json_object(described)
    if about is None or (described.status_code != 200 and "identity" not in str(about)):
        raise AzdoError(  # a web server on that port, but no sandbox (`python -m http.server`)
            f"{base} does not answer as a college-tui sandbox (GET /_sandbox/identity: HTTP "
            f"{described.status_code}): check the address and port (`college-tui sandbox "
            "serve` prints them), or use https://dev.azure.com for Azure DevOps."
        )
    about = about if described.status_code == 200 else {}
    authority = authority or about.get("authority")
    if not authority or not about.get("ca_url"):
        raise AzdoError(
            f"The sandbox at {base} has no sign-in (identity provider) running: sign in with its "
            "personal access token, or start it again with `college-tui sandbox serve`."
        )
    parts, ca_url = urlsplit(authority), about["ca_url"]
    if parts.scheme != "https" or not is_loopback(authority) or not is_loopback(ca_url):
        raise AzdoError(
            f"The sandbox at {base} names a sign-in authority or CA that is not on this machine "
            f"({parts.netloc}): college-tui trusts the sandbox's certificate only on loopback. "
            "Sign in with its personal access token instead."
        )
    try:
        pem = requests.get(ca_url, timeout=timeout)
    except requests.RequestException as error:
        raise _unreachable(org_url, error) from None
    if pem.status_code != 200 or b"BEGIN CERTIFICATE" not in pem.content:
        raise AzdoError(
            f"The sandbox at {base} did not hand out its CA certificate (HTTP {pem.status_code}): "
            "restart it with `college-tui sandbox serve`, or sign in with its token."
        )
    profile = about.get("profile_url") or f"{base}/app"
    if not is_loopback(profile):
        profile = f"{base}/app"
    tenant = tenant or about.get("tenant_id")
    return SignInPlace(org_url, tenant, authority, profile, _ca_file(pem.content), _ssh(about))


def _json_object(answer: requests.Response) -> dict[str, Any] | None:
    """The answer's body when it is a JSON object, else None."""
    try:
        body = answer.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _ssh(about: dict[str, Any]) -> tuple[str, int, str | None] | None:
    """The sandbox's SSH endpoint from its description, when it is on loopback."""
    ssh = about.get("ssh") or {}
    host, port = ssh.get("host"), ssh.get("port")
    if not host or not isinstance(port, int) or host not in LOOPBACK_HOSTS:
        return None
    return host, port, ssh.get("host_key") or None


def _remove_ca_files() -> None:
    """Remove the CA folders this process made (at exit: a credential may still read them)."""
    with _CA_LOCK:
        for path in _CA_FILES.values():
            shutil.rmtree(os.path.dirname(path), ignore_errors=True)
        _CA_FILES.clear()


def _ca_file(pem: bytes) -> str:
    """A private file holding `pem` (a public certificate), made once per process and CA."""
    digest = hashlib.sha256(pem).hexdigest()
    with _CA_LOCK:
        path = _CA_FILES.get(digest)
        if path and os.path.exists(path):
            return path
        folder = tempfile.mkdtemp(prefix="college-tui-sandbox-ca-")  # 0700, ours alone
        if not _CA_FILES:
            atexit.register(_remove_ca_files)  # nothing left in the temp folder
        path = os.path.join(folder, "ca.pem")
        with open(path, "wb") as out:
            out.write(pem)
        _CA_FILES[digest] = path
        return path

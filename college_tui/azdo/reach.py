"""Can this machine reach a web address? One unauthenticated request, the user's proxy honoured.

`requests` reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY itself (trust_env), as the SDK does, so a
probe that passes here means the wizard's own calls get through the same way.
"""

from __future__ import annotations

import html
import re
import socket
import ssl
import time
from dataclasses import dataclass
from typing import cast
from urllib.parse import urlsplit

from .errors import AzdoError


@dataclass(frozen=True)
class Reached:
    """Any HTTP answer counts: the service is there (signing in is another check)."""

    status: int
    milliseconds: float
    proxy: str | None  # the proxy requests chose for this URL, None when direct
    issuer: str | None = None  # who signed the HTTPS certificate (None: not HTTPS, or unknown)


# Who signs Azure DevOps' certificates (and the other public CAs a direct connection meets): any
# other issuer means something between here and the service re-signs TLS (a company proxy).
PUBLIC_ISSUERS = ("Microsoft", "DigiCert", "Baltimore", "Let's Encrypt", "GlobalSign", "Sectigo")


def reach(url: str, timeout: float = 5) -> Reached:
    """GET `url` without credentials or redirects; AzdoError with a sentence when nothing answers."""
    import requests
    from requests.utils import get_environ_proxies

    from .tls import use_system_trust

    use_system_trust()

    proxy = get_environ_proxies(url).get(url.split(":", 1)[0].lower())
    start = time.perf_counter()
    try:
        response = requests.get(
            url,
            timeout=timeout,
            allow_redirects=False,
            headers={"User-Agent": "college-tui doctor"},
        )
        response.close()
    except requests.exceptions.SSLError:
        raise AzdoError(
            f"The TLS certificate of {url} was not trusted, not even by this computer's trust "
            "store. A company proxy that inspects HTTPS can cause this: ask your IT team to "
            "install its certificate in the system's trust store (college-tui uses it), or use "
            "another network."
        ) from None
    except requests.exceptions.ProxyError:
        raise AzdoError(
            f"The proxy {proxy} did not pass the request to {url} on. Check HTTPS_PROXY / "
            "NO_PROXY (or ask your IT team for the right proxy)."
        ) from None
    except requests.exceptions.Timeout:
        raise AzdoError(
            f"{url} did not answer within {timeout:g} s. Check your network connection and "
            "proxy settings (HTTPS_PROXY), then try again."
        ) from None
    except requests.exceptions.RequestException as exc:
        why = type(exc).__name__
        raise AzdoError(
            f"Could not connect to {url} ({why}). Check your network connection and proxy "
            "settings (HTTPS_PROXY), then try again."
        ) from None
    elapsed = (time.perf_counter() - start) * 1000
    issuer = tls_issuer(url, timeout) if url.startswith("https://") and not proxy else None
    return Reached(response.status_code, elapsed, proxy, issuer)


def tls_issuer(url: str, timeout: float = 5) -> str | None:
    """The organisation (or common name) that signed `url`'s certificate, verified with the trust
    store in use; None when it can't be read."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        context = ssl.create_default_context()
        with (
            socket.create_connection((host, parts.port or 443), timeout=timeout) as raw,
            context.wrap_socket(raw, server_hostname=host) as tls,
        ):
            cert = tls.getpeercert() or {}
    except (OSError, ValueError):
        return None
    # ssl documents "issuer" as a tuple of RDNs, each a tuple of (key, value) pairs; typeshed
    # types every value of the certificate's dict alike (str or nested tuples)
    issuer = cast(tuple[tuple[tuple[str, str], ...], ...], cert.get("issuer", ()))
    fields = {key: value for rdn in issuer for key, value in rdn}
    return fields.get("organizationName") or fields.get("commonName")


def re_signed(issuer: str | None) -> bool:
    """Does the issuer say that something re-signs TLS (not one of the public CAs)?"""
    return bool(issuer) and not any(name in (issuer or "") for name in PUBLIC_ISSUERS)


def sign_up(signup_url: str, name: str, account: str, timeout: float = 10) -> str | None:
    """Create organisation `name` on a sandbox's sign-up page as `account`, as a person at a
    browser would (headless class rehearsals); None when done, else what the page said."""
    import requests

    try:
        response = requests.post(
            signup_url.split("?", 1)[0],
            data={"name": name, "account": account},
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.exceptions.RequestException as exc:
        return f"the sign-up page did not answer ({type(exc).__name__})"
    if response.status_code in (200, 201):
        return None

    problem = re.search(r'class="error"[^>]*>([^<]+)<', response.text)
    said = problem.group(1) if problem else f"HTTP {response.status_code}"
    return html.unescape(" ".join(said.split()))[:300]

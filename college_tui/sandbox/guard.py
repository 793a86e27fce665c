"""The sandbox answers only loopback names, and changes nothing for another site's page.

It listens on loopback only, but a web page can still reach it: by DNS rebinding (a name the
attacker controls answering 127.0.0.1: the browser sends `Host: evil.example:PORT`, and the
sandbox built its links from that Host) or by a cross-site form (a POST to `/_sandbox/signup`
made an organisation). The outermost ASGI layer therefore answers only `Host` values on loopback
(`127.0.0.1`, `localhost`, `[::1]`, with the port it listens on), and refuses a state-changing
request (POST, PUT, PATCH, DELETE) whose `Origin` (or, without one, `Referer`) is another site.
Clients that are not browsers (the SDK, git, MSAL) send no Origin and are not affected.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK_NAMES = {"127.0.0.1", "localhost", "[::1]", "::1"}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def _split(netloc: str) -> tuple[str, int | None]:
    """(host name, port) of a `Host` value or URL authority; port None when absent or bad."""
    netloc = netloc.strip().lower()
    if netloc.startswith("["):
        name, _, rest = netloc.partition("]")
        name += "]"
        port_text = rest[1:] if rest.startswith(":") else ""
    else:
        name, _, port_text = netloc.partition(":")
    try:
        port = int(port_text) if port_text else None
    except ValueError:
        return "", None
    return name, port


def loopback_host(value: str, port: int | None) -> bool:
    """True when `value` (a Host header or URL authority) names loopback at `port`."""
    name, given = _split(value)
    if name not in LOOPBACK_NAMES:
        return False
    return given is None or port is None or given == port


def same_site(origin: str, port: int | None) -> bool:
    """True when an Origin or Referer URL is one of this sandbox's own loopback addresses."""
    parts = urlsplit(origin.strip())
    return parts.scheme in ("http", "https") and loopback_host(parts.netloc, port)


def refusal(method: str, headers: dict[str, str], port: int | None) -> tuple[int, str] | None:
    """(status, sentence) when the request must be refused, else None."""
    host = headers.get("host", "")
    if not loopback_host(host, port):
        return 400, (
            f"Bad Request: this sandbox answers only its loopback addresses (127.0.0.1, "
            f"localhost, [::1]), not the host name {host[:80]!r}."
        )
    if method in STATE_CHANGING:
        origin = headers.get("origin") or headers.get("referer")
        if origin is not None and not same_site(origin, port):
            return 403, (
                "Forbidden: a page of another site may not change this sandbox "
                f"(the request came from {origin[:80]!r})."
            )
    return None


class LoopbackGuard:
    """Outermost ASGI layer: the Host allow-list and the cross-site refusal, for HTTP."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        server = scope.get("server") or (None, None)
        refused = refusal(scope["method"], headers, server[1])
        if refused is None:
            return await self.app(scope, receive, send)
        status, message = refused
        body = json.dumps({"message": message, "typeKey": "RequestRefusedException"}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

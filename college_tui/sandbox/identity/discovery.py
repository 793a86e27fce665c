"""What the REST port tells a client about signing in here: `/_sandbox/identity` (JSON: the
authority, the tenant, the profile host, where the CA is) and `/_sandbox/identity/ca.pem`.

A loopback client learns the identity provider and the CA to trust for it from these (plain
http on loopback: nothing crosses the network). The CA certificate is public; no key is served.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from .accounts import tenant_id

if TYPE_CHECKING:
    from ..service import Sandbox


def answer(path: str, sandbox: Sandbox, base: str) -> Response:
    """The answer to a GET of `/_sandbox/identity` or `/_sandbox/identity/ca.pem`."""
    identity = sandbox.identity
    if identity is None or not identity.authority:
        return Response(
            json.dumps({"message": "This sandbox runs without its identity provider."}),
            status_code=404,
            media_type="application/json",
        )
    if path.rstrip("/") == "/_sandbox/identity/ca.pem":
        return Response(identity.files.ca_cert.read_bytes(), media_type="application/x-pem-file")
    if path.rstrip("/") != "/_sandbox/identity":
        return Response(status_code=404)
    tenant = tenant_id(sandbox)
    about: dict[str, Any] = {
        "authority": identity.authority,
        "tenant_id": tenant,
        "authority_url": f"{identity.authority}/{tenant}",
        "profile_url": f"{base}/app",
        "ca_url": f"{base}/_sandbox/identity/ca.pem",
    }
    endpoint = sandbox.ssh_endpoint
    if endpoint is not None:  # where git's SSH goes instead of ssh.dev.azure.com (public facts)
        about["ssh"] = {
            "host": endpoint[0],
            "port": endpoint[1],
            "host_key": getattr(sandbox, "ssh_host_key", None),
        }
    return Response(
        json.dumps(about),
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )

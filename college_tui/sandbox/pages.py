"""The sandbox's own pages under `/_sandbox/`: request statistics and the organisation signup.

The signup page stands in for the portal's "New organization" page, which has no public API: the
wizard hands the attendee to it in a browser and polls the accounts list until the org appears.
"""

from __future__ import annotations

import html
import json
from urllib.parse import parse_qs

from starlette.responses import HTMLResponse, Response

from ..naming import check_org_name
from .service import Sandbox

_FORM = """<!DOCTYPE html>
<html><head><title>Create your Azure DevOps organization (sandbox)</title></head>
<body><h1>Create your Azure DevOps organization</h1>
<p>This is the college-tui sandbox. On the real service this page is aex.dev.azure.com.</p>
{message}
<form method="post" action="/_sandbox/signup">
<label>Name <input name="name" value="{name}"></label>
<button type="submit">Continue</button></form></body></html>"""


def handle_page(method: str, path: str, query: dict[str, str], body: bytes, sandbox: Sandbox,
                base: str) -> Response:
    if path.rstrip("/") == "/_sandbox/stats":
        return Response(json.dumps(sandbox.stats()), media_type="application/json")
    if path.rstrip("/") == "/_sandbox/signup":
        if method == "POST":
            fields = parse_qs(body.decode("utf-8", "replace"))
            name = (fields.get("name") or [""])[0].strip()
            problem = check_org_name(name)
            if problem:
                return HTMLResponse(_FORM.format(message=f"<p class=error>{html.escape(problem)}</p>",
                                                 name=html.escape(name)), status_code=400)
            sandbox.create_org(name)
            org_url = f"{base}/{name}"
            return HTMLResponse(f"<!DOCTYPE html><html><body><h1>Organization created</h1>"
                                f"<p>{html.escape(org_url)}</p></body></html>", status_code=201)
        return HTMLResponse(_FORM.format(message="", name=html.escape(query.get("name", ""))))
    return Response("Not found", status_code=404, media_type="text/plain")

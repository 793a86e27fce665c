"""The ASGI application: one port serving every emulated Azure DevOps host as a path prefix.

`/{org}/...` is dev.azure.com, `/vssps/{org}/...` and `/vsaex/{org}/...` the org's vssps and vsaex
hosts, `/app/...` app.vssps.visualstudio.com, and `/_sandbox/...` the sandbox's own pages. git's
smart HTTP under `/{org}/{project}/_git/{repo}/` is answered by `githttp`; a browser's GET of a web
URL (`/{org}/{project}/_git/{repo}`, ...) gets a page from `web/`.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from . import (
    api,  # noqa: F401  (registers every endpoint on the router)
    githttp,
    rules,
)
from .auth import caller, unauthorized
from .errors import ServiceError, disk_full, error_body, storage_failed_body
from .fault_injector import FaultInjector
from .faults import Faults
from .guard import LoopbackGuard
from .membership import is_member, refusal, user_of
from .routing import Call, Reply, router
from .service import Sandbox
from .store import StoreError

if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from .githttp import GitRoute
    from .web.routes import View

# What a route of the app answers with: a Response, or git's streaming exchange (githttp.py).
Endpoint = Callable[[Request, Sandbox, str], Awaitable["ASGIApp"]]

log = logging.getLogger("college_tui.sandbox")

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
_API_VERSION = re.compile(r"api-version=([0-9][\w.\-]*)", re.IGNORECASE)


def split_host(path: str) -> tuple[str | None, str | None, str]:
    """(`host`, `org`, rest of the path) for a request path."""
    parts = path.lstrip("/").split("/", 2)
    head = parts[0].lower()
    if head == "app":
        return "app", None, "/".join(parts[1:])
    if head in ("vssps", "vsaex"):
        if len(parts) < 2 or not parts[1]:
            return None, None, ""
        return head, parts[1], "/".join(parts[2:])
    if not head or head.startswith("_"):
        return None, None, ""
    return "dev", parts[0], "/".join(parts[1:])


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body),
        status_code=status,
        headers=headers,
        media_type="application/json; charset=utf-8",
    )


def _api_version(request: Request) -> str | None:
    m = _API_VERSION.search(request.headers.get("accept", ""))
    if m:
        return m.group(1)
    for key, value in request.query_params.items():
        if key.lower() == "api-version":
            return value
    return None


def _out_of_range(version: str | None) -> str | None:
    """The service's refusal of an api-version newer than it supports (7.2), else None."""
    if not version:
        return None
    try:
        number = float(".".join(version.split("-")[0].split(".")[:2]))
    except ValueError:
        return f"The api-version '{version}' is not valid: use a version like 7.1 or 7.1-preview.1."
    if number > 7.2:
        return (
            f"The requested REST API version of {version} is out of range for this server. "
            "The latest REST API version this server supports is 7.2."
        )
    return None


def _to_response(reply: Reply, method: str) -> Response:
    if reply.body is None or method == "HEAD":
        return Response(status_code=reply.status, headers=reply.headers)
    if isinstance(reply.body, (str, bytes)):
        return Response(
            reply.body, status_code=reply.status, headers=reply.headers, media_type=reply.media_type
        )
    return Response(
        json.dumps(reply.body),
        status_code=reply.status,
        headers=reply.headers,
        media_type=reply.media_type,
    )


def _repos_refusal(sandbox: Sandbox, org: dict[str, Any] | None, who: Any) -> str | None:
    """A Stakeholder's request to Azure Repos, refused under `licences=counted` (rules.py)."""
    if org is None or who is None or not who.user_id or not rules.on(sandbox, "licences_counted"):
        return None
    from .api.members import entitlement_of

    member = entitlement_of(sandbox, org.get("accountName") or "", who.user_id)
    return rules.repos_refusal(sandbox, member)


def create_app(sandbox: Sandbox, faults: Faults | None = None) -> LoopbackGuard:
    """The sandbox's ASGI app, wrapped in fault injection when faults are configured.

    Starlette routes what has a fixed place (the sandbox's own pages, the sign-in pages); the
    emulated service's routes are matched by `routing.router`, case-insensitively as the service
    matches them, under the host prefixes `split_host` reads (`answer`)."""

    def storage_safe(handler: Endpoint) -> Callable[[Request], Awaitable[ASGIApp]]:
        async def endpoint(request: Request) -> ASGIApp:
            try:
                return await handler(request, sandbox, _base(request))
            except StoreError as err:  # its database damaged or its disk full, while running
                log.error("%s", err)  # one line on its stderr; the client gets the same sentence
                return _json(500, storage_failed_body(str(err)))

        return endpoint

    routes: list[BaseRoute] = [
        Route("/_sandbox/identity{rest:path}", storage_safe(_identity), methods=_METHODS),
        Route("/_sandbox/{rest:path}", storage_safe(_internal), methods=_METHODS),
        Route("/{path:path}", storage_safe(answer), methods=_METHODS),
    ]
    identity = sandbox.identity
    if identity is not None:  # the sign-in pages, plain http on loopback (identity/pages.py)
        from .identity.pages import routes as page_routes

        routes.insert(0, Mount("/_idp", routes=page_routes(identity)))
    app: Any = Starlette(routes=routes)
    if faults is not None and faults.active:
        app = FaultInjector(app, faults)
    return LoopbackGuard(app)  # loopback Host names only, no changes from another site


def _base(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


async def _identity(request: Request, sandbox: Sandbox, base: str) -> Response:
    """How a client signs in here (identity/discovery.py)."""
    from .identity.discovery import answer as discovery

    return discovery(request.scope["path"], sandbox, base)


async def answer(request: Request, sandbox: Sandbox, base: str) -> ASGIApp:
    """A request to the emulated service: git over HTTP, an organisation's URL asked for its
    tenant, a browser's page, or a REST call."""
    path = request.scope["path"]
    git_route = githttp.match(path)
    if git_route is not None:  # git's smart HTTP at the remoteUrl (githttp.py)
        return await _git_http(request, sandbox, git_route)
    if request.method == "HEAD" and path.strip("/") and "/" not in path.strip("/"):
        # HEAD of an organisation's URL: how Git Credential Manager learns its tenant.
        org_doc = sandbox.org(path.strip("/"))
        if org_doc is not None and caller(request.headers, sandbox, org_doc) is None:
            return unauthorized(request.headers, sandbox, base, org_doc)
    page = _page(request, path)
    if page is not None:  # a browser's view of what the wizard links to (sandbox/web)
        view, params = page

        def show() -> Response:
            sandbox.advance()  # jobs move with each request, as for the API
            return view(sandbox, base, **params)

        return await run_in_threadpool(show)
    host, org, sub = split_host(path)
    if host is None:
        return _json(404, error_body("NotFoundException", f"Not found: {path}"))
    if host == "dev" and not sub.strip("/") and sandbox.org(org or "") is not None:
        # The organisation's URL itself: what Git Credential Manager asks, unauthenticated,
        # to learn the tenant (X-VSS-ResourceTenant, WWW-Authenticate).
        who = caller(request.headers, sandbox, sandbox.org(org or ""))
        if who is None:
            return unauthorized(request.headers, sandbox, base, sandbox.org(org or ""))
        return Response(status_code=200)
    return await _rest_call(request, sandbox, base, host, org, sub)


async def _git_http(request: Request, sandbox: Sandbox, git_route: GitRoute) -> ASGIApp:
    path = request.scope["path"]
    git_org = sandbox.org(path.lstrip("/").split("/", 1)[0])
    git_caller = caller(request.headers, sandbox, git_org)
    refused = _repos_refusal(sandbox, git_org, git_caller)
    if refused:
        return Response(refused, status_code=403, media_type="text/plain")
    return await githttp.serve(
        request,
        sandbox,
        git_route,
        authorized=git_caller is not None
        and (git_org is None or is_member(sandbox, git_org, user_of(sandbox, git_caller, git_org))),
    )


async def _rest_call(
    request: Request, sandbox: Sandbox, base: str, host: str, org: str | None, sub: str
) -> Response:
    """A call to the emulated REST API, matched by `routing.router`."""
    path = request.scope["path"]
    method = request.method
    route, params, path_known = router.match(method, host, sub)
    if route is None:
        status = 405 if path_known else 404
        return _json(
            status,
            error_body(
                "RouteNotFoundException" if status == 404 else "MethodNotAllowedException",
                f"The requested resource does not support {method} {path}.",
            ),
        )
    sandbox.count(method, f"{host}:{route.template}")
    if org is not None and sandbox.org(org) is None:
        return _json(
            404,
            error_body(
                "HostNotFoundException",
                f"TF400813: The organization '{org}' could not be found.",
            ),
        )
    org_doc = sandbox.org(org) if org is not None else None
    who = caller(request.headers, sandbox, org_doc)
    if not route.anonymous and who is None:
        return unauthorized(request.headers, sandbox, base, org_doc)
    if org_doc is not None and who is not None and not route.anonymous:
        denied = refusal(sandbox, org_doc, who, method, host, route.template)
        if denied is not None:  # not a member of this organisation (membership.py)
            return _json(denied.status, denied.body())
    acting = user_of(sandbox, who, org_doc) if who is not None else None
    if "_apis/git" in route.template.lower():
        refused = _repos_refusal(sandbox, org_doc, who)
        if refused:
            return _json(403, error_body("UnauthorizedRequestException", refused))
    raw = await request.body()
    body = None
    if raw:
        try:
            body = json.loads(raw)
        except ValueError:
            return _json(
                400,
                error_body("VssRequestContentException", "The request body is not valid JSON."),
            )
    version = _api_version(request)
    too_new = _out_of_range(version)
    if too_new:
        return _json(400, error_body("VssVersionOutOfRangeException", too_new))
    call = Call(
        sandbox=sandbox,
        method=method,
        host=host,
        org=org,
        params=params,
        query={k.lower(): v for k, v in request.query_params.items()},
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body,
        base_url=base,
        api_version=version,
    )

    def run() -> Response:
        sandbox.advance()
        try:
            with sandbox.acting_as(acting):  # a token's user (the PAT: the owner)
                reply = route.handler(call)
            if reply is None:
                reply = Reply(204)
            elif not isinstance(reply, Reply):
                reply = Reply(200, reply)
        except ServiceError as err:
            reply = Reply(err.status, err.body(), err.headers)
        except StoreError as err:  # the database was damaged under the running sandbox
            log.error("%s", err)
            reply = Reply(500, storage_failed_body(str(err)))
        except Exception as err:  # a bug in the emulator: answer like the service, log it
            full = disk_full(sandbox.data_dir) or sandbox.store.damage()
            if full:  # not a bug: say so in one line, no traceback, and tell the client
                log.error("%s", full)
                reply = Reply(500, storage_failed_body(full))
            else:
                log.exception("sandbox handler failed: %s %s", method, path)
                reply = Reply(500, error_body("VssServiceException", f"Internal error: {err}"))
        sandbox.observe(method, host, route.template, call, reply)
        return _to_response(reply, method)

    with sandbox.answering():  # the in-flight figure of /_sandbox/stats
        response = await run_in_threadpool(run)
    session = request.headers.get("x-tfs-session")
    response.headers["ActivityId"] = str(uuid.uuid4())
    if session:
        response.headers["X-TFS-Session"] = session
    return response


async def _internal(request: Request, sandbox: Sandbox, base: str) -> Response:
    """The sandbox's own pages: statistics for benchmarks, and the organisation signup page."""
    from .web.internal import handle_page

    return await run_in_threadpool(
        handle_page,
        request.method,
        request.scope["path"],
        dict(request.query_params),
        await request.body(),
        sandbox,
        base,
    )


def _page(request: Request, path: str) -> tuple[View, dict[str, str]] | None:
    """(view, parameters) when a browser asks for one of the sandbox's web pages, else None."""
    from .web import match_page, wants_page

    if not wants_page(request.method, request.headers, request.query_params):
        return None
    return match_page(path)

"""Route table of the emulated service.

Azure DevOps routes are case-insensitive and the SDK builds paths from route templates (
`_apis/{area}/{resource}/{id}`), so routes here are written in the same template language and
matched without regard to case. Each handler receives a `Call` and returns a `Reply` (or a dict).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .service import Sandbox
    from .store import Store

HOSTS = ("dev", "vssps", "vsaex", "app")


@dataclass
class Reply:
    """What a handler answers: status, JSON body (or bytes/str) and extra headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = "application/json; charset=utf-8; api-version=7.1"


def collection(values: list[Any]) -> dict[str, Any]:
    """The service's wrapper for lists: `{count, value}`."""
    return {"count": len(values), "value": values}


@dataclass
class Call:
    """One request as a handler sees it."""

    sandbox: Sandbox
    method: str
    host: str
    org: str | None
    params: dict[str, str]
    query: dict[str, str]  # keys lower-cased: the service reads query names case-insensitively
    headers: dict[str, str]  # keys lower-cased
    body: Any
    base_url: str  # scheme://host:port of this server, as the client reached it
    api_version: str | None

    @property
    def store(self) -> Store:
        return self.sandbox.store

    def org_key(self, number: int | str) -> str:
        """The store key of a document numbered per organisation (a pull request, an import)."""
        return f"{(self.org or '').lower()}:{number}"

    def numbered(self, sequence: str, id_field: str, repo: dict[str, Any]) -> dict[str, Any]:
        """The first fields of a repository's new document that the service numbers per
        organisation (a pull request, an import request): store key, number, org, repository."""
        org = self.org or ""
        number = self.store.next_number(f"{sequence}:{org.lower()}")
        return {
            "key": self.org_key(number),
            id_field: number,
            "org": org,
            "repositoryId": repo["id"],
        }

    def host_url(self, host: str | None = None) -> str:
        """The URL of an emulated host for this organisation, without a trailing slash."""
        host = host or self.host
        if host == "app":
            return f"{self.base_url}/app"
        if host == "dev":
            return f"{self.base_url}/{self.org}"
        return f"{self.base_url}/{host}/{self.org}"

    def q(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name.lower(), default)

    def flag(self, name: str) -> bool:
        return (self.q(name) or "").lower() == "true"

    def paging(self, default_top: int = 100) -> tuple[int, int]:
        """(`$skip`, `$top`) of a list the service pages that way; `$top` defaults as the
        service's does (100 for teams and team members, 101 for pull requests)."""
        from .errors import ServiceError

        try:
            skip, top = int(self.q("$skip") or 0), int(self.q("$top") or default_top)
        except ValueError as err:
            raise ServiceError(
                400, "InvalidArgumentValueException", f"Paging parameters must be numbers: {err}"
            ) from None
        return max(0, skip), max(0, top)


Answer = Reply | dict[str, Any] | None  # what a handler returns (a dict: a JSON body, 200)
Handler = Callable[[Call], Answer]
H = TypeVar("H", bound=Handler)


@dataclass
class Route:
    method: str
    host: str
    template: str
    regex: re.Pattern[str]
    handler: Handler
    anonymous: bool = False


def _compile(template: str) -> re.Pattern[str]:
    pattern = ""
    for part in re.split(r"(\{\*?\w+\})", template.strip("/")):
        if part.startswith("{*"):
            pattern += rf"(?P<{part[2:-1]}>.+)"
        elif part.startswith("{"):
            pattern += rf"(?P<{part[1:-1]}>[^/]+)"
        else:
            pattern += re.escape(part)
    return re.compile(rf"^{pattern}/?$", re.IGNORECASE)


class Router:
    """Routes per emulated host; matching ignores case like the real service."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def route(
        self, method: str, host: str, template: str, *, anonymous: bool = False
    ) -> Callable[[H], H]:
        """Register the decorated handler for `method` ("GET|HEAD": several) on `template`."""
        if host not in HOSTS:
            raise ValueError(f"unknown host {host}")

        def register(handler: H) -> H:
            for m in method.split("|"):
                self.routes.append(
                    Route(m.upper(), host, template, _compile(template), handler, anonymous)
                )
            return handler

        return register

    def match(self, method: str, host: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        """The route for a request; the flag says whether the path exists for another method."""
        path_known = False
        for route in self.routes:
            if route.host != host:
                continue
            m = route.regex.match(path.strip("/"))
            if not m:
                continue
            if route.method == method:
                return route, m.groupdict(), True
            path_known = True
        return None, {}, path_known


router = Router()

"""Which request gets a page: browser-like GETs of the real service's web URL shapes.

Only the exact shapes below match; anything else under a repository (git's smart-HTTP paths
`/_git/{repo}/info/refs`, `.../git-upload-pack`, ...) or under `_apis` is left to the other
routes, whatever order they are tried in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from . import views

if TYPE_CHECKING:
    from starlette.responses import Response

View = Callable[..., "Response"]  # (sandbox, base, **the path's parameters) -> the page

_NAME = r"[^/_][^/]*"  # an org or project name: reserved segments start with "_"
_REPO = r"[^/]+"
_HOST_PREFIXES = {"app", "vssps", "vsaex"}  # the emulated hosts' path prefixes, not orgs

PAGES: list[tuple[re.Pattern[str], View]] = [
    (re.compile(pattern + r"/?$", re.IGNORECASE), view)
    for pattern, view in (
        (rf"^/(?P<org>{_NAME})", views.organization),
        (rf"^/(?P<org>{_NAME})/_usersSettings/keys", views.ssh_keys),
        (rf"^/(?P<org>{_NAME})/_usersSettings/tokens", views.tokens),
        (rf"^/(?P<org>{_NAME})/(?P<project>{_NAME})", views.project),
        (rf"^/(?P<org>{_NAME})/(?P<project>{_NAME})/_settings/teams", views.teams),
        (rf"^/(?P<org>{_NAME})/(?P<project>{_NAME})/_git/(?P<repo>{_REPO})", views.repository),
        (
            rf"^/(?P<org>{_NAME})/(?P<project>{_NAME})/_git/(?P<repo>{_REPO})"
            r"/pullrequest/(?P<number>\d+)",
            views.pull_request,
        ),
    )
]


def wants_page(method: str, headers: Mapping[str, str], query: Mapping[str, str]) -> bool:
    """A browser's (or curl's) request: GET/HEAD, no api-version, not asking for JSON only."""
    if method not in ("GET", "HEAD"):
        return False
    accept = headers.get("accept", "").lower()
    if "api-version" in accept or any(key.lower() == "api-version" for key in query):
        return False
    return "text/html" in accept or "json" not in accept


def match_page(path: str) -> tuple[View, dict[str, str]] | None:
    """The view for a (percent-decoded) request path and its parameters, or None."""
    for pattern, view in PAGES:
        found = pattern.match(path)
        if found and found["org"].lower() not in _HOST_PREFIXES:
            return view, found.groupdict()
    return None

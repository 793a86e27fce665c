"""Endpoint modules; importing them registers their routes and jobs."""

from . import (  # noqa: F401
    core,
    discovery,
    entitlements,
    git,
    git_imports,
    graph,
    identity,
    members,
    portal,
    pull_requests,
    teams,
)

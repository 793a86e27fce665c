"""Endpoint modules; importing them registers their routes and jobs."""

from . import (  # noqa: F401
    commits,
    core,
    discovery,
    entitlements,
    git,
    git_imports,
    graph,
    identities,
    identity,
    members,
    pats,
    portal,
    pr_reviewers,
    project_delete,
    pull_requests,
    teams,
)

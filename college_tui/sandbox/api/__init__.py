"""Endpoint modules; importing them registers their routes and jobs."""

from . import core, discovery, git, graph, identity, portal  # noqa: F401

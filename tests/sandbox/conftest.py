"""The git stories' sandbox (test_git_endpoints.py, test_git_pull_requests.py): its held job
clock, an SDK connection, and the project "College"."""

from __future__ import annotations

import pytest

from tests.conftest import connect

from .helpers import HeldClock, create_project


@pytest.fixture
def clock() -> HeldClock:
    """The sandbox's job clock: the wall clock unless a story holds it to watch a job move."""
    return HeldClock()


@pytest.fixture
def server(start_sandbox, clock):
    # Shorter clocks than the suite's default: every story here creates a project and imports.
    return start_sandbox(project_create_seconds=0.2, import_seconds=0.3, clock=clock)


@pytest.fixture
def clients(server):
    return connect(server.info.org_url, server.info.pat).clients_v7_1


@pytest.fixture
def college(clients):
    return create_project(clients)

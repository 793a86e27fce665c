"""A served sandbox hosting a class, and the class's accounts signed in without a browser."""

from __future__ import annotations

import pytest
import requests

from college_tui.sandbox.identity.classroom import INSTRUCTOR, add_class, headless_token
from college_tui.sandbox.running import announce


@pytest.fixture
def class_sandbox(start_sandbox):
    """`start(size)`: a sandbox with its SSH server and a class of `size`, announced as served
    (apply and class status on its data folder use it, as with `sandbox serve --class N`)."""
    releases = []

    def start(size: int):
        server = start_sandbox(ssh=True)
        add_class(server.sandbox, size)
        releases.append(announce(server.info))
        return server

    yield start
    for release in releases:
        release()


def bearer(server, account: str) -> dict[str, str]:
    token = headless_token(server.data_dir, account)
    assert token is not None, account
    return {"Authorization": f"Bearer {token}", "X-TFS-FedAuthRedirect": "Suppress"}


def call(server, method: str, path: str, account: str, **kwargs) -> requests.Response:
    base = server.info.org_url.rsplit("/", 1)[0]
    return requests.request(
        method, f"{base}/{path}", headers=bearer(server, account), timeout=10, **kwargs
    )


INSTRUCTOR_EMAIL = INSTRUCTOR[1]


# A class's thirty runs wait on no one: the project creations and imports still pass through their
# states, over a twentieth of a second (what the steps do while they wait: tests/steps).
CLASS_FAST = dict(project_create_seconds=0.05, import_seconds=0.05)


@pytest.fixture(scope="module")
def start_sandbox_module(tmp_path_factory):
    """`start(size)` for a module: one served sandbox with SSH and a class, kept for the module."""
    from college_tui.sandbox.server import SandboxServer
    from college_tui.sandbox.service import SandboxConfig
    from tests.conftest import _seed_host_key

    started = []

    def start(size: int):
        data = tmp_path_factory.mktemp("class-sandbox")
        _seed_host_key(data)
        server = SandboxServer(data, ssh=True, config=SandboxConfig(**CLASS_FAST))
        server.start()
        add_class(server.sandbox, size)
        started.append((server, announce(server.info)))
        return server

    yield start
    for server, release in started:
        release()
        server.stop()

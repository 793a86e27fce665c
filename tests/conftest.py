"""Shared fixtures: a real sandbox on free loopback ports, SDK connections to it, a temp HOME.

The SDK reads AZURE_DEVOPS_CACHE_DIR when it is imported, and keyring picks its backend on first
use, so both are set here before any test imports them.
"""

from __future__ import annotations

import os
import tempfile

_SESSION_TMP = tempfile.mkdtemp(prefix="college-tui-tests-")
os.environ["AZURE_DEVOPS_CACHE_DIR"] = os.path.join(_SESSION_TMP, "sdk-cache")
os.environ["PYTHON_KEYRING_BACKEND"] = "college_tui.workstation.memory_keyring.MemoryKeyring"
os.environ.setdefault("GIT_CONFIG_NOSYSTEM", "1")

import pytest  # noqa: E402

from college_tui.sandbox.server import SandboxServer  # noqa: E402
from college_tui.sandbox.service import SandboxConfig  # noqa: E402

# Fast clocks for tests: the progressions are real, only shorter.
FAST = dict(project_create_seconds=0.6, import_seconds=0.4)

_observer_factories: list = []


def register_sandbox_observer(factory) -> None:
    """Let a plugin (the contract suite) watch every sandbox the tests start."""
    _observer_factories.append(factory)


# Every sandbox a test starts checks each body it answers against Microsoft's specs (tests/contract).
from tests.contract.observer import SESSION, ContractObserver  # noqa: E402

register_sandbox_observer(ContractObserver)


def pytest_terminal_summary(terminalreporter):
    if SESSION.counts:
        terminalreporter.write_line(SESSION.summary())


@pytest.fixture
def start_sandbox(tmp_path_factory):
    """Start sandboxes (same data dir = a restart); all stopped at the end of the test."""
    servers: list[SandboxServer] = []
    watchers: list = []

    def start(data_dir=None, *, ssh: bool = False, faults=None, **config) -> SandboxServer:
        data_dir = data_dir or tmp_path_factory.mktemp("sandbox")
        server = SandboxServer(data_dir, faults=faults, ssh=ssh,
                               config=SandboxConfig(**{**FAST, **config}))
        server.start()
        for factory in _observer_factories:
            watcher = factory()
            server.sandbox.observers.append(watcher)
            watchers.append(watcher)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
    for watcher in watchers:
        finish = getattr(watcher, "finish", None)
        if finish:
            finish()


@pytest.fixture
def sandbox(start_sandbox):
    """One running sandbox (REST only) and its connection info."""
    return start_sandbox()


@pytest.fixture
def sandbox_ssh(start_sandbox):
    """One running sandbox with its SSH git server."""
    return start_sandbox(ssh=True)


def connect(url: str, pat: str):
    from azure.devops.connection import Connection
    from msrest.authentication import BasicAuthentication

    return Connection(base_url=url, creds=BasicAuthentication("", pat))


@pytest.fixture
def org(sandbox):
    """`clients_v7_1` of an SDK connection to the sandbox's organisation."""
    return connect(sandbox.info.org_url, sandbox.info.pat).clients_v7_1


@pytest.fixture
def app_clients(sandbox):
    """`clients_v7_1` of an SDK connection to the sandbox's app.vssps host (profile, accounts)."""
    return connect(sandbox.info.profile_url, sandbox.info.pat).clients_v7_1

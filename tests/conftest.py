"""Shared fixtures: a real sandbox on free loopback ports, SDK connections to it, a temp HOME.

The SDK reads AZURE_DEVOPS_CACHE_DIR when it is imported, and keyring picks its backend on first
use, so both are set here before any test imports them.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_SESSION_TMP = tempfile.mkdtemp(prefix="college-tui-tests-")
atexit.register(shutil.rmtree, _SESSION_TMP, True)  # the session's caches go with the session
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


_HOST_KEY_CACHE = Path(_SESSION_TMP) / "ssh_host_rsa_key"


def _seed_host_key(data_dir: Path) -> None:
    """Give a new sandbox the session's SSH host key: generating RSA 3072 per test costs ~0.5 s.

    Tests of host-key generation itself pass `fresh_host_key=True`.
    """
    from college_tui.sandbox.sshserver import HOST_KEY_FILE

    target = data_dir / HOST_KEY_FILE
    if target.exists():
        return
    if not _HOST_KEY_CACHE.exists():
        import paramiko

        paramiko.RSAKey.generate(3072).write_private_key_file(str(_HOST_KEY_CACHE))
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(_HOST_KEY_CACHE.read_bytes())


@pytest.fixture
def start_sandbox(tmp_path_factory):
    """Start sandboxes (same data dir = a restart); all stopped at the end of the test."""
    servers: list[SandboxServer] = []
    watchers: list = []

    def start(
        data_dir=None, *, ssh: bool = False, faults=None, fresh_host_key: bool = False, **config
    ) -> SandboxServer:
        data_dir = data_dir or tmp_path_factory.mktemp("sandbox")
        if ssh and not fresh_host_key:
            _seed_host_key(Path(data_dir))
        server = SandboxServer(
            data_dir, faults=faults, ssh=ssh, config=SandboxConfig(**{**FAST, **config})
        )
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

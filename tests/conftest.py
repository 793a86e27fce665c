"""Shared fixtures: a real sandbox on free loopback ports, SDK connections to it, a temp HOME.

The SDK reads AZURE_DEVOPS_CACHE_DIR when it is imported, and keyring picks its backend on first
use, so both are set here before any test imports them.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from pathlib import Path

_SESSION_TMP = tempfile.mkdtemp(prefix="college-tui-tests-")
atexit.register(shutil.rmtree, _SESSION_TMP, True)  # the session's caches go with the session
os.environ["AZURE_DEVOPS_CACHE_DIR"] = os.path.join(_SESSION_TMP, "sdk-cache")
os.environ["PYTHON_KEYRING_BACKEND"] = "college_tui.workstation.memory_keyring.MemoryKeyring"
os.environ.setdefault("GIT_CONFIG_NOSYSTEM", "1")


def _compile_once_for_the_children(config) -> None:
    """Under PYTHONDONTWRITEBYTECODE every Python the tests start (the CLI, the sandbox apart:
    hundreds of them) compiled college_tui from source again (~0.3 s of CPU each). Their
    bytecode goes to one folder of the session instead (PYTHONPYCACHEPREFIX): nothing is written
    beside any source, as the variable asks, and the folder goes with the session. The run's
    first process names the folder; the processes that start the children (xdist's workers, or
    the one process of `-n 0`) point their children at it. Not xdist's controller: its workers
    would then compile everything they import (the libraries' own bytecode is not read from
    there) for the few modules they share with the children."""
    if not os.environ.get("PYTHONDONTWRITEBYTECODE") or os.environ.get("PYTHONPYCACHEPREFIX"):
        return
    shared = os.environ.setdefault("COLLEGE_TUI_TESTS_PYCACHE", os.path.join(_SESSION_TMP, "pyc"))
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        os.environ["PYTHONPYCACHEPREFIX"] = shared
        del os.environ["PYTHONDONTWRITEBYTECODE"]


import pytest  # noqa: E402

from college_tui.sandbox.server import SandboxServer  # noqa: E402
from college_tui.sandbox.service import SandboxConfig  # noqa: E402

# Fast clocks for tests: the progressions are real, only shorter. A project takes 0.45 s: the
# project step's second look, 0.5 s after its first, finds it done (0.6 s cost a third look at
# 1.25 s in every test that runs the step).
FAST = dict(project_create_seconds=0.45, import_seconds=0.4)

_observer_factories: list = []


def register_sandbox_observer(factory) -> None:
    """Let a plugin (the contract suite) watch every sandbox the tests start."""
    _observer_factories.append(factory)


# Every sandbox a test starts checks each body it answers against Microsoft's specs (tests/contract).
from tests.contract.observer import SESSION, ContractObserver  # noqa: E402

register_sandbox_observer(ContractObserver)


# Tests whose assertions bound a time by an order of magnitude (an apology within LIMIT s where a
# bug waited 30 s, a stop within 3 s where a bug waited 5) or that drive a whole wizard in tmux.
# Under pytest-xdist they share one group, so they run one after another in one worker and never
# beside each other; the bounds keep their meaning. (Bounds far from the load need no group: a
# timed-out call cut at 0.1 s checked against a 1.5 s answer, a cancel against a 30 s wait.)
TIMING = (
    "tests/ui/test_failures.py::",
    "tests/ui/test_terminal.py::",
    "tests/ssh/test_server_lifecycle.py::test_stop_closes_the_port_and_ends_every_connection",
)


def _module_fixture_module(item) -> str | None:
    """The test's module when the test uses a module-scoped fixture of it (a whole `apply` run
    shared by the module's tests), else None."""
    module = item.nodeid.split("::", 1)[0]
    infos = getattr(item, "_fixtureinfo", None)
    for defs in infos.name2fixturedefs.values() if infos else ():
        if any(d.scope == "module" and d.baseid == module for d in defs):
            return module
    return None


def interop_selected(config) -> bool:
    """Whether this run selects the interop tests (`-m interop`): only they may download."""
    expression = config.getoption("markexpr", "") or ""
    return "interop" in expression and "not interop" not in expression


def pytest_configure(config):
    _compile_once_for_the_children(config)
    # The default run downloads nothing: pip and npm, wherever a test runs them, may not reach
    # their registries (tests/test_packaging.py builds its wheel from what is installed).
    if not interop_selected(config):
        os.environ["PIP_NO_INDEX"] = "1"
        os.environ["NPM_CONFIG_OFFLINE"] = "true"


# The longest single tests (20-55 s each on a loaded 2-core machine; --durations): handed out
# first, so the run does not end with one worker on a long story while the others wait. xdist
# (--dist loadgroup) gives out the groups first, largest first, then the other tests in this
# order. Whole modules only (a module's tests stay together, its fixtures built once). Only an
# order: a module missing here, or no longer slow, costs nothing.
LONGEST_FIRST = (
    "tests/ui/test_walk.py::",
    "tests/test_fresh_clone.py::",
    "tests/ui/test_contrast.py::",
    "tests/e2e/test_e2e_plan.py::",
    "tests/e2e/test_e2e_teardown.py::",
    "tests/e2e/test_e2e_resilience.py::",
    "tests/e2e/test_e2e_entra.py::",
    "tests/sandbox/test_docs_commands.py::",
    "tests/test_ci_run.py::",
    "tests/ui/test_personal_account.py::",
    "tests/ui/test_terminal_sign_in.py::",
    "tests/ui/test_first_timer.py::",
)


def _longest_first(item) -> int:
    modules = enumerate(LONGEST_FIRST)
    return next((i for i, module in modules if item.nodeid.startswith(module)), len(LONGEST_FIRST))


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(items):
    # A stable sort: apart from that, the tests stay in the order they were collected.
    items.sort(key=_longest_first)
    for item in items:
        if item.nodeid.startswith(TIMING):
            item.add_marker(pytest.mark.xdist_group("timing"))
        elif module := _module_fixture_module(item):
            # One worker builds the module's shared fixture once (two workers built it twice).
            item.add_marker(pytest.mark.xdist_group(module))


def pytest_sessionfinish(session):
    _wait_for_stops()
    # Under pytest-xdist each worker checks its own tests' bodies: send the counts to the
    # controller, which prints the summary for the whole run.
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["contract_counts"] = SESSION.as_rows()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """xdist's hook (controller side): a worker ended; add what its tests exercised."""
    SESSION.merge(getattr(node, "workeroutput", {}).get("contract_counts", []))


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


_stopping: list[threading.Thread] = []


def _stop_later(servers: list[SandboxServer]) -> None:
    """Tell the servers to stop and finish stopping them in the background.

    A sandbox's stop is mostly waiting: each of its two uvicorn servers notices its exit flag
    on a 0.1 s tick and then sleeps 0.1 s for its connections to close. The next test runs
    meanwhile (its sandboxes are new ones, on new ports and folders); the session waits for the
    last stops (`pytest_sessionfinish`).
    """
    for server in servers:
        if server._server is not None:  # the REST side drains while the rest stops
            server._server.should_exit = True

    def stop_all() -> None:
        for server in servers:
            server.stop()

    stopper = threading.Thread(target=stop_all, name="sandbox-stopper")
    stopper.start()
    _stopping[:] = [*(t for t in _stopping if t.is_alive()), stopper]


def _wait_for_stops() -> None:
    """Wait until every sandbox an earlier test left stopping has stopped."""
    while _stopping:
        _stopping.pop().join(30)


@pytest.fixture
def start_sandbox(tmp_path_factory):
    """Start sandboxes (same data dir = a restart). At the end of the test the contract watchers
    finish (a violation fails the test), then every server is told to stop (`_stop_later`)."""
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
    try:
        for watcher in watchers:
            finish = getattr(watcher, "finish", None)
            if finish:
                finish()
    finally:
        _stop_later(servers)


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


@pytest.fixture(autouse=True)
def _ask_which_ssh_again():
    """Which ssh git runs is remembered per environment; a test may put a fake one on a PATH
    folder already seen (workstation/hostos/sshstack.py)."""
    from college_tui.workstation.hostos.sshstack import forget

    forget()
    yield

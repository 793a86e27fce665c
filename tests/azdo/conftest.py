"""Fixtures for the azdo facade: a signed-in `AzureDevOps` on a real sandbox, and its events."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from college_tui.azdo.client import AzureDevOps
from college_tui.azdo.credentials import PatCredential
from college_tui.azdo.retry import RetryPolicy
from college_tui.events import Event, HttpCall, Waiting
from tests.sandbox.helpers import wait_for


class Recorder:
    """Collects every event the facade emits (an `emit` callable)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def calls(self) -> list[HttpCall]:
        return [e for e in self.events if isinstance(e, HttpCall)]

    def waits(self) -> list[Waiting]:
        return [e for e in self.events if isinstance(e, Waiting)]


def fast_policy(**overrides) -> RetryPolicy:
    """Real backoff, tiny delays: tests stay fast and the waits stay visible."""
    options = dict(max_attempts=10, base_delay=0.01, max_delay=0.05, max_total_wait=30, seed=3)
    return RetryPolicy(**{**options, **overrides})


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def connect(recorder) -> Callable[..., AzureDevOps]:
    """`connect(server, pat=None, step="test")`: the facade on a running sandbox."""

    def make(server, pat: str | None = None, step: str = "test", **policy) -> AzureDevOps:
        info = server.info
        return AzureDevOps(
            info.org_url,
            info.profile_url,
            PatCredential(pat or info.pat),
            recorder,
            step,
            fast_policy(**policy),
        )

    return make


@pytest.fixture
def azdo(sandbox, connect) -> AzureDevOps:
    return connect(sandbox)


def agile_id(azdo: AzureDevOps) -> str:
    return next(p.id for p in azdo.processes() if p.name == "Agile")


def create_project(azdo: AzureDevOps, name: str = "College"):
    """Queue project `name` on Agile, poll its operation to the end, return the project."""
    op = azdo.queue_create_project(name, "The AI Developer College project.", agile_id(azdo))
    final = wait_for(lambda: (o := azdo.get_operation(op)).done and o)
    assert final.status == "succeeded", final
    return azdo.get_project(name)


def _wrapped(app):
    """The ASGI app `app` wraps: a layer's `.app` (the loopback guard), or the one app a
    wrapping function closes over (sandbox/server.py `_noticing`)."""
    if hasattr(app, "app"):
        return app.app
    cells = [c.cell_contents for c in getattr(app, "__closure__", None) or ()]
    inner = [c for c in cells if callable(c) and not isinstance(c, type)]
    return inner[0] if len(inner) == 1 else None


def injector(server):
    """The sandbox's fault-injection layer (the server must be started with some fault)."""
    app = server._server.config.app
    while not hasattr(app, "plan") and (inner := _wrapped(app)) is not None:
        app = inner
    assert hasattr(app, "plan"), "start the sandbox with a fault spec (e.g. latency=0.001)"
    return app


class ScriptedFaults:
    """A fault plan that answers the next draws from a script, then no fault (deterministic)."""

    def __init__(self, *faults: str | None) -> None:
        self.script = list(faults)

    def draw(self) -> str | None:
        return self.script.pop(0) if self.script else None


def script_faults(server, *faults: str | None) -> ScriptedFaults:
    """Make the next requests to `_apis` meet `faults` in order ("drop-after", "5xx", ...)."""
    plan = ScriptedFaults(*faults)
    injector(server).plan = plan
    return plan

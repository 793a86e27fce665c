"""Fixtures for the engine tests: a Context on a running sandbox, events recorded as they come.

Every test gets its own state folder (COLLEGE_TUI_STATE_DIR) and home folder, so runs never mix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from college_tui.events import Event, HttpCall, StepFailed, StepFinished
from college_tui.steps.answers import Answers
from college_tui.steps.base import Context, Secrets
from college_tui.steps.printer import Printer
from college_tui.steps.runner import make_context
from college_tui.target import Target


class Recorder(list):
    """An `emit` that keeps every event; helpers to find the ones a test cares about."""

    def __call__(self, event: Event) -> None:
        self.append(event)

    def of(self, kind: type, step: str | None = None) -> list:
        return [e for e in self if isinstance(e, kind) and (step is None or e.step == step)]

    def lines(self) -> list[str]:
        printer = Printer(verbose=True)
        return [line for line in map(printer.line, self) if line is not None]

    def text(self) -> str:
        return "\n".join(self.lines())

    def posts(self) -> list[HttpCall]:
        return [e for e in self.of(HttpCall) if e.method in ("POST", "PUT", "PATCH", "DELETE")]

    def finished(self, step: str) -> StepFinished:
        found = self.of(StepFinished, step)
        assert found, f"{step} did not finish; events:\n{self.text()}"
        return found[-1]

    def failed(self, step: str) -> StepFailed:
        found = self.of(StepFailed, step)
        assert found, f"{step} did not fail; events:\n{self.text()}"
        return found[-1]


def sandbox_target(server, home: Path, **changes) -> Target:
    """The Target cli.py builds for a sandbox: its URLs, SSH endpoint and a home of its own
    (`changes`: fields to set otherwise, e.g. a closed SSH port)."""
    info = server.info
    values = dict(
        org_url=info.org_url,
        profile_url=info.profile_url,
        home=home,
        ssh_hostname=info.ssh_host,
        ssh_port=info.ssh_port,
        ssh_host_key=info.ssh_host_key,
        sandbox=True,
        state_key=f"sandbox:{info.data_dir}",
    )
    values.update(changes)
    return Target(**values)


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("COLLEGE_TUI_STATE_DIR", str(folder))
    return folder


@pytest.fixture
def make_ctx(tmp_path):
    """Build a Context on a sandbox server: `make_ctx(server, answers=None, pat=None)`."""

    def make(
        server,
        answers: Answers | None = None,
        *,
        pat: str | None = None,
        emit: Recorder | None = None,
        home: Path | None = None,
    ) -> Context:
        target = sandbox_target(server, home or tmp_path / "home")
        answers = (answers or Answers()).for_target(target)
        recorder = emit if emit is not None else Recorder()
        return make_context(
            target,
            answers,
            recorder,
            secrets=Secrets(pat=pat if pat is not None else server.info.pat),
        )

    return make


def signed_in(ctx: Context) -> Context:
    """Run the sign-in step's apply on `ctx` (every other step needs its connection)."""
    from college_tui.steps.signin import SignInStep

    SignInStep().apply(ctx)
    return ctx

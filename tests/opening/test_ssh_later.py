"""The embedded sandbox answers REST before its SSH server listens (issue 28): the opener yields
once REST listens, the engine signs in and reads the organisation meanwhile, and every step that
pins the host key or connects over SSH waits for the SSH server (the target's `ssh_later`).

On a real sandbox (in its own process, as the wizard starts it, and in this one, as `apply`
does) whose SSH side is held by the test's knob until the test releases it: the order is proved
by the events and the release's moment, never by sleeping.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from college_tui.events import Event, HttpCall, StepFinished
from college_tui.opening import Asker, TargetOptions
from college_tui.opening.sandbox_plan import SandboxPlan, checked_sandbox
from college_tui.opening.sandbox_target import opened_sandbox
from college_tui.sandbox.running import announcement
from college_tui.sandbox.server import HOLD_SSH_ENV
from college_tui.sandbox.sshserver import HOST_KEY_FILE
from college_tui.steps.answers import Answers
from college_tui.steps.base import Secrets
from college_tui.steps.plan import steps_until
from college_tui.steps.runner import RunReport, make_context, run
from college_tui.target import Target
from college_tui.vocabulary import StepKey, StepStatus

QUICK = {"project_create_seconds": 0.45, "import_seconds": 0.4}
PATIENCE = 120  # seconds: a real run on a busy machine


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("COLLEGE_TUI_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


def plan_for(data: Path, *, apart: bool) -> SandboxPlan:
    plan = checked_sandbox(TargetOptions(None, True, data, None, None, verbose=False))
    return replace(plan, clocks=QUICK, apart=apart)


class Timed(list[tuple[float, Event]]):
    """An emit that keeps each event with its moment; `seen(kind, step)` is set when it comes."""

    def __init__(self) -> None:
        super().__init__()
        self._waits: dict[tuple[type, str], threading.Event] = {}
        self._lock = threading.RLock()

    def __call__(self, event: Event) -> None:
        with self._lock:
            self.append((time.monotonic(), event))
            self.seen(type(event), getattr(event, "step", "")).set()

    def seen(self, kind: type, step: str) -> threading.Event:
        with self._lock:
            return self._waits.setdefault((kind, step), threading.Event())

    def first(self, kind: type, step: str | None = None) -> float:
        return next(t for t, e in self if isinstance(e, kind) and step in (None, e.step))


def refused(host: str | None, port: int | None) -> bool:
    try:
        socket.create_connection((host or "127.0.0.1", port or 0), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


def run_in_background(
    target: Target, pat: str | None, emit: Timed
) -> tuple[threading.Thread, dict]:
    ctx = make_context(
        target, Answers(alias="ada").for_target(target), emit, secrets=Secrets(pat=pat)
    )
    ctx.attended = False
    outcome: dict[str, RunReport] = {}
    thread = threading.Thread(target=lambda: outcome.update(report=run(ctx, steps_until(None))))
    thread.start()
    return thread, outcome


def statuses(report: RunReport) -> dict[str, str]:
    return {r.key: r.status for r in report.results}


@pytest.mark.parametrize("apart", [True, False], ids=["child", "in-process"])
def test_the_organisation_is_read_while_ssh_is_held_and_the_clone_waits_for_it(
    tmp_path, monkeypatch, apart
):
    release = tmp_path / "release-ssh"
    monkeypatch.setenv(HOLD_SSH_ENV, str(release))
    data = tmp_path / "data"
    events = Timed()
    with opened_sandbox(plan_for(data, apart=apart), Asker()) as opened:
        target, later = opened.target, opened.target.ssh_later
        assert later is not None and not later.wait(0)  # yielded while SSH is held
        assert target.ssh_host_key is None and target.ssh_port  # its port taken, no key yet
        runner, outcome = run_in_background(target, opened.sandbox_pat, events)
        try:
            # The REST steps go on while the SSH server is held ...
            assert events.seen(StepFinished, StepKey.MEMBERS).wait(PATIENCE), events
            assert not later.wait(0)
            assert refused(target.ssh_hostname, target.ssh_port)  # nothing listens there yet
            held_steps = {e.step for _, e in events if isinstance(e, StepFinished)}
            assert {
                StepKey.SIGN_IN,
                StepKey.ORGANIZATION,
                StepKey.PROJECT,
                StepKey.TEAM,
            } <= held_steps
            # ... and what needs SSH waits for it: the key is not pinned, nothing is cloned.
            assert StepKey.SSH_KEY not in held_steps and StepKey.CLONE not in held_steps
        finally:
            released = time.monotonic()
            release.touch()
            runner.join(PATIENCE)
        report = outcome["report"]
        assert report.ok, [(r.key, r.message) for r in report.results]
    assert events.first(HttpCall) < released  # the first request came while SSH was held
    assert events.first(StepFinished, StepKey.ORGANIZATION) < released
    assert events.first(StepFinished, StepKey.CLONE) > released
    assert events.first(StepFinished, StepKey.SSH_KEY) > released
    # The pin is the sandbox's own host key, as announced once its SSH server listened.
    key_line = _host_key_line(data)
    pinned = (data / "home" / ".ssh" / "known_hosts").read_text(encoding="utf-8")
    assert key_line.split()[1] in pinned


def _host_key_line(data: Path) -> str:
    import paramiko

    key = paramiko.RSAKey.from_private_key_file(str(data / HOST_KEY_FILE))
    return f"{key.get_name()} {key.get_base64()}"


@pytest.mark.parametrize("apart", [True, False], ids=["child", "in-process"])
def test_an_ssh_server_that_does_not_start_is_said_at_the_key_and_the_rest_steps_go_on(
    tmp_path, apart
):
    data = tmp_path / "data"
    with opened_sandbox(plan_for(data, apart=apart), Asker()) as opened:  # a first start
        assert opened.target.ssh_later is not None and opened.target.ssh_later.wait(PATIENCE)
    host_key = data / HOST_KEY_FILE
    host_key.write_text("not a key\n", encoding="utf-8")

    events = Timed()
    with opened_sandbox(plan_for(data, apart=apart), Asker()) as opened:
        runner, outcome = run_in_background(opened.target, opened.sandbox_pat, events)
        runner.join(PATIENCE)
        assert (announcement(data) or {}).get("ssh_port") is None  # others: no SSH here
    report = outcome["report"]
    done = statuses(report)
    for key in (StepKey.SIGN_IN, StepKey.PROJECT):  # made while the SSH side failed
        assert done[key] == StepStatus.DONE, report.results
    for key in (StepKey.ORGANIZATION, StepKey.TEAM):  # the sandbox's own, the project's default
        assert done[key] == StepStatus.ALREADY, report.results
    assert done[StepKey.SSH_KEY] == StepStatus.FAILED
    said = report.result(StepKey.SSH_KEY).message
    assert said.startswith("The sandbox's SSH server did not start: ")
    assert str(host_key) in said and "--fresh" in said
    assert not (data / "home" / ".ssh" / "known_hosts").exists()  # nothing pinned blindly

    # Resumed once the key is fixed (here: removed, so a new one is made): the REST steps are
    # found done, the SSH ones run.
    host_key.unlink()
    events = Timed()
    with opened_sandbox(plan_for(data, apart=apart), Asker()) as opened:
        runner, outcome = run_in_background(opened.target, opened.sandbox_pat, events)
        runner.join(PATIENCE)
    report = outcome["report"]
    assert report.ok, [(r.key, r.message) for r in report.results]
    done = statuses(report)
    assert done[StepKey.PROJECT] == StepStatus.ALREADY
    assert done[StepKey.SSH_KEY] == StepStatus.DONE and done[StepKey.CLONE] == StepStatus.DONE


def test_in_the_engines_process_the_ssh_side_starts_at_the_first_request(tmp_path):
    """Started in the engine's own process, the SSH side waits for the REST side's first request
    (from then on the engine waits on the network, and paramiko's import and the host key take
    nothing from it): released by that request, long before its bound."""
    import requests

    from college_tui.sandbox.ports import start_kept

    kept = start_kept(tmp_path / "data", ssh_later=True)
    try:
        said: dict = {}
        starting = threading.Thread(
            target=lambda: said.update(info=kept.server.start_ssh(after_first_request=PATIENCE))
        )
        starting.start()
        assert not kept.server.asked.is_set() and refused("127.0.0.1", kept.info.ssh_port)
        began = time.monotonic()
        requests.get(f"{kept.info.base_url}/_sandbox/stats", timeout=30)
        starting.join(PATIENCE)
        assert time.monotonic() - began < PATIENCE / 2  # the request, not the bound, released it
        assert said["info"].ssh_host_key.startswith("ssh-rsa ")
        assert not refused("127.0.0.1", kept.info.ssh_port)
    finally:
        kept.server.stop()


def test_the_doctor_checks_the_ssh_port_and_host_key_once_the_ssh_side_listens(
    tmp_path, monkeypatch
):
    """`doctor --sandbox`: its HTTP check goes on while the SSH side is held; its SSH checks wait
    for it and then pass with the sandbox's own key (no connection refused, no Azure key)."""
    from college_tui.steps.doctor_check import OK
    from college_tui.steps.doctor_network import network_checks

    release = tmp_path / "release-ssh"
    monkeypatch.setenv(HOLD_SSH_ENV, str(release))
    with opened_sandbox(plan_for(tmp_path / "data", apart=True), Asker()) as opened:
        checked: dict = {}
        doctor = threading.Thread(
            target=lambda: checked.update(
                {c.key: c for c in network_checks(opened.target, opened.sandbox_pat)}
            )
        )
        later = opened.target.ssh_later
        assert later is not None
        waited, wait = threading.Event(), later.wait

        def waiting(timeout: float | None = None) -> bool:  # the doctor has come to wait
            waited.set()
            return wait(timeout)

        later.wait = waiting
        try:
            doctor.start()
            assert waited.wait(PATIENCE) and not wait(0)  # it waits while the SSH side is held
        finally:
            release.touch()
            doctor.join(PATIENCE)
    assert {k: c.status for k, c in checks_not_ok(checked).items()} == {}
    assert f"{opened.target.ssh_port} holds the pinned key" in checked["ssh-host-key"].found
    assert checked["ssh-port"].status == OK


def checks_not_ok(checks: dict) -> dict:
    from college_tui.steps.doctor_check import OK

    return {k: c for k, c in checks.items() if c.status != OK}

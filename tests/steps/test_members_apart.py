"""A class added from a child process (steps/members_apart.py): the real child, the sandbox over
real HTTP. Everyone once, the credential on the child's stdin only, a cancel that stops it, and a
child that dies leaving the rest to the wizard's own process."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from college_tui.events import HttpCall, Note, StepProgress
from college_tui.steps import members_apart
from college_tui.steps.answers import Answers, Member
from college_tui.steps.members import APART_FROM, BATCH, MembersStep
from college_tui.steps.members_apart import GRACE_SECONDS, NICE, Child
from college_tui.steps.project import ProjectStep
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from college_tui.vocabulary import StepKey, StepStatus
from tests.steps.conftest import Recorder
from tests.steps.test_members_class import writes

CLASS = 120  # more than two batches: the child's path
linux_only = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")


@pytest.fixture
def sandbox(start_sandbox, make_ctx):
    server = start_sandbox(project_create_seconds=0.1, device_code_interval=1, token_seconds=3)
    assert run(make_ctx(server), [SignInStep, ProjectStep(first_poll=0.05)]).ok
    return server


class Children(list):
    """The children started, and `lines`: every line they said, as the parent read it."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict | None] = []


@pytest.fixture
def children(monkeypatch) -> Children:
    started = Children()
    lines = started.lines
    real_start, real_read = Child.start.__func__, Child._read

    def start(cls):
        child = real_start(cls)
        started.append(child)
        return child

    def read(self):
        put = self.lines.put

        def keep(said):
            lines.append(said)
            put(said)

        self.lines.put = keep
        real_read(self)

    monkeypatch.setattr(Child, "start", classmethod(start))
    monkeypatch.setattr(Child, "_read", read)
    return started


class At(Recorder):
    """A recorder that calls `then()` once, when the `nth` colleague's progress arrives."""

    def __init__(self, nth: int, then) -> None:
        super().__init__()
        self.nth, self.then, self.when = nth, then, None

    def __call__(self, event) -> None:
        super().__call__(event)
        if isinstance(event, StepProgress) and len(self.of(StepProgress)) == self.nth:
            self.when = time.monotonic()
            self.then()


def roster(count: int = CLASS) -> Answers:
    return Answers(members=[Member(f"pupil{i:03d}@example.com") for i in range(count)])


def team_size(server) -> tuple[int, int]:
    """(rows, distinct addresses) of the pupils in the team, read to the end of its pages."""
    from tests.conftest import connect

    core = connect(server.info.org_url, server.info.pat).clients_v7_1.get_core_client()
    project = core.get_project("College")
    names: list[str] = []
    skip = 0
    while True:
        page = core.get_team_members_with_extended_properties(
            project.id, project.default_team.id, top=100, skip=skip
        )
        skip += len(page)
        names += [m.identity.unique_name for m in page]
        if len(page) < 100:
            pupils = [n for n in names if n.startswith("pupil")]
            return len(pupils), len(set(pupils))


def test_a_class_is_added_from_a_child_process_each_once_events_from_the_callers_thread(
    sandbox, make_ctx, children
):
    assert CLASS >= APART_FROM
    ctx = make_ctx(sandbox, roster())
    threads: set[int] = set()
    record = ctx.emit

    def emit(event) -> None:
        threads.add(threading.get_ident())
        record(event)

    ctx.emit = emit
    assert run(ctx, [SignInStep, MembersStep()]).ok, record.text()
    assert record.finished(StepKey.MEMBERS).summary == (
        f"{CLASS} of {CLASS} colleague(s) in College Team ({CLASS} added)"
    )
    assert len(children) == 1 and children[0]._process.poll() == 0  # one child, ended well
    assert writes(sandbox) == {"invitations": CLASS, "team additions": CLASS}
    assert team_size(sandbox) == (CLASS, CLASS)
    progress = record.of(StepProgress, StepKey.MEMBERS)
    assert sorted(p.message for p in progress) == sorted(
        f"pupil{i:03d}@example.com: added" for i in range(CLASS)
    )
    assert [p.fraction for p in progress] == [(i + 1) / CLASS for i in range(CLASS)]
    # The child's requests reach the log as the in-process ones do, from the caller's thread.
    calls = [e for e in record.of(HttpCall, StepKey.MEMBERS) if e.method in ("PATCH", "PUT")]
    assert [e.method for e in calls].count("PATCH") == -(-CLASS // BATCH)
    assert [e.method for e in calls].count("PUT") == CLASS
    assert threads == {threading.get_ident()}
    assert [list(said or ["EOF"]) for said in children.lines[-3:]] == [["result"], ["end"], ["EOF"]]


@linux_only
def test_the_pat_reaches_the_child_on_its_stdin_only_and_it_runs_below_the_wizard(
    sandbox, make_ctx, children, monkeypatch
):
    """Neither its command line, its environment, its lines nor any event holds the PAT. Its own
    session is its own scheduling group on Linux (autogroup): that group's nice, and its own,
    are NICE, so on busy cores the screen goes first."""
    pat = sandbox.info.pat
    monkeypatch.setenv("AZURE_DEVOPS_PAT", pat)  # as a user may have it: never passed on
    seen: dict[str, bytes] = {}

    def look() -> None:
        proc = Path(f"/proc/{children[0].pid}")
        for name in ("cmdline", "environ", "stat", "autogroup"):
            seen[name] = (proc / name).read_bytes()

    record = At(5, look)
    assert run(make_ctx(sandbox, roster(), emit=record), [SignInStep, MembersStep()]).ok
    assert seen["cmdline"].split(b"\0")[1:4] == [b"-P", b"-m", b"college_tui.steps.members_apart"]
    assert b"AZURE_DEVOPS_CACHE_DIR=" in seen["environ"]  # the environment it did get
    for name, found in seen.items():
        assert pat.encode() not in found, name
    assert pat not in json.dumps(children.lines)  # nothing the child said
    assert pat not in repr(list(record)) and pat not in record.text()  # no event
    assert seen["stat"].rsplit(b")", 1)[1].split()[16] == str(NICE).encode()
    assert seen["autogroup"].endswith(f" nice {NICE}\n".encode())


@linux_only
def test_an_entra_token_is_asked_for_again_over_the_pipe_and_never_shown(
    sandbox, make_ctx, children
):
    """Tokens living 3 s are always within the renewal margin: the child asks before each
    request, the parent renews its own credential (silently, its refresh token) and answers."""
    from college_tui.azdo.client import AzureDevOps
    from tests.azdo.test_entra_sandbox import ADA, DevicePerson, device_credential

    credential = device_credential(sandbox, DevicePerson(ADA))
    tokens: list[str] = []
    real_refresh = credential.refresh_if_needed

    def refresh() -> None:
        real_refresh()
        if credential._token["access_token"] not in tokens:
            tokens.append(credential._token["access_token"])

    credential.refresh_if_needed = refresh
    seen: dict[str, bytes] = {}

    def look() -> None:
        seen["environ"] = Path(f"/proc/{children[0].pid}/environ").read_bytes()
        seen["cmdline"] = Path(f"/proc/{children[0].pid}/cmdline").read_bytes()

    record = At(5, look)
    ctx = make_ctx(sandbox, roster(APART_FROM + 9), emit=record)
    ctx.azdo = AzureDevOps(
        sandbox.info.org_url, sandbox.info.profile_url, credential, record, StepKey.MEMBERS
    )
    ctx.credential = credential
    outcome = MembersStep().apply(ctx)
    assert outcome.summary.endswith("(60 added)"), record.text()
    asked = [said for said in children.lines if said and "ask" in said]
    assert asked and len(tokens) > 2  # renewed for the child, more than once
    said = json.dumps(children.lines)
    for token in tokens:
        assert token not in said and token not in repr(list(record))
        assert all(token.encode() not in found for found in seen.values())


@pytest.fixture
def slow(sandbox, start_sandbox):
    """The same data, every request 50 ms late: the child cannot get far ahead of the service."""
    sandbox.stop()
    return start_sandbox(sandbox.data_dir, project_create_seconds=0.1, faults="latency=0.05,seed=5")


def on_team_addition(server, nth: int, then) -> dict:
    """Call `then()` once the service has carried out its `nth` team addition (a PUT of a
    membership): what the child did, whatever the wizard has heard of it yet."""
    seen = {"count": 0, "when": None}

    def watch(method, host, template, call, reply) -> None:
        if method == "PUT" and "Memberships" in template:
            seen["count"] += 1
            if seen["count"] == nth:
                seen["when"] = time.monotonic()
                then()

    server.sandbox.observers.append(watch)
    return seen


def test_a_cancel_stops_the_child_at_once_and_a_rerun_adds_only_who_is_missing(
    slow, make_ctx, children
):
    ctx = make_ctx(slow, roster())
    seen = on_team_addition(slow, 30, ctx.cancel.set)
    report = run(ctx, [SignInStep, MembersStep()])
    stopped = time.monotonic()
    assert seen["when"] is not None
    assert stopped - seen["when"] < GRACE_SECONDS  # 0.2 s on a quiet machine
    assert children[0]._process.poll() == 0  # it ended by itself, not killed
    assert not report.ok
    after_cancel = writes(slow)
    time.sleep(0.5)
    assert writes(slow) == after_cancel  # nothing more reaches the service
    present, distinct = team_size(slow)
    assert present == distinct and 30 <= present < CLASS
    progress = ctx.emit.of(StepProgress, StepKey.MEMBERS)
    assert len({p.message.split(":")[0] for p in progress}) == len(progress) == CLASS
    assert sum(p.message.endswith(": added") for p in progress) == present
    assert all(p.message.endswith((": added", ": failed (cancelled)")) for p in progress)

    again = make_ctx(slow, roster())
    assert run(again, [SignInStep, MembersStep()]).ok, again.emit.text()
    assert again.emit.finished(StepKey.MEMBERS).summary == (
        f"{CLASS} of {CLASS} colleague(s) in College Team "
        f"({CLASS - present} added, {present} already there)"
    )
    missing = CLASS - present
    assert writes(slow) == {
        "invitations": after_cancel["invitations"] + missing,
        "team additions": after_cancel["team additions"] + missing,
    }
    assert team_size(slow) == (CLASS, CLASS)


def test_a_child_that_dies_midway_is_said_and_the_rest_are_added_here(slow, make_ctx, children):
    on_team_addition(slow, 30, lambda: os.kill(children[0].pid, signal.SIGKILL))
    ctx = make_ctx(slow, roster())
    report = run(ctx, [SignInStep, MembersStep()])
    record = ctx.emit
    assert report.ok, record.text()
    notes = [n.message for n in record.of(Note, StepKey.MEMBERS)]
    said = [n for n in notes if "process of their own" in n]
    assert len(said) == 1 and "its process ended (exit code -9)" in said[0], notes
    assert team_size(slow) == (CLASS, CLASS)
    progress = record.of(StepProgress, StepKey.MEMBERS)
    assert len(progress) == CLASS and progress[-1].fraction == 1.0
    assert len({p.message for p in progress}) == CLASS  # each colleague said once
    done = writes(slow)
    # Who the child finished is not done again: at most the batches it had in hand.
    assert CLASS <= done["team additions"] <= CLASS + 2 * BATCH
    assert record.finished(StepKey.MEMBERS).summary.endswith(f"({CLASS} added)")


def test_a_child_that_cannot_start_is_said_and_everyone_is_added_here(
    sandbox, make_ctx, children, monkeypatch
):
    monkeypatch.setattr(members_apart.sys, "executable", str(Path(sys.prefix) / "no-python"))
    ctx = make_ctx(sandbox, roster(APART_FROM))
    assert run(ctx, [SignInStep, MembersStep()]).ok
    said = [n.message for n in ctx.emit.of(Note) if "process of their own" in n.message]
    assert said and said[0].startswith(
        "The colleagues could not be added from a process of their own: it could not start ("
    )
    assert f"The {APART_FROM} left are added from the wizard's own process" in said[0]
    assert writes(sandbox) == {"invitations": APART_FROM, "team additions": APART_FROM}
    assert ctx.emit.finished(StepKey.MEMBERS).summary.endswith(f"({APART_FROM} added)")
    result = run(make_ctx(sandbox, roster(APART_FROM)), [SignInStep, MembersStep()])
    assert result.result(StepKey.MEMBERS).status == StepStatus.ALREADY


def test_over_https_the_child_trusts_what_the_wizard_trusts(
    tmp_path, make_ctx, children, monkeypatch
):
    """The sandbox's REST over HTTPS with a CA in the OS store only (SSL_CERT_FILE), as behind a
    company proxy: the child, given the wizard's environment without its secrets, verifies with
    the same store (truststore), so the class goes in as the steps before it did."""
    from college_tui.sandbox.server import SandboxServer
    from college_tui.sandbox.service import SandboxConfig
    from tests.conftest import FAST

    config = SandboxConfig(**{**FAST, "project_create_seconds": 0.1})
    server = SandboxServer(tmp_path / "data", ssh=False, https=True, config=config, port=0)
    info = server.start()
    try:
        assert info.org_url.startswith("https://")
        monkeypatch.setenv("SSL_CERT_FILE", info.ca_file)
        for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
            monkeypatch.delenv(name, raising=False)
        ctx = make_ctx(server, roster(APART_FROM))
        steps = [SignInStep, ProjectStep(first_poll=0.05), MembersStep()]
        assert run(ctx, steps).ok, ctx.emit.text()
        assert len(children) == 1 and children[0]._process.poll() == 0
        summary = ctx.emit.finished(StepKey.MEMBERS).summary
        assert summary.endswith(f"({APART_FROM} added)")
        assert "certificate" not in ctx.emit.text().lower()
    finally:
        server.stop()

"""Colleagues: invited with their access level, added to College Team, each reported on its own."""

from __future__ import annotations

import threading
import time

import pytest

from college_tui.azdo.client import AzureDevOps
from college_tui.events import StepProgress
from college_tui.steps.answers import Answers, Member
from college_tui.steps.members import MAX_PARALLEL, MembersStep
from college_tui.steps.project import ProjectStep
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from college_tui.vocabulary import StepKey, StepStatus
from tests.conftest import connect

BEFORE = [SignInStep, ProjectStep(first_poll=0.1)]


@pytest.fixture
def sandbox(start_sandbox):
    """Project creation is only the setting here: keep it short."""
    return start_sandbox(project_create_seconds=0.2)


@pytest.fixture
def with_project(sandbox, make_ctx):
    assert run(make_ctx(sandbox), BEFORE).ok
    return sandbox


def team_member_names(server) -> set[str]:
    clients = connect(server.info.org_url, server.info.pat).clients_v7_1
    core = clients.get_core_client()
    project = core.get_project("College")
    members = core.get_team_members_with_extended_properties(project.id, project.default_team.id)
    return {m.identity.unique_name for m in members}


def licences(server) -> dict[str, str]:
    clients = connect(server.info.org_url, server.info.pat).clients_v7_1
    page = clients.get_member_entitlement_management_client().search_user_entitlements()
    return {m.user.principal_name: m.access_level.account_license_type for m in page.members}


def invites_sent(server) -> int:
    """Invitations the sandbox carried out, one by one (POST) or in bulk (PATCH) alike."""
    return server.sandbox.stats()["invitations"]


def test_colleagues_are_invited_with_their_access_level_and_added_to_the_team(
    with_project, make_ctx
):
    answers = Answers(
        members=[Member("grace@example.com", "stakeholder"), Member("alan@example.com", "basic")]
    )
    ctx = make_ctx(with_project, answers)
    report = run(ctx, [SignInStep, MembersStep()])
    assert report.ok
    assert ctx.emit.finished(StepKey.MEMBERS).summary == (
        "2 of 2 colleague(s) in College Team (2 added)"
    )
    assert {"grace@example.com", "alan@example.com"} <= team_member_names(with_project)
    levels = licences(with_project)
    assert levels["grace@example.com"] == "stakeholder"
    assert levels["alan@example.com"] == "express"
    lines = [e.message for e in ctx.emit.of(StepProgress, "members")]
    assert sorted(lines) == ["alan@example.com: added", "grace@example.com: added"]


def test_a_refused_address_fails_alone_and_the_others_are_added(with_project, make_ctx):
    answers = Answers(
        members=[
            Member("grace@example.com"),
            Member("ghost@college.invalid"),
            Member("alan@example.com"),
        ]
    )
    ctx = make_ctx(with_project, answers)
    report = run(ctx, [SignInStep, MembersStep()])
    result = report.result(StepKey.MEMBERS)
    assert result.status == StepStatus.WARNING and not report.ok
    assert result.summary == "2 of 3 colleague(s) in College Team (2 added, 1 failed)"
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("ghost@college.invalid was not added: ")
    assert (
        "VS403283: Could not add user 'ghost@college.invalid' at this time." in result.warnings[0]
    )  # the service's own words
    names = team_member_names(with_project)
    assert {"grace@example.com", "alan@example.com"} <= names
    assert "ghost@college.invalid" not in names
    assert not ctx.state.is_done(StepKey.MEMBERS)
    assert list(ctx.state.get(StepKey.MEMBERS)["failed"]) == ["ghost@college.invalid"]
    # What `check` sees afterwards: the missing colleague and why.
    plan = run(make_ctx(with_project, answers), [SignInStep, MembersStep()], only_inspect=True)
    facts = plan.result(StepKey.MEMBERS).facts
    assert facts["missing"] == ["ghost@college.invalid"]
    assert "ghost@college.invalid" in facts["failed"]


def test_colleagues_already_in_the_team_are_adopted_without_a_new_invite(with_project, make_ctx):
    answers = Answers(members=[Member("grace@example.com")])
    run(make_ctx(with_project, answers), [SignInStep, MembersStep()])
    sent = invites_sent(with_project)

    answers.members.append(Member("alan@example.com"))
    ctx = make_ctx(with_project, answers)
    report = run(ctx, [SignInStep, MembersStep()])
    assert report.ok
    assert ctx.emit.finished(StepKey.MEMBERS).summary == (
        "2 of 2 colleague(s) in College Team (1 added, 1 already there)"
    )
    assert invites_sent(with_project) == sent + 1

    again = make_ctx(with_project, answers)
    assert (
        run(again, [SignInStep, MembersStep()]).result(StepKey.MEMBERS).status == StepStatus.ALREADY
    )
    assert invites_sent(with_project) == sent + 1


def test_a_csv_of_colleagues_is_read_too(with_project, make_ctx, tmp_path):
    csv = tmp_path / "colleagues.csv"
    csv.write_text("email,access_level\nmargaret@example.com,basic\n", encoding="utf-8")
    ctx = make_ctx(with_project, Answers(members_csv=csv))
    assert run(ctx, [SignInStep, MembersStep()]).ok
    assert "margaret@example.com" in team_member_names(with_project)
    assert licences(with_project)["margaret@example.com"] == "express"


def test_no_colleagues_is_skipped_never_a_tick_and_says_how_to_add_them(with_project, make_ctx):
    ctx = make_ctx(with_project)
    report = run(ctx, [SignInStep, MembersStep()])
    assert report.result(StepKey.MEMBERS).status == StepStatus.SKIPPED and report.ok
    finished = ctx.emit.finished(StepKey.MEMBERS)
    assert finished.skipped and finished.summary.startswith("Skipped: nobody listed")
    assert "e-mail addresses on this step" in finished.summary and "members = [" in finished.summary


def test_a_long_list_runs_several_at_once_bounded_and_events_leave_from_the_caller(
    with_project, make_ctx, monkeypatch
):
    """The invitations go in one request (bulk); each team addition is one, several at once."""
    active, peak, lock = [0], [0], threading.Lock()
    real_add = AzureDevOps.add_member

    def counting_add(self, *args, **kwargs):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        try:
            time.sleep(0.05)  # hold the slot long enough for overlaps to show
            return real_add(self, *args, **kwargs)
        finally:
            with lock:
                active[0] -= 1

    monkeypatch.setattr(AzureDevOps, "add_member", counting_add)
    emails = [f"colleague{i}@example.com" for i in range(10)]
    ctx = make_ctx(with_project, Answers(members=[Member(e) for e in emails]))
    emitted_from: set[int] = set()
    record = ctx.emit

    def emit(event) -> None:
        emitted_from.add(threading.get_ident())
        record(event)

    ctx.emit = emit
    report = run(ctx, [SignInStep, MembersStep()])
    assert report.ok
    assert 1 < peak[0] <= MAX_PARALLEL
    assert emitted_from == {threading.get_ident()}
    assert set(emails) <= team_member_names(with_project)
    fractions = [e.fraction for e in record.of(StepProgress, "members")]
    assert fractions[-1] == 1.0 and len(fractions) == 10


def test_a_class_under_429s_is_invited_each_once_with_bounded_concurrency_and_shared_waits(
    start_sandbox, make_ctx, monkeypatch
):
    """One worker told Retry-After: 1 holds back all of them; nobody is invited twice."""
    from college_tui.sandbox.faults import FaultPlan

    server = start_sandbox(project_create_seconds=0.2)
    assert run(make_ctx(server), BEFORE).ok
    arrivals: list[tuple[float, str | None]] = []  # every request reaching the service
    real_draw = FaultPlan.draw

    def draw(self):
        fault = real_draw(self)
        arrivals.append((time.monotonic(), fault))
        return fault

    monkeypatch.setattr(FaultPlan, "draw", draw)
    server.stop()  # the same data, now answering 8 % of the requests with 429 + Retry-After: 1
    throttled = start_sandbox(
        server.data_dir, project_create_seconds=0.2, faults="429=0.08,retry_after=1,seed=11"
    )
    emails = [f"student{i:02d}@example.com" for i in range(16)]
    ctx = make_ctx(throttled, Answers(members=[Member(e) for e in emails]))
    report = run(ctx, [SignInStep, MembersStep()])

    assert report.ok, ctx.emit.text()
    assert set(emails) <= team_member_names(throttled)
    assert invites_sent(throttled) == len(emails)  # each invitation carried out exactly once
    assert 1 < throttled.sandbox.stats()["in_flight_max"] <= MAX_PARALLEL
    told = [t for t, fault in arrivals if fault == "429"]
    assert told, "the seed gave no 429: choose another"
    for t in told:  # after a 429, nothing reaches the service until its Retry-After has passed
        early = [a for a, _ in arrivals if t + 0.2 < a < t + 0.9]
        assert not early, f"{len(early)} request(s) sent during a Retry-After pause"

"""A class: lists longer than one page, read to their end; a bound that adapts to the service.

The sandbox hands out team members 100 at a time ($top + $skip) and user entitlements with a
continuation token, like Azure DevOps. A roster longer than those pages re-run must find all of
them there.
"""

from __future__ import annotations

from college_tui.azdo.client.plumbing import PAGE
from college_tui.steps.answers import Answers, Member
from college_tui.steps.members import BATCH, MembersStep
from college_tui.steps.project import ProjectStep
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from college_tui.vocabulary import StepKey, StepStatus
from tests.conftest import connect

# Past two whole pages of 100 with a part-page after them, and five batches of invitations:
# what paging and batching can get wrong shows at this size. How long a class of 2,000 or
# 10,000 takes is benchmark figure 4's (benchmarks/), not a test's: at 2,000 this one test cost
# 20 s of CPU for nothing more proved.
CLASS = 250


def writes(server) -> dict[str, int]:
    """Invitations carried out (one by one or in bulk) and team additions (PUT memberships)."""
    stats = server.sandbox.stats()
    counts = {"invitations": stats["invitations"], "team additions": 0}
    for r in stats["requests"]:
        if r["method"] == "PUT" and "Memberships" in r["route"]:
            counts["team additions"] += r["count"]
    return counts


def invitation_requests(server) -> dict[str, int]:
    """The requests that carried the invitations: {"POST": one each, "PATCH": in bulk}."""
    found = {"POST": 0, "PATCH": 0}
    for r in server.sandbox.stats()["requests"]:
        if r["route"].endswith("_apis/UserEntitlements") and r["method"] in found:
            found[r["method"]] += r["count"]
    return found


def test_a_roster_of_250_rerun_sends_no_invitation_and_no_team_addition(start_sandbox, make_ctx):
    assert CLASS > 2 * PAGE and CLASS % PAGE and CLASS > 4 * BATCH  # the sizes that matter
    server = start_sandbox(project_create_seconds=0.1)
    roster = Answers(members=[Member(f"student{i:04d}@example.com") for i in range(CLASS)])
    first = make_ctx(server, roster)
    assert run(first, [SignInStep, ProjectStep(first_poll=0.05), MembersStep()]).ok
    assert first.emit.finished(StepKey.MEMBERS).summary == (
        f"{CLASS} of {CLASS} colleague(s) in College Team ({CLASS} added)"
    )
    after_first = writes(server)
    assert after_first == {"invitations": CLASS, "team additions": CLASS}
    # In bulk: 50 invitations a request (the portal's batch), nobody invited alone.
    assert invitation_requests(server) == {"POST": 0, "PATCH": CLASS // BATCH}

    # What the SDK itself gets is one page: the service's default $top.
    core = connect(server.info.org_url, server.info.pat).clients_v7_1.get_core_client()
    project = core.get_project("College")
    one_page = core.get_team_members_with_extended_properties(project.id, project.default_team.id)
    assert len(one_page) == PAGE

    again = make_ctx(server, roster)
    report = run(again, [SignInStep, MembersStep()])
    assert report.result(StepKey.MEMBERS).status == StepStatus.ALREADY, again.emit.text()
    assert writes(server) == after_first  # nobody invited or added twice

    checked = make_ctx(server, roster)  # what `check` and `plan` see
    assert run(checked, [SignInStep]).ok
    inspection = MembersStep().inspect(checked)
    assert inspection.done and inspection.facts["missing"] == []


def test_a_colleague_found_on_the_second_page_of_an_entitlement_search(start_sandbox, make_ctx):
    """The search by name matches by substring: the address wanted may be on page 2."""
    from college_tui.azdo.client import AzureDevOps
    from college_tui.azdo.credentials import PatCredential

    server = start_sandbox(project_create_seconds=0.1)
    # 150 addresses that contain "a@example.com", then that address itself: the 151st match.
    names = [f"m{i:03d}a@example.com" for i in range(150)] + ["a@example.com"]
    roster = Answers(members=[Member(n) for n in names])
    steps = [SignInStep, ProjectStep(first_poll=0.05), MembersStep()]
    assert run(make_ctx(server, roster), steps).ok
    svc = AzureDevOps(
        server.info.org_url, server.info.profile_url, PatCredential(server.info.pat), lambda e: None
    )
    found = svc.user_entitlement("a@example.com")
    assert found is not None and found.ok and found.user_descriptor


def test_a_class_at_real_latency_goes_several_at_once_within_the_bound_each_invited_once(
    start_sandbox, make_ctx, monkeypatch
):
    """At 50 ms a request the class goes several at a time, never past MAX_PARALLEL, each
    invited once. How far the bound grows past its start depends on how quickly answers come
    back, so on the machine's load (two loaded .ci/runs kept it at four): the growth rule is
    tests/steps/test_polls.py's (synthetic answers), the growth at the service's latency
    benchmark figure 4's. In the step's own process: the child's path has its own tests."""
    from college_tui.steps import members
    from college_tui.steps.members import MAX_PARALLEL

    monkeypatch.setattr(members, "APART_FROM", 10**9)

    server = start_sandbox(project_create_seconds=0.1)
    assert run(make_ctx(server), [SignInStep, ProjectStep(first_poll=0.05)]).ok
    server.stop()  # the same data, every request now 50 ms late
    slow = start_sandbox(server.data_dir, project_create_seconds=0.1, faults="latency=0.05")
    roster = Answers(members=[Member(f"pupil{i:03d}@example.com") for i in range(120)])
    ctx = make_ctx(slow, roster)
    assert run(ctx, [SignInStep, MembersStep()]).ok, ctx.emit.text()
    assert writes(slow) == {"invitations": 120, "team additions": 120}
    assert 1 < slow.sandbox.stats()["in_flight_max"] <= MAX_PARALLEL

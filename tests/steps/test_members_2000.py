"""A class of 2,000 already there: every page is read, nothing is sent again (issue 28).

The members step of a class of 2,000 is benchmark figure 4's (benchmarks/large_class.py): adding
them through the step costs seconds of CPU a test need not pay. What can only go wrong at this
size is the reading: twenty pages of team members ($top + $skip, 100 at a time, as Azure DevOps
hands them out) read to their end, so a re-run finds all 2,000 and invites and adds nobody.
The 2,000 are put in the sandbox's store directly, in the shapes its own invitation and Graph
membership write (sandbox/api/members.py `invite`, sandbox/api/lookups.py `add_membership`).
"""

from __future__ import annotations

import uuid

from college_tui.azdo.client import AzureDevOps
from college_tui.azdo.client.plumbing import PAGE
from college_tui.azdo.credentials import PatCredential
from college_tui.sandbox.api.lookups import add_membership
from college_tui.sandbox.api.members import _save_member
from college_tui.sandbox.service import descriptor
from college_tui.steps.answers import Answers, Member
from college_tui.steps.members import MembersStep
from college_tui.steps.project import ProjectStep
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from college_tui.vocabulary import StepKey, StepStatus
from tests.conftest import connect
from tests.steps.test_members_class import invitation_requests, writes

CLASS = 2000


def put_in_team(server, svc: AzureDevOps, emails: list[str]) -> None:
    """Each address entitled in the organisation and a member of College Team, in one
    transaction of the sandbox's store."""
    sandbox = server.sandbox
    org = sandbox.config.org_name
    project = svc.get_project("College")
    assert project is not None
    team = next(t for t in svc.teams(project.id) if t.name == "College Team")
    container = svc.descriptor(team.id)
    with sandbox.store.transaction():
        for email in emails:
            user_id = str(uuid.uuid4())
            member = {
                "id": user_id,
                "org": org,
                "principalName": email,
                "displayName": email,
                "descriptor": descriptor("aad", user_id),
                "originId": str(uuid.uuid4()),
                "accountLicenseType": "stakeholder",
                "status": "pending",
                "projectEntitlements": [],
                "extensions": [],
                "dateCreated": "2026-12-08T00:00:00Z",
            }
            _save_member(sandbox, member)
            add_membership(sandbox, org, member["descriptor"], container)


def test_a_roster_of_2000_already_in_the_team_is_read_to_its_end_and_nothing_is_sent(
    start_sandbox, make_ctx
):
    server = start_sandbox(project_create_seconds=0.1)
    first = make_ctx(server)
    assert run(first, [SignInStep, ProjectStep(first_poll=0.05)]).ok
    svc = AzureDevOps(
        server.info.org_url, server.info.profile_url, PatCredential(server.info.pat), lambda e: None
    )
    emails = [f"student{i:04d}@example.com" for i in range(CLASS)]
    put_in_team(server, svc, emails)
    before = writes(server)

    # The SDK alone gets one page (the service's default $top); the facade reads all twenty.
    core = connect(server.info.org_url, server.info.pat).clients_v7_1.get_core_client()
    project = core.get_project("College")
    assert (
        len(core.get_team_members_with_extended_properties(project.id, project.default_team.id))
        == PAGE
    )
    names = {m.unique_name.lower() for m in svc.team_members(project.id, project.default_team.id)}
    assert set(emails) <= names

    roster = Answers(members=[Member(e) for e in emails])
    again = make_ctx(server, roster)
    report = run(again, [SignInStep, MembersStep()])
    assert report.result(StepKey.MEMBERS).status == StepStatus.ALREADY, again.emit.text()
    assert again.emit.finished(StepKey.MEMBERS).summary == (
        f"All {CLASS} colleague(s) are in College Team"
    )
    assert writes(server) == before  # nobody invited or added again
    assert invitation_requests(server) == {"POST": 0, "PATCH": 0}

    checked = make_ctx(server, roster)  # what `check` and `plan` see
    assert run(checked, [SignInStep]).ok
    inspection = MembersStep().inspect(checked)
    assert inspection.done and inspection.facts["missing"] == []

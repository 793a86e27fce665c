"""College Team as the default team: adopted, created, made default, or set by hand meanwhile."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from college_tui.azdo.client import AzureDevOps
from college_tui.azdo.errors import PortalRefused
from college_tui.events import NeedsYou
from college_tui.steps.answers import Answers
from college_tui.steps.project import ProjectStep
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from college_tui.steps.team import TeamStep
from college_tui.vocabulary import StepKey, StepStatus
from tests.conftest import connect


def core(server):
    return connect(server.info.org_url, server.info.pat).clients_v7_1.get_core_client()


def default_team(server) -> str:
    return core(server).get_project("College").default_team.name


def hierarchy_queries(events) -> list:
    return [e for e in events.posts() if "HierarchyQuery" in e.path]


@pytest.fixture
def sandbox(start_sandbox):
    """Project creation is only the setting here: keep it short."""
    return start_sandbox(project_create_seconds=0.2)


@pytest.fixture
def with_project(sandbox, make_ctx):
    """A sandbox where the course's project College exists already."""
    assert run(make_ctx(sandbox), [SignInStep, ProjectStep(first_poll=0.1)]).ok
    return sandbox


def test_the_team_made_with_the_project_is_adopted_as_it_is(with_project, make_ctx):
    ctx = make_ctx(with_project)
    report = run(ctx, [SignInStep, TeamStep()])
    assert report.results[1].status == StepStatus.ALREADY
    assert (
        ctx.emit.finished(StepKey.TEAM).summary
        == "Team College Team is the default team of College"
    )
    assert ctx.emit.posts() == []
    assert [t.name for t in core(with_project).get_teams("College")] == ["College Team"]


def test_another_team_name_is_created_and_made_the_default(with_project, make_ctx):
    ctx = make_ctx(with_project, Answers(team="Data Science Team"))
    report = run(ctx, [SignInStep, TeamStep()])
    assert report.ok
    assert ctx.emit.finished(StepKey.TEAM).summary == (
        "Team Data Science Team created and made the default team of College"
    )
    assert default_team(with_project) == "Data Science Team"
    assert len(hierarchy_queries(ctx.emit)) == 1
    again = make_ctx(with_project, Answers(team="Data Science Team"))
    assert run(again, [SignInStep, TeamStep()]).results[1].status == StepStatus.ALREADY
    assert sorted(t.name for t in core(with_project).get_teams("College")) == [
        "College Team",
        "Data Science Team",
    ]


def test_an_existing_team_that_is_not_the_default_is_made_the_default(with_project, make_ctx):
    from azure.devops.v7_1.core.models import WebApiTeam

    project_id = core(with_project).get_project("College").id
    core(with_project).create_team(WebApiTeam(name="Ops Team"), project_id)
    ctx = make_ctx(with_project, Answers(team="ops team"))
    report = run(ctx, [SignInStep, TeamStep()])
    assert report.ok
    assert (
        ctx.emit.finished(StepKey.TEAM).summary == "Team Ops Team made the default team of College"
    )
    assert default_team(with_project) == "Ops Team"
    assert len([t for t in core(with_project).get_teams("College") if t.name == "Ops Team"]) == 1


def attendee_sets_default_in_browser(server, events, team_name: str) -> threading.Thread:
    """What the attendee does on the settings page, once the wizard asks (the portal's call)."""

    def act() -> None:
        deadline = time.monotonic() + 10
        while not [e for e in list(events) if isinstance(e, NeedsYou)]:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        team = next(t for t in core(server).get_teams("College") if t.name == team_name)
        body = {
            "contributionIds": ["ms.vss-admin-web.admin-teams-data-provider"],
            "dataProviderContext": {
                "properties": {
                    "setDefaultTeam": True,
                    "teamId": team.id,
                    "sourcePage": {"routeValues": {"project": "College"}},
                }
            },
        }
        answer = requests.post(
            f"{server.info.org_url}/_apis/Contribution/HierarchyQuery",
            params={"api-version": "5.0-preview.1"},
            json=body,
            auth=("", server.info.pat),
            timeout=5,
        )
        assert answer.status_code == 200

    thread = threading.Thread(target=act)
    thread.start()
    return thread


def test_when_the_portal_refuses_the_attendee_is_sent_to_the_settings_page(
    with_project, make_ctx, monkeypatch
):
    def refused(self, project_name, team_id):
        raise PortalRefused("The portal's API refused this personal access token (HTTP 401).")

    monkeypatch.setattr(AzureDevOps, "set_default_team", refused)
    ctx = make_ctx(with_project, Answers(team="Data Science Team"))
    browser = attendee_sets_default_in_browser(with_project, ctx.emit, "Data Science Team")
    report = run(ctx, [SignInStep, TeamStep(wait_seconds=20, poll_seconds=0.1)])
    browser.join()
    assert report.ok
    ask = ctx.emit.of(NeedsYou, "team")[0]
    assert ask.url == f"{with_project.info.org_url}/College/_settings/teams"
    assert "Set team as project default" in ask.message and "refused" in ask.message
    assert default_team(with_project) == "Data Science Team"


def test_waiting_for_the_default_team_by_hand_is_bounded(with_project, make_ctx, monkeypatch):
    monkeypatch.setattr(
        AzureDevOps,
        "set_default_team",
        lambda self, p, t: (_ for _ in ()).throw(PortalRefused("refused")),
    )
    ctx = make_ctx(with_project, Answers(team="Data Science Team"))
    report = run(ctx, [SignInStep, TeamStep(wait_seconds=0.4, poll_seconds=0.1)])
    assert report.results[1].status == StepStatus.FAILED
    assert ctx.emit.failed(StepKey.TEAM).message.startswith(
        "Gave up waiting for Data Science Team to become the default team after 0.4 s"
    )
    assert default_team(with_project) == "College Team"


def test_without_the_project_the_team_step_waits_for_it(sandbox, make_ctx):
    ctx = make_ctx(sandbox)
    plan = run(ctx, [SignInStep, TeamStep()], only_inspect=True)
    assert plan.results[1].status == StepStatus.TODO
    assert "adopt the team College Team" in plan.results[1].todo
    report = run(make_ctx(sandbox), [SignInStep, TeamStep()])
    assert report.results[1].status == StepStatus.FAILED


def test_an_invalid_team_name_is_refused_by_the_service_and_nothing_is_made(with_project, make_ctx):
    answers = Answers()
    answers.team = "Team<1>"  # bypassing the answers' check on purpose
    ctx = make_ctx(with_project, answers)
    report = run(ctx, [SignInStep, TeamStep()])
    assert report.results[1].status == StepStatus.FAILED
    assert "not valid" in ctx.emit.failed(StepKey.TEAM).message
    assert [t.name for t in core(with_project).get_teams("College")] == ["College Team"]

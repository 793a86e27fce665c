"""Within one run a fact is fetched once; writes, polls and the next run read the world afresh."""

from __future__ import annotations

import threading

from college_tui.steps.organization import OrganizationStep
from college_tui.steps.project import ProjectStep
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from college_tui.steps.team import TeamStep
from tests.conftest import connect
from tests.sandbox.helpers import create_project

from .conftest import signed_in

PROJECT = "dev:_apis/projects/{projectId}"


def count(server, method: str, route: str) -> int:
    return sum(
        r["count"]
        for r in server.sandbox.stats()["requests"]
        if r["method"] == method and r["route"] == route
    )


def test_a_run_fetches_the_profile_and_the_project_once_per_change(sandbox, make_ctx):
    ctx = make_ctx(sandbox)
    report = run(ctx, [SignInStep, OrganizationStep, ProjectStep(first_poll=0.1), TeamStep])
    assert report.ok, ctx.emit.text()
    # Who you are: once, though sign-in and organisation both need it.
    assert count(sandbox, "GET", "app:_apis/Profile/Profiles/{id}") == 1
    # The project: once before creating it (inspect and apply share it), once after; the team
    # step reads the default team from that same answer instead of listing the teams.
    assert count(sandbox, "GET", PROJECT) == 2
    assert count(sandbox, "GET", "dev:_apis/projects/{projectId}/teams") == 0
    assert count(sandbox, "GET", "dev:_apis/process/processes") == 1


def test_the_next_run_and_a_write_read_afresh(sandbox, make_ctx):
    ctx = signed_in(make_ctx(sandbox))
    svc = ctx.azdo
    svc.remember_reads()
    assert svc.get_project("College") is None
    create_project(connect(sandbox.info.org_url, sandbox.info.pat).clients_v7_1)
    assert svc.get_project("College") is None  # remembered within the run, as intended
    svc.forget_reads(stop=True)  # what the runner does when a run ends
    project = svc.get_project("College")
    assert project is not None

    svc.remember_reads()
    assert svc.get_repository(project.id, "extra") is None
    svc.create_repository(project.id, "extra")  # a write forgets what was read before it
    assert svc.get_repository(project.id, "extra") is not None


def test_a_poll_never_gets_a_remembered_answer(sandbox, make_ctx):
    ctx = signed_in(make_ctx(sandbox))
    svc = ctx.azdo
    svc.remember_reads()
    assert svc.get_project("College") is None
    clients = connect(sandbox.info.org_url, sandbox.info.pat).clients_v7_1
    maker = threading.Thread(target=create_project, args=(clients,))
    maker.start()
    try:
        found = ctx.poll(
            lambda: svc.get_project("College"),
            timeout=20,
            what="the project",
            first=0.1,
            factor=1.0,
        )
    finally:
        maker.join()
    assert found.name == "College"


def test_a_repository_made_just_now_is_not_searched_for_branches_or_imports(
    start_sandbox, make_ctx
):
    from college_tui.steps.importrepo import ImportStep

    server = start_sandbox(project_create_seconds=0.1, import_seconds=0.1)
    ctx = make_ctx(server)
    report = run(ctx, [SignInStep, ProjectStep(first_poll=0.1), ImportStep(first_poll=0.1)])
    assert report.ok, ctx.emit.text()
    refs = "dev:{project}/_apis/git/repositories/{repositoryId}/refs"
    imports = "dev:{project}/_apis/git/repositories/{repositoryId}/importRequests"
    assert count(server, "GET", refs) == 0
    assert count(server, "GET", imports) == 0
    assert count(server, "POST", imports) == 1

"""Project College on Agile: queued, polled to the end, adopted when it exists, never twice."""

from __future__ import annotations

import threading
import time

import pytest
from azure.devops.v7_1.core.models import TeamProject

from college_tui.events import HttpCall, Note, StepProgress
from college_tui.steps.answers import Answers
from college_tui.steps.project import ProjectStep
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from college_tui.vocabulary import StepKey, StepStatus
from tests.conftest import connect
from tests.sandbox.helpers import HeldClock, refuse_as_unscoped

from .conftest import Recorder, signed_in

SCRUM = "6b724908-ef14-45cf-84f8-768b5384da45"


def count(server, method: str, route: str) -> int:
    return sum(
        r["count"]
        for r in server.sandbox.stats()["requests"]
        if r["method"] == method and r["route"] == route
    )


def projects_created(server) -> int:
    return count(server, "POST", "dev:_apis/projects")


def core(server):
    return connect(server.info.org_url, server.info.pat).clients_v7_1.get_core_client()


def test_the_project_is_queued_polled_until_it_succeeds_and_is_agile(start_sandbox, make_ctx):
    clock = HeldClock()
    clock.hold()  # the creation moves a quarter of its time per look of the step: each state seen
    sandbox = start_sandbox(clock=clock, project_create_seconds=4.0)

    class MovesTheCreationPerLook(Recorder):
        def __call__(self, event) -> None:
            super().__call__(event)
            if isinstance(event, HttpCall) and "/_apis/operations/" in event.path:
                clock.advance(1.0)

    ctx = make_ctx(sandbox, emit=MovesTheCreationPerLook())
    report = run(ctx, [SignInStep, ProjectStep(first_poll=0.1)])
    assert report.ok
    assert ctx.emit.finished(StepKey.PROJECT).summary == "Project College created (Agile)"
    statuses = [
        e.message.rsplit(": ", 1)[-1]
        for e in ctx.emit.of(StepProgress, "project")
        if e.message.startswith("Creating project")
    ]
    assert statuses[0] == "notSet" and statuses[-1] == "succeeded" and "inProgress" in statuses
    fractions = [e.fraction for e in ctx.emit.of(StepProgress, "project")]
    assert fractions == sorted(fractions)
    assert projects_created(sandbox) == 1
    project = core(sandbox).get_project("College", include_capabilities=True)
    assert project.capabilities["processTemplate"]["templateName"] == "Agile"
    assert project.description == Answers().project_description
    state = ctx.state.get(StepKey.PROJECT)
    assert state["project_id"] == project.id and "operation_id" not in state


def test_an_existing_project_is_adopted_and_no_second_one_is_queued(sandbox, make_ctx):
    run(make_ctx(sandbox), [SignInStep, ProjectStep(first_poll=0.1)])
    again = make_ctx(sandbox)
    report = run(again, [SignInStep, ProjectStep()])
    assert report.results[1].status == StepStatus.ALREADY
    assert again.emit.finished(StepKey.PROJECT).summary == "Project College exists (Agile)"
    assert projects_created(sandbox) == 1


def test_a_run_killed_while_waiting_resumes_the_same_creation(sandbox, make_ctx):
    first = signed_in(make_ctx(sandbox))
    op_id = ProjectStep()._queue(first)  # the POST went out; then the process died
    assert first.state.get(StepKey.PROJECT)["operation_id"] == op_id

    second = make_ctx(sandbox)  # a new process: new facade, state from disk
    report = run(second, [SignInStep, ProjectStep(first_poll=0.1)])
    assert report.ok
    assert any("Resuming" in e.message for e in second.emit.of(StepProgress, "project"))
    assert projects_created(sandbox) == 1
    assert [p.name for p in core(sandbox).get_projects()] == ["College"]


def test_a_lost_operation_id_still_ends_with_one_project(sandbox, make_ctx):
    first = signed_in(make_ctx(sandbox))
    ProjectStep()._queue(first)
    first.state.forget(StepKey.PROJECT)  # killed before the id reached the disk
    second = make_ctx(sandbox)
    report = run(second, [SignInStep, ProjectStep(first_poll=0.1)])
    assert report.ok
    assert [p.name for p in core(sandbox).get_projects()] == ["College"]


def test_an_existing_project_on_another_process_is_kept_and_reported(sandbox, make_ctx):
    op = core(sandbox).queue_create_project(
        TeamProject(
            name="College",
            capabilities={
                "versioncontrol": {"sourceControlType": "Git"},
                "processTemplate": {"templateTypeId": SCRUM},
            },
        )
    )
    ctx = make_ctx(sandbox)
    signed_in(ctx)
    ctx.poll(lambda: ctx.service("t").get_project("College"), timeout=10, what="it", first=0.1)
    report = run(ctx, [ProjectStep()])
    assert op.status == "notSet" and report.results[0].status == StepStatus.ALREADY
    assert ctx.emit.finished(StepKey.PROJECT).summary == "Project College exists (Scrum)"
    warning = ctx.emit.of(Note, "project")[0].message
    assert warning.startswith("Warning:") and "uses the Scrum process, not Agile" in warning
    assert report.results[0].facts["expected_process"] is False
    assert projects_created(sandbox) == 1


def test_an_unknown_process_lists_the_ones_offered(sandbox, make_ctx):
    ctx = make_ctx(sandbox, Answers(process="Kanban"))
    report = run(ctx, [SignInStep, ProjectStep()])
    assert report.results[1].status == StepStatus.FAILED
    assert ctx.emit.failed(StepKey.PROJECT).message == (
        "The process Kanban is not available in this organisation (it offers Scrum, Basic, Agile, "
        "CMMI). Choose one of those in the answers."
    )
    assert projects_created(sandbox) == 0


def test_a_failed_creation_reports_the_service_message_and_forgets_the_operation(
    start_sandbox, make_ctx
):
    server = start_sandbox(project_create_seconds=60)
    ctx = make_ctx(server)
    store = server.sandbox.store

    def service_gives_up() -> None:
        # As the service does when a process template plugin fails mid-way.
        deadline = time.monotonic() + 10
        while (
            not ctx.state.get(StepKey.PROJECT).get("operation_id") and time.monotonic() < deadline
        ):
            time.sleep(0.02)
        op_id = ctx.state.get(StepKey.PROJECT)["operation_id"]
        store.delete("job", f"project_create:{op_id}")
        op = store.get("operation", op_id)
        op.update(
            status="failed",
            resultMessage="TF30170: The plugin Microsoft.ProjectCreation"
            "Wizard.Portal failed during task CreateSite.",
        )
        store.put("operation", op_id, op, org=op["org"], name=op["name"])

    service = threading.Thread(target=service_gives_up)
    service.start()
    report = run(ctx, [SignInStep, ProjectStep(first_poll=0.05)])
    service.join()
    assert report.results[1].status == StepStatus.FAILED
    message = ctx.emit.failed(StepKey.PROJECT).message
    assert message.startswith("Azure DevOps could not create the project College: TF30170")
    assert "operation_id" not in ctx.state.get(StepKey.PROJECT)
    assert core(server).get_projects() == []


def test_an_invalid_project_name_is_refused_by_the_service_with_its_words(sandbox, make_ctx):
    answers = Answers()
    answers.project = "College|2024"  # bypassing the answers' own check on purpose
    ctx = make_ctx(sandbox, answers)
    report = run(ctx, [SignInStep, ProjectStep()])
    assert report.results[1].status == StepStatus.FAILED
    message = ctx.emit.failed(StepKey.PROJECT).message
    assert "TF200020" in message or "not valid" in message
    assert core(sandbox).get_projects() == []


@pytest.mark.parametrize("status", [403, 401])
def test_a_pat_without_the_project_scope_is_told_which_scope_to_add(
    sandbox, make_ctx, monkeypatch, status
):
    # A PAT made without "Project and Team: Read, write & manage": the creating POST refused.
    refuse_as_unscoped(monkeypatch, "POST", "dev", "_apis/projects", status)
    ctx = make_ctx(sandbox)
    report = run(ctx, [SignInStep, ProjectStep()])
    assert [r.status for r in report.results] == ["done", "failed"]
    message = ctx.emit.failed(StepKey.PROJECT).message
    assert "vso.project_manage" in message
    assert "Project and Team: Read, write & manage" in message
    assert core(sandbox).get_projects() == []

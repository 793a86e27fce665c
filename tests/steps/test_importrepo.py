"""The import step: repository aidevcollege made (or adopted) and filled from the course's GitHub
URL, with the service's import progress; a killed run resumes the same import; a bad source fails
with the service's words and can be retried.
"""

from __future__ import annotations

import threading

import pytest
from azure.devops.v7_1.core.models import TeamProjectReference
from azure.devops.v7_1.git.models import GitRepositoryCreateOptions

from college_tui.events import HttpCall, Note, StepProgress
from college_tui.steps.answers import Answers
from college_tui.steps.importrepo import ImportStep
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from college_tui.vocabulary import StepKey, StepStatus
from tests.conftest import connect
from tests.sandbox.helpers import (
    HeldClock,
    create_project,
    import_course,
    start_import,
    wait_for,
)

from .conftest import Recorder, signed_in

FAST = dict(first_poll=0.05, poll_cap=0.1)
COURSE = "https://github.com/aidevcollege/aidevcollege"


def clients(server):
    return connect(server.info.org_url, server.info.pat).clients_v7_1


def posts(events, suffix: str) -> list:
    return [e for e in events.posts() if e.path.split("?")[0].endswith(suffix)]


def repo_names(server) -> list[str]:
    return sorted(r.name for r in clients(server).get_git_client().get_repositories("College"))


@pytest.fixture
def with_project(sandbox):
    """A sandbox whose organisation has the course's project College (and its repo College)."""
    create_project(clients(sandbox))
    return sandbox


def test_the_course_is_imported_into_a_new_repository_step_by_step(start_sandbox, make_ctx):
    clock = HeldClock()
    with_project = start_sandbox(clock=clock, import_seconds=1.0)
    create_project(clients(with_project))
    clock.hold()  # the import moves a tenth of its time per look of the step: each step seen

    class MovesTheImportPerLook(Recorder):
        def __call__(self, event) -> None:
            super().__call__(event)
            if isinstance(event, HttpCall) and "/importRequests/" in event.path:
                clock.advance(0.1)

    ctx = make_ctx(with_project, emit=MovesTheImportPerLook())

    report = run(ctx, [SignInStep, ImportStep(**FAST)])

    assert report.ok, ctx.emit.text()
    assert repo_names(with_project) == ["College", "aidevcollege"]
    repo = clients(with_project).get_git_client().get_repository("aidevcollege", "College")
    assert repo.default_branch == "refs/heads/main"
    assert ctx.emit.finished(StepKey.IMPORT).summary == (
        f"Imported {COURSE} into aidevcollege (default branch main)"
    )
    steps = [e for e in ctx.emit.of(StepProgress, "import") if e.message.startswith("Importing")]
    assert steps[0].message == "Importing: Processing request (1/6)"
    assert steps[-1].message == "Importing: Import completed successfully (6/6)"
    assert steps[-1].fraction == 1.0
    assert [e.fraction for e in steps] == sorted(e.fraction for e in steps)
    assert any(
        "repository College was made together with the project" in n.message
        for n in ctx.emit.of(Note, "import")
    )
    assert len(posts(ctx.emit, "/importRequests")) == 1
    assert ctx.state.get(StepKey.IMPORT)["repo_id"] == repo.id


def test_a_second_run_adopts_the_imported_repository(with_project, make_ctx):
    assert run(make_ctx(with_project), [SignInStep, ImportStep(**FAST)]).ok
    again = make_ctx(with_project)

    report = run(again, [SignInStep, ImportStep(**FAST)])

    assert report.results[1].status == StepStatus.ALREADY
    assert again.emit.finished(StepKey.IMPORT).summary == (
        "Repository aidevcollege holds code (default branch main)"
    )
    assert again.emit.posts() == []
    assert repo_names(with_project) == ["College", "aidevcollege"]


def test_a_repository_that_already_holds_the_course_is_adopted(with_project, make_ctx):
    project = clients(with_project).get_core_client().get_project("College")
    import_course(clients(with_project), project)
    ctx = make_ctx(with_project)

    report = run(ctx, [SignInStep, ImportStep(**FAST)])

    assert report.results[1].status == StepStatus.ALREADY
    assert ctx.emit.posts() == []


def test_a_run_killed_during_the_import_resumes_it_instead_of_starting_another(
    start_sandbox, make_ctx
):
    # The import moves only when the test says: after the step said it resumes it (on the wall
    # clock it could finish first on a busy machine, and the step would rightly adopt it).
    clock = HeldClock()
    server = start_sandbox(clock=clock)
    create_project(clients(server))
    clock.hold()

    class MovesTheImportOnResuming(Recorder):
        def __call__(self, event) -> None:
            super().__call__(event)
            if isinstance(event, StepProgress) and event.message.startswith("Resuming"):
                clock.advance(60)

    # The earlier run created the repository and queued the import, then died.
    sdk = clients(server)
    project = sdk.get_core_client().get_project("College")
    repo = sdk.get_git_client().create_repository(
        GitRepositoryCreateOptions(
            name="aidevcollege", project=TeamProjectReference(id=project.id)
        ),
        "College",
    )
    queued = start_import(sdk, project, repo.id)
    ctx = make_ctx(server, emit=MovesTheImportOnResuming())
    inspection = ImportStep().inspect(signed_in(ctx))
    assert not inspection.done and inspection.todo == "wait for the running import to finish"

    report = run(ctx, [SignInStep, ImportStep(**FAST)])

    assert report.ok, ctx.emit.text()
    assert any(
        e.message.startswith(f"Resuming: the import #{queued.import_request_id}")
        for e in ctx.emit.of(StepProgress, "import")
    )
    assert ctx.emit.posts() == []  # no second repository, no second import request
    requests = sdk.get_git_client().query_import_requests("College", repo.id)
    assert [r.status for r in requests] == ["completed"]


def test_an_unreachable_source_fails_with_the_services_message_and_can_be_retried(
    with_project, make_ctx
):
    wrong = Answers(source_url="https://github.com/aidevcollege/no-such-repo")
    ctx = make_ctx(with_project, wrong)

    report = run(ctx, [SignInStep, ImportStep(**FAST)])

    assert not report.ok
    message = ctx.emit.failed(StepKey.IMPORT).message
    assert message.startswith(
        "Azure DevOps could not import https://github.com/aidevcollege/"
        "no-such-repo into aidevcollege: Import request cannot be processed"
    )
    assert "Clone URL is incorrect." in message and "source_url" in message
    repo = clients(with_project).get_git_client().get_repository("aidevcollege", "College")
    assert repo.default_branch is None  # nothing half-made: still empty

    fixed = make_ctx(with_project)
    assert run(fixed, [SignInStep, ImportStep(**FAST)]).ok, fixed.emit.text()
    assert len(posts(fixed.emit, "/importRequests")) == 1
    assert posts(fixed.emit, "/repositories") == []  # the empty repository was adopted
    assert repo_names(with_project) == ["College", "aidevcollege"]


def test_without_the_project_the_step_says_to_run_the_project_step(sandbox, make_ctx):
    ctx = make_ctx(sandbox)

    report = run(ctx, [SignInStep, ImportStep(**FAST)])

    assert not report.ok
    assert ctx.emit.failed(StepKey.IMPORT).message == (
        "The project College does not exist yet: run the project step first."
    )
    assert ctx.emit.posts() == []


def test_an_import_abandoned_on_the_service_is_an_error_that_says_to_run_again(
    start_sandbox, make_ctx
):
    from azure.devops.v7_1.git.models import GitImportRequest

    server = start_sandbox(import_seconds=30)  # long enough to be abandoned while it runs
    sdk = clients(server)
    create_project(sdk)
    ctx = make_ctx(server)

    def someone_abandons_it() -> None:
        # As an administrator (or the portal) would, while the wizard waits.
        import_id = wait_for(lambda: ctx.state.get(StepKey.IMPORT).get("import_id"))
        repo_id = ctx.state.get(StepKey.IMPORT)["repo_id"]
        sdk.get_git_client().update_import_request(
            GitImportRequest(status="abandoned"), "College", repo_id, import_id
        )

    abandoner = threading.Thread(target=someone_abandons_it)
    abandoner.start()
    report = run(ctx, [SignInStep, ImportStep(**FAST)])
    abandoner.join()

    assert not report.ok
    message = ctx.emit.failed(StepKey.IMPORT).message
    assert message.startswith(f"The import of {COURSE} into aidevcollege was abandoned")
    assert "run the step again" in message
    assert "import_id" not in ctx.state.get(StepKey.IMPORT)
    repo = sdk.get_git_client().get_repository("aidevcollege", "College")
    assert repo.default_branch is None  # still empty: a rerun may import again


def test_a_full_disk_under_the_sandbox_during_the_import_is_named_with_its_place(
    with_project, make_ctx, monkeypatch
):
    """Issue 26: storing the imported objects hit a full disk and the step said "Check that the
    URL is right and the repository is public". The sandbox's disk and folder are named now."""
    import errno
    import shutil
    from collections import namedtuple

    from college_tui.sandbox import repos

    def no_space(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(repos, "import_course", no_space)
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: usage(10**9, 10**9, 0))
    ctx = make_ctx(with_project)

    report = run(ctx, [SignInStep, ImportStep(**FAST)])

    assert not report.ok
    message = ctx.emit.failed(StepKey.IMPORT).message
    assert f"cannot write its data in {with_project.data_dir}: the disk is full" in message
    assert "Free some disk space" in message
    assert "repository is public" not in message and "URL is right" not in message

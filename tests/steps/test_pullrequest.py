"""The pull-request step: the attendee's entry committed on their branch in the clone, pushed over
SSH, and proposed in a pull request to the default branch; a rerun (or a run resumed after a
kill) makes no second commit, push or pull request.
"""

from __future__ import annotations

import os

import pytest

from college_tui.events import Note, StepProgress
from college_tui.steps.answers import Answers
from college_tui.steps.clone import CloneStep
from college_tui.steps.importrepo import ImportStep
from college_tui.steps.pullrequest import PullRequestStep
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from college_tui.steps.sshkey import SshKeyStep
from college_tui.vocabulary import StepKey, StepStatus
from tests.conftest import connect
from tests.sandbox.helpers import create_project, git

from .conftest import signed_in
from .test_clone import QUICK_SERVICE, SSH_FAST, listing, prepare_course, real_ssh_dir

ADA = Answers(alias="ada")
BRANCH = "refs/heads/users/ada/hello-college"


@pytest.fixture
def course_sandbox(start_sandbox):
    """A sandbox with its SSH server, whose project creation and import take no time."""
    return start_sandbox(ssh=True, **QUICK_SERVICE)


def sdk_git(server):
    return connect(server.info.org_url, server.info.pat).clients_v7_1.get_git_client()


def remote_branch(server) -> str | None:
    refs = sdk_git(server).get_refs("aidevcollege", "College", filter="heads/users/")
    return next((r.object_id for r in refs if r.name == BRANCH), None)


def pull_requests(server) -> list:
    from azure.devops.v7_1.git.models import GitPullRequestSearchCriteria

    return sdk_git(server).get_pull_requests(
        "aidevcollege", GitPullRequestSearchCriteria(status="all"), "College"
    )


def cloned(server, make_ctx):
    """The course imported, the key registered and the clone made: a Context for Ada."""
    prepare_course(server, make_ctx)
    ctx = make_ctx(server, ADA)
    assert run(ctx, [SignInStep, CloneStep()]).ok, ctx.emit.text()
    return ctx


class DiesBeforeThePullRequest:
    """The real facade; the process dies when the pull request is about to be created."""

    def __init__(self, real) -> None:
        self.real = real

    def for_step(self, step: str):
        return DiesBeforeThePullRequest(self.real.for_step(step))

    def create_pull_request(self, *args, **kwargs):
        raise Killed()

    def __getattr__(self, name):
        return getattr(self.real, name)


class Killed(BaseException):
    pass


def test_a_branch_a_commit_a_push_over_ssh_and_a_pull_request(course_sandbox, make_ctx):
    ctx = cloned(course_sandbox, make_ctx)
    dest = ctx.target.home / "college" / "aidevcollege"

    report = run(ctx, [SignInStep, PullRequestStep()])

    assert report.ok, ctx.emit.text()
    assert git(dest, "branch", "--show-current").strip() == "users/ada/hello-college"
    head = git(dest, "rev-parse", "HEAD").strip()
    assert remote_branch(course_sandbox) == head
    assert git(dest, "log", "-1", "--format=%an <%ae>|%s").strip() == (
        "Ada Attendee <ada@college.example>|Add ada to the attendees"
    )
    entry = (dest / "attendees" / "ada.md").read_text()
    assert entry.startswith("# Ada Attendee\n") and "- alias: ada" in entry
    assert git(dest, "show", "--name-only", "--format=", "HEAD").split() == ["attendees/ada.md"]

    [pr] = pull_requests(course_sandbox)
    assert (pr.status, pr.source_ref_name, pr.target_ref_name) == (
        "active",
        BRANCH,
        "refs/heads/main",
    )
    repo = sdk_git(course_sandbox).get_repository("aidevcollege", "College")
    url = f"{repo.web_url}/pullrequest/{pr.pull_request_id}"
    assert ctx.emit.finished(StepKey.PULL_REQUEST).summary == (
        f"Pull request !{pr.pull_request_id} is open: {url}"
    )
    assert any(url in n.message for n in ctx.emit.of(Note, "pull-request"))
    assert ctx.state.get(StepKey.PULL_REQUEST)["pr_url"] == url


def test_a_rerun_adopts_the_pull_request_and_commits_and_pushes_nothing(course_sandbox, make_ctx):
    ctx = cloned(course_sandbox, make_ctx)
    assert run(ctx, [SignInStep, PullRequestStep()]).ok
    dest = ctx.target.home / "college" / "aidevcollege"
    head = git(dest, "rev-parse", "HEAD")

    again = make_ctx(course_sandbox, ADA)
    report = run(again, [SignInStep, PullRequestStep()])

    assert report.results[1].status == StepStatus.ALREADY
    assert again.emit.finished(StepKey.PULL_REQUEST).summary.startswith("Pull request !1 is open: ")
    # The summary links the pull request made before this run, even with no state of it.
    from college_tui.steps.session import Session

    again.state.forget("pull-request", "pr_url")
    url = Session(again).summary().pull_request_url
    assert url and url.endswith("/_git/aidevcollege/pullrequest/1"), url
    assert again.emit.posts() == []
    assert git(dest, "rev-parse", "HEAD") == head
    assert len(pull_requests(course_sandbox)) == 1


def test_a_run_killed_after_the_push_opens_the_pull_request_without_pushing_again(
    course_sandbox, make_ctx
):
    ctx = signed_in(cloned(course_sandbox, make_ctx))
    ctx.azdo = DiesBeforeThePullRequest(ctx.azdo)
    with pytest.raises(Killed):
        PullRequestStep().apply(ctx)
    dest = ctx.target.home / "college" / "aidevcollege"
    head = git(dest, "rev-parse", "HEAD")
    assert remote_branch(course_sandbox) == head.strip() and pull_requests(course_sandbox) == []

    again = make_ctx(course_sandbox, ADA)
    report = run(again, [SignInStep, PullRequestStep()])

    assert report.ok, again.emit.text()
    assert git(dest, "rev-parse", "HEAD") == head  # no second commit
    progress = [e.message for e in again.emit.of(StepProgress, "pull-request")]
    assert "attendees/ada.md is already committed on users/ada/hello-college" in progress
    assert "users/ada/hello-college is already pushed" in progress
    assert not any(n.message.startswith("Pushed") for n in again.emit.of(Note, "pull-request"))
    assert len(pull_requests(course_sandbox)) == 1


def test_without_a_clone_the_step_says_to_clone_first(course_sandbox, make_ctx):
    prepare_course(course_sandbox, make_ctx)
    ctx = make_ctx(course_sandbox, ADA)

    report = run(ctx, [SignInStep, PullRequestStep()])

    assert not report.ok
    assert ctx.emit.failed(StepKey.PULL_REQUEST).message.startswith(
        "There is no clone of aidevcollege"
    )
    assert pull_requests(course_sandbox) == []


def test_steps_six_to_nine_leave_the_real_home_untouched(
    course_sandbox, make_ctx, tmp_path, monkeypatch
):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    real_before = listing(real_ssh_dir())
    create_project(connect(course_sandbox.info.org_url, course_sandbox.info.pat).clients_v7_1)
    ctx = make_ctx(course_sandbox, ADA)

    report = run(
        ctx,
        [
            SignInStep,
            SshKeyStep(**SSH_FAST),
            ImportStep(first_poll=0.05),
            CloneStep(),
            PullRequestStep(),
        ],
    )

    assert report.ok, ctx.emit.text()
    assert listing(real_ssh_dir()) == real_before
    assert sorted(os.listdir(tmp_path / "home")) == [".ssh", "college"]
    assert len(pull_requests(course_sandbox)) == 1
    again = make_ctx(course_sandbox, ADA)
    assert run(
        again, [SignInStep, SshKeyStep(), ImportStep(), CloneStep(), PullRequestStep()]
    ).nothing_to_do
    assert again.emit.posts() == []

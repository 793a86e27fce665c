"""`plan` on a course left half done: every step looks at what exists, and nothing is written."""

from __future__ import annotations

import subprocess

from azure.devops.v7_1.core.models import WebApiTeam

from college_tui.steps.answers import Answers, Member
from college_tui.steps.plan import STEPS
from college_tui.steps.runner import run
from college_tui.vocabulary import StepStatus
from tests.conftest import connect
from tests.sandbox.helpers import create_project, import_course

WRITES = ("POST", "PUT", "PATCH", "DELETE")


def writes(server) -> int:
    return sum(r["count"] for r in server.sandbox.stats()["requests"] if r["method"] in WRITES)


def files(folder) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_plan_on_a_half_done_course_inspects_every_step_and_writes_nothing(sandbox, make_ctx):
    # Project and course repo exist; the wanted team exists but is not the default; a colleague
    # is missing; the key file exists but was never registered; nothing is cloned yet.
    sdk = connect(sandbox.info.org_url, sandbox.info.pat).clients_v7_1
    project = create_project(sdk)
    import_course(sdk, project)
    sdk.get_core_client().create_team(WebApiTeam(name="Ops Team"), project.id)
    ctx = make_ctx(sandbox, Answers(team="Ops Team", members=[Member("grace@example.com")]))
    key = ctx.target.home / ".ssh" / "college_tui_rsa"
    key.parent.mkdir(parents=True, mode=0o700)
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "rsa", "-b", "3072", "-N", "", "-f", str(key)], check=True
    )
    home_before, writes_before = files(ctx.target.home), writes(sandbox)

    report = run(ctx, STEPS, only_inspect=True)

    todo = {r.key: r.todo for r in report.results if r.status == StepStatus.TODO}
    assert [r.status for r in report.results] == [
        "todo",
        "already",
        "already",
        "todo",
        "todo",
        "todo",
        "already",
        "todo",
        "todo",
    ]
    assert todo["team"] == "make Ops Team the default team"
    assert todo["members"] == "invite and add grace@example.com"
    assert todo["ssh-key"].startswith("register the public key in Azure DevOps")
    assert todo["clone"].startswith("clone git@ssh.dev.azure.com:v3/college-sandbox/College/")
    assert todo["pull-request"].startswith("commit attendees/")
    # It looked at everything and changed nothing, there or here.
    assert ctx.emit.posts() == []
    assert writes(sandbox) == writes_before
    assert files(ctx.target.home) == home_before
    assert sdk.get_core_client().get_project("College").default_team.name == "College Team"

"""The instructor's checklist, in process: what it says for a project on the wrong process."""

from __future__ import annotations

import json

from azure.devops.v7_1.core.models import TeamProject

from college_tui.steps.checklist import check_json, run_checklist
from college_tui.steps.plan import STEPS
from college_tui.steps.printer import check_lines
from tests.conftest import connect

SCRUM = "6b724908-ef14-45cf-84f8-768b5384da45"


def test_a_project_on_scrum_is_reported_missing_with_the_reason(sandbox, make_ctx):
    core = connect(sandbox.info.org_url, sandbox.info.pat).clients_v7_1.get_core_client()
    core.queue_create_project(
        TeamProject(
            name="College",
            capabilities={
                "versioncontrol": {"sourceControlType": "Git"},
                "processTemplate": {"templateTypeId": SCRUM},
            },
        )
    )
    ctx = make_ctx(sandbox)
    ctx.poll(lambda: core.get_projects() or None, timeout=10, what="the project", first=0.1)

    items, report = run_checklist(ctx, STEPS)
    lines = check_lines(items)
    assert lines[0].startswith("✓ done     Organisation")
    assert lines[1] == (
        "✗ missing  Project College on the Agile process: College uses the Scrum process"
    )
    assert lines[2].startswith("✓ done     College Team is the default team")
    assert lines[4].startswith("✗ missing  SSH key registered")
    # nobody listed in the answers: the colleagues' outcome is skipped, never ticked
    assert lines[-1] == "2 of 9 challenge outcomes done, 1 skipped."
    # `check --json` says the same: the colleagues' item is skipped, neither ok nor missing
    report = json.loads(check_json(items))
    assert (report["done"], report["skipped"], report["total"]) == (2, 1, 9)
    colleagues = next(i for i in report["items"] if i["label"] == "Colleagues in College Team")
    assert colleagues["skipped"] is True and colleagues["ok"] is False
    assert colleagues["detail"].startswith("nobody listed. To add colleagues")
    assert [i["label"] for i in report["items"] if i["skipped"]] == [colleagues["label"]]
    assert ctx.emit.posts() == []  # checking changes nothing
    assert not (ctx.target.home / ".ssh").exists()

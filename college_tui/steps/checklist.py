"""The challenge checklist an instructor runs (`college-tui check`): nine outcomes, done or not.

It inspects every step (changing nothing) and reads the service for the last two outcomes, so
each line says what is there or why it is missing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from ..vocabulary import StepKey, StepStatus
from .base import Context, Step
from .runner import RunReport, StepResult, run


@dataclass(frozen=True)
class CheckItem:
    label: str
    ok: bool
    detail: str = ""
    skipped: bool = False  # nothing was asked (nobody listed): neither done nor missing


# Not a challenge 0-1 outcome, but the course's next challenges stall without it: new
# organisations get no free Microsoft-hosted pipeline minutes until someone asks (2-3 business
# days), so `check --json` reminds (and docs/instructor.md).
PIPELINE_GRANT_URL = "https://aka.ms/azpipelines-parallelism-request"
PIPELINE_GRANT = (
    "Pipelines: a new organisation gets no free Microsoft-hosted parallel job until someone asks "
    f"for it at {PIPELINE_GRANT_URL} (granted in 2-3 business days). Ask a week before the "
    "challenges with pipelines."
)


def check_json(items: list[CheckItem]) -> str:
    """The checklist as one JSON document, with the reminders an instructor needs."""
    return json.dumps(
        {
            "done": sum(1 for item in items if item.ok),
            "skipped": sum(1 for item in items if item.skipped),
            "total": len(items),
            # "skipped": nothing was asked (nobody listed): neither done nor missing.
            "items": [
                {"label": i.label, "ok": i.ok, "skipped": i.skipped, "detail": i.detail}
                for i in items
            ],
            "reminders": [
                {"key": "pipeline-grant", "text": PIPELINE_GRANT, "url": PIPELINE_GRANT_URL}
            ],
        },
        ensure_ascii=False,
    )


def run_checklist(
    ctx: Context, steps: Sequence[type[Step] | Step]
) -> tuple[list[CheckItem], RunReport]:
    """Inspect `steps` and turn what they found into the challenge outcomes."""
    report = run(ctx, steps, only_inspect=True)
    a = ctx.answers
    items: list[CheckItem] = []

    def from_step(key: StepKey, label: str) -> CheckItem:
        result = report.result(key)
        return _item(label, result)

    signin = report.result(StepKey.SIGN_IN)
    if signin is not None and signin.status not in (StepStatus.ALREADY, StepStatus.TODO):
        reason = signin.message or "not signed in"
        labels = _labels(ctx)
        return [CheckItem(label, False, reason) for label in labels], report

    items.append(from_step(StepKey.ORGANIZATION, "Organisation"))
    project = report.result(StepKey.PROJECT)
    label = f"Project {a.project} on the {a.process} process"
    if (
        project is not None
        and project.status == StepStatus.ALREADY
        and project.facts.get("expected_process") is False
    ):
        items.append(
            CheckItem(label, False, f"{a.project} uses the {project.facts.get('process')} process")
        )
    else:
        items.append(_item(label, project))
    items.append(from_step(StepKey.TEAM, f"{a.team} is the default team"))
    members = report.result(StepKey.MEMBERS)
    label = f"Colleagues in {a.team}"
    if (
        members is not None
        and members.status != StepStatus.ALREADY
        and members.facts.get("missing")
    ):
        failed = members.facts.get("failed") or {}
        names = [f"{e} ({failed[e]})" if e in failed else e for e in members.facts["missing"]]
        items.append(CheckItem(label, False, "not in the team: " + ", ".join(names)))
    else:
        items.append(_item(label, members))
    # Its detail (what `check` prints) says how long the registration is valid.
    items.append(from_step(StepKey.SSH_KEY, "SSH key registered"))
    items.append(from_step(StepKey.IMPORT, f"Repository {a.repo} imported"))
    items.append(from_step(StepKey.CLONE, f"Repository cloned to {a.clone_dir}"))
    items.extend(_branch_and_pr(ctx, report))
    return items, report


def _labels(ctx: Context) -> list[str]:
    a = ctx.answers
    return [
        "Organisation",
        f"Project {a.project} on the {a.process} process",
        f"{a.team} is the default team",
        f"Colleagues in {a.team}",
        "SSH key registered",
        f"Repository {a.repo} imported",
        f"Repository cloned to {a.clone_dir}",
        f"Branch {a.branch} pushed",
        "Pull request active",
    ]


def _item(label: str, result: StepResult | None) -> CheckItem:
    if result is None:
        return CheckItem(label, False, "not checked")
    if result.status == StepStatus.ALREADY:
        return CheckItem(label, True, result.summary)
    if result.status == StepStatus.SKIPPED:  # its mark says "skipped" already
        return CheckItem(label, False, result.summary.removeprefix("Skipped: "), skipped=True)
    reason = result.message or result.summary or "not done"
    if result.todo:
        reason = f"{reason} (apply would {result.todo})"
    return CheckItem(label, False, reason)


def _branch_and_pr(ctx: Context, report: RunReport) -> list[CheckItem]:
    """Branch pushed, pull request active: read straight from the service."""
    a = ctx.answers
    branch_label, pr_label = f"Branch {a.branch} pushed", "Pull request active"
    if ctx.azdo is None:
        return [
            CheckItem(branch_label, False, "not signed in"),
            CheckItem(pr_label, False, "not signed in"),
        ]
    from ..azdo.errors import AzdoError

    svc = ctx.service(StepKey.PULL_REQUEST)
    try:
        project = svc.get_project(a.project)
        repo = svc.get_repository(a.project, a.repo) if project else None
        if repo is None:
            why = f"there is no repository {a.repo}" if project else f"no project {a.project}"
            return [CheckItem(branch_label, False, why), CheckItem(pr_label, False, why)]
        ref = f"refs/heads/{a.branch}"
        pushed = any(
            r.name == ref for r in svc.refs(a.project, repo.id, prefix=f"heads/{a.branch}")
        )
        branch = CheckItem(
            branch_label,
            pushed,
            f"{ref} is on the server" if pushed else f"{ref} is not on the server",
        )
        prs = svc.pull_requests(a.project, repo.id, source_ref=ref, status="active")
        if prs:
            pr = prs[0]
            target = pr.target_ref.removeprefix("refs/heads/")
            detail = f"#{pr.id} {pr.title!r} into {target}" + (
                f" ({pr.web_url})" if pr.web_url else ""
            )
            return [branch, CheckItem(pr_label, True, detail)]
        return [branch, CheckItem(pr_label, False, f"no active pull request from {a.branch}")]
    except AzdoError as exc:
        from .runner import azdo_message

        return [
            CheckItem(branch_label, False, azdo_message(exc)),
            CheckItem(pr_label, False, azdo_message(exc)),
        ]

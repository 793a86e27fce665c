"""Figure 4: inviting a large class from a CSV — the members step against a sandbox process.

The engine runs in this process (the step's own wall time, not interpreter start); the sandbox in
another, so the two do not share one GIL. Each size gets a fresh sandbox, so its in-flight maximum
(`/_sandbox/stats`) belongs to that size alone.
"""

from __future__ import annotations

import time
from pathlib import Path

from common import BenchmarkError, SandboxProcess, Workspace

from college_tui.vocabulary import StepKey, StepStatus


def _context(info: dict, home: Path, csv: Path | None, emit):
    from college_tui.steps.answers import Answers
    from college_tui.steps.base import Secrets
    from college_tui.steps.runner import make_context
    from college_tui.target import Target

    target = Target(
        org_url=info["org_url"],
        profile_url=info["profile_url"],
        home=home,
        sandbox=True,
        state_key=f"sandbox:{info['data_dir']}",
    )
    answers = Answers(members_csv=csv).for_target(target)
    return make_context(target, answers, emit, secrets=Secrets(pat=info["pat"]))


def _writes(stats: dict) -> tuple[int, int]:
    """(invitations carried out, one by one or in bulk; team additions) the sandbox served."""
    adds = sum(
        q["count"]
        for q in stats["requests"]
        if q["method"] == "PUT" and "Memberships" in q["route"]
    )
    return stats.get("invitations", 0), adds


def invite_class(
    size: int, *, faults: str | None = None, parallel: int | None = None, rerun: bool = False
) -> dict:
    """Invite `size` colleagues: {seconds, in_flight_max, invites, requests, waits, ok, summary}.

    `invites` counts the invitations the sandbox carried out (429s are answered before that).
    With `rerun`, the same roster runs again ({rerun_seconds, rerun_writes}: invitations and
    team additions it sent) and `check`'s inspection of the step follows ({checked})."""
    from college_tui.events import Waiting
    from college_tui.steps import members_here as members_module  # where the workers read it
    from college_tui.steps.members import MembersStep
    from college_tui.steps.project import ProjectStep
    from college_tui.steps.runner import run
    from college_tui.steps.signin import SignInStep
    from college_tui.steps.team import TeamStep

    space = Workspace("college-bench-class-")
    try:
        csv = space.root / "class.csv"
        csv.write_text(
            "email,access_level\n"
            + "".join(f"attendee{i:04d}@college.example,stakeholder\n" for i in range(size)),
            encoding="utf-8",
        )
        with SandboxProcess(space.root / "sandbox") as sandbox:
            events: list = []
            ctx = _context(sandbox.info, space.home, csv, events.append)
            setup = run(ctx, [SignInStep, ProjectStep, TeamStep])
            if not setup.ok:
                raise BenchmarkError(f"setting up the project failed: {setup.results}")
            if faults:  # faults apply to the invitations only: restart the same data with them
                sandbox.close()
                sandbox = SandboxProcess(space.root / "sandbox", faults=faults)
                ctx = _context(sandbox.info, space.home, csv, events.append)
                run(ctx, [SignInStep])
            before = sandbox.stats()["total"]
            saved = members_module.MAX_PARALLEL
            if parallel is not None:
                members_module.MAX_PARALLEL = parallel
            events.clear()
            started = time.perf_counter()
            try:
                report = run(ctx, [MembersStep()])
            finally:
                members_module.MAX_PARALLEL = saved
            seconds = time.perf_counter() - started
            stats = sandbox.stats()
            again = {}
            if rerun:
                before_writes = _writes(stats)
                started = time.perf_counter()
                second = run(ctx, [MembersStep()]).result(StepKey.MEMBERS)
                again["rerun_seconds"] = time.perf_counter() - started
                after = _writes(sandbox.stats())
                again["rerun_writes"] = (after[0] - before_writes[0], after[1] - before_writes[1])
                again["rerun_status"] = second.status if second else "missing"
                inspection = run(ctx, [MembersStep()], only_inspect=True).result(StepKey.MEMBERS)
                again["checked"] = (
                    inspection is not None and inspection.status == StepStatus.ALREADY
                )
            sandbox.close()
        result = report.result(StepKey.MEMBERS)
        waits = [e for e in events if isinstance(e, Waiting)]
        invites = stats.get("invitations", 0)
        return {
            "seconds": seconds,
            "in_flight_max": stats.get("in_flight_max"),
            "invites": invites,
            "requests": stats["total"] - before,
            "waits": len(waits),
            "ok": result is not None and result.ok,
            "summary": result.summary if result else "",
            **again,
        }
    finally:
        space.close()

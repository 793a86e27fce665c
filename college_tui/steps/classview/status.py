"""The live class view: one row per attendee, read from each attendee's own organisation.

The instructor is invited into every attendee's organisation (a colleague listed in the answers
handed out, and the pull request's reviewer), so the organisations the instructor belongs to are
the class. Each is read with the same read-only inspections `college-tui check` runs (project,
default team, colleagues, the imported repository) plus what only the service shows of the
attendee's machine: a branch pushed and a pull request (its link and its review). Organisations are
read a few at a time (`concurrency`); every call goes through the facade's retries, which wait as
long as a 429's Retry-After says.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ...vocabulary import StepKey
from .ahead import AHEAD, ask_ahead, class_reads

if TYPE_CHECKING:
    from pathlib import Path

    from ..answers import Answers
    from ..base import Context

# What a row's first step not done can be: the service-side steps, in the wizard's order. The
# SSH key, the clone and the push are on the attendee's machine: a missing branch says
# "pull-request" (its detail says what the service sees).
STEPS = (
    StepKey.ORGANIZATION,
    StepKey.PROJECT,
    StepKey.TEAM,
    StepKey.MEMBERS,
    StepKey.IMPORT,
    StepKey.PULL_REQUEST,
)
NOT_STARTED = "not started"
DONE = "done"


@dataclass
class ClassRow:
    """One attendee's organisation as the instructor sees it."""

    organization: str
    org_url: str = ""
    attendee: str = ""  # the owner's e-mail (who created the organisation)
    name: str = ""
    project: bool = False
    default_team: bool = False
    colleagues_ok: bool = False
    colleagues: str = ""  # "2 of 3 colleague(s) are in College Team"
    repository: bool = False
    branch: str = ""  # a branch pushed besides the default one
    pr_id: int | None = None
    pr_url: str = ""
    pr_status: str = ""
    review: str = ""  # "approved", "waiting for review", ...
    first_not_done: str = NOT_STARTED  # a key of STEPS, DONE, or NOT_STARTED
    detail: str = ""  # what was found at that step, or what went wrong reading it
    since: float = 0.0  # when this view first saw the row at that step
    problem: str = ""  # the organisation could not be read (a sentence)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["since"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.since))
        return out


@dataclass
class ClassState:
    """A refresh: the rows, when it was read and how long that took."""

    rows: list[ClassRow] = field(default_factory=list)
    read_at: float = 0.0
    seconds: float = 0.0
    instructor: str = ""


def read_class(
    ctx: Context,
    *,
    concurrency: int = 32,
    instructor_email: str = "",
    roster: list[tuple[str, str]] | None = None,
    seen: dict[str, tuple[str, float]] | None = None,
    clock: Callable[[], float] = time.time,
    connections: dict[str, Any] | None = None,
) -> ClassState:
    """Read every organisation the signed-in instructor belongs to (ctx.azdo), one row each.

    `roster`: (e-mail, name) of everyone expected; those with no organisation seen get a "not
    started" row. `seen`: organisation -> (step, since) of earlier refreshes (updated here).
    `connections`: kept between refreshes (the live view), each organisation's connection is
    made once (the SDK's clients are costly to build); its reads are fresh every refresh. A new
    organisation's discovery (the SDK's resource areas) is asked ahead, before its turn.
    """
    from ...azdo.client import sdk_cache_saved_once
    from ...azdo.http import shared_pool

    start = time.perf_counter()
    svc = ctx.service("class")
    me = svc.profile()
    instructor = (instructor_email or me.email or "").lower()
    orgs = sorted(svc.organizations(me.id), key=lambda o: o.name.lower())
    workers = max(1, min(concurrency, len(orgs) or 1))
    # One pool of kept-alive connections for every organisation (all on one host), kept between
    # refreshes with the connections (":" is in no organisation's name).
    connections = {} if connections is None else connections  # else for this refresh only
    kept = connections.get(":pool") or shared_pool(workers * AHEAD)
    connections[":pool"] = kept
    # An organisation's independent facts are asked at the same time (a few per organisation on
    # a pool of their own: the organisations' threads only wait for them).
    with (
        sdk_cache_saved_once(),
        ThreadPoolExecutor(workers, thread_name_prefix="class-read") as pool,
        ThreadPoolExecutor(workers * AHEAD, thread_name_prefix="class-fact") as facts,
    ):
        for org in orgs:  # a new organisation's facade made here, its discovery asked ahead
            if org.name not in connections:
                connections[org.name] = _facade(ctx, org.name, kept)
                facts.submit(connections[org.name].discover)
        rows = list(
            pool.map(
                lambda org: _read_one(ctx, org.name, instructor, connections, facts, kept), orgs
            )
        )
    seen = {} if seen is None else seen
    now = clock()
    for row in rows:
        step, since = seen.get(row.organization, ("", now))
        row.since = since if step == row.first_not_done else now
        seen[row.organization] = (row.first_not_done, row.since)
    known = {r.attendee.lower() for r in rows if r.attendee}
    for email, name in roster or []:
        if email.lower() not in known:
            rows.append(
                ClassRow("", attendee=email, name=name, since=now, detail="no organisation")
            )
    rows.sort(key=lambda r: (r.first_not_done == NOT_STARTED, r.attendee or r.organization))
    return ClassState(rows, now, time.perf_counter() - start, instructor)


def _read_one(
    ctx: Context,
    org: str,
    instructor: str,
    connections: dict[str, Any] | None = None,
    facts: Executor | None = None,
    pool: Any = None,
) -> ClassRow:
    """One organisation's row; a failure to read it is the row's problem, never the refresh's."""
    from ...azdo.errors import AzdoError
    from ..base import NotReady, StepError

    row = ClassRow(org)
    try:
        octx = _org_context(ctx, org, connections, pool)
        row.org_url = octx.target.org_url
        known = (connections or {}).get(f"owner:{org}")  # who made it does not change
        if facts is not None:
            ids = ask_ahead(octx, facts, (connections or {}).get(f"ids:{org}"), owner=not known)
            if connections is not None:
                connections[f"ids:{org}"] = ids
        if known:
            row.attendee, row.name = known
        else:
            _owner(octx, row, instructor)
            if connections is not None and row.attendee:
                connections[f"owner:{org}"] = (row.attendee, row.name)
        _inspect(octx, row)
    except (AzdoError, StepError, NotReady) as exc:
        row.problem = getattr(exc, "message", None) or str(exc)
        row.first_not_done = row.first_not_done if row.first_not_done != NOT_STARTED else ""
        row.detail = f"could not be read: {row.problem}"
    return row


def _facade(ctx: Context, org: str, pool: Any = None) -> Any:
    """The facade of organisation `org`, signed in as the instructor, on the shared `pool`."""
    from ...azdo.client import AzureDevOps
    from ...azdo.urls import sibling_org_url

    org_url = sibling_org_url(ctx.target.org_url, org)
    azdo = class_reads(AzureDevOps)(
        org_url, ctx.target.profile_url, ctx.signed_in(), ctx.emit, step="class"
    )
    azdo.share_pool(pool)
    return azdo


def _org_context(
    ctx: Context, org: str, connections: dict[str, Any] | None = None, pool: Any = None
) -> Context:
    """A read-only Context on organisation `org`, signed in as the instructor."""
    from ...azdo.urls import sibling_org_url
    from ..base import Context

    target = replace(
        ctx.target, org_url=sibling_org_url(ctx.target.org_url, org), org_pending=False
    )
    azdo = (connections or {}).get(org)
    if azdo is None:
        azdo = _facade(ctx, org, pool)
        if connections is not None:
            connections[org] = azdo
    azdo.forget_reads()  # this refresh reads afresh...
    azdo.remember_reads()  # ...and each fact once
    return Context(
        target=target,
        answers=ctx.answers,
        state=ctx.state,
        emit=ctx.emit,
        azdo=azdo,
        credential=ctx.credential,
        dry_run=True,
        attended=False,
    )


def _owner(octx: Context, row: ClassRow, instructor: str) -> None:
    """Who the organisation is of: its first user that is not the instructor."""
    users = [u for u in octx.service("class").org_users() if u.email.lower() != instructor]
    if users:
        first = min(users, key=lambda u: u.date_created)
        row.attendee, row.name = first.email, first.name


def _inspect(octx: Context, row: ClassRow) -> None:
    from ..importrepo import ImportStep
    from ..members import MembersStep
    from ..project import ProjectStep
    from ..team import TeamStep

    answers: Answers = octx.answers
    checks: tuple[tuple[str, Any, str], ...] = (
        (StepKey.PROJECT, ProjectStep, "project"),
        (StepKey.TEAM, TeamStep, "default_team"),
        (StepKey.MEMBERS, MembersStep, "colleagues_ok"),
        (StepKey.IMPORT, ImportStep, "repository"),
    )
    for key, step, flag in checks:
        found = step().inspect(octx)
        if key == StepKey.MEMBERS:
            row.colleagues = found.summary
        setattr(row, flag, found.done)
        if not found.done:
            row.first_not_done, row.detail = key, found.summary
            return
    svc = octx.service("class")
    project = svc.get_project(answers.project)
    repo = svc.get_repository(project.id, answers.repo) if project else None
    if project is None or repo is None:
        row.first_not_done, row.detail = (
            StepKey.IMPORT,
            f"There is no repository {answers.repo} yet",
        )
        return
    default = repo.default_branch or ""
    branches = [r.name for r in svc.refs(project.id, repo.id) if r.name != default]
    row.branch = branches[0].removeprefix("refs/heads/") if branches else ""
    prs = [p for p in svc.pull_requests(project.id, repo.id, status="all")]
    prs = [p for p in prs if p.status in ("active", "completed")]
    if not prs:
        row.first_not_done = StepKey.PULL_REQUEST
        row.detail = (
            f"Branch {row.branch} pushed, no pull request yet"
            if row.branch
            else "No branch pushed yet (the SSH key, the clone or the push)"
        )
        return
    pr = max(prs, key=lambda p: p.id)
    row.pr_id, row.pr_url, row.pr_status = pr.id, pr.web_url or "", pr.status
    reviews = [r.state for r in pr.reviewers]
    row.review = reviews[0] if reviews else "no reviewer"
    row.first_not_done, row.detail = DONE, f"Pull request !{pr.id} is {pr.status}"


# -- "since when", across headless refreshes ----------------------------------------------------


def load_seen(path: Path) -> dict[str, tuple[str, float]]:
    """What earlier refreshes saw (organisation -> (first step not done, since)); {} if none."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {k: (str(v[0]), float(v[1])) for k, v in data.items()}
    except (OSError, ValueError, TypeError, IndexError, AttributeError):
        return {}


def save_seen(path: Path, seen: dict[str, tuple[str, float]]) -> None:
    from ...workstation.atomic import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(seen).encode("utf-8"), mode=0o600)

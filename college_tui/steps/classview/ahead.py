"""The class view's reads asked ahead: an organisation's independent facts at the same time.

`college-tui check`'s inspections (steps/*.py `inspect`) read one fact after another: the project,
its teams, the team's members, the repository, its branches, its imports or pull requests. At
150 ms a request and 300 organisations that chain is most of a refresh. Here the same reads, with
the same arguments, are asked beforehand on a pool, each organisation's in at most three rounds
(the project, and the repository by the project's name; the teams, the default team's members and
what hangs on the repository's id; what hangs on ids found only then), and in one round from the
second refresh on, with the ids the previous refresh found. The facade remembers every answer for
this refresh (`remember_reads`), so the inspections then run unchanged and find them there: what
the row says is decided by the inspections alone. An id that changed since (a project or a team
deleted and made again) only means a guess asked for nothing: the inspection asks for the fact
itself. A read that fails ahead is not remembered, so the inspection meets the failure and says it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from concurrent.futures import Executor, Future, wait
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...azdo.client import AzureDevOps
    from ..base import Context

AHEAD = 4  # facts asked at once per organisation read at once (at most 6 in the first round)

# What the previous refresh found: (project id, team id, repository id, repository filled).
Ids = tuple[str, str, str, bool]


@functools.cache
def class_reads(facade: type[AzureDevOps]) -> type[AzureDevOps]:
    """`facade` (AzureDevOps) remembering, within a refresh, the reads it does not remember for a
    run (team members, import requests, refs): the class view never writes, so nothing can
    change them under it before `forget_reads`, which every refresh calls first."""

    # A subclass of the facade class passed in (mypy takes only static base classes)
    class ClassReads(facade):  # type: ignore[misc, valid-type]
        def team_members(self, project_id: str, team_id: str) -> Any:
            return self._remembered(
                ("team_members", project_id, team_id),
                lambda: facade.team_members(self, project_id, team_id),
            )

        def import_requests(self, project: str, repo_id: str) -> Any:
            return self._remembered(
                ("import_requests", project, repo_id),
                lambda: facade.import_requests(self, project, repo_id),
            )

        def get_repository(self, project: str, name_or_id: str) -> Any:
            # Asked by the project's name (before its id is known), remembered by its id too.
            return self._remembered(
                ("get_repository", project, name_or_id.lower()),
                lambda: facade.get_repository(self, project, name_or_id),
                also=lambda r: [
                    ("get_repository", r.project_id, key.lower())
                    for key in (r.id, r.name)
                    if r.project_id
                ],
            )

        def discover(self) -> None:
            # The resource areas, then the organisation's API locations (the OPTIONS the first
            # read would wait for; core and git share them): asked before the organisation's turn.
            facade.discover(self)
            try:
                core = self._clients().get_core_client()
                core._get_resource_locations(core.normalized_url, all_host_types=False)
            except Exception:  # noqa: BLE001 - the first read asks again and says why
                return

        def refs(self, project: str, repo_id: str, prefix: str = "heads/") -> Any:
            return self._remembered(
                ("refs", project, repo_id, prefix),
                lambda: facade.refs(self, project, repo_id, prefix),
            )

    return ClassReads


def ask_ahead(octx: Context, pool: Executor, ids: Ids | None, *, owner: bool) -> Ids | None:
    """Ask the organisation's facts on `pool`, remembered by its facade; the ids found (to guess
    with next refresh), or None when there is no project yet."""
    svc = octx.service("class")
    answers = octx.answers
    try:
        colleagues = bool(answers.all_members())
    except Exception:  # noqa: BLE001 - the members inspection says what is wrong with them
        colleagues = False
    asked: list[Future[Any]] = []

    def ask(read: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        asked.append(pool.submit(_quiet, read, *args, **kwargs))

    def settle() -> None:
        wait(asked)
        asked.clear()

    def after_repository(project_id: str, team_id: str, repo_id: str, filled: bool) -> None:
        if colleagues and team_id:
            ask(svc.team_members, project_id, team_id)
        if repo_id:
            ask(svc.refs, project_id, repo_id, "heads/")
            if filled:
                ask(svc.pull_requests, project_id, repo_id, status="all")
            else:
                ask(svc.import_requests, project_id, repo_id)

    ask(svc.get_project, answers.project)
    if owner:
        ask(svc.org_users)
    if ids is None:  # the repository by the project's name, beside the project
        ask(svc.get_repository, answers.project, answers.repo)
    if ids is not None:  # the previous refresh's ids: every read in this one round
        if colleagues:
            ask(svc.teams, ids[0])
        ask(svc.get_repository, ids[0], answers.repo)
        after_repository(*ids)
    settle()
    project = _quiet(svc.get_project, answers.project)
    if project is None:
        return None
    if ids is None or ids[0] != project.id:
        if colleagues:
            ask(svc.teams, project.id)
            default = (project.default_team_name or "").lower() == answers.team.lower()
            if default and project.default_team_id:  # the only team the members are read of
                ask(svc.team_members, project.id, project.default_team_id)
        early = _quiet(svc.get_repository, answers.project, answers.repo) if ids is None else None
        if early is not None and early.project_id == project.id:
            after_repository(project.id, "", early.id, bool(early.default_branch))
        ask(svc.get_repository, project.id, answers.repo)
        settle()
    wanted = answers.team.lower()
    teams = _quiet(svc.teams, project.id) if colleagues else None
    team = next((t for t in teams or [] if t.name.lower() == wanted), None)
    repo = _quiet(svc.get_repository, project.id, answers.repo)
    found: Ids = (
        project.id,
        team.id if team else "",
        repo.id if repo else "",
        bool(repo and repo.default_branch),
    )
    if found != ids:
        after_repository(*found)
        settle()
    return found


def _quiet(read: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`read(...)`, or None when it fails: the inspection asks again and reports the failure."""
    try:
        return read(*args, **kwargs)
    except Exception:  # noqa: BLE001 - not remembered; the inspection meets it and says why
        return None

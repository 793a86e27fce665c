"""Processes, projects (queued creation, operations) and teams."""

from __future__ import annotations

from typing import Any

from .. import errors as E
from ..models import (
    Operation,
    Process,
    Project,
    Team,
)
from ..urls import project_web_url
from .plumbing import Plumbing

PROJECT_BY_NAME = "project:"  # prefix of an operation id that stands for "the project by name"


class Projects(Plumbing):
    """Processes, projects (queued creation, operations) and teams."""

    def processes(self) -> list[Process]:
        """The organization's processes (Agile, Scrum, Basic, CMMI, inherited ones)."""

        def run() -> list[Process]:
            return [
                Process(id=str(p.id), name=p.name, is_default=bool(p.is_default))
                for p in self._core().get_processes() or []
            ]

        return self._remembered(("processes",), lambda: self._call("processes", run))

    def get_project(self, name_or_id: str) -> Project | None:
        """The project, or None when there is none by that name or id."""

        def run() -> Project | None:
            core = self._core()
            found = self._none_if_missing(
                lambda: core.get_project(name_or_id, include_capabilities=True)
            )
            return None if found is None else self._project(found)

        return self._remembered(
            ("get_project", name_or_id.lower()),
            lambda: self._call("get_project", run),
            also=lambda p: (
                []
                if p is None
                else [("get_project", p.id.lower()), ("get_project", p.name.lower())]
            ),
        )

    def _project(self, p: Any) -> Project:
        template = (p.capabilities or {}).get("processTemplate") or {}
        team = p.default_team
        return Project(
            id=str(p.id),
            name=p.name,
            process_id=template.get("templateTypeId"),
            process_name=template.get("templateName"),
            default_team_id=str(team.id) if team and team.id else None,
            default_team_name=team.name if team else None,
            web_url=project_web_url(self.org_url, p.name),
            state=str(p.state or ""),
            description=p.description or "",
        )

    def queue_create_project(self, name: str, description: str, process_id: str) -> str:
        """Queue the creation of a private Git project; returns the operation id to poll."""
        from azure.devops.v7_1.core.models import TeamProject

        pending = self._shared.pending_projects

        def remembered(states: tuple[str, ...]) -> str | None:
            op_id = pending.get(name.lower())
            if op_id and self.get_operation(op_id).status in states:
                return op_id
            return None

        def recheck() -> str | None:
            found = remembered(("notSet", "queued", "inProgress", "succeeded"))
            if found:
                return found
            return PROJECT_BY_NAME + name if self.get_project(name) is not None else None

        def run() -> str:
            op = self._core().queue_create_project(
                TeamProject(
                    name=name,
                    description=description,
                    visibility="private",
                    capabilities={
                        "versioncontrol": {"sourceControlType": "Git"},
                        "processTemplate": {"templateTypeId": process_id},
                    },
                )
            )
            pending[name.lower()] = str(op.id)
            return str(op.id)

        # A second call while our creation still runs: adopt it rather than be refused.
        earlier = remembered(("notSet", "queued", "inProgress"))
        if earlier:
            return earlier
        return self._call(
            "queue_create_project",
            run,
            recheck=recheck,
            idempotent=False,
            on_conflict=lambda: recheck() or PROJECT_BY_NAME + name,
        )

    def get_operation(self, operation_id: str) -> Operation:
        """The state of a queued operation (see the module doc for `project:{name}` ids)."""
        if operation_id.startswith(PROJECT_BY_NAME):
            name = operation_id[len(PROJECT_BY_NAME) :]
            project = self.get_project(name)
            if project is not None and project.state.lower() == "wellformed":
                return Operation(operation_id, "succeeded", "")
            return Operation(
                operation_id, "inProgress", "Azure DevOps is still creating the project."
            )

        def run() -> Operation:
            op = self._clients().get_operations_client().get_operation(operation_id)
            return Operation(
                id=str(op.id),
                status=str(op.status or "notSet"),
                message=op.result_message or op.detailed_message or "",
            )

        return self._call("get_operation", run)

    # -- team -------------------------------------------------------------------------------------

    def teams(self, project_id: str) -> list[Team]:
        """The project's teams."""

        def page(top: int, skip: int) -> list[Any]:
            return list(self._core().get_teams(project_id, top=top, skip=skip))

        def run() -> list[Team]:
            found = self._all_pages("teams", page)
            return [Team(id=str(t.id), name=t.name, description=t.description or "") for t in found]

        return self._remembered(("teams", project_id), run)

    def create_team(self, project_id: str, name: str, description: str) -> Team:
        """Create a team (re-checks the team list by name before ever sending twice)."""
        from azure.devops.v7_1.core.models import WebApiTeam

        def recheck() -> Team | None:
            return next((t for t in self.teams(project_id) if t.name.lower() == name.lower()), None)

        def run() -> Team:
            t = self._core().create_team(WebApiTeam(name=name, description=description), project_id)
            return Team(id=str(t.id), name=t.name, description=t.description or "")

        return self._call("create_team", run, recheck=recheck, idempotent=False)

    def set_default_team(self, project_name: str, team_id: str) -> None:
        """Make `team_id` the default team (portal HierarchyQuery); raises PortalRefused."""
        from ..raw import DEFAULT_TEAM_PROVIDER, default_team_query, provider_result

        def run() -> None:
            body = self._raw(
                "set_default_team",
                "POST",
                f"{self.org_url}/_apis/Contribution/HierarchyQuery",
                body=default_team_query(self.org_url, project_name, team_id),
            )
            provider_result(body, DEFAULT_TEAM_PROVIDER, "set_default_team")

        self._call("set_default_team", run, writes=True)  # idempotent in effect: retried as is
        project = self.get_project(project_name)
        if project is None or (project.default_team_id or "").lower() != team_id.lower():
            raise E.PortalRefused(
                "Azure DevOps accepted the request to set the default team, but the project's "
                "default team did not change. The wizard will show you how to set it in the "
                "browser instead."
            )

"""Step 4: the team "College Team", as the project's default team.

Creating project "College" already made a team "College Team" and set it as default, so this
step usually adopts. Setting the default team has no public API: the facade uses the portal's
HierarchyQuery data provider; when that is refused the attendee is sent to the settings page and
the step polls until the project's default team is right.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..azdo.urls import team_settings_page
from ..vocabulary import StepKey
from .base import Context, HandOffStep, Inspection, NotReady, Outcome, StepError

if TYPE_CHECKING:
    from ..azdo.models import Team


class TeamStep(HandOffStep):  # waits 600 s for the person, polling every 3 s
    key = StepKey.TEAM

    def inspect(self, ctx: Context) -> Inspection:
        answers = ctx.answers
        svc = ctx.service(self.key)
        project = svc.get_project(answers.project)
        if project is None:
            adopt = answers.team.lower() == f"{answers.project} team".lower()
            todo = (
                f"adopt the team {answers.team} that creating the project makes (it is "
                "already the default)"
                if adopt
                else f"create the team {answers.team} and make it the default team"
            )
            return Inspection(False, f"Project {answers.project} does not exist yet", todo=todo)
        team = self._find(ctx, project.id)
        if team is None:
            return Inspection(
                False,
                f"There is no team {answers.team} in {project.name}",
                todo=f"create the team {answers.team} and make it the default team",
            )
        if not ctx.dry_run:
            ctx.state.update(self.key, team_id=team.id, project_id=project.id)
        if project.default_team_id == team.id:
            return Inspection(
                True,
                f"Team {team.name} is the default team of {project.name}",
                facts={"team_id": team.id, "default": True},
            )
        return Inspection(
            False,
            f"Team {team.name} exists; the default team is "
            f"{project.default_team_name or 'another team'}",
            todo=f"make {team.name} the default team",
            facts={"team_id": team.id, "default": False},
        )

    def apply(self, ctx: Context) -> Outcome:
        answers = ctx.answers
        svc = ctx.service(self.key)
        project = svc.get_project(answers.project)
        if project is None:
            raise NotReady(
                f"The project {answers.project} does not exist yet: the project step creates it."
            )
        team = self._find(ctx, project.id)
        created = False
        if team is None:
            team = self._create(ctx, project.id)
            created = True
        ctx.state.update(self.key, team_id=team.id, project_id=project.id)
        if project.default_team_id == team.id:
            return Outcome(
                f"Team {team.name} is the default team of {project.name}", already_done=not created
            )
        self._make_default(ctx, project.name, team.id, team.name)
        verb = "created and made" if created else "made"
        return Outcome(f"Team {team.name} {verb} the default team of {project.name}")

    # -- helpers -----------------------------------------------------------------------------

    def _find(self, ctx: Context, project_id: str) -> Team | None:
        wanted = ctx.answers.team.lower()
        project = ctx.service(self.key).get_project(ctx.answers.project)  # remembered in a run
        if (
            project is not None
            and project.id == project_id
            and project.default_team_id
            and project.default_team_name
            and project.default_team_name.lower() == wanted
        ):
            # The project names its default team: no need to list the teams to find it.
            from ..azdo.models import Team

            return Team(id=project.default_team_id, name=project.default_team_name, description="")
        return next(
            (t for t in ctx.service(self.key).teams(project_id) if t.name.lower() == wanted), None
        )

    def _create(self, ctx: Context, project_id: str) -> Team:
        from ..azdo.errors import AzdoError

        svc = ctx.service(self.key)
        for attempt in range(3):
            try:
                team = svc.create_team(project_id, ctx.answers.team, ctx.answers.team_description)
                self.progress(ctx, f"Team {team.name} created")
                return team
            except AzdoError as exc:
                # "Already exists" or a lost answer: the team may be there now; look first.
                found = self._find(ctx, project_id)
                if found is not None:
                    return found
                transient = exc.status is None or exc.status >= 500 or exc.status == 429
                if not transient or attempt == 2:
                    raise
        raise StepError(f"The team {ctx.answers.team} could not be created. Run again.")

    def _make_default(self, ctx: Context, project_name: str, team_id: str, team_name: str) -> None:
        from ..azdo.errors import PortalRefused

        svc = ctx.service(self.key)

        def is_default() -> bool | None:
            project = svc.get_project(project_name)
            return True if project is not None and project.default_team_id == team_id else None

        try:
            svc.set_default_team(project_name, team_id)
        except PortalRefused as exc:
            self.hand_off(
                ctx,
                f"Azure DevOps did not let the wizard set the default team ({exc.message}). "
                f"Open the project's Teams settings, select {team_name} and choose "
                "'Set team as project default'. The wizard waits until it is set.",
                url=team_settings_page(ctx.target.org_url, project_name),
                detail=team_name,
                probe=is_default,
                what=f"{team_name} to become the default team",
            )
            return
        ctx.poll(is_default, timeout=30, what=f"{team_name} to become the default team", first=0.2)

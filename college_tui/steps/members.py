"""Step 5: invite the colleagues and add them to "College Team".

Each colleague is invited with an access level and an entitlement to the project. The level the
answers or the CSV give wins; without one, Basic while the organisation has free Basic seats (its
first five Basic users, the owner included, cost nothing) and Stakeholder after, with a sentence:
a Stakeholder has no Azure Repos, so would not see the course's repository. Each is then added
to the team through a Graph membership. Azure DevOps can refuse one person with HTTP 200 and
`isSuccess: false`; that is that person's failure (with the service's words), the others go on. The step then finishes with a warning naming who is missing,
and `college-tui check` reports them.

Long lists run several at a time (members_here.py: an adaptive bound, the invitations BATCH at a
time in one request each, then one team addition a colleague), so a class of 2,000 takes under
a minute at the real service's latency without pressing it harder than it answers. A list of more
than one batch runs in a child process of its own (members_apart.py), so that the worker threads
never compete with the screen for the interpreter's lock; should that process not start or end
early, a sentence says so and the colleagues it left are added here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..vocabulary import StepKey
from .answers import AnswersError
from .base import Context, Inspection, NotReady, Outcome, Step, StepError
from .members_apart import Child, add_apart
from .members_here import (
    ADDED,
    ALREADY,
    APART_FROM,
    BATCH,
    FAILED,
    MAX_PARALLEL,
    START_PARALLEL,
    MemberResult,
    Work,
    add_in_threads,
)
from .roster import AUTO, FREE_BASIC_SEATS, Member, with_free_seats

if TYPE_CHECKING:
    from ..azdo.models import Team

__all__ = ["APART_FROM", "BATCH", "MAX_PARALLEL", "START_PARALLEL", "MembersStep"]
NOBODY = (
    "Skipped: nobody listed. To add colleagues, type their e-mail addresses on this step (or "
    'put members = ["name@example.com"] in the answers) and run it again'
)


class MembersStep(Step):
    key = StepKey.MEMBERS

    def members(self, ctx: Context) -> list[Member]:
        try:
            return ctx.answers.all_members()
        except AnswersError as exc:
            raise StepError(" ".join(exc.problems)) from None

    def inspect(self, ctx: Context) -> Inspection:
        members = self.members(ctx)
        answers = ctx.answers
        if not members:
            return Inspection(True, NOBODY, facts={"missing": []}, skipped=True)
        svc = ctx.service(self.key)
        project = svc.get_project(answers.project)
        team = self._team(ctx, project.id) if project else None
        if team is None:
            return Inspection(
                False,
                f"The team {answers.team} does not exist yet",
                todo=f"invite {len(members)} colleague(s) and add them to {answers.team}",
                facts={"missing": [m.email for m in members]},
            )
        assert project is not None  # the team was found in it
        present = self._present(ctx, project.id, team.id)
        missing = [m for m in members if m.email.lower() not in present]
        if not missing:
            return Inspection(
                True, f"All {len(members)} colleague(s) are in {team.name}", facts={"missing": []}
            )
        failures = ctx.state.get(self.key).get("failed", {})
        return Inspection(
            False,
            f"{len(members) - len(missing)} of {len(members)} colleague(s) are in {team.name}",
            todo="invite and add " + ", ".join(m.email for m in missing),
            facts={
                "missing": [m.email for m in missing],
                "failed": {m.email: failures[m.email] for m in missing if m.email in failures},
            },
        )

    def apply(self, ctx: Context) -> Outcome:
        answers = ctx.answers
        members = self.members(ctx)
        if not members:
            return Outcome(NOBODY, already_done=True, skipped=True)
        # A long list's child process starts now: its Python and the SDK's imports (0.2-0.9 s)
        # overlap the reads below instead of following them.
        early = Child.early() if len(members) >= APART_FROM else None
        try:
            svc = ctx.service(self.key)
            project = svc.get_project(answers.project)
            if project is None:
                raise NotReady(f"The project {answers.project} does not exist yet.")
            team = self._team(ctx, project.id)
            if team is None:
                raise NotReady(
                    f"The team {answers.team} does not exist yet: the team step creates it."
                )
            present = self._present(ctx, project.id, team.id)
            container = svc.descriptor(team.id)
            results: list[MemberResult] = [
                MemberResult(m.email, ALREADY) for m in members if m.email.lower() in present
            ]
            todo = self._levels(ctx, [m for m in members if m.email.lower() not in present])
            where = (project.id, container, len(members), len(results), early)
            results += self._add_all(ctx, todo, *where)
        finally:
            if early is not None:
                early.discard()  # not needed after all (everyone there), or ended already
        return self._outcome(ctx, results, team.name)

    # -- helpers -----------------------------------------------------------------------------

    def _levels(self, ctx: Context, todo: list[Member]) -> list[Member]:
        """Colleagues with no access level: Basic while the organisation's free Basic seats
        last (Stakeholder has no Azure Repos), then Stakeholder, said in a sentence."""
        from ..azdo.errors import AzdoError

        auto = {m.email for m in todo if m.access_level == AUTO}
        if not auto:
            return todo
        try:
            used = ctx.service(self.key).basic_users()
        except AzdoError:  # unknown: as for a new organisation, the owner alone
            used = 1
        planned = with_free_seats(todo, FREE_BASIC_SEATS - used)
        basic = [m.email for m in planned if m.email in auto and m.access_level == "basic"]
        others = [m.email for m in planned if m.email in auto and m.access_level != "basic"]
        if basic:
            self.note(
                ctx,
                f"Inviting {', '.join(basic)} as Basic: an organisation's first "
                f"{FREE_BASIC_SEATS} Basic users (you included) are free, and Basic includes "
                f"Azure Repos, where the course's repository {ctx.answers.repo} lives.",
            )
        if others:
            self.note(
                ctx,
                f"The organisation's {FREE_BASIC_SEATS} free Basic seats are taken, so "
                f"{', '.join(others)} are invited as Stakeholder: they will not see the "
                f"repository {ctx.answers.repo} until an organisation owner assigns them Basic "
                "(Organization settings → Users → Change access level).",
            )
        return planned

    def _team(self, ctx: Context, project_id: str) -> Team | None:
        wanted = ctx.answers.team.lower()
        return next(
            (t for t in ctx.service(self.key).teams(project_id) if t.name.lower() == wanted), None
        )

    def _present(self, ctx: Context, project_id: str, team_id: str) -> set[str]:
        return {
            (m.unique_name or "").lower()
            for m in ctx.service(self.key).team_members(project_id, team_id)
        }

    def _add_all(
        self,
        ctx: Context,
        todo: list[Member],
        project_id: str,
        container: str,
        total: int,
        done_before: int,
        early: Child | None = None,
    ) -> list[MemberResult]:
        """Invite and add `todo` (in a child process when long); events and progress leave
        from this thread."""
        results: list[MemberResult] = []
        failed = dict(ctx.state.get(self.key).get("failed", {}))

        def done(member: Member, outcome: MemberResult | BaseException) -> None:
            if isinstance(outcome, MemberResult):
                result = outcome
            else:
                from .runner import describe_failure

                message = describe_failure(outcome, self.key, "apply", ctx.secrets)[0]
                result = MemberResult(member.email, FAILED, message)
            results.append(result)
            self._remember(ctx, result, failed)
            line = f"{result.email}: {result.state}"
            if result.message:
                line += f" ({result.message})"
            self.progress(ctx, line, (done_before + len(results)) / total)

        svc = ctx.service(self.key)
        work = Work(svc, self.key, project_id, container, ctx.cancel, ctx.emit, done)
        if len(todo) >= APART_FROM:
            todo, problem = add_apart(work, todo, early)
            if problem:
                self.note(ctx, problem)
        add_in_threads(work, todo)
        return results

    def _remember(self, ctx: Context, result: MemberResult, failed: dict[str, str]) -> None:
        """Keep who failed in the run state; saved only when that changes (saving the state
        after every colleague made a class of 10,000 write it 10,000 times)."""
        if result.state == FAILED:
            if failed.get(result.email) == result.message:
                return
            failed[result.email] = result.message
        elif failed.pop(result.email, None) is None:
            return
        ctx.state.update(self.key, failed=failed)

    def _outcome(self, ctx: Context, results: list[MemberResult], team: str) -> Outcome:
        added = [r for r in results if r.state == ADDED]
        already = [r for r in results if r.state == ALREADY]
        failed = [r for r in results if r.state == FAILED]
        parts = []
        if added:
            parts.append(f"{len(added)} added")
        if already:
            parts.append(f"{len(already)} already there")
        if failed:
            parts.append(f"{len(failed)} failed")
        summary = (
            f"{len(added) + len(already)} of {len(results)} colleague(s) in {team} "
            f"({', '.join(parts)})"
        )
        warnings = tuple(f"{r.email} was not added: {r.message}" for r in failed)
        return Outcome(summary, already_done=not added and not failed, warnings=warnings)

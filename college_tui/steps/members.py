"""Step 5: invite the colleagues and add them to "College Team".

Each colleague is invited with an access level and an entitlement to the project. The level the
answers or the CSV give wins; without one, Basic while the organisation has free Basic seats (its
first five Basic users, the owner included, cost nothing) and Stakeholder after, with a sentence:
a Stakeholder has no Azure Repos, so would not see the course's repository. Each is then added
to the team through a Graph membership. Azure DevOps can refuse one person with HTTP 200 and
`isSuccess: false`; that is that person's failure (with the service's words), the others go on. The step then finishes with a warning naming who is missing,
and `college-tui check` reports them.

Long lists run several at a time, all through one facade: START_PARALLEL at first, one more
each time as many answers came back quickly, up to MAX_PARALLEL, and half as many after a 429, a
Retry-After, a rate-limit delay or a slow answer (azdo/pacing.py), so a class of 2,000 takes under
a minute at the real service's latency without pressing it harder than it answers. When the
service answers 429 with Retry-After, every worker waits it out, not only the one that was told
(azdo/http.py). Colleagues are invited BATCH at a time with one request (the bulk form of
UserEntitlements, as the portal and the Azure CLI do); each is then put in the team with one
request (a PUT: adding someone already there changes nothing, so nothing is checked first). A
colleague the bulk answer refuses or leaves out is invited again alone, for that person's own
sentence.
"""

from __future__ import annotations

import queue
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..vocabulary import StepKey
from .answers import AnswersError
from .base import Context, Inspection, NotReady, Outcome, Step, StepError
from .roster import AUTO, FREE_BASIC_SEATS, Member, invite_refusal, with_free_seats

if TYPE_CHECKING:
    from ..azdo.client import AzureDevOps
    from ..azdo.models import Invite, Team
    from ..events import Event


START_PARALLEL = 4
MAX_PARALLEL = 32
BATCH = 50  # invitations a request (the portal adds at most 50 users at a time)

ADDED = "added"
ALREADY = "already in the team"
NOBODY = (
    "Skipped: nobody listed. To add colleagues, type their e-mail addresses on this step (or "
    'put members = ["name@example.com"] in the answers) and run it again'
)
FAILED = "failed"


@dataclass(frozen=True)
class MemberResult:
    email: str
    state: str  # ADDED | ALREADY | FAILED
    message: str = ""


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
        svc = ctx.service(self.key)
        project = svc.get_project(answers.project)
        if project is None:
            raise NotReady(f"The project {answers.project} does not exist yet.")
        team = self._team(ctx, project.id)
        if team is None:
            raise NotReady(f"The team {answers.team} does not exist yet: the team step creates it.")
        present = self._present(ctx, project.id, team.id)
        container = svc.descriptor(team.id)
        results: list[MemberResult] = [
            MemberResult(m.email, ALREADY) for m in members if m.email.lower() in present
        ]
        todo = self._levels(ctx, [m for m in members if m.email.lower() not in present])
        results += self._add_all(
            ctx, todo, project.id, container, len(members), done_before=len(results)
        )
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
    ) -> list[MemberResult]:
        """Invite and add `todo`, an adaptive number at once; events leave from this thread."""
        if not todo:
            return []
        events: queue.Queue[Event] = queue.Queue()
        # The workers share this run's facade (its connections and its Retry-After pause) and
        # post their events to the queue this thread empties.
        svc = ctx.service(self.key).for_step(self.key, events.put)
        # Finished colleagues come back on this queue: waiting on it costs the same for the
        # 10,000th as for the first (`wait()` on every pending future was quadratic).
        finished: queue.Queue[tuple[Member, MemberResult | BaseException]] = queue.Queue()

        def one(member: Member, invite: Invite | None = None) -> None:
            try:
                with limit.slot():
                    if ctx.cancel.is_set():
                        finished.put((member, MemberResult(member.email, FAILED, "cancelled")))
                    else:
                        result = add_member(svc, member, project_id, container, invite)
                        finished.put((member, result))
            except Exception as exc:  # one person's trouble never stops the others
                finished.put((member, exc))

        def batch(members: list[Member]) -> None:
            """Invite `members` with one request, then put each in the team on its own."""
            invites: dict[str, Invite] = {}
            try:
                with limit.slot():
                    if not ctx.cancel.is_set():
                        wanted = [(m.email, m.license) for m in members]
                        invites = svc.invite_many(wanted, project_id)
            except Exception:  # the one-by-one invitations say each one's trouble
                invites = {}
            for member in members:
                pool.submit(one, member, invites.get(member.email))

        results: list[MemberResult] = []
        done = done_before
        failed = dict(ctx.state.get(self.key).get("failed", {}))
        with (
            svc.concurrency(START_PARALLEL, MAX_PARALLEL) as limit,
            ThreadPoolExecutor(
                max_workers=min(MAX_PARALLEL, len(todo)), thread_name_prefix="members"
            ) as pool,
        ):
            if len(todo) == 1:
                pool.submit(one, todo[0])  # one person: the one-by-one invitation
            else:
                for start in range(0, len(todo), BATCH):
                    pool.submit(batch, todo[start : start + BATCH])
            while len(results) < len(todo):
                try:
                    member, outcome = finished.get(timeout=0.05)
                except queue.Empty:
                    self._drain(ctx, events)
                    continue
                self._drain(ctx, events)
                if isinstance(outcome, MemberResult):
                    result = outcome
                else:
                    from .runner import describe_failure

                    result = MemberResult(
                        member.email,
                        FAILED,
                        describe_failure(outcome, self.key, "apply", ctx.secrets)[0],
                    )
                results.append(result)
                done += 1
                self._remember(ctx, result, failed)
                line = f"{result.email}: {result.state}"
                if result.message:
                    line += f" ({result.message})"
                self.progress(ctx, line, done / total)
        self._drain(ctx, events)
        return results

    def _drain(self, ctx: Context, events: queue.Queue[Event]) -> None:
        while True:
            try:
                ctx.emit(events.get_nowait())
            except queue.Empty:
                return

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


def add_member(
    svc: AzureDevOps,
    member: Member,
    project_id: str,
    container: str,
    invited: Invite | None = None,
) -> MemberResult:
    """Invite one colleague (access level + project), unless `invited` already did, and put
    them in the team."""
    from ..azdo.errors import AzdoError

    try:
        invite = invited
        if invite is None or not invite.ok or not invite.user_descriptor:
            invite = svc.invite(member.email, member.license, project_id)
        if not invite.ok:
            return MemberResult(member.email, FAILED, invite_refusal(invite.message))
        subject = invite.user_descriptor
        if not subject:
            return MemberResult(
                member.email,
                FAILED,
                "Azure DevOps invited the user but gave no descriptor; run "
                "again to add them to the team.",
            )
        svc.add_member(subject, container)  # a PUT: already a member changes nothing
    except AzdoError as exc:
        from .runner import azdo_message

        return MemberResult(member.email, FAILED, azdo_message(exc))
    return MemberResult(member.email, ADDED)

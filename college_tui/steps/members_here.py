"""The members step's network work: invite `todo` and put each in the team, several at a time.

Run in the wizard's process for a short list, and for a long one in a child process of its own
(members_apart.py), which calls the same `add_in_threads`: that keeps the worker threads' Python
work (requests, msrest) off the interpreter lock the screen's event loop needs.

Long lists run several at a time, all through one facade: START_PARALLEL at first, one more
each time as many answers came back quickly, up to MAX_PARALLEL, and half as many after a 429, a
Retry-After, a rate-limit delay or a slow answer (azdo/pacing.py). When the service answers 429
with Retry-After, every worker waits it out, not only the one that was told (azdo/http.py).
Colleagues are invited BATCH at a time with one request (the bulk form of UserEntitlements, as the
portal and the Azure CLI do); each is then put in the team with one request (a PUT: adding someone
already there changes nothing, so nothing is checked first). A colleague the bulk answer refuses
or leaves out is invited again alone, for that person's own sentence.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .roster import Member, invite_refusal

if TYPE_CHECKING:
    from ..azdo.client import AzureDevOps
    from ..azdo.models import Invite
    from ..events import Emit, Event


START_PARALLEL = 4
MAX_PARALLEL = 32
BATCH = 50  # invitations a request (the portal adds at most 50 users at a time)
APART_FROM = BATCH + 1  # a list longer than one batch is added from a child process

ADDED = "added"
ALREADY = "already in the team"
FAILED = "failed"
CANCELLED = "cancelled"


@dataclass(frozen=True)
class MemberResult:
    email: str
    state: str  # ADDED | ALREADY | FAILED
    message: str = ""


Done = Callable[[Member, "MemberResult | BaseException"], None]


@dataclass(frozen=True)
class Work:
    """Where the colleagues go and who hears of it: `emit` gets the facade's events and `done`
    each colleague's result (or what a worker raised), from the caller's thread only, a
    colleague's events before its result. Setting `cancel` leaves the rest `cancelled`."""

    base: AzureDevOps
    step: str
    project_id: str
    container: str
    cancel: threading.Event
    emit: Emit
    done: Done


def add_in_threads(work: Work, todo: list[Member]) -> None:
    """Invite and add `todo`, an adaptive number at once (see `Work`)."""
    if not todo:
        return
    step, project_id, container, cancel = work.step, work.project_id, work.container, work.cancel
    events: queue.Queue[Event] = queue.Queue()
    # The workers share the caller's facade (its connections and its Retry-After pause) and
    # post their events to the queue this thread empties.
    svc = work.base.for_step(step, events.put)
    # Finished colleagues come back on this queue: waiting on it costs the same for the
    # 10,000th as for the first (`wait()` on every pending future was quadratic).
    finished: queue.Queue[tuple[Member, MemberResult | BaseException]] = queue.Queue()

    def one(member: Member, invite: Invite | None = None) -> None:
        try:
            with limit.slot():
                if cancel.is_set():
                    finished.put((member, MemberResult(member.email, FAILED, CANCELLED)))
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
                if not cancel.is_set():
                    wanted = [(m.email, m.license) for m in members]
                    invites = svc.invite_many(wanted, project_id)
        except Exception:  # the one-by-one invitations say each one's trouble
            invites = {}
        for member in members:
            pool.submit(one, member, invites.get(member.email))

    def drain() -> None:
        while True:
            try:
                work.emit(events.get_nowait())
            except queue.Empty:
                return

    reported = 0
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
        while reported < len(todo):
            try:
                member, outcome = finished.get(timeout=0.05)
            except queue.Empty:
                drain()
                continue
            drain()
            work.done(member, outcome)
            reported += 1
    drain()


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

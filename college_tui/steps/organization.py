"""Step 2: the Azure DevOps organisation — choose one of yours, or create it in the browser.

Azure DevOps has no API to create an organisation (the portal's signup page needs an Azure
subscription and a human), so the wizard opens the signup page and polls the list of the user's
organisations until the new one appears. The sandbox serves a small signup page of its own.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..azdo.urls import SIGNUP_URL, sibling_org_url
from ..naming import check_org_name
from ..vocabulary import StepKey
from .base import Context, HandOffStep, Inspection, Outcome, StepError

# Entra's "Restrict organization creation" policy: the portal refuses the tenant's accounts (no
# API tells the wizard), so the hand-off and the give-up say what it means and what to do.
RESTRICTED = (
    "If the page says your organization's administrators restrict who can create "
    "organizations, your tenant forbids it (Microsoft Entra's \"Restrict organization "
    'creation" policy): ask your instructor for an organisation and pick it, or create it '
    "signed in with a personal Microsoft account or an account of another tenant."
)


if TYPE_CHECKING:
    from collections.abc import Callable


def signup_url(ctx: Context, name: str) -> str:
    """Where the attendee creates an organisation: the portal, or the sandbox's own page (in
    sandbox mode, or a served sandbox reached as a service on loopback)."""
    from ..azdo.urls import is_loopback

    if ctx.target.sandbox or is_loopback(urlsplit(ctx.target.org_url).hostname or ""):
        base = ctx.target.org_url.rstrip("/").rsplit("/", 1)[0]
        return f"{base}/_sandbox/signup?name={name}"
    return SIGNUP_URL


class OrganizationStep(HandOffStep):
    key = StepKey.ORGANIZATION

    def __init__(
        self, wait_seconds: float = 900.0, poll_seconds: float = 3.0, remind_seconds: float = 30.0
    ) -> None:
        super().__init__(wait_seconds, poll_seconds)  # how long the attendee gets to create it
        self.remind_seconds = remind_seconds  # how often the wait says how long it has left

    def wanted(self, ctx: Context) -> str:
        return ctx.answers.organization or ctx.target.org

    def inspect(self, ctx: Context) -> Inspection:
        name = self.wanted(ctx)
        if ctx.azdo is None and ctx.target.org_pending and name:
            # Not signed in (a personal account has no Entra token): the portal creates it,
            # its URL answering an unauthenticated request says it exists.
            return Inspection(
                False,
                f"Not signed in: the organisation {name} is looked for by its address",
                todo=f"create the organisation {name} in the browser ({signup_url(ctx, name)}) "
                "and wait until its address answers",
            )
        if not name:  # signed in with no organisation named yet ("My Azure DevOps" from nothing)
            _found, names = self._find(ctx, "")
            yours = f"your organisations: {', '.join(names)}" if names else "you have none yet"
            return Inspection(
                False,
                f"No organisation chosen yet ({yours})",
                todo="pick one of your organisations, or name a new one and create it in the "
                "browser",
            )
        found, _names = self._find(ctx, name)
        if found is None:
            return Inspection(
                False,
                f"You have no organisation named {name}",
                todo=f"create the organisation {name} in the browser "
                f"({signup_url(ctx, name)}) and wait until it appears",
            )
        self._switch(ctx, found)
        return Inspection(
            True,
            f"Organisation {found} ({ctx.target.org_url})",
            facts={"organization": found, "org_url": ctx.target.org_url},
        )

    def apply(self, ctx: Context) -> Outcome:
        name = self.wanted(ctx)
        if not name:
            _found, names = self._find(ctx, "")
            yours = f"Yours: {', '.join(names)}." if names else "You have none yet."
            raise StepError(
                f"No organisation chosen: pick one of yours or type a new name. {yours}"
            )
        problem = check_org_name(name)
        if problem:
            raise StepError(f"organization: {problem}")
        if ctx.azdo is None and ctx.target.org_pending:
            return self._created_before_sign_in(ctx, name)
        found, names = self._find(ctx, name)
        if found is not None:
            self._switch(ctx, found)
            return Outcome(f"Organisation {found} ({ctx.target.org_url})", already_done=True)
        url = signup_url(ctx, name)
        if not ctx.attended and ctx.target.sandbox and ctx.answers.sandbox_account:
            return self._signed_up_headless(ctx, name, url)
        if not ctx.attended:  # nobody to create it in the browser: waiting would only time out
            yours = (
                f"Your organisations: {', '.join(names)}."
                if names
                else "You have no organisation yet."
            )
            raise StepError(
                f"You have no organisation named {name}. {yours} Put one of them in "
                f'the answers (organization = "NAME"), or create {name} at {url} '
                "and run again."
            )
        ctx.state.update(self.key, waiting_for=name)
        try:
            found = self.hand_off(
                ctx,
                f"Create the organisation {name} in your browser (sign in, "
                f"name it {name}, choose a region). The wizard waits until it appears. "
                + RESTRICTED,
                url=url,
                detail=name,
                probe=self._reminding(ctx, name),
                what=f"the organisation {name} to appear",
            )
        except StepError as exc:
            if not exc.message.startswith("Gave up waiting"):
                raise
            raise StepError(f"{exc.message} {RESTRICTED}") from None
        self._switch(ctx, found)
        ctx.state.forget(self.key, "waiting_for")
        return Outcome(f"Organisation {found} created ({ctx.target.org_url})")

    def _signed_up_headless(self, ctx: Context, name: str, url: str) -> Outcome:
        """A class rehearsal's attendee (sandbox_account): the sandbox's sign-up page filled in
        as that account would fill it in a browser."""
        from ..azdo.reach import sign_up

        said = sign_up(url, name, ctx.answers.sandbox_account)
        found = self._find(ctx, name)[0] if said is None else None
        if found is None:
            raise StepError(
                f"The sandbox did not create the organisation {name} for "
                f"{ctx.answers.sandbox_account}: {said or 'it is not in the list'}. Choose "
                'another name in the answers (organization = "NAME") and run again.'
            )
        self._switch(ctx, found)
        return Outcome(f"Organisation {found} created on the sandbox's sign-up page")

    def _created_before_sign_in(self, ctx: Context, name: str) -> Outcome:
        """A personal Microsoft account's way: the organisation made in the portal first (no
        token to list organisations with), waited for until its address answers an
        unauthenticated request; then the run works on it and a PAT is made in it."""
        from ..azdo.authority import discover_sign_in
        from ..azdo.errors import AzdoError

        url = sibling_org_url(ctx.target.org_url, name)

        def answers() -> str | None:
            try:
                discover_sign_in(url)
            except AzdoError:  # 404 (not there yet) or not reachable now: ask again
                return None
            return name

        if answers() is None:
            if not ctx.attended:
                raise StepError(
                    f"The organisation {name} does not exist yet: create it at "
                    f"{signup_url(ctx, name)} and run again."
                )
            self.hand_off(
                ctx,
                f"Create the organisation {name} in your browser (sign in with your "
                f"account, name it {name}, choose a region). The wizard waits until it "
                "answers.",
                url=signup_url(ctx, name),
                detail=name,
                probe=answers,
                what=f"the organisation {name} to appear",
            )
        ctx.target = replace(ctx.target, org_url=url, org_pending=False)
        if not ctx.dry_run:
            ctx.state.update(self.key, organization=name, org_url=url)
        from .signin_help import pat_page, scopes_text

        self.note(
            ctx,
            f"Now make a personal access token at {pat_page(url)} with these scopes, and sign "
            f"in with it on step 1. {scopes_text(name)}",
        )
        return Outcome(f"Organisation {name} is there ({url}): sign in with a token made in it")

    def _reminding(self, ctx: Context, name: str) -> Callable[[], str | None]:
        """A probe for `poll` that also says, every `remind_seconds`, how long the wait has left."""
        start = time.monotonic()
        said = [start]

        def probe() -> str | None:
            found = self._find(ctx, name)[0]
            now = time.monotonic()
            if found is None and now - said[0] >= self.remind_seconds:
                said[0] = now
                left = max(0, round(self.wait_seconds - (now - start)))
                self.progress(
                    ctx,
                    f"Still waiting for the organisation {name}: {left // 60} min "
                    f"{left % 60} s left (run again to wait more)",
                    min(1.0, (now - start) / self.wait_seconds),
                )
            return found

        return probe

    def _find(self, ctx: Context, name: str) -> tuple[str | None, list[str]]:
        """The organisation's exact name if the user has it (else None), and all their names."""
        from ..azdo.errors import AzdoError

        svc = ctx.service(self.key)
        try:
            member_id = svc.profile().id
            orgs = svc.organizations(member_id)
        except AzdoError as exc:
            pending = ctx.target.org_pending
            if exc.status in (401, 403) and not pending and name.lower() == ctx.target.org.lower():
                # A PAT scoped to one organisation may not list all of them; sign-in already
                # proved this one answers.
                svc.connection_data()
                return ctx.target.org, [ctx.target.org]
            raise
        names = [org.name for org in orgs]
        found = next((n for n in names if n.lower() == name.lower()), None)
        return found, names

    def _switch(self, ctx: Context, name: str) -> None:
        """Point the run at organisation `name` when it is not the target's yet."""
        if name == ctx.target.org and not ctx.target.org_pending:
            if not ctx.dry_run:
                ctx.state.update(self.key, organization=name, org_url=ctx.target.org_url)
            return
        from ..azdo.client import AzureDevOps

        # From here on the run works on this organisation (the run's state stays where it began).
        ctx.target = replace(
            ctx.target, org_url=sibling_org_url(ctx.target.org_url, name), org_pending=False
        )
        ctx.azdo = AzureDevOps(
            ctx.target.org_url, ctx.target.profile_url, ctx.signed_in(), ctx.emit, step=self.key
        )
        ctx.azdo.connection_data()
        if not ctx.dry_run:
            ctx.state.update(self.key, organization=name, org_url=ctx.target.org_url)

"""One run of the wizard on a target: the single way to inspect and run steps.

`college-tui apply` and the TUI's worker threads both go through `Session`, so a step runs the
same way whichever front end asked. A Session keeps its step objects (the sign-in step remembers
who signed in) and its Context (the connection, the answers, the cancel flag) between calls.
Nothing here imports the UI or the sandbox.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..vocabulary import StepKey
from .base import Context, Secrets, Step
from .plan import STEPS
from .runner import RunReport, make_context, run

if TYPE_CHECKING:
    from ..events import Emit
    from ..target import Target
    from .answers import Answers
    from .checklist import CheckItem


@dataclass
class OpenedTarget:
    """A target the front end opened (cli.py starts the sandbox), and the PAT it came with."""

    target: Target
    pat: str | None = field(default=None, repr=False)  # a secret: never in a repr
    # How to sign in unless the attendee chooses: the PAT at hand, else the browser, else a
    # device code (opening/service_target.py default_auth); "" leaves the answers' own.
    auth: str = ""


@dataclass(frozen=True)
class Summary:
    """The end of the walk: the checklist from the service, the web links, the clone folder."""

    items: list[CheckItem]
    links: list[tuple[str, str]]  # (what, URL)
    clone_dir: str
    pull_request_url: str | None
    after_the_day: str = ""  # how git keeps working in the clone afterwards (an HTTPS clone)

    @property
    def ok(self) -> bool:
        return bool(self.items) and all(item.ok or item.skipped for item in self.items)


def after_the_day(ctx: Context) -> str:
    """For a clone made over HTTPS: what keeps `git pull`/`git push` working after the day (the
    wizard's sign-in ends with it): Git Credential Manager with Microsoft Entra, else a PAT."""
    if ctx.state.get(StepKey.CLONE).get("protocol") != "https":
        return ""
    folder = ctx.state.get(StepKey.CLONE).get("clone_path") or str(ctx.answers.clone_dir)
    return (
        "After the day, git in your clone (over HTTPS) needs a sign-in of its own: with Git "
        f"Credential Manager run git -C {folder} config credential.azreposCredentialType oauth "
        "(it signs in with Microsoft Entra in the browser, no PAT); without it, git asks for a "
        "password: a personal access token for this organisation with the Code scope."
    )


class Session:
    """The engine as a front end sees it: inspect all, run one step, run the rest, check."""

    def __init__(self, ctx: Context, steps: Sequence[type[Step] | Step] | None = None) -> None:
        self.ctx = ctx
        self.steps: list[Step] = [s() if isinstance(s, type) else s for s in (steps or STEPS)]

    @classmethod
    def start(
        cls, target: Target, answers: Answers, emit: Emit, *, secrets: Secrets | None = None
    ) -> Session:
        """A session on `target` with `answers` (resolved for the target) and its run state."""
        return cls(make_context(target, answers.for_target(target), emit, secrets=secrets))

    # -- looking ------------------------------------------------------------------------------

    @property
    def keys(self) -> list[str]:
        return [step.key for step in self.steps]

    def step(self, key: str) -> Step:
        for step in self.steps:
            if step.key == key:
                return step
        raise KeyError(f"unknown step {key!r}: use one of {', '.join(self.keys)}")

    def by_hand(self, key: str) -> str:
        """The commands that do step `key` by hand on this target (steps/by_hand.py)."""
        from .by_hand import by_hand

        return by_hand(key, self.ctx.target, self.ctx.answers)

    def inspect_all(self) -> RunReport:
        """What exists now for every step; changes nothing."""
        return run(self.ctx, self.steps, only_inspect=True)

    def checklist(self) -> list[CheckItem]:
        """The challenge checklist, read from the service (what `college-tui check` prints)."""
        from .checklist import run_checklist

        items, _report = run_checklist(self.ctx, self.steps)
        return items

    def summary(self) -> Summary:
        """The checklist (read from the service) and the pages of what the walk made; the pull
        request's page whenever one exists for the branch (made by this run or before it)."""
        from ..azdo.urls import project_web_url, team_settings_page
        from .checklist import run_checklist

        items, report = run_checklist(self.ctx, self.steps)
        a, org_url = self.ctx.answers, self.ctx.target.org_url
        project = project_web_url(org_url, a.project)
        found = report.result(StepKey.PULL_REQUEST)
        pr_url = (found.facts.get("pr_url") if found else None) or self.ctx.state.get(
            StepKey.PULL_REQUEST
        ).get("pr_url")
        links = [
            ("Project", project),
            ("Team", team_settings_page(org_url, a.project)),
            ("Repository", f"{project}/_git/{a.repo}"),
        ]
        if pr_url:
            links.append(("Pull request", pr_url))
        return Summary(items, links, str(a.clone_dir), pr_url, after_the_day(self.ctx))

    def public_key(self) -> tuple[str, str] | None:
        """(fingerprint, public key line) of the SSH key the ssh-key step uses, once it exists."""
        path = self.ctx.answers.key_path
        if path is None:
            return None
        try:
            line = Path(f"{path}.pub").read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return str(self.ctx.state.get(StepKey.SSH_KEY).get("fingerprint") or ""), line

    def organizations(self) -> list[str]:
        """The names of the organisations the signed-in user belongs to."""
        svc = self.ctx.service(StepKey.ORGANIZATION)
        return sorted(org.name for org in svc.organizations(svc.profile().id))

    # -- doing --------------------------------------------------------------------------------

    def run(self, keys: list[str] | None = None, *, until: str | None = None) -> RunReport:
        """Inspect and apply the steps named (all when None), in order; stops at a failure."""
        self.ctx.cancel.clear()  # a cancel belongs to the run it stopped
        chosen = self.steps if keys is None else [self.step(key) for key in keys]
        return run(self.ctx, chosen, until=until)

    def cancel(self) -> None:
        """Ask the running step to stop at its next wait (it ends with a 'Cancelled' sentence)."""
        self.ctx.cancel.set()

    def hold_lock(self) -> contextlib.AbstractContextManager[None]:
        """A context manager holding the target's run lock (one run per target at a time)."""
        return self.ctx.state.exclusive()

    # -- answers and secrets ------------------------------------------------------------------

    def update_answers(self, **changes: Any) -> list[str]:
        """Use these answers from now on, if the engine's rules accept them; else the problems."""
        candidate = replace(self.ctx.answers, **changes)
        problems = candidate.validate()
        if not problems:
            self.ctx.answers = candidate
        return problems

    def set_secrets(self, typed: TypedSecrets) -> None:
        """Give the run a PAT or key passphrase typed by the attendee (kept in memory only).

        `remember_pat`: keep a typed PAT in the system keyring (off unless the attendee asks).
        `remember_sign_in`: keep a Microsoft Entra sign-in in the encrypted token cache.
        """
        pat, passphrase = typed.pat, typed.passphrase
        remember_pat, remember_sign_in = typed.remember_pat, typed.remember_sign_in
        from ..azdo.redact import register_secret
        from ..workstation.childenv import hide_from_children

        secrets = self.ctx.secrets
        if pat is not None:
            secrets.pat = pat or None
            secrets.remember_pat = remember_pat
        if passphrase is not None:
            secrets.key_passphrase = passphrase or None
        if remember_sign_in is not None:
            secrets.remember_sign_in = remember_sign_in
        for secret in (pat, passphrase):
            if secret:
                register_secret(secret)
                hide_from_children(values=[secret])
                self.ctx.state.guard(secret)


@dataclass(frozen=True)
class TypedSecrets:
    """What the attendee typed for this run that must stay secret (the TUI's panels give it):
    None is "not asked this time", so a later panel never undoes an earlier one's choice."""

    pat: str | None = None
    remember_pat: bool = False  # keep that PAT in the system keyring
    passphrase: str | None = None  # the SSH key's
    remember_sign_in: bool | None = None  # keep a Microsoft Entra sign-in in the token cache

    def __repr__(self) -> str:
        return "TypedSecrets(***)"

    def __bool__(self) -> bool:
        return self != TypedSecrets()

    def merged(self, other: TypedSecrets) -> TypedSecrets:
        """These, with what `other` says replacing what they say."""
        return TypedSecrets(
            pat=other.pat if other.pat is not None else self.pat,
            remember_pat=other.remember_pat if other.pat is not None else self.remember_pat,
            passphrase=other.passphrase if other.passphrase is not None else self.passphrase,
            remember_sign_in=(
                other.remember_sign_in
                if other.remember_sign_in is not None
                else self.remember_sign_in
            ),
        )

    def values(self) -> list[str]:
        """The secret strings themselves (to hide from logs and children)."""
        return [value for value in (self.pat, self.passphrase) if value]


def field_problem(answers: Answers, name: str, value: Any) -> str | None:
    """The engine's verdict on one answer field, before any call: a sentence or None."""
    try:
        candidate = replace(answers, **{name: value})
    except TypeError:
        return None
    for problem in candidate.validate():
        head = problem.split(":", 1)[0]
        if head == name or head.startswith(f"{name}[") or head.startswith(f"{name} "):
            return problem.split(":", 1)[1].strip() if ":" in problem else problem
    return None


def warm_up() -> None:
    """Import the service client's libraries ahead of the first call (run in a thread)."""
    from ..azdo import client
    from ..azdo.credentials import PatCredential  # noqa: F401

    # The SDK makes its cache folder at import: ours, never ~/.azure-devops (a read-only home
    # made the wizard die at start). Warming is only a speed-up: nothing here may fail the app.
    client._use_our_sdk_cache()
    with contextlib.suppress(ImportError, OSError):  # the SDK: most of the first call's cost
        import azure.devops.connection  # noqa: F401


def local_problems() -> list[str]:
    """Quick checks of this machine: the programs the steps need (git, ssh)."""
    from ..workstation.hostos.sshstack import git_ssh

    problems = []
    for program, found, why in (
        ("git", shutil.which("git"), "to clone the repository and push a branch"),
        ("ssh", git_ssh().ssh, "to talk to Azure Repos over SSH"),  # Windows: Git's own too
    ):
        if found is None:
            problems.append(
                f"{program} is not installed (needed {why}): install it, then "
                "start college-tui again."
            )
    return problems

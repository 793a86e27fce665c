"""Step 9: a branch, a commit, a push and a pull request to the default branch.

The attendee's entry `attendees/<alias>.md` is committed on `users/<alias>/hello-college` in the
clone, pushed the way the clone was made (SSH with the key, or HTTPS with the PAT handed to git by
a credential helper for that one push), and proposed through a pull request made with the API. Every part is
idempotent: no commit when the file already has this content, no push when the remote branch
already holds the commit, no second pull request when an active one from that branch exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..vocabulary import StepKey
from .base import Context, Inspection, NotReady, Outcome, Step
from .clone import clone_dir
from .explain import explained
from .gitaccess import GitProgress, clone_of, git_access, protocol_name
from .importrepo import find_course_repo, short_branch

if TYPE_CHECKING:
    from ..azdo.client import AzureDevOps
    from ..azdo.models import Project, PullRequest, Repository


def entry_path(alias: str) -> str:
    """The attendee's file in the repository."""
    return f"attendees/{alias}.md"


def entry_text(name: str, alias: str, protocol: str = "SSH") -> str:
    """The file's content: stable for a person, so a rerun commits nothing new."""
    how = "over SSH with my key" if protocol == "SSH" else f"over {protocol}"
    return (
        f"# {name or alias}\n\n"
        f"- alias: {alias}\n"
        "- AI Developer College, MLOps on Azure: challenges 0 and 1 done. This file was "
        f"committed on my own branch, pushed {how}, and proposed in a pull request.\n"
    )


class PullRequestStep(Step):
    key = StepKey.PULL_REQUEST

    def inspect(self, ctx: Context) -> Inspection:
        answers = ctx.answers
        svc = ctx.service(self.key)
        todo = (
            f"commit {entry_path(answers.alias)} on {answers.branch}, push it and open a "
            "pull request"
        )
        project = svc.get_project(answers.project)
        repo = svc.get_repository(project.id, answers.repo) if project else None
        if project is None or repo is None or not repo.default_branch:
            return Inspection(False, f"Repository {answers.repo} holds no code yet", todo=todo)
        pr = self._existing(svc, project, repo, ctx)
        if pr is not None:
            return Inspection(True, self._summary(pr), facts=self._facts(pr))
        return Inspection(False, f"No pull request from {answers.branch} yet", todo=todo)

    def apply(self, ctx: Context) -> Outcome:
        from ..workstation.git import checkout_branch, commit_file, current_head

        answers = ctx.answers
        svc = ctx.service(self.key)
        project, repo = find_course_repo(ctx, self.key)
        target_ref = repo.default_branch
        assert target_ref  # find_course_repo's repository holds code: it has a default branch
        existing = self._existing(svc, project, repo, ctx)
        if existing is not None:
            self._remember(ctx, existing)
            return Outcome(self._summary(existing), already_done=True)

        dest = clone_dir(ctx)
        kind, url = clone_of(dest, repo)
        protocol = protocol_name(url)
        if kind != "same-clone":
            raise NotReady(
                f"There is no clone of {repo.name} in {dest} yet: run the clone step first."
            )
        branch, source_ref = answers.branch, f"refs/heads/{answers.branch}"
        name, email = self._identity(ctx, svc)
        with explained():
            how = checkout_branch(dest, branch)
            self.progress(ctx, f"Branch {branch} {how}", 0.1)
            relpath = entry_path(answers.alias)
            commit = commit_file(
                dest,
                relpath,
                entry_text(name, answers.alias, protocol),
                f"Add {answers.alias} to the attendees",
                name,
                email,
            )
            head = current_head(dest)
        if commit:
            self.note(ctx, f"Committed {relpath} on {branch} ({commit[:8]}) in {dest}.")
        else:
            self.progress(ctx, f"{relpath} is already committed on {branch}", 0.3)
        ctx.state.update(self.key, branch=branch, commit=head)

        # A commit made just now cannot be on the server yet: only a rerun asks.
        if not commit and self._remote_head(svc, project, repo, source_ref) == head:
            self.progress(ctx, f"{branch} is already pushed", 0.7)
        else:
            with git_access(ctx, url) as access, explained():
                from ..workstation.git import push

                push(
                    dest,
                    branch,
                    on_progress=GitProgress(self, ctx, "Pushing"),
                    cancel=ctx.cancel,
                    **access,
                )
            self.note(ctx, f"Pushed {branch} over {protocol} to {url}.")

        pr = svc.create_pull_request(
            project.id,
            repo.id,
            source_ref,
            target_ref,
            f"Add {answers.alias} to the attendees",
            f"{name or answers.alias} joins the AI Developer College. Made by college-tui for "
            f"challenge 1: a branch ({branch}), a commit, a push over {protocol} and this pull request "
            f"into {short_branch(repo.default_branch)}.",
            reviewer_ids=self._reviewers(ctx, svc),
        )
        self._remember(ctx, pr)
        self.note(ctx, f"Opened pull request !{pr.id} “{pr.title}”: {pr.web_url}")
        return Outcome(self._summary(pr))

    # -- helpers -------------------------------------------------------------------------------

    def _existing(
        self, svc: AzureDevOps, project: Project, repo: Repository, ctx: Context
    ) -> PullRequest | None:
        """An active pull request from our branch (any target), else a completed one."""
        source = f"refs/heads/{ctx.answers.branch}"
        found = svc.pull_requests(project.id, repo.id, source_ref=source, status="all")
        for status in ("active", "completed"):
            mine = [pr for pr in found if pr.status == status]
            if mine:
                return max(mine, key=lambda pr: pr.id)
        return None

    def _reviewers(self, ctx: Context, svc: AzureDevOps) -> tuple[str, ...]:
        """The user id of the answers' reviewer (the instructor, invited with the colleagues);
        () when none is named, or with a note when they are not in the organisation."""
        email = ctx.answers.reviewer
        if not email:
            return ()
        found = svc.user_entitlement(email)
        if found is None or not found.user_id:
            self.note(
                ctx,
                f"The reviewer {email} is not in the organisation: the pull request asks nobody "
                "for a review. List them among the members (members = [...]) and invite them.",
            )
            return ()
        return (found.user_id,)

    def _remote_head(
        self, svc: AzureDevOps, project: Project, repo: Repository, ref: str
    ) -> str | None:
        refs = svc.refs(project.id, repo.id, prefix=ref.removeprefix("refs/"))
        return next((r.object_id for r in refs if r.name == ref), None)

    def _identity(self, ctx: Context, svc: AzureDevOps) -> tuple[str, str]:
        """Author of the commit: the signed-in user (their name and e-mail in Azure DevOps)."""
        profile = svc.profile()
        name = " ".join((profile.display_name or "").split()) or ctx.answers.alias
        email = (profile.email or "").strip() or f"{ctx.answers.alias}@users.noreply.college"
        for bad in "<>":
            name = name.replace(bad, "")
        return name, email

    def _remember(self, ctx: Context, pr: PullRequest) -> None:
        if not ctx.dry_run:
            ctx.state.update(self.key, **self._facts(pr))

    def _facts(self, pr: PullRequest) -> dict[str, Any]:
        return {"pr_id": pr.id, "pr_url": pr.web_url, "pr_status": pr.status}

    def _summary(self, pr: PullRequest) -> str:
        state = "is open" if pr.status == "active" else f"is {pr.status}"
        return f"Pull request !{pr.id} {state}: {pr.web_url}"

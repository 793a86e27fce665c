"""Pull requests and their web links."""

from __future__ import annotations

from typing import Any

from ..models import (
    PullRequest,
    Review,
)
from ..urls import pull_request_web_url
from .repos import Repositories


class PullRequests(Repositories):
    """Pull requests and their web links (of the repositories of repos.py)."""

    def _repo_web_url(self, project: str, repo_id: str, pr: Any) -> str | None:
        repo = getattr(pr, "repository", None)
        web_url = getattr(repo, "web_url", None)
        if isinstance(web_url, str) and web_url:
            return web_url
        known = self._shared.repo_web_urls.get(repo_id)
        if known:
            return known
        found = self.get_repository(project, repo_id)
        return found.web_url if found else None

    def _pull_request(self, project: str, repo_id: str, pr: Any) -> PullRequest:
        web = self._repo_web_url(project, repo_id, pr)
        return PullRequest(
            id=int(pr.pull_request_id),
            status=str(pr.status or ""),
            title=pr.title or "",
            source_ref=pr.source_ref_name or "",
            target_ref=pr.target_ref_name or "",
            web_url=pull_request_web_url(web, pr.pull_request_id) if web else None,
            reviewers=tuple(
                Review(r.unique_name or r.display_name or "", int(r.vote or 0))
                for r in pr.reviewers or []
            ),
        )

    def pull_requests(
        self,
        project: str,
        repo_id: str,
        source_ref: str | None = None,
        target_ref: str | None = None,
        status: str = "active",
    ) -> list[PullRequest]:
        """Pull requests of the repository, filtered by source/target branch and status."""
        from azure.devops.v7_1.git.models import GitPullRequestSearchCriteria

        criteria = GitPullRequestSearchCriteria(
            source_ref_name=_full_ref(source_ref) if source_ref else None,
            target_ref_name=_full_ref(target_ref) if target_ref else None,
            status=status,
        )

        def page(top: int, skip: int) -> list[Any]:
            git = self._git()
            return git.get_pull_requests(repo_id, criteria, project, skip=skip, top=top) or []

        found = self._remembered(
            ("pull_requests", project, repo_id, source_ref, target_ref, status),
            lambda: self._all_pages("pull_requests", page),
        )
        return [self._pull_request(project, repo_id, pr) for pr in found]

    def create_pull_request(
        self,
        project: str,
        repo_id: str,
        source_ref: str,
        target_ref: str,
        title: str,
        description: str,
        reviewer_ids: tuple[str, ...] = (),
    ) -> PullRequest:
        """Open a pull request (re-checks active ones with the same branches first on retry),
        asking the users `reviewer_ids` for a review."""
        from azure.devops.v7_1.git.models import GitPullRequest, IdentityRefWithVote

        source, target = _full_ref(source_ref), _full_ref(target_ref)

        def recheck() -> PullRequest | None:
            found = self.pull_requests(project, repo_id, source, target, "active")
            return found[0] if found else None

        def run() -> Any:
            return self._git().create_pull_request(
                GitPullRequest(
                    source_ref_name=source,
                    target_ref_name=target,
                    title=title,
                    description=description,
                    reviewers=[IdentityRefWithVote(id=i) for i in reviewer_ids] or None,
                ),
                repo_id,
                project,
            )

        created = self._call("create_pull_request", run, recheck=recheck, idempotent=False)
        if isinstance(created, PullRequest):
            return created
        return self._pull_request(project, repo_id, created)


# -- helpers --------------------------------------------------------------------------------------


def _full_ref(ref: str) -> str:
    return ref if ref.startswith("refs/") else f"refs/heads/{ref}"

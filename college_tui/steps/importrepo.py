"""Step 7: the repository `aidevcollege`, filled by importing the course from GitHub.

Azure DevOps imports a public Git repository into an empty one: the import request starts
`queued`, runs through its `detailedStatus` steps and ends `completed`, `failed` or `abandoned`.
The project already holds a repository named like the project ("College", made with it); the
course works in its own repository. A run killed while the import runs adopts the queued or
running request on the next run instead of asking for a second import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..vocabulary import StepKey
from .base import POLL_CAP, Context, Inspection, NotReady, Outcome, Step, StepError

if TYPE_CHECKING:
    from ..azdo.client import AzureDevOps
    from ..azdo.models import ImportRequest, Project, Repository

ACTIVE = ("queued", "inProgress")


def short_branch(ref: str | None) -> str:
    """`refs/heads/main` -> `main`."""
    return (ref or "").removeprefix("refs/heads/")


def find_project(ctx: Context, step: str) -> Project:
    """The answers' project, or NotReady when the project step has not made it yet."""
    project = ctx.service(step).get_project(ctx.answers.project)
    if project is None:
        raise NotReady(
            f"The project {ctx.answers.project} does not exist yet: run the project step first."
        )
    return project


def find_course_repo(ctx: Context, step: str) -> tuple[Project, Repository]:
    """The project and the course repository with code in it, or NotReady."""
    project = find_project(ctx, step)
    repo = ctx.service(step).get_repository(project.id, ctx.answers.repo)
    if repo is None or not repo.default_branch:
        raise NotReady(
            f"The repository {ctx.answers.repo} does not hold the course yet: run the "
            "import step first."
        )
    return project, repo


class ImportStep(Step):
    key = StepKey.IMPORT

    def __init__(
        self, timeout: float = 900.0, first_poll: float = 0.1, poll_cap: float = POLL_CAP
    ) -> None:
        self.timeout = timeout  # how long to wait for the import to end
        self.first_poll = first_poll
        self.poll_cap = poll_cap

    def inspect(self, ctx: Context) -> Inspection:
        answers = ctx.answers
        svc = ctx.service(self.key)
        project = svc.get_project(answers.project)
        todo = f"create the repository {answers.repo} and import {answers.source_url}"
        if project is None:
            return Inspection(False, f"Project {answers.project} does not exist yet", todo=todo)
        repo = svc.get_repository(project.id, answers.repo)
        if repo is None:
            return Inspection(False, f"There is no repository {answers.repo} yet", todo=todo)
        if not self._empty(svc, project, repo):
            return Inspection(True, self._holds(repo), facts={"repo_id": repo.id})
        running = self._active(svc, project, repo)
        if running is not None:
            return Inspection(
                False,
                f"The import into {repo.name} is {running.status}",
                todo="wait for the running import to finish",
                facts={"repo_id": repo.id, "import_id": running.id},
            )
        return Inspection(
            False,
            f"Repository {repo.name} is empty",
            todo=f"import {answers.source_url} into {repo.name}",
            facts={"repo_id": repo.id},
        )

    def apply(self, ctx: Context) -> Outcome:
        answers = ctx.answers
        svc = ctx.service(self.key)
        project = find_project(ctx, self.key)
        repo, created = self._repository(ctx, svc, project)
        ctx.state.update(self.key, repo_id=repo.id)
        # A repository made a moment ago is empty and has no import: nothing to look up.
        if not created and not self._empty(svc, project, repo):
            return Outcome(self._holds(repo), already_done=True)

        request = None if created else self._active(svc, project, repo)
        if request is not None:
            self.progress(
                ctx, f"Resuming: the import #{request.id} started earlier is {request.status}"
            )
        else:
            request = svc.create_import(project.id, repo.id, answers.source_url)
            self.note(
                ctx,
                f"Asked Azure DevOps to import {answers.source_url} into {repo.name}; "
                "it copies the repository on its side, history included.",
            )
        ctx.state.update(self.key, import_id=request.id)
        final = self._wait(ctx, svc, project, repo, request)
        if final.status != "completed":
            ctx.state.forget(self.key, "import_id")
            raise StepError(self._failure(ctx, repo, final))
        # The default branch is set when the import ends; read it (briefly eventual).
        repo = ctx.poll(
            lambda: self._filled(svc, project, repo),
            timeout=30,
            what=f"the imported code to show in {repo.name}",
            first=0.2,
        )
        ctx.state.update(self.key, default_branch=repo.default_branch)
        return Outcome(
            f"Imported {answers.source_url} into {repo.name} (default branch "
            f"{short_branch(repo.default_branch)})"
        )

    # -- helpers -------------------------------------------------------------------------------

    def _repository(
        self, ctx: Context, svc: AzureDevOps, project: Project
    ) -> tuple[Repository, bool]:
        """The course repository, and whether it was created now."""
        name = ctx.answers.repo
        repo = svc.get_repository(project.id, name)
        if repo is not None:
            self.progress(ctx, f"Repository {repo.name} exists; using it", 0.05)
            return repo, False
        repo = svc.create_repository(project.id, name)  # re-checks by name before resending
        other = (
            f" (The repository {project.name} was made together with the project; the "
            f"course works in {repo.name}.)"
            if name.lower() != project.name.lower()
            else ""
        )
        self.note(ctx, f"Created the empty repository {repo.name} in {project.name}.{other}")
        return repo, True

    def _empty(self, svc: AzureDevOps, project: Project, repo: Repository) -> bool:
        """No default branch and no branches: an import may go in."""
        if repo.default_branch:
            return False
        return not svc.refs(project.id, repo.id, prefix="heads/")

    def _filled(self, svc: AzureDevOps, project: Project, repo: Repository) -> Repository | None:
        found = svc.get_repository(project.id, repo.id)
        return found if found is not None and found.default_branch else None

    def _active(self, svc: AzureDevOps, project: Project, repo: Repository) -> ImportRequest | None:
        """The newest queued or running import of this repository (an earlier run's), if any."""
        running = [r for r in svc.import_requests(project.id, repo.id) if r.status in ACTIVE]
        return max(running, key=lambda r: r.id) if running else None

    def _wait(
        self,
        ctx: Context,
        svc: AzureDevOps,
        project: Project,
        repo: Repository,
        request: ImportRequest,
    ) -> ImportRequest:
        shown: list[tuple[str, int | None]] = []

        def probe() -> ImportRequest | None:
            current = svc.get_import(project.id, repo.id, request.id)
            self._report(ctx, current, shown)
            return current if current.done else None

        self._report(ctx, request, shown)
        if request.done:
            return request
        return ctx.poll(
            probe,
            timeout=self.timeout,
            what=f"the import into {repo.name} to finish",
            first=self.first_poll,
            cap=self.poll_cap,
        )

    def _report(
        self, ctx: Context, request: ImportRequest, shown: list[tuple[str, int | None]]
    ) -> None:
        """One progress event per new detailedStatus step: "Storing objects (3/6)"."""
        mark = (request.status, request.current_step)
        if shown and shown[-1] == mark:
            return
        shown.append(mark)
        steps, current = request.all_steps, request.current_step
        if steps and current:
            index = max(1, min(current, len(steps)))
            label = steps[index - 1]
            self.progress(ctx, f"Importing: {label} ({index}/{len(steps)})", index / len(steps))
        else:
            self.progress(ctx, f"Import {request.status}")

    def _failure(self, ctx: Context, repo: Repository, request: ImportRequest) -> str:
        source = ctx.answers.source_url
        if request.status == "abandoned":
            return (
                f"The import of {source} into {repo.name} was abandoned (cancelled) before it "
                "finished. The repository is still empty: run the step again to import it."
            )
        said = (request.error or "no reason was given").strip().replace("\n", " ")
        if "the disk is full" in said:  # the sandbox's own sentence: its disk, not the URL
            return (
                f"Azure DevOps could not import {source} into {repo.name}: {said} The "
                "repository stays empty, so the import can simply be retried."
            )
        return (
            f"Azure DevOps could not import {source} into {repo.name}: {said} Check that the "
            "URL is right and the repository is public (source_url in the answers), then run "
            "the step again; the repository stays empty, so the import can simply be retried."
        )

    def _holds(self, repo: Repository) -> str:
        branch = short_branch(repo.default_branch)
        return (
            f"Repository {repo.name} holds code (default branch {branch})"
            if branch
            else f"Repository {repo.name} holds code"
        )

"""Step 3: the project "College" on the Agile process.

Creating a project is asynchronous on Azure DevOps: the POST answers 202 with an operation that
moves notSet -> inProgress -> succeeded; the project (with its default team "College Team" and a
repo "College") exists only at the end. The operation id is remembered at once, so a run that is
killed while it waits resumes polling the same operation instead of queueing a second creation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..vocabulary import StepKey
from .base import Context, Inspection, NotReady, Outcome, Step, StepError

if TYPE_CHECKING:
    from ..azdo.models import Operation, Project

_RUNNING = ("notset", "queued", "inprogress")


class ProjectStep(Step):
    key = StepKey.PROJECT

    def __init__(self, timeout: float = 600.0, first_poll: float = 0.1) -> None:
        self.timeout = timeout
        self.first_poll = first_poll

    def inspect(self, ctx: Context) -> Inspection:
        answers = ctx.answers
        svc = ctx.service(self.key)
        beside = None
        if not ctx.dry_run and not ctx.state.is_done(self.key):
            from .overlap import Beside

            # The processes (Agile's id) are needed only to create the project: asked beside the
            # look-up, not after it (one latency less; a failure here is asked again by apply).
            beside = Beside(svc, self.key, ctx.emit, lambda svc: svc.processes())
        try:
            project = svc.get_project(answers.project)
        finally:
            if beside is not None:
                beside.join()
        if project is not None:
            return self._adopted(ctx, project)
        op_id = ctx.state.get(self.key).get("operation_id")
        if op_id:
            op = self._operation(ctx, op_id)
            if op is not None and op.status.lower() in _RUNNING:
                return Inspection(
                    False,
                    f"Project {answers.project} is being created",
                    todo="wait for the creation queued by an earlier run",
                )
        return Inspection(
            False,
            f"There is no project {answers.project} yet",
            todo=f"create the project {answers.project} with the {answers.process} process",
        )

    def apply(self, ctx: Context) -> Outcome:
        answers = ctx.answers
        svc = ctx.service(self.key)
        project = svc.get_project(answers.project)
        if project is not None:
            self._adopted(ctx, project)
            return Outcome(self._summary(project), already_done=True)
        op_id = ctx.state.get(self.key).get("operation_id")
        op = self._operation(ctx, op_id) if op_id else None
        if op is None or op.status.lower() not in _RUNNING + ("succeeded",):
            if op is not None:
                self.note(
                    ctx,
                    f"Warning: the creation queued by an earlier run ended {op.status}"
                    f"{f' ({op.message})' if op.message else ''}; queueing it again.",
                )
            ctx.state.forget(self.key, "operation_id")
            op_id = self._queue(ctx)
        else:
            self.progress(ctx, f"Resuming: project {answers.project} is already being created")
        if op_id:
            self._wait(ctx, op_id)
        project = ctx.poll(
            lambda: svc.get_project(answers.project),
            timeout=60,
            what=f"the project {answers.project} to appear",
        )
        ctx.state.forget(self.key, "operation_id")
        ctx.state.update(self.key, project_id=project.id)
        if (project.process_name or "").lower() != answers.process.lower():
            self.note(
                ctx, f"Warning: the project uses {project.process_name}, not {answers.process}."
            )
        return Outcome(f"Project {project.name} created ({project.process_name})")

    # -- helpers -----------------------------------------------------------------------------

    def _adopted(self, ctx: Context, project: Project) -> Inspection:
        answers = ctx.answers
        if not ctx.dry_run:
            ctx.state.update(self.key, project_id=project.id)
        agile = (project.process_name or "").lower() == answers.process.lower()
        if not agile:
            self.note(
                ctx,
                f"Warning: the project {project.name} already exists and uses the "
                f"{project.process_name} process, not {answers.process}. The wizard "
                "keeps it (a project's process cannot be switched to another system "
                "process); the course's work item types may differ.",
            )
        return Inspection(
            True,
            self._summary(project),
            facts={
                "project_id": project.id,
                "process": project.process_name,
                "expected_process": agile,
            },
        )

    def _summary(self, project: Project) -> str:
        return f"Project {project.name} exists ({project.process_name})"

    def _operation(self, ctx: Context, op_id: str) -> Operation | None:
        from ..azdo.errors import AzdoError

        try:
            return ctx.service(self.key).get_operation(op_id)
        except AzdoError as exc:
            if exc.status == 404:
                return None
            raise

    def _process_id(self, ctx: Context) -> str:
        wanted = ctx.answers.process
        processes = ctx.service(self.key).processes()
        for process in processes:
            if process.name.lower() == wanted.lower():
                return process.id
        offered = ", ".join(p.name for p in processes) or "none"
        raise StepError(
            f"The process {wanted} is not available in this organisation (it offers "
            f"{offered}). Choose one of those in the answers."
        )

    def _queue(self, ctx: Context) -> str | None:
        """Queue the creation; None when one is already under way (the service said so)."""
        from ..azdo.errors import AzdoError

        answers = ctx.answers
        svc = ctx.service(self.key)
        process_id = self._process_id(ctx)
        for attempt in range(3):
            try:
                op_id = svc.queue_create_project(
                    answers.project, answers.project_description, process_id
                )
            except AzdoError as exc:
                if (exc.type_key or "") == "ProjectAlreadyExistsException":
                    # An earlier run's POST landed but its answer (or our memory) was lost.
                    self.progress(ctx, f"Project {answers.project} is already being created")
                    return None
                transient = exc.status is None or exc.status >= 500 or exc.status == 429
                if not transient or attempt == 2:
                    raise
                # The POST may have landed: look before asking again.
                if svc.get_project(answers.project) is not None:
                    return None
                continue
            ctx.state.update(self.key, operation_id=op_id)
            self.progress(
                ctx,
                f"Creation of project {answers.project} queued ({answers.process} process)",
                0.1,
            )
            return op_id
        return None

    def _wait(self, ctx: Context, op_id: str) -> None:
        seen: list[str] = []

        def probe() -> Operation | None:
            op = self._operation(ctx, op_id)
            if op is None:
                raise NotReady(
                    "The project creation Azure DevOps was running is gone; run "
                    "again to queue it anew."
                )
            status = op.status.lower()
            if not seen or seen[-1] != status:
                seen.append(status)
                fraction = {"notset": 0.2, "queued": 0.2, "inprogress": 0.5}.get(status, 1.0)
                self.progress(ctx, f"Creating project {ctx.answers.project}: {op.status}", fraction)
            if status in _RUNNING:
                return None
            return op

        op = ctx.poll(
            probe,
            timeout=self.timeout,
            what=f"the project {ctx.answers.project}",
            first=self.first_poll,
        )
        if op.status.lower() != "succeeded":
            ctx.state.forget(self.key, "operation_id")
            why = op.message or f"the operation ended {op.status}"
            raise StepError(
                f"Azure DevOps could not create the project {ctx.answers.project}: "
                f"{why}. Fix the cause and run again."
            )

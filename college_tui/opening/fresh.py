"""`--fresh`: the sandbox's data folder emptied before the run, from the run's checked plan
(opening/sandbox_plan.py): listed, asked (or --yes checked), deleted, said. Under the run lock."""

from __future__ import annotations

from ..steps.state import state_path
from ..workstation.fresh import FreshRefused, carry_out, fresh_plan
from .options import Asker, TargetRefused
from .sandbox_folder import data_problem
from .sandbox_plan import SandboxPlan
from .sandbox_target import refuse_second_serve

EXIT_NOT_DONE = 1


def fresh_first(plan: SandboxPlan, asker: Asker) -> None:
    """`college-tui --sandbox --fresh` at a terminal: --fresh asked before the wizard opens (the
    wizard opens the sandbox itself, later), on the plan resolved for the command line."""
    if (problem := data_problem(plan.data)) is not None:
        raise TargetRefused(problem + " Nothing was deleted.", usage=False)
    fresh(plan, asker, assume_yes=False)


def fresh(plan: SandboxPlan, asker: Asker, assume_yes: bool) -> None:
    """--fresh: list what would be deleted, ask (or check --yes may), delete, say what.

    A clone holding work that is not on the server is kept unless the person says so: with
    --yes only --discard-local-work deletes it; at a terminal a second question names the work
    and defaults to keeping it. Raises SystemExit(1) when nothing is deleted by choice. The
    plan is checked already (its folder can hold a sandbox); its own files are refused here.
    """
    data = plan.data
    refuse_second_serve(data, "--fresh would delete its data under it")
    try:
        found = fresh_plan(data, state_path(plan.state_key))
    except FreshRefused as exc:
        raise TargetRefused(str(exc)) from None
    except OSError as exc:  # a name too long, a folder that cannot be read
        raise TargetRefused(data_problem(data) or f"--fresh cannot read {data}: {exc}") from None
    if found.empty:
        asker.say(f"--fresh: the sandbox data folder {data} is empty already; nothing to delete.")
        return
    theirs = found.kept + found.inside  # decided before deleting: never half a --fresh
    if theirs:
        shown = ", ".join(str(p) for p in theirs[:5]) + (
            f" and {len(theirs) - 5} more" if len(theirs) > 5 else ""
        )
        raise TargetRefused(
            f"--fresh refused: {data} holds files the sandbox did not make ({shown}). It "
            "deletes only its own files, and would then not start among yours. Move them out "
            f"of {data} (or use another folder with --data DIR), then run again; nothing was "
            "deleted."
        )
    asker.say("--fresh deletes:")
    for line in found.lines():
        asker.say(f"  - {line}")
    keep_work = (
        "Nothing was deleted; nothing was changed. The clone's work above is only there: "
        "push or copy it first, then run again."
    )
    if assume_yes:
        if found.local_work and not plan.discard_local_work:
            asker.say(
                "Refusing to delete work that exists only in a clone (see above); nothing "
                "was deleted or changed. Push or copy it first, or add "
                "--discard-local-work to delete it anyway.",
                err=True,
            )
            raise SystemExit(EXIT_NOT_DONE)
    elif not asker.confirm("Delete them?", False):
        asker.say("Nothing was deleted; nothing was changed.")
        raise SystemExit(EXIT_NOT_DONE)
    elif found.local_work:
        work = "; ".join(f"{clone}: {', '.join(w)}" for clone, w in found.local_work.items())
        if not asker.confirm(f"Also delete the work that is not on the server ({work})?", False):
            asker.say(keep_work)
            raise SystemExit(EXIT_NOT_DONE)
    try:
        carry_out(found)
    except OSError as exc:
        raise TargetRefused(
            f"--fresh could not delete {exc.filename or data}: "
            f"{exc.strerror or exc}. Some of the list above may be "
            "deleted already; fix the permissions and run again.",
            usage=False,
        ) from None
    asker.say(f"Deleted: {'; '.join(found.lines())}.")

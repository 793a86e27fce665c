"""Opening a target: the sandbox (its data folder, its start, its moved ports, --fresh) or an
Azure DevOps organisation (its URL, its credential), for the command line and the wizard alike.
The sandbox is opened in one pass: its options resolved once into a plan, the plan checked once
before anything is written, then carried out (sandbox_plan.py, sandbox_target.py).

Light to import (the wizard's first frame imports `TargetOptions`): everything heavy is imported
inside functions. No click here: a refusal is a `TargetRefused` that cli/ turns into click's
usage errors and the wizard shows as its sentence; questions come in as an `Asker`'s callables.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .options import PAT_ENV, Asker, Opened, TargetOptions, TargetRefused

__all__ = [
    "PAT_ENV",
    "Asker",
    "Opened",
    "TargetOptions",
    "TargetRefused",
    "open_target",
    "opened_target",
    "resolved_target",
]


if TYPE_CHECKING:
    from ..target import Target
    from .sandbox_plan import SandboxPlan


def resolved_target(
    options: TargetOptions, asker: Asker | None = None, *, clocks: bool = True
) -> tuple[Target, SandboxPlan | None]:
    """The target as known before anything starts (its home: the answers' defaults), and for the
    sandbox its plan (resolved, not checked yet: opening/sandbox_plan.py). `clocks`: the
    sandbox's settings resolved too (not before the wizard's screen: it opens the sandbox later)."""
    asker = asker or Asker()
    if options.use_sandbox and options.org_url:
        raise TargetRefused("Choose one target: --org URL or --sandbox.")
    if not options.use_sandbox and not options.org_url and not options.org_later:
        raise TargetRefused(
            "Say where to work: --org https://dev.azure.com/NAME, or --sandbox "
            "for the offline sandbox."
        )
    if options.use_sandbox:
        from .sandbox_plan import resolve_sandbox

        plan = resolve_sandbox(options, clocks=clocks)
        return plan.target, plan
    if options.fresh or options.faults or options.data:
        raise TargetRefused("--data, --fresh and --faults apply to --sandbox only.")
    from .service_target import provisional_service

    return provisional_service(options, asker), None


@contextlib.contextmanager
def open_target(options: TargetOptions, asker: Asker | None = None) -> Iterator[Opened]:
    """Start the sandbox (when asked) and yield the Target the engine works on: the sandbox's
    plan resolved, checked and carried out (opening/sandbox_plan.py)."""
    asker = asker or Asker()
    target, plan = resolved_target(options, asker)
    if plan is not None:
        from .sandbox_plan import check_sandbox

        check_sandbox(plan)
    with opened_target(target, plan, asker) as opened:
        yield opened


@contextlib.contextmanager
def opened_target(target: Target, plan: SandboxPlan | None, asker: Asker) -> Iterator[Opened]:
    """`target` opened: the sandbox's checked plan carried out, or the organisation as it is."""
    if plan is None:
        yield Opened(target)
        return
    from .sandbox_target import opened_sandbox

    with opened_sandbox(plan, asker) as opened:
        yield opened

"""Opening a target: the sandbox (its data folder, its start, its moved ports, --fresh) or an
Azure DevOps organisation (its URL, its credential), for the command line and the wizard alike.

Light to import (the wizard's first frame imports `TargetOptions`): everything heavy is imported
inside functions. No click here: a refusal is a `TargetRefused` that cli.py turns into click's
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
    "provisional_target",
]


if TYPE_CHECKING:
    from ..target import Target


def provisional_target(options: TargetOptions, asker: Asker | None = None) -> Target:
    """The target as known before anything starts (its home, for the answers' defaults)."""
    asker = asker or Asker()
    if options.use_sandbox and options.org_url:
        raise TargetRefused("Choose one target: --org URL or --sandbox.")
    if not options.use_sandbox and not options.org_url and not options.org_later:
        raise TargetRefused(
            "Say where to work: --org https://dev.azure.com/NAME, or --sandbox "
            "for the offline sandbox."
        )
    if options.use_sandbox:
        from .sandbox_target import provisional_sandbox

        return provisional_sandbox(options)
    if options.fresh or options.faults or options.data:
        raise TargetRefused("--data, --fresh and --faults apply to --sandbox only.")
    from .service_target import provisional_service

    return provisional_service(options, asker)


@contextlib.contextmanager
def open_target(options: TargetOptions, asker: Asker | None = None) -> Iterator[Opened]:
    """Start the sandbox (when asked) and yield the Target the engine works on."""
    asker = asker or Asker()
    target = provisional_target(options, asker)
    if not target.sandbox:
        yield Opened(target)
        return
    from .sandbox_target import opened_sandbox

    with opened_sandbox(options, target, asker) as opened:
        yield opened

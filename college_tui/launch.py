"""The wizard's start: whether there is a terminal, opening the full-screen wizard, and the
opener it calls (in a worker thread) to open its target through `college_tui.opening`.

`college-tui` and `college-tui --sandbox` in a terminal come here straight from the entry point
(`college_tui/__main__.py`) without loading cli.py: importing click and building every command's
options was 50-80 ms of the half second to the first frame. cli.py starts the wizard through
`run_wizard` as well, so both ways open the same wizard. Neither click nor cli.py is imported here.
"""

from __future__ import annotations

import contextlib
import os
import sys

from .opening import PAT_ENV, TargetOptions


def interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def in_a_terminal() -> bool:
    """The full-screen wizard needs a keyboard and a screen."""
    return interactive() and sys.stdout is not None and sys.stdout.isatty()


def run_wizard(options: TargetOptions) -> int:
    """Open the full-screen wizard on `options` (checked already); its exit code."""
    import gc

    # No collections while Textual and the UI import: the first frame comes ~7 % sooner. The
    # app turns the collector back on at its first frame (ui/app.py on_ready).
    gc.disable()
    from .ui.app import CollegeApp

    start = "sandbox" if options.use_sandbox else ("org" if options.org_url else None)
    with contextlib.ExitStack() as stack:
        app = CollegeApp(opener=wizard_opener(options, stack), start=start, org_url=options.org_url)
        app.run()
    return app.return_code or 0


def wizard_opener(base: TargetOptions, stack: contextlib.ExitStack):
    """What the wizard calls (in a worker thread) to open its target; the stack closes it."""

    def open_(sandbox: bool, org_url: str | None = None):
        from dataclasses import replace

        from .opening import TargetRefused, open_target
        from .steps.base import StepError
        from .steps.session import OpenedTarget

        if sandbox:
            options = replace(base, use_sandbox=True, org_url=None)
        else:
            # No URL: "My Azure DevOps" from nothing (sign in first, pick the organisation after).
            options = replace(
                base,
                use_sandbox=False,
                org_url=org_url,
                data=None,
                fresh=False,
                faults=None,
                org_later=not org_url,
            )
        try:
            opened = stack.enter_context(open_target(options))
        except TargetRefused as exc:  # the wizard shows the sentence
            raise StepError(exc.message) from None
        pat = opened.sandbox_pat or (os.environ.get(PAT_ENV) or "").strip() or None
        return OpenedTarget(opened.target, pat)

    return open_

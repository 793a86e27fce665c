"""The `college-tui` command's entry point, and the wizard's start.

The two command lines an attendee types to open the wizard in a terminal, `college-tui` and
`college-tui --sandbox`, start it from here without loading cli.py: importing click and building
every command's options was 50-80 ms of the half second to the first frame. Every other command
line (options, subcommands, --help, no terminal) goes to cli.py, which starts the wizard through
`run_wizard` as well, so both ways open the same wizard.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

PAT_ENV = "AZURE_DEVOPS_PAT"

# The command lines opened here, and whether each uses the sandbox (without: the welcome asks).
WIZARD_COMMAND_LINES: dict[tuple[str, ...], bool] = {(): False, ("--sandbox",): True}


@dataclass
class TargetOptions:
    org_url: str | None
    use_sandbox: bool
    data: Path | None
    faults: str | None
    profile_url: str | None
    verbose: bool
    fresh: bool = False  # apply only: plan and check change nothing
    discard_local_work: bool = False  # apply --fresh --yes may delete unpushed work in clones


def interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def in_a_terminal() -> bool:
    """The full-screen wizard needs a keyboard and a screen."""
    return interactive() and sys.stdout is not None and sys.stdout.isatty()


def main() -> None:
    """`college-tui`: the wizard at once for its two plain command lines, else cli.py."""
    arguments = tuple(sys.argv[1:])
    if arguments in WIZARD_COMMAND_LINES and in_a_terminal():
        use_sandbox = WIZARD_COMMAND_LINES[arguments]
        options = TargetOptions(None, use_sandbox, None, None, None, verbose=False)
        raise SystemExit(run_wizard(options))
    from .cli import main as click_main

    click_main()


def no_screen_control() -> str | None:
    """The sentence for a terminal that cannot place the cursor (TERM=dumb, unknown or unset),
    where the full-screen wizard would draw a broken screen; None for any other terminal."""
    term = (os.environ.get("TERM") or "").strip().lower()
    if sys.platform == "win32" or term not in ("", "dumb", "unknown"):
        return None
    shown = f"TERM={term}" if term else "no TERM"
    return (
        f"This terminal ({shown}) cannot draw the full-screen wizard: run "
        "`college-tui apply --sandbox` (or `college-tui apply --org URL`), which does the same "
        "steps line by line, or open the wizard in a terminal such as xterm or Windows Terminal."
    )


def run_wizard(options: TargetOptions) -> int:
    """Open the full-screen wizard on `options` (checked already); its exit code."""
    import gc

    problem = no_screen_control()
    if problem:
        print(problem, file=sys.stderr)
        return 2

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

        import click

        from .cli import open_target
        from .steps.base import StepError
        from .steps.session import OpenedTarget

        if sandbox:
            options = replace(base, use_sandbox=True, org_url=None)
        else:
            options = replace(
                base, use_sandbox=False, org_url=org_url, data=None, fresh=False, faults=None
            )
        try:
            opened = stack.enter_context(open_target(options))
        except click.ClickException as exc:
            raise StepError(exc.format_message()) from None
        pat = opened.sandbox_pat or (os.environ.get(PAT_ENV) or "").strip() or None
        return OpenedTarget(opened.target, pat)

    return open_

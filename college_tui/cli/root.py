"""The `college-tui` command line: wizard (default), apply, plan, check, sandbox serve.

The entry point (`__main__.py`) opens the wizard itself for `college-tui` and
`college-tui --sandbox` in a terminal and hands every other command line to `main` here.
Nothing heavy is imported at module level: the first frame of the wizard must appear fast.
Every command that talks to a target takes the same options: `--org URL` for Azure DevOps, or
`--sandbox [--data DIR] [--fresh] [--faults SPEC]` for the embedded sandbox.
"""

from __future__ import annotations

from pathlib import Path

import click

from .. import __version__, launch
from ..opening import TargetOptions, resolved_target
from ..opening.engine import EXIT_NOT_DONE
from ..terminal_glyphs import plain_lines
from . import common
from .class_commands import class_group
from .common import (
    DATA_OPTION,
    FAULTS_OPTION,
    FRESH_OPTION,
    ORG_OPTION,
    PROFILE_URL_OPTION,
    SANDBOX_OPTION,
    refusals,
)
from .engine_commands import apply, check, doctor, plan, teardown
from .sandbox_commands import sandbox


@click.group(invoke_without_command=True)
@click.version_option(__version__, prog_name="college-tui")
@SANDBOX_OPTION
@DATA_OPTION
@FRESH_OPTION
@FAULTS_OPTION
@ORG_OPTION
@PROFILE_URL_OPTION
@click.pass_context
def main(
    ctx: click.Context,
    use_sandbox: bool,
    data: Path | None,
    fresh: bool,
    faults: str | None,
    org_url: str | None,
    profile_url: str | None,
) -> None:
    """Set up Azure DevOps for the AI Developer College, step by step.

    Without a command, opens the full-screen wizard: on a welcome that asks where to work, or
    straight on the steps with --sandbox or --org URL.
    """
    plain_lines()  # an ASCII terminal gets stand-ins, not UTF-8 bytes
    if ctx.invoked_subcommand is not None:
        return
    options = TargetOptions(org_url, use_sandbox, data, faults, profile_url, verbose=False)
    if fresh and not use_sandbox:
        raise click.UsageError("--fresh goes with --sandbox only.")
    with refusals():  # wrong combinations, a bad --faults: refused before the screen
        sandbox_plan = None
        if use_sandbox or org_url:
            _target, sandbox_plan = resolved_target(options, common.asker(), clocks=False)
        elif faults:  # for the sandbox the welcome may open
            from ..opening.sandbox_plan import resolve_sandbox

            resolve_sandbox(options, clocks=False)
    if not launch.in_a_terminal():
        click.echo(launch.no_terminal(), err=bool(fresh))
        if fresh:  # --fresh asks before it deletes: without a terminal nothing was done
            click.echo(
                "--fresh was not done (it asks first): run `college-tui apply --sandbox "
                "--fresh` in a terminal, or add --yes there.",
                err=True,
            )
            raise SystemExit(EXIT_NOT_DONE)
        if use_sandbox:
            click.echo("Here is what it would do on the sandbox:")
            ctx.invoke(plan, answers_file=None)
        return
    if fresh and sandbox_plan is not None:  # asked here, before the screen opens (lists, asks)
        from ..opening.fresh import fresh_first

        with refusals():
            fresh_first(sandbox_plan, common.asker())
    raise SystemExit(launch.run_wizard(options))


for _command in (apply, plan, check, doctor, teardown, class_group, sandbox):
    main.add_command(_command)


if __name__ == "__main__":
    main()

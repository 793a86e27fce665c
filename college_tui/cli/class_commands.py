"""The instructor's day (#29): the class screen, its pre-flight and its status."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .. import launch
from ..opening import TargetOptions
from . import common
from .common import ANSWERS_OPTION, refusals, target_options


@click.group("class", invoke_without_command=True)
@target_options
@ANSWERS_OPTION
@click.option("--every", type=click.IntRange(5, 3600), default=30, show_default=True)
def class_group(options: TargetOptions, answers_file: Path | None, every: int) -> None:
    """The instructor's view of a class. Without a command: the live screen of every attendee's
    organisation, read again every 30 s (--answers: the answers file handed out)."""
    if click.get_current_context().invoked_subcommand is not None:
        return
    if not launch.in_a_terminal():
        raise click.UsageError("The class screen needs a terminal: `class status` prints it.")
    from ..opening.class_view import run_class_screen

    with refusals():
        raise SystemExit(run_class_screen(options, answers_file, common.asker(), every))


@class_group.command("preflight")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json_", is_flag=True, help="Print the result as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print one CSV row per attendee.")
def class_preflight(files: tuple[Path, ...], as_json_: bool, as_csv: bool) -> None:
    """Read the attendees' `doctor --json` reports (files, or folders of them): who is ready,
    who is blocked by what, grouped by problem with the fix to send."""
    from ..steps.classview.preflight import preflight_command

    if as_json_ and as_csv:
        raise click.UsageError("--json and --csv: choose one.")
    text, code = preflight_command(list(files), "json" if as_json_ else "csv" if as_csv else "")
    click.echo(text)
    raise SystemExit(code)


@class_group.command("status")
@target_options
@ANSWERS_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@click.option("--roster", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="CSV of the attendees expected (email,name): the others are 'not started'.")  # fmt: skip
@click.option("--concurrency", type=click.IntRange(1, 64), default=32, show_default=True)
def class_status(options: TargetOptions, answers_file: Path | None, **how: Any) -> None:
    """Every attendee's organisation the instructor belongs to, one row each: what is done,
    the first step not done and since when. --answers: the answers file handed out."""
    from ..opening.class_view import status_command

    with refusals():
        click.echo(status_command(options, answers_file, common.asker(), **how))

"""What the commands share: the person at this terminal (an `Asker` of click's prompts), the
opening's refusals as click's errors, and the options every command that talks to a target takes
(`--org URL`, or `--sandbox [--data DIR] [--faults SPEC]`)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .. import launch
from ..opening import Asker, TargetOptions, TargetRefused
from ..opening.engine import engine
from ..sandbox.faults import KINDS as FAULT_KINDS  # every fault sandbox/faults.py accepts

if TYPE_CHECKING:
    from ..steps.base import Context, Step
    from ..steps.printer import Printer

F = TypeVar("F", bound=Callable[..., Any])


def interactive() -> bool:
    """A person at a keyboard (tests replace this one name: `common.interactive`)."""
    return launch.interactive()


def asker() -> Asker:
    """The opening's questions and lines, at this terminal (`interactive` read at each use)."""
    return Asker(
        interactive=lambda: interactive(),
        say=lambda text, err=False: click.echo(text, err=err),
        ask_text=lambda question: click.prompt(question),
        ask_secret=lambda question: click.prompt(
            question, hide_input=True, default="", show_default=False
        ),
        confirm=lambda question, default: click.confirm(question, default=default),
    )


@contextlib.contextmanager
def refusals() -> Iterator[None]:
    """The opening's refusals as click's errors: the same sentences and exit codes (2, or 1)."""
    try:
        yield
    except TargetRefused as exc:
        if exc.option:
            raise click.BadParameter(exc.message, param_hint=exc.option) from None
        if exc.usage:
            raise click.UsageError(exc.message) from None
        raise click.ClickException(exc.message) from None


@contextlib.contextmanager
def opened_engine(
    options: TargetOptions, answers_file: Path | None, **kwargs: Any
) -> Iterator[tuple[Context, Printer]]:
    """opening.engine's (Context, printer), its refusals as click's errors."""
    with refusals(), engine(options, answers_file, asker(), **kwargs) as opened:
        yield opened


def steps(until: str | None) -> list[type[Step]]:
    """The steps up to `--until` (all without it); an unknown step is a bad --until."""
    from ..steps.plan import steps_until

    try:
        return steps_until(until)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--until") from None


def data_path(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Path | None:
    # click's Path turns '' into '.', the current folder: an empty --data is refused instead.
    if value is not None and not value.strip():
        raise click.BadParameter("the folder name is empty: name a folder, or leave it out.")
    return None if value is None else Path(value)


ORG_OPTION = click.option(
    "--org",
    "org_url",
    metavar="URL",
    default=None,
    help="Your Azure DevOps organisation, e.g. https://dev.azure.com/NAME.",
)
SANDBOX_OPTION = click.option(
    "--sandbox",
    "use_sandbox",
    is_flag=True,
    help="Use the embedded sandbox (no account; it listens on 127.0.0.1 "
    "only, nothing goes to the internet).",
)
DATA_OPTION = click.option(
    "--data",
    type=click.Path(file_okay=False),
    callback=data_path,
    default=None,
    help="Sandbox data folder (default: the persistent sandbox home).",
)
FAULT_EXAMPLE = "latency=0.05,5xx=0.1,429=0.05,drop=0.02,seed=7"
FAULTS_OPTION = click.option(
    "--faults",
    default=None,
    metavar="SPEC",
    help=f"Sandbox fault injection, comma-separated {FAULT_KINDS}; e.g. {FAULT_EXAMPLE}",
)
PROFILE_URL_OPTION = click.option(
    "--profile-url",
    default=None,
    hidden=True,
    help="Profile/accounts host (default https://app.vssps.visualstudio.com).",
)
FRESH_OPTION = click.option(
    "--fresh",
    is_flag=True,
    help="Sandbox only: delete the sandbox data folder first (lists it and asks).",
)
ANSWERS_OPTION = click.option(
    "--answers",
    "answers_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="TOML file with every input the wizard asks for (defaults: the course's).",
)


def _named_as(command: Callable[..., Any]) -> Callable[[F], F]:
    """functools.wraps, keeping the wrapper's type (click reads the name and the help from it)."""

    def named(function: F) -> F:
        functools.update_wrapper(function, command)
        return function

    return named


def target_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options every command that talks to a target takes, handed over as TargetOptions."""

    @ORG_OPTION
    @SANDBOX_OPTION
    @DATA_OPTION
    @FAULTS_OPTION
    @PROFILE_URL_OPTION
    @click.option("--verbose", "-v", is_flag=True, help="Also print every HTTP call.")
    @click.pass_context
    @_named_as(command)
    def wrapper(
        ctx: click.Context,
        /,
        org_url: str | None,
        use_sandbox: bool,
        data: Path | None,
        faults: str | None,
        profile_url: str | None,
        verbose: bool,
        **kwargs: Any,
    ) -> None:
        parent = ctx.find_root().params if ctx.parent else {}
        options = TargetOptions(
            org_url,
            use_sandbox or bool(parent.get("use_sandbox")),
            data or parent.get("data"),
            faults,
            profile_url,
            verbose,
        )
        ctx.invoke(command, options, **kwargs)

    return wrapper

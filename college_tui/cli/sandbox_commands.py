"""The sandbox on its own: `college-tui sandbox serve`."""

from __future__ import annotations

from pathlib import Path

import click

from ..opening import TargetOptions
from ..sandbox.faults import KINDS as FAULT_KINDS
from . import common
from .common import FAULT_EXAMPLE, data_path, refusals


@click.group()
def sandbox() -> None:
    """The offline Azure DevOps emulator."""


@sandbox.command("serve")
@click.option(
    "--port",
    type=int,
    default=None,
    show_default="the last start's, else a free one",
    help="Web and REST port.",
)
@click.option(
    "--ssh-port",
    type=int,
    default=None,
    show_default="the last start's, else a free one",
    help="SSH git port.",
)
@click.option(
    "--data",
    type=click.Path(file_okay=False),
    callback=data_path,
    default=None,
    help="Data directory (default: the persistent sandbox home).",
)
@click.option(
    "--faults",
    default=None,
    metavar="SPEC",
    help=f"Inject faults, comma-separated {FAULT_KINDS}; e.g. {FAULT_EXAMPLE} (docs/sandbox.md)",
)
@click.option("--print-json", is_flag=True, help="Print one JSON line when ready (for scripts).")
@click.option(
    "--class",
    "class_size",
    type=click.IntRange(0, 999),
    default=0,
    metavar="N",
    help="Host a class: N attendee accounts and one instructor (docs/instructor.md).",
)
def sandbox_serve(
    port: int | None,
    ssh_port: int | None,
    data: Path | None,
    faults: str | None,
    print_json: bool,
    class_size: int,
) -> None:
    """Run the sandbox until Ctrl+C, on the same ports as last time when they are free.

    --faults rehearses what goes wrong: slow or failing requests (latency, 5xx, 429, drop), a
    closed SSH port (ssh=closed), an identity provider that demands multi-factor
    authentication (mfa=required, AADSTS50076) and a tenant that restricts who may create
    organisations (orgs=restricted); and today's rules: device code blocked by Conditional
    Access (devicecode=blocked), no new PATs (pats=restricted), the SSH policy off
    (sshpolicy=off), no guests (guests=off), five free Basic seats (licences=counted).
    """
    from ..opening.sandbox_plan import checked_sandbox
    from ..opening.sandbox_target import follow_moved_ports, refuse_second_serve, sandbox_config
    from ..sandbox.ports import PortProblem, start_announced
    from ..sandbox.server import serve

    options = TargetOptions(None, True, data, faults, None, verbose=False)
    with refusals():
        # --faults, the data folder, the environment's settings: checked before starting
        plan = checked_sandbox(options)
        try:  # one sandbox per data folder, whoever starts it
            kept, release = start_announced(
                plan.data,
                lambda: refuse_second_serve(plan.data),
                port,
                ssh_port,
                faults,
                sandbox_config(plan),
            )
        except PortProblem as exc:
            click.echo(str(exc), err=True)
            raise SystemExit(2) from None
    follow_moved_ports(plan.home, kept, common.asker())
    started = kept.server.sandbox  # None only once stopped
    if class_size and started is not None:
        from ..sandbox.identity.classroom import add_class, class_lines

        add_class(started, class_size)
        for line in [] if print_json else class_lines(started):
            click.echo(line)
    serve(kept, print_json, lambda line: click.echo(line, nl=True), release)

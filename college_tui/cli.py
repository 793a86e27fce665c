"""The `college-tui` command line: wizard (default), apply, plan, check, sandbox serve.

Nothing heavy is imported at module level: the first frame of the wizard must appear fast.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.group(invoke_without_command=True)
@click.option("--sandbox", "use_sandbox", is_flag=True,
              help="Run against the embedded offline sandbox (no account, no network).")
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Sandbox data directory (default: the persistent sandbox home).")
@click.pass_context
def main(ctx: click.Context, use_sandbox: bool, data: Path | None) -> None:
    """Set up Azure DevOps for the AI Developer College, step by step."""
    if ctx.invoked_subcommand is not None:
        return
    if use_sandbox:
        from .sandbox.server import SandboxServer

        with SandboxServer(data) as info:
            click.echo(f"Sandbox running: {info.org_url}")
            click.echo("The wizard arrives in a later issue; the sandbox stops now.")
        return
    click.echo("The wizard arrives in a later issue. Try `college-tui --sandbox` or "
               "`college-tui sandbox serve`.")


@main.group()
def sandbox() -> None:
    """The offline Azure DevOps emulator."""


@sandbox.command("serve")
@click.option("--port", type=int, default=0, show_default="a free port", help="REST port.")
@click.option("--ssh-port", type=int, default=0, show_default="a free port", help="SSH git port.")
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Data directory (default: the persistent sandbox home).")
@click.option("--faults", default=None, metavar="SPEC",
              help="Inject faults, e.g. latency=0.05,5xx=0.1,429=0.05,retry_after=1,drop=0.02,seed=7")
@click.option("--print-json", is_flag=True, help="Print one JSON line when ready (for scripts).")
def sandbox_serve(port: int, ssh_port: int, data: Path | None, faults: str | None,
                  print_json: bool) -> None:
    """Run the sandbox until Ctrl+C."""
    from .sandbox.faults import Faults
    from .sandbox.server import serve

    try:
        Faults.parse(faults)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--faults") from None
    serve(data, port, ssh_port, faults, print_json, lambda line: click.echo(line, nl=True))


if __name__ == "__main__":
    main()

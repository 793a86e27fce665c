"""`college-tui` and `python -m college_tui`: the entry point.

The two command lines an attendee types to open the wizard in a terminal, `college-tui` and
`college-tui --sandbox`, open it at once (launch.py) without loading click and cli/; every other
command line (options, subcommands, --help, no terminal) goes to cli/ (the click commands).
"""

from __future__ import annotations

import gc
import sys

from college_tui import launch
from college_tui.opening import TargetOptions

# The command lines opened here, and whether each uses the sandbox (without: the welcome asks).
WIZARD_COMMAND_LINES: dict[tuple[str, ...], bool] = {(): False, ("--sandbox",): True}


def main() -> None:
    """`college-tui`: the wizard at once for its two plain command lines, else cli/."""
    arguments = tuple(sys.argv[1:])
    if arguments in WIZARD_COMMAND_LINES and launch.in_a_terminal():
        use_sandbox = WIZARD_COMMAND_LINES[arguments]
        options = TargetOptions(None, use_sandbox, None, None, None, verbose=False)
        raise SystemExit(launch.run_wizard(options))
    from college_tui.cli import main as click_main

    try:
        click_main(prog_name="college-tui")
    finally:
        # Leaving: the collector's last full pass would walk every object the run made (the SDK,
        # the engine: 0.2-0.7 s of `apply`'s wall time on a busy machine) only to free memory
        # the process is about to give back anyway.
        gc.freeze()


if __name__ == "__main__":
    main()

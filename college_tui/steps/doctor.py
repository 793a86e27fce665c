"""`college-tui doctor`: is this machine ready for the training day? One row per check.

Each check ends **ok**, **warning** (the wizard still works, maybe another way) or **problem**
(something will stop the wizard), with what was found and one sentence on what to do.
`quick_checks` needs no network (the wizard's welcome runs it); `run_doctor` adds the network
checks of steps/doctor_network.py. Nothing here changes the machine. The checks live in
doctor_local.py and doctor_network.py, the `Check` model and the output in doctor_check.py.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

# The output functions are imported from here by the command line and the welcome screen.
from .doctor_check import (  # noqa: F401
    OK,
    PROBLEM,
    WARNING,
    Check,
    safely,
    verdict,
)
from .doctor_check import (
    as_json as as_json,
)
from .doctor_check import (
    doctor_lines as doctor_lines,
)
from .doctor_check import (
    exit_code as exit_code,
)
from .doctor_check import (
    welcome_lines as welcome_lines,
)
from .doctor_local import (
    check_colours,
    check_existing_key,
    check_git,
    check_keyring,
    check_python,
    check_ssh_agent,
    check_ssh_client,
    check_ssh_config,
    check_terminal_size,
)

if TYPE_CHECKING:
    from ..target import Target


def quick_checks(home: Path | None = None, terminal: tuple[int, int] | None = None) -> list[Check]:
    """The local checks (no network): what the wizard's welcome shows before it starts.

    `terminal`: (columns, lines) when the caller knows them (the wizard owns the screen)."""
    home = Path.home() if home is None else Path(home)
    checks: list[Callable[[], Check]] = [
        check_python,
        check_git,
        check_ssh_client,
        check_ssh_agent,
        check_keyring,
        functools.partial(check_terminal_size, terminal),
        check_colours,
        functools.partial(check_ssh_config, home),
        functools.partial(check_existing_key, home),
    ]
    return [safely(check) for check in checks]


def run_doctor(
    target: Target | None, pat: str | None, *, home: Path | None = None, timeout: float = 5
) -> list[Check]:
    """Every check: the local ones, then the network ones against `target` (None: dev.azure.com).

    `pat`, when given, is checked for the scopes the wizard needs with read-only calls.
    """
    from .doctor_network import network_checks

    home = home if home is not None else (target.home if target is not None else None)
    return quick_checks(home) + network_checks(target, pat, timeout=timeout)

"""Environment settings (`COLLEGE_TUI_*`): the one reader. Each is read when it is used (never at
import: a bad value must not break every command that merely imports a module), checked, and
named in its error, so `COLLEGE_TUI_SANDBOX_TOKEN_SECONDS=abc` is a sentence, not a traceback.
"""

from __future__ import annotations

import math
import os
from typing import TypedDict

SANDBOX_FAST = "COLLEGE_TUI_SANDBOX_FAST"
SANDBOX_PROJECT_SECONDS = "COLLEGE_TUI_SANDBOX_PROJECT_SECONDS"
SANDBOX_IMPORT_SECONDS = "COLLEGE_TUI_SANDBOX_IMPORT_SECONDS"
SANDBOX_TOKEN_SECONDS = "COLLEGE_TUI_SANDBOX_TOKEN_SECONDS"

DAY = 86400


class SettingProblem(ValueError):
    """An environment setting with a value college-tui cannot use: the sentence names it."""

    def __init__(self, name: str, value: str, rule: str) -> None:
        self.name = name
        shown = value if len(value) <= 40 else value[:40] + "..."
        self.message = (
            f"The environment setting {name}={shown!r} is not {rule}. Set it to {rule}, or "
            f"remove it (unset {name}); nothing was changed."
        )
        super().__init__(self.message)


def text(name: str) -> str | None:
    """The setting's text, stripped; None when unset or empty."""
    value = (os.environ.get(name) or "").strip()
    return value or None


def flag(name: str) -> bool:
    """A switch: set to anything but empty, 0, no, false or off."""
    return (text(name) or "0").lower() not in ("0", "no", "false", "off")


def seconds(name: str, default: float, *, whole: bool = False, most: float = DAY) -> float:
    """A number of seconds from 0 to `most` (a whole number when `whole`); `default` when unset."""
    raw = text(name)
    if raw is None:
        return default
    kind = "a whole number of seconds" if whole else "a number of seconds"
    rule = f"{kind} from 0 to {most:g}"
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        raise SettingProblem(name, raw, rule) from None
    if not math.isfinite(value) or not 0 <= value <= most:
        raise SettingProblem(name, raw, rule)
    return value


def token_seconds() -> int:
    """The lifetime of the sandbox's Entra tokens (Microsoft: one hour)."""
    return int(seconds(SANDBOX_TOKEN_SECONDS, 3600, whole=True))


class SandboxClocks(TypedDict, total=False):
    """The SandboxConfig fields `sandbox_clocks` sets."""

    project_create_seconds: float
    import_seconds: float
    token_seconds: int


def sandbox_clocks() -> SandboxClocks:
    """The sandbox's clocks the environment shortens (tests, rehearsals): SandboxConfig fields."""
    values: SandboxClocks = {}
    if flag(SANDBOX_FAST):
        values.update({"project_create_seconds": 0.5, "import_seconds": 0.3})
    if text(SANDBOX_PROJECT_SECONDS) is not None:
        values["project_create_seconds"] = seconds(SANDBOX_PROJECT_SECONDS, 0, most=DAY)
    if text(SANDBOX_IMPORT_SECONDS) is not None:
        values["import_seconds"] = seconds(SANDBOX_IMPORT_SECONDS, 0, most=DAY)
    values["token_seconds"] = token_seconds()
    return values

"""The doctor's model: a `Check` row (ok, warning or problem), and how a list of them reads.

Shared by the local checks (doctor_local.py), the network checks (doctor_network.py) and the
command that runs them (doctor.py), so none of those imports another for the model.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Callable
from dataclasses import asdict, dataclass

from ..visible import visible, visible_fields

OK, WARNING, PROBLEM = "ok", "warning", "problem"
# What `doctor --json` says it is; `class preflight` reads this kind and version only.
REPORT_KIND, REPORT_VERSION = "college-tui doctor", 1
HTTPS_FALLBACK = (
    'set clone_protocol = "https" in your answers file to clone and push over HTTPS instead'
)


@dataclass(frozen=True)
class Check:
    """One doctor row: what was checked, what was found, and what to do about it."""

    key: str  # stable id for --json ("python", "ssh-client", "scope:vso.code_manage", ...)
    title: str
    status: str  # OK, WARNING or PROBLEM
    found: str  # what the check saw, e.g. "OpenSSH_9.2p1"
    advice: str  # one sentence on what to do ("Nothing to do." when ok)

    def __post_init__(self) -> None:
        visible_fields(self)  # what was found may be the service's or a file's text

    @property
    def ok(self) -> bool:
        return self.status != PROBLEM


def ok(key: str, title: str, found: str, advice: str = "Nothing to do.") -> Check:
    """A passed check."""
    return Check(key, title, OK, found, advice)


def warning(key: str, title: str, found: str, advice: str) -> Check:
    """The wizard still works (perhaps another way); `advice` says what to read or do."""
    return Check(key, title, WARNING, found, advice)


def problem(key: str, title: str, found: str, advice: str) -> Check:
    """Something that will stop the wizard; `advice` says how to fix it before the day."""
    return Check(key, title, PROBLEM, found, advice)


def safely(check: Callable[[], Check]) -> Check:
    """A check that crashes is reported as a warning, never as a traceback."""
    try:
        return check()
    except Exception as exc:
        name = (
            getattr(getattr(check, "func", check), "__name__", "check")
            .removeprefix("check_")
            .replace("_", "-")
        )
        return warning(
            name,
            name,
            f"the check itself failed ({type(exc).__name__})",
            "Run college-tui doctor again; if this stays, report it.",
        )


# -- output -------------------------------------------------------------------------------------


def exit_code(checks: list[Check]) -> int:
    """0 when nothing is a problem (warnings allowed), 1 otherwise."""
    return 0 if all(check.ok for check in checks) else 1


def as_json(checks: list[Check]) -> str:
    """The results for instructors who collect them: one JSON object."""
    from .. import __version__

    counts = {status: sum(c.status == status for c in checks) for status in (OK, WARNING, PROBLEM)}
    return json.dumps(
        {
            "report": REPORT_KIND,
            "version": REPORT_VERSION,
            "made_by": f"college-tui {__version__}",
            "system": f"{platform.system()} {platform.release()}".strip(),
            "ok": exit_code(checks) == 0,
            "counts": counts,
            "checks": [asdict(c) for c in checks],
        },
        indent=2,
        ensure_ascii=False,
    )


_MARKS = {
    True: {OK: "✓", WARNING: "!", PROBLEM: "✗"},
    False: {OK: "ok", WARNING: "!!", PROBLEM: "XX"},
}


def doctor_lines(checks: list[Check], unicode: bool = True) -> list[str]:
    """The table `college-tui doctor` prints: status, check, what was found; advice below."""
    width = max((len(c.title) for c in checks), default=0)
    lines = []
    for check in checks:
        mark = _MARKS[unicode][check.status]
        lines.append(f"{mark:<2} {check.status:<8} {check.title:<{width}}  {check.found}")
        if check.status != OK or check.advice != "Nothing to do.":
            lines.append(
                f"{'':<{12 + width}}→ {check.advice}"
                if unicode
                else f"{'':<{12 + width}}-> {check.advice}"
            )
    lines.append(verdict(checks))
    return [visible(line) for line in lines]  # what the checks found came from the service


def counted(number: int, noun: str) -> str:
    """`1 warning`, `2 warnings`, `no warnings`."""
    if number == 0:
        return f"no {noun}s"
    return f"{number} {noun}" + ("" if number == 1 else "s")


def verdict(checks: list[Check]) -> str:
    """One sentence on all the checks: ready, ready with warnings, or problems to fix."""
    problems = sum(c.status == PROBLEM for c in checks)
    warnings = sum(c.status == WARNING for c in checks)
    if problems:
        return (
            f"{counted(problems, 'problem')} to fix before the day, {counted(warnings, 'warning')}."
        )
    if warnings:
        return f"Ready, with {counted(warnings, 'warning')} to read."
    return "Ready: every check passed."


def welcome_lines(checks: list[Check]) -> list[str]:
    """The wizard welcome's short form: the verdict, then each check that is not ok, with
    what was found and what to do (the full table is `college-tui doctor`)."""
    lines = [f"This machine: {verdict(checks)}"]
    for check in checks:
        if check.status != OK:
            mark = _MARKS[True][check.status]
            lines.append(f"  {mark} {check.title}: {check.found}")
            lines.append(f"    → {check.advice}")
    if len(lines) > 1:
        lines.append("  college-tui doctor checks the network too.")
    return lines

"""Colleagues to invite: `Member`, the access levels, and the CSV roster (`members_csv`).

The CSV is read through `steps/textfiles.py` (regular files only, checked from `stat` before
anything opens them, a size limit, UTF-8 or a sentence): `read_members_csv` is the one reader
both `apply --answers` and the wizard's CSV field (`steps/session.field_problem`) go through.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..naming import check_email
from .textfiles import TextFileError, read_text_file

ACCESS_LEVELS = ("stakeholder", "basic")
CSV_WHAT = "the CSV roster"


@dataclass(frozen=True)
class Member:
    """A colleague to invite and add to the team."""

    email: str
    access_level: str = "stakeholder"  # "stakeholder" (free) | "basic" (a paid licence)

    @property
    def license(self) -> str:
        """The service's accountLicenseType: Basic is called "express" on the wire."""
        return "express" if self.access_level == "basic" else "stakeholder"


def read_members_csv(path: Path) -> tuple[list[Member], list[str]]:
    """Members from a CSV of `email,access_level` rows (header optional, level optional)."""
    try:
        text = read_text_file(path, CSV_WHAT)
    except TextFileError as exc:
        return [], [_field(str(exc))]
    members: list[Member] = []
    problems: list[str] = []
    for number, row in enumerate(csv.reader(text.splitlines()), 1):
        cells = [cell.strip() for cell in row]
        if not cells or not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and cells[0].lower() in ("email", "e-mail", "mail"):
            continue  # header
        email = cells[0]
        level = (cells[1] if len(cells) > 1 and cells[1] else "stakeholder").lower()
        level = "basic" if level == "express" else level
        where = f"members_csv line {number}"
        problem = check_email(email)
        if problem:
            problems.append(f"{where}: {problem}")
            continue
        if level not in ACCESS_LEVELS:
            problems.append(
                f"{where}: access level {cells[1]!r} is unknown: use stakeholder or basic."
            )
            continue
        members.append(Member(email, level))
    return members, problems


def _field(sentence: str) -> str:
    return f"members_csv: {sentence[0].lower()}{sentence[1:]}"

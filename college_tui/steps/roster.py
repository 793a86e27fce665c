"""Colleagues to invite: `Member`, the access levels, and the CSV roster (`members_csv`).

The CSV is read through `steps/textfiles.py` (regular files only, checked from `stat` before
anything opens them, a size limit, UTF-8 or a sentence): `read_members_csv` is the one reader
both `apply --answers` and the wizard's CSV field (`steps/session.field_problem`) go through.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from pathlib import Path

from ..naming import check_email
from .textfiles import TextFileError, read_text_file

ACCESS_LEVELS = ("stakeholder", "basic")
AUTO = ""  # no access level given: Basic while the organisation has free seats, then Stakeholder
FREE_BASIC_SEATS = 5  # an organisation's first five Basic users cost nothing (owner included)
CSV_WHAT = "the CSV roster"


@dataclass(frozen=True)
class Member:
    """A colleague to invite and add to the team."""

    email: str
    # "stakeholder" (free, no Azure Repos) | "basic" | AUTO (Basic while free seats remain)
    access_level: str = AUTO

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
        level = (cells[1] if len(cells) > 1 and cells[1] else AUTO).lower()
        level = "basic" if level == "express" else level
        where = f"members_csv line {number}"
        problem = check_email(email)
        if problem:
            problems.append(f"{where}: {problem}")
            continue
        if level not in (*ACCESS_LEVELS, AUTO):
            problems.append(
                f"{where}: access level {cells[1]!r} is unknown: use stakeholder or basic."
            )
            continue
        members.append(Member(email, level))
    return members, problems


def with_free_seats(members: list[Member], free: int) -> list[Member]:
    """Members without an access level get Basic while `free` Basic seats remain (those listed
    as basic take theirs first), Stakeholder after; a level given in the answers or CSV wins."""
    free -= sum(1 for m in members if m.access_level == "basic")
    out = []
    for member in members:
        if member.access_level == AUTO:
            level = "basic" if free > 0 else "stakeholder"
            free -= level == "basic"
            member = replace(member, access_level=level)
        out.append(member)
    return out


def invite_refusal(said: str | None) -> str:
    """Azure DevOps' refusal of one invitation as a sentence naming the setting an organisation
    owner can change (the service's words kept after it); the others are invited all the same."""
    said = (said or "").strip()
    lowered = said.lower()
    if "5102" in said or "outside your directory" in lowered:
        why = (
            "the organisation does not allow guests from outside its directory. An organisation "
            "owner can turn on Organization settings → Policies → External guest access (the "
            "directory's guest invite settings must allow it too)"
        )
    elif "verified domain" in lowered:
        why = (
            "the address is in a domain of the organisation's own directory, so it can't be "
            "invited as a guest: the person needs an account in that directory (ask its "
            "administrator), then invite that account"
        )
    elif "53003" in said or "conditional access" in lowered:
        why = (
            "a Conditional Access policy of the organisation's directory blocks this person. "
            "A directory administrator can exclude them (or guests) from the policy in the "
            "Microsoft Entra admin center → Conditional Access"
        )
    elif "free basic" in lowered:
        why = (
            "the organisation's five free Basic seats are taken. Invite them as stakeholder (no "
            "Azure Repos) or an organisation owner sets up billing (Organization settings → "
            "Billing)"
        )
    else:
        return said or "Azure DevOps refused the invitation."
    return f"Azure DevOps refused the invitation: {why}. (It said: {said})"


def _field(sentence: str) -> str:
    return f"members_csv: {sentence[0].lower()}{sentence[1:]}"

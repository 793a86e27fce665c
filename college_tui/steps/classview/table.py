"""The class view's outputs: the roster it is compared with, the table, and the JSON."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

from ..textfiles import TextFileError, read_text_file
from .status import DONE, NOT_STARTED, ClassRow, ClassState

ROSTER_WHAT = "the class roster"


class RosterError(Exception):
    """The roster cannot be read: one sentence naming the file and what to do."""


def read_roster(path: Path) -> list[tuple[str, str]]:
    """(e-mail, name) rows of a CSV roster: `email[,name]`, a header row allowed."""
    from ...naming import check_email

    try:
        text = read_text_file(path, ROSTER_WHAT)
    except TextFileError as exc:
        raise RosterError(str(exc)) from None
    rows: list[tuple[str, str]] = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), 1):
        cells = [c.strip() for c in row]
        if not cells or not cells[0] or cells[0].startswith("#"):
            continue
        if number == 1 and "@" not in cells[0]:
            continue  # a header
        if check_email(cells[0]):
            raise RosterError(
                f"Line {number} of {ROSTER_WHAT} {path}: {cells[0]!r} is not an e-mail address. "
                "Write one attendee per line: email,name."
            )
        rows.append((cells[0], cells[1] if len(cells) > 1 else ""))
    return rows


def ago(since: float, now: float) -> str:
    """`3 min`, `2 h 5 min`, `just now`."""
    minutes = int(max(0.0, now - since) // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


def cells(row: ClassRow, now: float, unicode: bool = True, short: bool = False) -> list[str]:
    """A row's cells, in the order of HEADERS (`short`: the attendee's name before the @ and
    a mark for the branch, for a screen; the details show the rest)."""
    yes, no = ("✓", "·") if unicode else ("yes", "-")
    at = row.first_not_done
    who = row.attendee.split("@")[0] if short and row.attendee else row.attendee
    if at == NOT_STARTED:
        return [who, "—" if unicode else "-", "", "", "", "", "", "", NOT_STARTED, ""]
    pr = f"!{row.pr_id} {row.review}" if row.pr_id else no
    branch = (yes if short else row.branch) if row.branch else no
    return [
        who or "?",
        row.organization,
        yes if row.project else no,
        yes if row.default_team else no,
        yes if row.colleagues_ok else no,
        yes if row.repository else no,
        branch,
        pr,
        "problem" if row.problem else ("all done" if at == DONE else at),
        ago(row.since, now),
    ]


HEADERS = [
    "attendee",
    "organisation",
    "project",
    "team",
    "colleagues",
    "repo",
    "branch",
    "pull request",
    "first not done",
    "since",
]


def status_lines(state: ClassState, unicode: bool = True) -> list[str]:
    """The table `class status` prints, then the pull request links and what went wrong."""
    rows = [cells(r, state.read_at, unicode) for r in state.rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(HEADERS)]
    line = "  ".join
    out = [line(h.ljust(w) for h, w in zip(HEADERS, widths, strict=True)).rstrip()]
    out += [line(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    counts = summary(state)
    out += ["", counts]
    links = [r for r in state.rows if r.pr_url]
    if links:
        out += ["", "Pull requests:"] + [f"  {r.attendee}: {r.pr_url}" for r in links]
    stuck = [r for r in state.rows if r.problem]
    if stuck:
        out += ["", "Could not be read:"] + [f"  {r.organization}: {r.problem}" for r in stuck]
    return out


def summary(state: ClassState) -> str:
    """`30 attendees: 4 done, 24 working, 2 not started (read in 1.2 s at 10:42 UTC).`"""
    done = sum(r.first_not_done == DONE for r in state.rows)
    waiting = sum(r.first_not_done == NOT_STARTED for r in state.rows)
    working = len(state.rows) - done - waiting
    at = time.strftime("%H:%M UTC", time.gmtime(state.read_at))
    return (
        f"{len(state.rows)} attendees: {done} done, {working} working, {waiting} not started "
        f"(read in {state.seconds:.1f} s at {at})."
    )


def status_json(state: ClassState) -> str:
    return json.dumps(
        {
            "instructor": state.instructor,
            "read_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(state.read_at)),
            "seconds": round(state.seconds, 3),
            "attendees": [r.as_dict() for r in state.rows],
        },
        indent=2,
        ensure_ascii=False,
    )

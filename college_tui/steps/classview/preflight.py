"""`college-tui class preflight`: the attendees' `doctor --json` reports in one table.

Each attendee sends the report of the laptop they will bring (`college-tui doctor --json >
NAME.json`); the instructor reads them all at once: who is ready, and who is blocked by what,
grouped by problem with the fix to send. A file that is not a doctor report, or one of another
report version, is named with what is wrong and what to ask for; it never stops the others.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..doctor_check import OK, PROBLEM, REPORT_KIND, REPORT_VERSION, WARNING
from ..textfiles import TextFileError, read_text_file

ASK_AGAIN = "ask for a new one: college-tui doctor --json > NAME.json"
_STATUSES = (OK, WARNING, PROBLEM)


@dataclass(frozen=True)
class Attendee:
    """One attendee's report: who (the file's name), their machine, and each check."""

    name: str
    file: str
    system: str
    checks: list[dict[str, str]]

    def of(self, status: str) -> list[dict[str, str]]:
        return [c for c in self.checks if c["status"] == status]

    @property
    def ready(self) -> bool:
        return not self.of(PROBLEM)


@dataclass(frozen=True)
class Unread:
    """A file that could not be read as a doctor report, and why (one sentence)."""

    file: str
    reason: str


@dataclass
class Group:
    """Everyone with the same check at the same status, and the fix to send them."""

    key: str
    title: str
    status: str
    fix: str
    found: list[str] = field(default_factory=list)
    attendees: list[str] = field(default_factory=list)


@dataclass
class Preflight:
    attendees: list[Attendee]
    unread: list[Unread]
    groups: list[Group]

    @property
    def ready(self) -> list[Attendee]:
        return [a for a in self.attendees if a.ready]

    @property
    def blocked(self) -> list[Attendee]:
        return [a for a in self.attendees if not a.ready]

    @property
    def all_ready(self) -> bool:
        return not self.unread and not self.blocked


def report_files(paths: list[Path]) -> list[Path]:
    """The files named, a folder standing for the `.json` files in it (sorted by name)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() == ".json"))
        else:
            files.append(path)
    return files


def attendee_name(path: Path) -> str:
    """`doctor-alice.json` and `alice.json` both stand for alice."""
    stem = path.stem
    return stem.removeprefix("doctor-").removeprefix("doctor_") or stem


def read_report(path: Path) -> Attendee | Unread:
    """One file as an attendee's report, or why it is not one."""
    try:
        text = _read(path)
    except TextFileError as exc:
        return Unread(str(path), str(exc))
    try:
        data = json.loads(text)
    except ValueError:
        return Unread(str(path), f"not JSON, so not a doctor report: {ASK_AGAIN}")
    if not isinstance(data, dict) or not isinstance(data.get("checks"), list):
        return Unread(str(path), f"JSON, but not a doctor report (no checks): {ASK_AGAIN}")
    kind, version = data.get("report", REPORT_KIND), data.get("version", REPORT_VERSION)
    if kind != REPORT_KIND:
        return Unread(str(path), f"a {kind!r} report, not a doctor report: {ASK_AGAIN}")
    if version != REPORT_VERSION:
        made_by = data.get("made_by") or "another version of college-tui"
        return Unread(
            str(path),
            f"a doctor report of version {version!r} (made by {made_by}); this college-tui "
            f"reads version {REPORT_VERSION}: ask the attendee to update college-tui and "
            "send a new one (college-tui doctor --json > NAME.json)",
        )
    checks = []
    for item in data["checks"]:
        if (
            not isinstance(item, dict)
            or item.get("status") not in _STATUSES
            or not all(isinstance(item.get(k), str) for k in ("key", "title", "found", "advice"))
        ):
            return Unread(
                str(path), f"a damaged doctor report (a check is incomplete): {ASK_AGAIN}"
            )
        checks.append({k: item[k] for k in ("key", "title", "status", "found", "advice")})
    system = data.get("system") if isinstance(data.get("system"), str) else ""
    return Attendee(attendee_name(path), str(path), system or "", checks)


def _read(path: Path) -> str:
    """UTF-8 text; UTF-16 too (Windows PowerShell 5.1's `>` writes UTF-16 with a BOM)."""
    try:
        return read_text_file(path, "the doctor report")
    except TextFileError:
        head = b""
        if path.is_file():
            with path.open("rb") as handle:
                head = handle.read(2)
        if head not in (b"\xff\xfe", b"\xfe\xff"):
            raise
    try:
        return path.read_bytes().decode("utf-16")
    except UnicodeDecodeError:
        raise TextFileError(f"{path} is not readable text: {ASK_AGAIN}") from None


def preflight(paths: list[Path]) -> Preflight:
    """Read every report in `paths` (files or folders) and group the attendees by problem."""
    attendees: list[Attendee] = []
    unread: list[Unread] = []
    for path in report_files(paths):
        read = read_report(path)
        if isinstance(read, Attendee):
            attendees.append(read)
        else:
            unread.append(read)
    return Preflight(attendees, unread, _groups(attendees))


def _groups(attendees: list[Attendee]) -> list[Group]:
    groups: dict[tuple[str, str], Group] = {}
    advice: dict[tuple[str, str], Counter[str]] = {}
    for attendee in attendees:
        for check in attendee.checks:
            if check["status"] == OK:
                continue
            key = (check["key"], check["status"])
            group = groups.setdefault(key, Group(check["key"], check["title"], check["status"], ""))
            group.attendees.append(attendee.name)
            if check["found"] not in group.found:
                group.found.append(check["found"])
            advice.setdefault(key, Counter())[check["advice"]] += 1
    for key, group in groups.items():
        group.fix = advice[key].most_common(1)[0][0]  # the sentence most of them were given
        group.attendees.sort()
    # Problems first, then the most attendees first.
    return sorted(groups.values(), key=lambda g: (g.status != PROBLEM, -len(g.attendees), g.title))


# -- output ---------------------------------------------------------------------------------------


def _names(names: list[str], limit: int = 12) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def preflight_lines(result: Preflight, unicode: bool = True) -> list[str]:
    """The table the instructor reads: the verdict, one block per problem, who is ready."""
    mark = {PROBLEM: "✗" if unicode else "XX", WARNING: "!" if unicode else "!!"}
    arrow = "→" if unicode else "->"
    ready, blocked = result.ready, result.blocked
    with_warnings = [a.name for a in ready if a.of(WARNING)]
    lines = [
        f"Class pre-flight: {len(result.attendees)} reports read"
        + (f", {len(result.unread)} files not read (below)." if result.unread else "."),
        f"Ready: {len(ready)} ({len(with_warnings)} with warnings to read). "
        f"Blocked: {len(blocked)}.",
    ]
    for group in result.groups:
        count = len(group.attendees)
        lines += [
            "",
            f"{mark[group.status]} {group.status} {group.title} ({group.key}): {count} "
            f"attendee{'s' if count != 1 else ''}",
            f"    who:   {_names(group.attendees)}",
            f"    found: {'; '.join(group.found[:3])}",
            f"    {arrow} fix to send: {group.fix}",
        ]
    if ready:
        lines += ["", f"Ready: {_names(sorted(a.name for a in ready), 40)}"]
    if result.unread:
        lines += ["", "Files not read:"]
        lines += [f"  {u.file}: {u.reason}" for u in result.unread]
    return lines


def preflight_json(result: Preflight) -> str:
    """Everything as one JSON object (groups, attendees, files not read)."""
    return json.dumps(
        {
            "reports": len(result.attendees),
            "ready": sorted(a.name for a in result.ready),
            "blocked": sorted(a.name for a in result.blocked),
            "groups": [asdict(g) for g in result.groups],
            "attendees": [_row(a) for a in result.attendees],
            "unread": [asdict(u) for u in result.unread],
        },
        indent=2,
        ensure_ascii=False,
    )


def _row(attendee: Attendee) -> dict[str, object]:
    return {
        "attendee": attendee.name,
        "file": attendee.file,
        "system": attendee.system,
        "ready": attendee.ready,
        "problems": [c["title"] for c in attendee.of(PROBLEM)],
        "warnings": [c["title"] for c in attendee.of(WARNING)],
        "fixes": [c["advice"] for c in attendee.of(PROBLEM)],
    }


def preflight_csv(result: Preflight) -> str:
    """One row per attendee (and per file not read) for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["attendee", "file", "system", "ready", "problems", "warnings", "fixes"])
    for attendee in result.attendees:
        writer.writerow(
            [
                attendee.name,
                attendee.file,
                attendee.system,
                "yes" if attendee.ready else "no",
                "; ".join(c["title"] for c in attendee.of(PROBLEM)),
                "; ".join(c["title"] for c in attendee.of(WARNING)),
                " | ".join(c["advice"] for c in attendee.of(PROBLEM)),
            ]
        )
    for unread in result.unread:
        writer.writerow(["", unread.file, "", "not read", unread.reason, "", ""])
    return out.getvalue()


def preflight_command(paths: list[Path], form: str = "", unicode: bool = True) -> tuple[str, int]:
    """`class preflight`'s output in `form` ("json", "csv" or "" for the table) and exit code
    (0 when every attendee is ready and every file was read)."""
    result = preflight(paths)
    if form == "json":
        text = preflight_json(result)
    elif form == "csv":
        text = preflight_csv(result).rstrip("\n")
    else:
        text = "\n".join(preflight_lines(result, unicode))
    return text, 0 if result.all_ready else 1

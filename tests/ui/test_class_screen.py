"""`college-tui class`: the live class view at 120x40 and 80x24, its refresh on a timer and on
`r`, and a failed refresh that keeps the last table and says why.

The screen is given `read() -> ClassState` (the engine's; here a stand-in returning a class
at every step, on a fixed clock); the reading itself is tested against a served sandbox in
tests/classview/test_class_status.py.
"""

from __future__ import annotations

import re

import pytest
from textual.widgets import DataTable, Static

from college_tui.steps.classview.status import ClassRow, ClassState
from college_tui.ui.class_screen import ClassApp

NOW = 1_790_000_000.0  # a fixed refresh time: "since" columns stay the same
STEPS = ["members", "import", "import", "pull-request", "pull-request", "done", "done"]


def a_class(size: int = 12) -> ClassState:
    rows = []
    for n in range(1, size + 1):
        at = STEPS[n % len(STEPS)]
        org = f"class-{n:03}"
        row = ClassRow(
            org,
            org_url=f"https://dev.azure.com/{org}",
            attendee=f"attendee{n:03}@college.example",
            project=True,
            default_team=True,
            colleagues_ok=at != "members",
            colleagues="All 2 colleague(s) are in College Team"
            if at != "members"
            else "1 of 2 colleague(s) are in College Team",
            repository=at in ("pull-request", "done"),
            first_not_done=at,
            since=NOW - 60 * (n * 7 % 50),
            detail={
                "members": "1 of 2 colleague(s) are in College Team",
                "import": "Repository aidevcollege is empty",
                "pull-request": "No branch pushed yet (the SSH key, the clone or the push)",
                "done": "Pull request !1 is active",
            }[at],
        )
        if at == "done":
            row.branch = f"users/att{n:03}/hello-college"
            row.pr_id, row.pr_status, row.review = 1, "active", "waiting for review"
            row.pr_url = f"https://dev.azure.com/{org}/College/_git/aidevcollege/pullrequest/1"
        rows.append(row)
    rows.append(ClassRow("", attendee="attendee013@college.example", since=NOW))
    return ClassState(rows, NOW, 1.25, "instructor@college.example")


@pytest.fixture(autouse=True)
def stable_svg_ids(monkeypatch):
    from textual.app import App

    export = App.export_screenshot

    def export_stable(self, *args, **kwargs):
        return re.sub(r"terminal-\d+", "terminal-college", export(self, *args, **kwargs))

    monkeypatch.setattr(App, "export_screenshot", export_stable)


async def _read_once(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.screen.workers.wait_for_complete()
    await pilot.pause(0.1)


def test_the_class_at_120x40(snap_compare):
    app = ClassApp(lambda: a_class(), every=3600)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_read_once)


def test_the_class_at_80x24(snap_compare):
    app = ClassApp(lambda: a_class(), every=3600)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_read_once)


async def test_it_refreshes_on_its_own_and_on_r():
    reads = []

    def read() -> ClassState:
        reads.append(1)
        return a_class(len(reads))

    app = ClassApp(read, every=0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        await _read_once(pilot)
        await pilot.pause(0.8)  # two timer ticks at least
        await pilot.app.screen.workers.wait_for_complete()
        await pilot.pause()
        timed = len(reads)
        assert timed >= 3
        await pilot.press("r")
        await pilot.app.screen.workers.wait_for_complete()
        await pilot.pause()
        assert len(reads) > timed
        table = app.screen.query_one(DataTable)
        assert table.row_count == len(reads) + 1  # the class grew with each read (+ not started)


class Refused(Exception):
    message = "Azure DevOps did not answer (HTTP 503). Try again in a minute."


async def test_a_failed_refresh_keeps_the_table_and_says_why():
    calls = []

    def read() -> ClassState:
        calls.append(1)
        if len(calls) > 1:
            raise Refused()
        return a_class()

    app = ClassApp(read, every=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await _read_once(pilot)
        await pilot.press("r")
        await pilot.app.screen.workers.wait_for_complete()
        await pilot.pause()
        said = str(app.screen.query_one("#class-summary", Static).render())
        assert "The last refresh failed: Azure DevOps did not answer (HTTP 503)" in said
        assert app.screen.query_one(DataTable).row_count == 13
        assert app.is_running  # the view goes on

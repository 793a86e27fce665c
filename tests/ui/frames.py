"""Taking a frame of the wizard for an SVG snapshot, the same every run: waiting until nothing
moves, every scrollable where the frame always has it, then the SVG as pytest-textual-snapshot's
`snap_compare` takes it; and comparing one with a test's snapshot file (test_snapshots.py)."""

from __future__ import annotations

import contextlib
import re

from textual.widgets import Input

from college_tui.ui.widgets.activity_log import ActivityLog

from .conftest import settle


def svg_rows(svg: str) -> list[str]:
    """The text of a snapshot SVG, row by row (what a person reads on the frame)."""
    import html

    rows: dict[float, list[tuple[float, str]]] = {}
    for match in re.finditer(
        r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg
    ):
        rows.setdefault(float(match[2]), []).append((float(match[1]), html.unescape(match[3])))
    return [
        "".join(t for _, t in sorted(row)).replace("\xa0", " ") for _, row in sorted(rows.items())
    ]


async def opened(pilot) -> None:
    await settle(pilot.app, pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await still(pilot)


async def still(pilot, *, workers: bool = True) -> None:
    """Let layout and focus settle, then put every scrollable where the same frame always has
    it: the panel at its top (as it opens), the log at its end. (Scrolls
    that ran while the layout still changed left the summary two rows apart on a busy CI.)"""
    await pilot.pause(0.3)
    if workers:
        await workers_done(pilot)  # the log measures its lines in a thread worker
    await pilot.wait_for_scheduled_animations()
    screen = pilot.app.screen
    for panel in screen.query(".step-panel, #summary-panel, #welcome"):
        panel.scroll_home(animate=False, immediate=True)  # where each opens: at its top
    await pilot.pause()
    for log in screen.query(ActivityLog):
        log.scroll_end(animate=False, immediate=True)
        # Its thumb's edge came out one glyph different on a busy CI (the log sizes itself in
        # a thread worker): hidden, with its gutter; the lines are what the frame checks.
        log.styles.scrollbar_visibility = "hidden"
    await pilot.pause()
    if workers:
        await workers_done(pilot)
    await pilot.wait_for_scheduled_animations()
    await same_frame_twice(pilot)


async def same_frame_twice(pilot, tries: int = 20) -> None:
    """Wait until two frames 50 ms apart are the same: nothing is still moving."""
    previous = pilot.app.export_screenshot()
    for _ in range(tries):
        await pilot.pause(0.05)
        frame = pilot.app.export_screenshot()
        if frame == previous:
            return
        previous = frame


async def workers_done(pilot) -> None:
    with contextlib.suppress(Exception):
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def take_frame(pilot, title: str) -> str:
    """The frame as textual._doc.take_svg_screenshot (`snap_compare`) takes it after its
    run_before: the same pauses, then the SVG."""
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    return pilot.app.export_screenshot(title=title, simplify=True)


def same_as_snapshot(snapshot, svg: str) -> bool:
    """The frame against the test's snapshot file, as `snap_compare` compares it
    (--snapshot-update writes it); on a mismatch the frame's text diff is printed."""
    import difflib

    from pytest_textual_snapshot import SVGImageExtension

    snapshot = snapshot.use_extension(SVGImageExtension)
    same = snapshot == svg
    if not same:
        expected, actual = svg_rows(str(snapshot)), svg_rows(svg)
        print(
            "\n".join(difflib.unified_diff(expected, actual, "snapshot", "this run", lineterm=""))
        )
    return same

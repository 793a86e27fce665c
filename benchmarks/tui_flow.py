"""Figures 3 and 5 (TUI): the wizard walked by keyboard (Pilot, 120×40) on the sandbox it starts.

Prints one JSON line: {"available": false} while `college_tui.ui` has no CollegeApp, else
{"available": true, "seconds", "longest_ms", "p99_ms", "samples", "reached_summary", ...}.
Usage: tui_flow.py DATA [COLLEAGUES] (that many addresses pasted in the members step).
Run it in its own process (benchmarks/run.py does): its peak RSS is the TUI's (the wizard starts
its sandbox in a child process, sandbox/apart.py, whose memory is not counted).
The stall probe is a task that asks to wake every 5 ms; each wake's lateness is one sample. On
Linux each sample is also taken net of the time the event loop's thread waited for a CPU
(`/proc/thread-self/schedstat`'s run-queue time): what other programs on a loaded machine cost,
not the app (`longest_net_ms`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from pathlib import Path

PERIOD = 0.005
MAX_ENTERS = 30
SETTLE_PAUSE = 0.02
SETTLE_LIMIT = 60.0  # seconds: a target that never opens ends the walk (reached_summary false)


SCHEDSTAT = Path("/proc/thread-self/schedstat")


def queued() -> float:
    """Seconds this thread has waited for a CPU so far (Linux), else 0."""
    try:
        return int(SCHEDSTAT.read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


class StallProbe:
    def __init__(self) -> None:
        self.samples: list[float] = []
        self.net: list[float] = []  # each sample less the CPU queue's wait meanwhile
        self._task: asyncio.Task | None = None

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before, waited = loop.time(), queued()
            await asyncio.sleep(PERIOD)
            late = max(0.0, loop.time() - before - PERIOD)
            self.samples.append(late)
            self.net.append(max(0.0, late - (queued() - waited)))

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._watch())

    def stop(self) -> None:
        if self._task:
            self._task.cancel()

    def figures(self) -> dict:
        """The longest and the 99th-percentile lateness (ms), and how many wakes were sampled."""
        ordered = sorted(self.samples)
        p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] if ordered else 0.0
        return {
            "longest_ms": 1000 * (ordered[-1] if ordered else 0.0),
            "p99_ms": 1000 * p99,
            "samples": len(ordered),
            "longest_net_ms": 1000 * max(self.net, default=0.0),
        }


async def walk(data: Path, colleagues: int = 0) -> dict:
    """The walk; `colleagues`: that many addresses pasted into the members step's field first
    (its stalls are also given alone: `members_longest_ms`, `members_net_ms`)."""
    from college_tui.launch import TargetOptions, wizard_opener
    from college_tui.ui.app import CollegeApp
    from college_tui.ui.widgets.step_list import SUMMARY

    stack = contextlib.ExitStack()
    options = sandbox_options(TargetOptions, data)
    app = CollegeApp(opener=wizard_opener(options, stack), start="sandbox")
    probe = StallProbe()
    started = time.perf_counter()
    reached = False
    members: tuple[int, int] | None = None  # the probe's samples while the members step ran
    try:
        async with app.run_test(size=(120, 40)):
            probe.start()
            await settle(app)
            for _ in range(MAX_ENTERS):
                if app.wizard.current == SUMMARY:
                    reached = True
                    break
                on_members = colleagues and app.wizard.current == "members" and members is None
                if on_members:
                    paste_colleagues(app, colleagues)
                    members = (len(probe.samples), 0)
                press_enter(app)
                await settle(app)
                if on_members and members is not None:
                    members = (members[0], len(probe.samples))
            probe.stop()
    finally:
        stack.close()
    found = {
        "available": True,
        "seconds": time.perf_counter() - started,
        "reached_summary": reached,
        **probe.figures(),
    }
    if members is not None:
        first, last = members
        found["members_longest_ms"] = 1000 * max(probe.samples[first:last], default=0.0)
        found["members_net_ms"] = 1000 * max(probe.net[first:last], default=0.0)
    return found


def paste_colleagues(app, count: int) -> None:
    """`count` addresses in the members step's field, as a paste of a class list puts them."""
    field = app.wizard.query_one("#members-members")
    field.value = ", ".join(f"pupil{i:04d}@college.example" for i in range(count))


def press_enter(app) -> None:
    """Enter as the terminal driver delivers it (Pilot's `press` also waits for the whole
    process to idle, up to a second per key: harness time)."""
    from textual import events

    app.post_message(events.Key("enter", "\r"))


def sandbox_options(options_class, data: Path):
    """launch.TargetOptions for `--sandbox --data DATA`, whatever fields it has gained since."""
    import dataclasses

    wanted = {"use_sandbox": True, "data": data}
    values = {}
    for f in dataclasses.fields(options_class):
        if f.name in wanted:
            values[f.name] = wanted[f.name]
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            values[f.name] = False if f.type in ("bool", bool) else None
    return options_class(**values)


async def settle(app) -> None:
    """Wait until the engine's workers finish and the screen has taken their last word.

    Plain sleeps, no Pilot waits: `pilot.pause()` posts a callback to every widget (about 220
    here) and repaints the screen each time, 30-40 ms of work on the event loop right after each
    key that the real app never does, which the probe measured as the app's own stalls."""
    deadline = time.monotonic() + SETTLE_LIMIT
    await asyncio.sleep(SETTLE_PAUSE)
    for _ in range(3):
        with contextlib.suppress(Exception):
            await app.workers.wait_for_complete()
        wizard = app.wizard
        while wizard and (wizard.busy or wizard.session is None) and time.monotonic() < deadline:
            await asyncio.sleep(SETTLE_PAUSE)
        await asyncio.sleep(SETTLE_PAUSE)


def main() -> None:
    import gc

    gc.disable()  # as `college-tui` does until the first frame (launch.run_wizard)
    try:
        import college_tui.ui.app  # noqa: F401
    except ImportError:
        print(json.dumps({"available": False}))
        return
    colleagues = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    print(json.dumps(asyncio.run(walk(Path(sys.argv[1]), colleagues))))


if __name__ == "__main__":
    main()

"""Figure 3's baseline: Textual alone, switching between panels like the wizard's.

A bare Textual app (no engine, no sandbox, nothing written while it runs) holds ten panels built
from the stock widgets a step panel uses (a wrapped paragraph, three labelled inputs with their
error lines, a button: 12 widgets, the wizard's panels have 6-20, 9 in most) in the wizard's
screen at 120×40: a header, a list of the steps on the left (30 columns), the panels above a
five-row status pane (two lines and a progress bar), a ten-row log below, a footer of keys. It
shows each panel in turn, keyboard focus on its first input, as the wizard does after a step (the
list's highlight stays: the wizard's moves, repainting two of its lines, and is counted as its own), with the same stall probe as the wizard's walk. What it measures
is what Textual itself needs to lay out and paint that screen with a panel shown for the first
time (and then again) on this machine. (Until 2026-12-07 the panels stood alone on the screen,
90×26: each of Textual's layout passes, which cover the whole screen, then laid out 13 widgets
where the wizard's lay out about 50, and the ratio counted Textual's own work as the wizard's:
docs/performance.md.)

Prints one JSON line: {"longest_ms", "p99_ms", "samples", "switches"}.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tui_flow import StallProbe  # noqa: E402

PANELS = 10
ROUNDS = 2  # each panel shown for the first time, then again (argv[1] may say 1)
PAUSE = 0.1  # seconds between switches: each switch's passes are over well before
STEPS = (
    "Sign in",
    "Organization",
    "Project",
    "Team",
    "Members",
    "SSH key",
    "Import",
    "Clone",
    "Pull request",
    "Summary",
)
PARAGRAPH = (
    "SSH uses a key pair: the private key never leaves your machine, the public key is "
    "registered in Azure DevOps. Azure DevOps accepts RSA keys only, and you check its host key "
    "against the published fingerprint instead of trusting it blindly."
)


def make_app():
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.containers import Horizontal, Vertical, VerticalScroll
    from textual.widgets import (
        Button,
        ContentSwitcher,
        Footer,
        Header,
        Input,
        Label,
        Log,
        OptionList,
        ProgressBar,
        Static,
    )

    class Panel(VerticalScroll):
        DEFAULT_CSS = "Panel { padding: 0 1; border: round $secondary; height: 1fr; }"

        def compose(self) -> ComposeResult:
            yield Static(f"A step\n\n{PARAGRAPH}\n\nIn the portal: a page\nBy hand: a command")
            yield Static("")
            for index in range(3):
                yield Label(f"Field {index}")
                yield Input(value=f"value {index}", compact=True)
                yield Static("")
            yield Button("Run this step", variant="primary", compact=True)

    class BareApp(App):
        # The wizard's screen at 120×40 (college.tcss): what each layout pass lays out.
        CSS = """
        #main { height: 1fr; }
        OptionList { width: 30; height: 100%; }
        ContentSwitcher { height: 1fr; }
        #status { height: 5; padding: 0 1; }
        #status Static { height: 2; }
        Log { height: 10; }
        """
        BINDINGS = [  # the wizard's footer shows seven keys
            Binding(key, what, show=True)
            for key, what in (
                ("ctrl+r", "run all"),
                ("ctrl+l", "log file"),
                ("f1", "help"),
                ("f2", "log"),
                ("ctrl+t", "theme"),
                ("ctrl+y", "copy"),
                ("ctrl+q", "quit"),
            )
        ]

        def compose(self) -> ComposeResult:
            yield Header()
            with Horizontal(id="main"):
                yield OptionList(*STEPS)
                with Vertical():
                    with ContentSwitcher(initial="panel-0"):
                        for index in range(PANELS):
                            yield Panel(id=f"panel-{index}")
                    with Vertical(id="status"):
                        yield Static("A step: done in 0.4 s")
                        yield ProgressBar(total=10)
            yield Log()
            yield Footer()

        def on_mount(self) -> None:
            self.query_one(Log).write_lines(
                f"{i:02d} a line of the activity log" for i in range(20)
            )

        def show(self, index: int) -> None:
            self.query_one(ContentSwitcher).current = f"panel-{index}"
            self.query_one(f"#panel-{index} Input").focus()

    return BareApp()


async def walk(rounds: int = ROUNDS) -> dict:
    app = make_app()
    probe = StallProbe()
    switches = 0
    async with app.run_test(size=(120, 40)):
        await asyncio.sleep(0.5)  # mounted and painted
        import gc

        gc.freeze()  # as the wizard does (ui/app.py): no full collection walks the widgets
        probe.start()
        for _ in range(rounds):
            for index in [*range(1, PANELS), 0]:
                app.show(index)
                switches += 1
                await asyncio.sleep(PAUSE)
        probe.stop()
    return {**probe.figures(), "switches": switches}


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS
    print(json.dumps(asyncio.run(walk(rounds))))


if __name__ == "__main__":
    main()

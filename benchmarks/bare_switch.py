"""Figure 3's baseline: Textual alone, switching between panels like the wizard's.

A bare Textual app (no engine, no sandbox, no step list, status or log) holds ten panels built
from the stock widgets a step panel uses (a wrapped paragraph, three labelled inputs with their
error lines, a button) at the size a panel has in the 120×40 wizard. It shows each panel in turn,
keyboard focus on its first input, as the wizard does after a step, with the same stall probe
as the wizard's walk. What it measures is what Textual itself needs to lay out and paint a panel
shown for the first time (and then again) on this machine.

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
PARAGRAPH = (
    "SSH uses a key pair: the private key never leaves your machine, the public key is "
    "registered in Azure DevOps. Azure DevOps accepts RSA keys only, and you check its host key "
    "against the published fingerprint instead of trusting it blindly."
)


def make_app():
    from textual.app import App, ComposeResult
    from textual.containers import VerticalScroll
    from textual.widgets import Button, ContentSwitcher, Input, Label, Static

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
        # The centre of the wizard at 120×40: the step list, status pane and log take the rest.
        CSS = "ContentSwitcher { width: 90; height: 26; }"

        def compose(self) -> ComposeResult:
            with ContentSwitcher(initial="panel-0"):
                for index in range(PANELS):
                    yield Panel(id=f"panel-{index}")

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

"""The baseline of figures 1 and 5: the smallest Textual app (one Static), same Textual version."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class MinimalApp(App):
    def compose(self) -> ComposeResult:
        yield Static("college-tui benchmark baseline: one Static")


if __name__ == "__main__":
    MinimalApp().run()

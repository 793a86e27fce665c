"""The welcome's choice, help, the command palette's entries and a confirmation's focus."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Input

from college_tui.ui.modals import HelpModal
from college_tui.ui.welcome import WelcomeScreen

from .conftest import make_app, settle, wait_until


async def test_the_welcome_offers_the_sandbox_first_and_enter_opens_the_wizard_there(wizard_env):
    app = make_app(wizard_env.cli_opener(), start=None, env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert app.focused.id == "choose-sandbox"
        assert "This machine: " in str(app.screen.query_one("#welcome-checks").content)
        # The optional URL, when typed, is checked before anything opens.
        app.screen.query_one("#welcome-org").value = "https://dev.azure.com/"
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert "organisation" in str(app.screen.query_one("#welcome-org-error").content)
        assert isinstance(app.screen, WelcomeScreen)
        assert app.focused.id == "welcome-org"  # the field to fill
        await pilot.press("shift+tab", "shift+tab", "enter")
        await settle(app, pilot)
        assert app.wizard is not None and app.wizard.sandbox
        assert app.wizard.current == "sign-in"


async def test_help_and_the_command_palette_list_the_actions(sandbox, wizard_env):
    from .conftest import server_opener

    app = make_app(server_opener(sandbox), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal) and app.focused.id == "help-close"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        search = app.screen.query_one(Input)

        def shown() -> str:
            return " ".join(
                str(option.prompt) for option in app.screen.query_one("CommandList").options
            )

        # The palette searches on each change of its input: the queries are put in whole (a
        # key press per letter cost ~0.1 s each); the last one is typed key by key below.
        for query in (
            "Run the rest",
            "Retry the failed",
            "Copy the pull request",
            "Open the log file",
        ):
            search.value = query
            await wait_until(pilot, lambda q=query: q in shown(), timeout=10, what=query)
            search.value = ""
            await pilot.pause()
        await pilot.press(*"Go to step 6")
        await wait_until(pilot, lambda: "Go to step 6" in shown(), timeout=10, what="step 6")
        await pilot.press("enter")
        await pilot.pause()
        assert app.wizard.current == "ssh-key"


async def test_the_help_is_whole_at_80x24_and_names_the_keys_that_work(wizard_env):
    """The help's table of keys fits the 80×24 window, its box whole and its rows unbroken (a
    key's description wraps under the descriptions, not under the keys)."""
    app = make_app(wizard_env.cli_opener(), env=wizard_env)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        box = app.screen.query_one("#help-box")
        assert box.region.y >= 0 and box.region.bottom <= 24, box.region
        assert app.screen.query_one("#help-close").region.bottom <= box.region.bottom - 1
        text = str(box.query_one("Static").render())
        width = box.content_region.width
        rows = [line for line in text.splitlines() if line.startswith(("Enter", "Escape", "ctrl"))]
        assert len(rows) == 7 and all(len(row) <= width for row in rows), (width, rows)
        assert "Escape" in text and "stop a wait" in text

"""Say only what happened (issue 23): "copied" only when the desktop's own clipboard took the
copy; with the terminal's OSC 52 alone, "sent to your terminal's clipboard". Every ctrl key has a
function key (VS Code's terminal keeps some ctrl keys), and VS Code's terminal gets a hint."""

from __future__ import annotations

from textual.notifications import Notify

from tests.ui.conftest import make_app, server_opener, settle, wait_until


def notices_hook(notices: list[str]):
    def hook(message) -> None:
        if isinstance(message, Notify):
            notices.append(message.notification.message)

    return hook


async def shared(sandbox, wizard_env, text: str, what: str) -> tuple[list[str], str]:
    """Share `text` in a running wizard: the notices, and what OSC 52 sent."""
    notices: list[str] = []
    app = make_app(server_opener(sandbox), env=wizard_env)
    async with app.run_test(size=(120, 40), message_hook=notices_hook(notices)) as pilot:
        await settle(app, pilot)
        app.share(text, what)
        await wait_until(pilot, lambda: bool(notices), what="the notice")
        return notices, app.clipboard


async def test_a_native_copy_is_called_copied_and_no_escape_is_sent(
    sandbox, wizard_env, monkeypatch
):
    taken: list[str] = []
    monkeypatch.setattr(
        "college_tui.steps.desktop.copy_natively", lambda t: taken.append(t) or True
    )
    notices, clipboard = await shared(
        sandbox, wizard_env, "https://dev.azure.com/contoso", "The link"
    )
    assert clipboard == ""  # no OSC 52: the desktop's clipboard has it
    assert taken == ["https://dev.azure.com/contoso"]
    assert notices == ["The link is copied to the clipboard."]


async def test_the_terminals_clipboard_alone_is_called_sent(sandbox, wizard_env):
    notices, clipboard = await shared(sandbox, wizard_env, "ABCD-1234", "The code")
    assert clipboard == "ABCD-1234"  # OSC 52, as Textual's driver records it
    assert notices == [
        "The code was sent to your terminal's clipboard (your terminal may not allow it)."
    ]
    assert not any("copied" in n for n in notices)


async def test_function_keys_do_what_the_ctrl_keys_do(sandbox, wizard_env):
    app = make_app(server_opener(sandbox), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        wizard = app.wizard
        first = wizard.current
        await pilot.press("f8")
        await settle(app, pilot)
        assert wizard.current != first
        await pilot.press("f7")
        await settle(app, pilot)
        assert wizard.current == first
        await pilot.press("f9")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "CommandPalette"
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("f10")
        await pilot.pause()
    assert app.return_code == 0


async def test_vs_codes_terminal_gets_the_function_key_hint(sandbox, wizard_env, monkeypatch):
    monkeypatch.setenv("TERM_PROGRAM", "vscode")
    notices: list[str] = []
    app = make_app(server_opener(sandbox), env=wizard_env)
    async with app.run_test(size=(120, 40), message_hook=notices_hook(notices)) as pilot:
        await settle(app, pilot)
    assert any("F10 quit" in n and "F9 command palette" in n for n in notices)

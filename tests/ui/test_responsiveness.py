"""What keeps the screen responsive, checked where it can break: the footer is rebuilt only when
the keys it shows change, the status pane's lines change without a layout pass of the screen,
and the collector stays on while what lives for the session is kept out of its full passes."""

from __future__ import annotations

import gc

from textual.screen import Screen
from textual.widgets._footer import FooterKey

from college_tui.ui.widgets.footer import KeysFooter

from .conftest import make_app, server_opener, settle


async def test_moving_between_fields_does_not_rebuild_the_footer(sandbox, wizard_env, monkeypatch):
    rebuilt: list[int] = []
    recompose = KeysFooter.recompose

    async def counted(self):
        rebuilt.append(1)
        return await recompose(self)

    monkeypatch.setattr(KeysFooter, "recompose", counted)
    app = make_app(server_opener(sandbox), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.wizard.show("members")  # several fields, a select and a button
        await settle(app, pilot)
        before, focused = len(rebuilt), set()
        for _ in range(5):
            await pilot.press("tab")
            await pilot.pause()
            focused.add(app.focused)
        assert len(focused) >= 3
        assert len(rebuilt) == before
        shown = " ".join(str(key.description) for key in app.screen.query(FooterKey))
        assert "Run the rest" in shown and "Quit" in shown


async def test_the_status_pane_changes_its_lines_without_a_layout_pass(
    sandbox, wizard_env, monkeypatch
):
    app = make_app(server_opener(sandbox), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        layouts: list[int] = []
        refresh_layout = Screen._refresh_layout

        def counted(self, *args, **kwargs):
            layouts.append(1)
            return refresh_layout(self, *args, **kwargs)

        monkeypatch.setattr(Screen, "_refresh_layout", counted)
        pane = app.wizard.status
        pane.set_operation("Cloning aidevcollege")
        pane.set_wait("Waiting 5 s: the service asked us to slow down")
        await pilot.pause()
        assert str(app.screen.query_one("#status-operation").content) == "Cloning aidevcollege"
        assert "Waiting 5 s" in str(app.screen.query_one("#status-wait").content)
        assert layouts == []


async def test_the_collector_is_on_and_the_session_kept_out_of_its_full_passes(sandbox, wizard_env):
    gc.disable()  # as `college-tui` does while the UI imports
    app = make_app(server_opener(sandbox), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.wizard.session is not None
        assert gc.isenabled()  # turned back on at the first frame
        assert gc.get_freeze_count() > 0

"""Action first, as a first-timer meets it: at 80x24 and at 120x40 every step's panel opens with
its primary control (and the focus) inside the visible region, as do the welcome's two choices;
Enter runs the step shown with the focus on the step list or on the activity log."""

from __future__ import annotations

import pytest
from textual.geometry import Region
from textual.widgets import Button

from college_tui.ui.widgets.activity_log import ActivityLog
from college_tui.ui.widgets.step_list import STEP_NAMES, StepList

from .conftest import log_text, make_app, settle, wait_until

SIZES = [(80, 24), (120, 40)]


def inside(widget, area: Region) -> bool:
    region = widget.region
    return bool(region) and area.contains_region(region)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_every_panel_opens_with_its_primary_control_in_view(wizard_env, size):
    app = make_app(wizard_env.cli_opener(), env=wizard_env)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        wizard = app.wizard
        for key, _name in STEP_NAMES:
            wizard.switch_to(key)
            await pilot.pause()
            panel = wizard.panel(key)
            view = panel.scrollable_content_region
            primary = panel.query_one(".primary", Button)
            assert inside(primary, view), (key, primary.region, view)
            focused = app.focused
            assert focused is not None and panel in focused.ancestors_with_self, (key, focused)
            assert inside(focused, view), (key, focused, view)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
async def test_the_welcome_shows_both_choices_without_scrolling(wizard_env, size):
    app = make_app(wizard_env.cli_opener(), start=None, env=wizard_env)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        screen_area = Region(0, 0, *size)
        for choice in ("#choose-sandbox", "#choose-org"):
            assert inside(app.screen.query_one(choice), screen_area), choice
        assert app.focused.id == "choose-sandbox"


async def test_enter_on_the_step_list_and_on_the_log_runs_the_step_shown(wizard_env):
    app = make_app(wizard_env.cli_opener(), env=wizard_env)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        wizard = app.wizard
        assert wizard.current == "sign-in" and wizard.model.states["sign-in"] == "todo"
        steps = wizard.query_one(StepList)
        steps.focus()
        steps.highlighted = 0
        await pilot.press("enter")  # on the list: the step highlighted is shown and runs
        await wait_until(pilot, lambda: wizard.model.states["sign-in"] in ("done", "already"))
        await settle(app, pilot)
        shown = wizard.current
        assert shown != "sign-in" and wizard.model.states[shown] == "todo"

        wizard.query_one(ActivityLog).focus()
        await pilot.press("enter")  # on the log: the step shown runs
        await wait_until(
            pilot,
            lambda: wizard.model.states[shown] in ("done", "already"),
            what=f"{shown} to run; log:\n{log_text(app)[-1500:]}",
        )

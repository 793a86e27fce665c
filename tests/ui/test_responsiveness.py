"""What keeps the screen responsive, checked where it can break: the footer is rebuilt only when
the keys it shows change; the status pane's lines, its progress, the activity log's new lines
and the step list's states change without a layout pass of the screen (the step list repaints
only the option that changed); the screen is styled once before its first frame; the collector pauses while workers import and stays on
otherwise, with what lives for the session kept out of its full passes."""

from __future__ import annotations

import contextlib
import gc
import inspect
import threading

from textual._compositor import Compositor
from textual.dom import DOMNode
from textual.events import ScreenResume
from textual.screen import Screen
from textual.scrollbar import ScrollBar
from textual.widgets._footer import FooterKey

from college_tui.ui.app import CollectorPause
from college_tui.ui.widgets.activity_log import ActivityLog
from college_tui.ui.widgets.footer import KeysFooter
from college_tui.ui.widgets.step_list import StepList
from college_tui.vocabulary import StepKey, StepStatus

from .conftest import make_app, server_opener, settle


def recorded(monkeypatch, owner, name: str, when=lambda widget: True) -> list:
    """Every call of `owner.name` (sync or async) whose first argument passes `when`."""
    original = getattr(owner, name)
    calls: list = []

    if inspect.iscoroutinefunction(original):

        async def wrapper(self, *args, **kwargs):
            if when(self):
                calls.append(self)
            return await original(self, *args, **kwargs)

    else:

        def wrapper(self, *args, **kwargs):
            if when(self):
                calls.append(self)
            return original(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return calls


@contextlib.contextmanager
def layout_passes(monkeypatch):
    """The screen's layout passes while the block runs (each one lays out every widget)."""
    original = Screen._refresh_layout
    yield recorded(monkeypatch, Screen, "_refresh_layout")
    monkeypatch.setattr(Screen, "_refresh_layout", original)


@contextlib.asynccontextmanager
async def opened_wizard(sandbox, wizard_env):
    """The wizard at 120×40 on `sandbox`, the target open and every panel mounted."""
    app = make_app(server_opener(sandbox), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        yield app, pilot


async def test_moving_between_fields_does_not_rebuild_the_footer(sandbox, wizard_env, monkeypatch):
    rebuilt = recorded(monkeypatch, KeysFooter, "recompose")
    async with opened_wizard(sandbox, wizard_env) as (app, pilot):
        app.wizard.switch_to("members")  # several fields, a select and a button
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
    async with opened_wizard(sandbox, wizard_env) as (app, pilot):
        pane = app.wizard.status
        pane.set_fraction(0.1)  # the bar appears: a layout, before the count
        await settle(app, pilot)
        with layout_passes(monkeypatch) as layouts:
            pane.set_operation("Cloning aidevcollege")
            pane.set_wait("Waiting 5 s: the service asked us to slow down")
            for fraction in (0.25, 0.5, 0.75):
                pane.set_fraction(fraction)
                await pilot.pause()
        assert str(app.screen.query_one("#status-operation").content) == "Cloning aidevcollege"
        assert "Waiting 5 s" in str(app.screen.query_one("#status-wait").content)
        assert "75%" in app.export_screenshot()
        assert layouts == []


async def test_the_activity_log_grows_without_a_layout_pass(sandbox, wizard_env, monkeypatch):
    async with opened_wizard(sandbox, wizard_env) as (app, pilot):
        log = app.screen.query_one(ActivityLog)
        workers = recorded(monkeypatch, ActivityLog, "run_worker")
        with layout_passes(monkeypatch) as layouts:
            for index in range(20):
                log.add(f"then {index}")
                await pilot.pause()
            log.add("wide-" * 40)  # one word wider than the log (kept whole): its range grows
            assert log.virtual_size.width == len("wide-" * 40)
            await settle(app, pilot)
        assert layouts == []
        assert workers == []  # no thread worker per line to measure its width
        assert log.scroll_y == log.max_scroll_y  # still following the newest line
        assert log.max_scroll_y == log.line_count - log.scrollable_content_region.height
        assert log.max_scroll_x == len("wide-" * 40) - log.scrollable_content_region.width
        log.add("then 20")
        await settle(app, pilot)
        assert "then 20" in app.export_screenshot().replace("&#160;", " ")


async def test_a_step_state_repaints_its_own_option_only(sandbox, wizard_env, monkeypatch):
    async with opened_wizard(sandbox, wizard_env) as (app, pilot):
        listing = app.screen.query_one(StepList)
        lines = recorded(monkeypatch, StepList, "render_line")
        with layout_passes(monkeypatch) as layouts:
            listing.set_state(StepKey.TEAM, StepStatus.RUNNING)
            await pilot.pause()
        assert layouts == []
        assert 0 < len(lines) <= 1  # the option's one line (the list has 10)
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "▶" in shown and "4. Default team" in shown
        assert listing.state_text("team") == "running"
        lines.clear()
        app.wizard.switch_to("clone", focus=False)  # the highlight moves: two options repainted
        await pilot.pause()
        assert 0 < len(lines) <= 4


async def test_switching_panels_repaints_neither_the_whole_screen_nor_the_log(
    sandbox, wizard_env, monkeypatch
):
    async with opened_wizard(sandbox, wizard_env) as (app, pilot):
        full_repaints = recorded(monkeypatch, Compositor, "render_full_update")
        log_bars = recorded(
            monkeypatch, ScrollBar, "render", lambda bar: isinstance(bar.parent, ActivityLog)
        )
        app.wizard.switch_to("team")  # a layout pass of the screen and a focus move
        await settle(app, pilot)
        await pilot.press("tab")  # the focus moves within the panel
        await settle(app, pilot)
        assert full_repaints == []  # only what changed was painted
        assert log_bars == []  # the log did not change: its scrollbars were not drawn again
        monkeypatch.undo()
        assert app.wizard.current == "team"
        # The team panel's title (the log no longer names steps that only were looked at).
        assert "Make the team the default team" in app.export_screenshot().replace("&#160;", " ")


async def test_the_screen_is_styled_once_before_its_first_frame(sandbox, wizard_env, monkeypatch):
    restyled = recorded(
        monkeypatch, DOMNode, "update_node_styles", lambda node: isinstance(node, Screen)
    )
    async with opened_wizard(sandbox, wizard_env) as (app, pilot):
        assert restyled == []  # its widgets were styled as they mounted; resuming did not redo it
        app.screen.post_message(ScreenResume())  # a later resume restyles, as Textual does
        await pilot.pause()
        assert restyled == [app.screen]


def test_the_collector_pauses_until_the_last_worker_is_done():
    pause = CollectorPause()
    frozen = gc.get_freeze_count()
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()

    def first():
        with pause():
            first_in.set()
            second_in.wait(10)
        first_out.set()

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(10)
    with pause():
        second_in.set()
        first_out.wait(10)
        assert not gc.isenabled()  # the first worker is done, this one still imports
    thread.join(10)
    assert gc.isenabled()
    assert gc.get_freeze_count() > frozen  # what arrived meanwhile is out of full collections
    gc.disable()  # as `college-tui` does while the UI imports; the first frame turns it on...
    with pause():
        pause.enable_unless_paused()  # ...unless a worker's import has begun meanwhile
        assert not gc.isenabled()
    assert gc.isenabled()


async def test_the_collector_is_on_and_the_session_kept_out_of_its_full_passes(sandbox, wizard_env):
    gc.disable()  # as `college-tui` does while the UI imports
    async with opened_wizard(sandbox, wizard_env) as (app, pilot):
        assert app.wizard.session is not None
        assert gc.isenabled()  # turned back on at the first frame
        assert gc.get_freeze_count() > 0


async def test_a_focus_move_restyles_only_what_a_focus_within_rule_changes(
    sandbox, wizard_env, monkeypatch
):
    """A panel's border follows the focus inside it (`.step-panel:focus-within`); Textual would
    restyle every widget of the panel for that at each focus move (textual_private.py
    `restyle_for_focus`)."""
    from textual.css.stylesheet import Stylesheet

    async with opened_wizard(sandbox, wizard_env) as (app, pilot):
        app.wizard.switch_to("team")
        await settle(app, pilot)
        panel = app.wizard.centre.panel("team")
        restyled: list = []
        original = Stylesheet.update_nodes

        def update_nodes(self, nodes, animate=False):
            nodes = list(nodes)
            restyled.append(nodes)
            return original(self, nodes, animate=animate)

        monkeypatch.setattr(Stylesheet, "update_nodes", update_nodes)
        await pilot.press("tab")  # from the panel's field to its button: the panel keeps it
        await settle(app, pilot)
        monkeypatch.undo()
        assert any(panel in call for call in restyled)  # its border follows the focus
        # Each restyle touched a widget or two (the field and button whose :focus changed, the
        # panel's border), never the panel's whole subtree as Textual's own does.
        widgets = len(panel.query("*"))
        assert widgets > 5
        assert (
            max(len([n for n in call if panel in n.ancestors_with_self]) for call in restyled) <= 2
        )


async def test_a_focus_move_in_a_panel_restyles_its_border_not_its_buttons(
    sandbox, wizard_env, monkeypatch
):
    """Only the welcome's choices follow the focus within their column (college.tcss): a rule
    naming them as `Button` made every button of every panel one that a focus move restyles
    (uncached: Textual keeps no style cache for a :focus-within rule's widgets), figure 3."""
    from textual.css.stylesheet import Stylesheet
    from textual.widgets import Button

    from college_tui.ui.textual_private import restyle_for_focus

    async with opened_wizard(sandbox, wizard_env) as (app, pilot):
        app.wizard.switch_to("team")
        await settle(app, pilot)
        panel = app.wizard.centre.panel("team")
        restyled: list = []
        monkeypatch.setattr(
            Stylesheet, "update_nodes", lambda self, nodes, animate=False: restyled.extend(nodes)
        )
        restyle_for_focus(app.screen, panel.query_one(Button), None)
        monkeypatch.undo()
        assert panel in restyled  # its border follows the focus
        assert not [node for node in restyled if isinstance(node, Button)]


async def test_the_summary_hides_the_step_list_only_at_80_columns_even_after_a_resize(
    sandbox, wizard_env
):
    """`-summary` (college.tcss: the summary takes the whole width at 80 columns) is set only
    where it hides something: at 120 columns the summary's switch restyles neither the step
    list nor the status pane (figure 3), and a resize on the summary still hides or shows them."""
    async with opened_wizard(sandbox, wizard_env) as (app, pilot):
        steps, status = app.screen.query_one(StepList), app.screen.query_one("#status")
        app.wizard.switch_to("summary")
        await settle(app, pilot)
        assert not steps.has_class("-summary") and steps.styles.display == "block"
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        assert steps.styles.display == "none" and status.styles.display == "none"
        app.wizard.switch_to("team")  # back to a step: the list and status pane again
        await settle(app, pilot)
        assert steps.styles.display == "block" and status.styles.display == "block"
        app.wizard.switch_to("summary")
        await settle(app, pilot)
        assert steps.styles.display == "none"
        await pilot.resize_terminal(120, 40)
        await settle(app, pilot)
        assert steps.styles.display == "block" and status.styles.display == "block"


async def test_a_fields_error_line_is_mounted_when_it_first_has_a_problem(sandbox, wizard_env):
    """Each panel mounts without its fields' (hidden) error lines: fewer widgets to compose and
    style at the start (figure 3). A problem still shows right under its field, and goes."""
    from textual.widgets import Input

    async with opened_wizard(sandbox, wizard_env) as (app, pilot):
        panel = app.wizard.centre.panel("project")
        assert not panel.query(".field-error")
        app.wizard.switch_to("project")
        await settle(app, pilot)
        await pilot.press("end", "ctrl+u", *"Col/lege")
        await settle(app, pilot)
        field = panel.query_one("#project-project", Input)
        error = panel.query_one("#project-project-error")
        assert panel.children.index(error) == panel.children.index(field) + 1
        assert "may not contain /" in str(error.content) and error.styles.display == "block"
        await pilot.press("ctrl+u", *"College")
        await settle(app, pilot)
        assert error.styles.display == "none" and len(panel.query(".field-error")) == 1

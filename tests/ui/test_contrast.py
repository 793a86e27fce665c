"""Every colour pair the theme paints is readable, in the default (dark) theme and the light one:
text and titles 4.5:1 (WCAG 2 AA); border lines, the focus bar and the step list's state glyphs
3:1 (WCAG 1.4.11, non-text). The colours are read from the running app (its
theme's CSS variables resolved by Textual), walking every widget of the welcome, each step panel,
a hand-off, the summary and the quit question, with the focus on each focusable widget in turn.

On the same walk, the look's two promises (college.tcss, issue 25): the focused control is
obvious (a bar of the focus colour on its left, or its row highlighted, and the pane around it
drawn in the focus colour), and the accent colour means "your turn" only: the step's action
button, a hand-off, the device code, the welcome's choice that Enter picks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.color import Color
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, OptionList, Select
from textual.widgets._select import SelectCurrent

from college_tui.events import NeedsYou
from college_tui.ui.panels.sign_in import DeviceCodeBox
from college_tui.ui.widgets.link_line import LinkLine
from college_tui.ui.widgets.step_list import COLOURS

from .conftest import make_app, settle, wait_until

MINIMUM = 4.5  # text
LINES = 3.0  # border lines and the focus bar: non-text contrast (WCAG 1.4.11)


def luminance(color: Color) -> float:
    """WCAG 2 relative luminance of an opaque sRGB colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(color.r) + 0.7152 * linear(color.g) + 0.0722 * linear(color.b)


def contrast(foreground: Color, background: Color) -> float:
    """The WCAG contrast ratio of `foreground` (blended over `background` if translucent)."""
    lighter, darker = sorted(
        (luminance(background + foreground), luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def token_colour(value: str, background: Color) -> Color:
    """A theme variable's colour as painted on `background` ("auto 60%": Textual's contrast
    text at 60 % opacity)."""
    if value.startswith("auto"):
        alpha = float(value.split()[1].rstrip("%")) / 100 if " " in value else 1.0
        return background.get_contrast_text(alpha)
    return Color.parse(value)


def _painted(widget: Widget) -> bool:
    return widget.display and widget.visible and widget.region.area > 0


def widget_pairs(widget: Widget) -> list[tuple[str, Color, Color]]:
    """(what, foreground, background) for each colour pair `widget` paints."""
    base_background, _, background, color = widget.colors
    name = f"{type(widget).__name__}#{widget.id or ''}.{'.'.join(sorted(widget.classes))}"
    pairs = []
    if widget.render_str("x") is not None and not widget.is_container:
        pairs.append((f"{name} text", color, background))
    styles = widget.styles
    for edge, (kind, border_color) in zip(
        ("top", "right", "bottom", "left"), styles.border, strict=True
    ):
        # "tall" is the half-block bevel of buttons and inputs (a shade, not a line to read).
        if kind not in ("", "none", "hidden", "blank", "tall"):
            # A border glyph's colour against the widget's own background and the parent's.
            pairs.append((f"{name} border-{edge} line", border_color, background))
            pairs.append((f"{name} border-{edge} line (outside)", border_color, base_background))
    for edge, (kind, outline_color) in zip(
        ("top", "right", "bottom", "left"), styles.outline, strict=True
    ):
        # The focus bar, a half cell over the control's edge: seen against the panel around it.
        if kind not in ("", "none", "hidden", "blank"):
            pairs.append((f"{name} outline-{edge} line (outside)", outline_color, base_background))
    for title, text, color_rule, background_rule in (
        ("title", widget.border_title, "border_title_color", "border_title_background"),
        ("subtitle", widget.border_subtitle, "border_subtitle_color", "border_subtitle_background"),
    ):
        if text and styles.border_top[0] not in ("", "none"):
            fg = getattr(styles, color_rule) if styles.has_rule(color_rule) else color
            bg = base_background + getattr(styles, background_rule)
            if getattr(styles, color_rule.replace("color", "color")).a == 0:
                fg = color
            if getattr(styles, f"auto_{color_rule}", False):  # "auto 87%": contrast text
                fg = bg.get_contrast_text(fg.a)
            pairs.append((f"{name} border {title}", fg, bg))
    for component in sorted(widget._get_component_classes()):
        if not component.endswith(("--option-highlighted", "--cursor", "--key", "--description")):
            continue
        comp = widget.get_component_styles(component)
        comp_background = background + comp.background
        comp_color = comp.color if comp.has_rule("color") else color
        if comp.has_rule("color") and comp.auto_color:
            comp_color = comp_background.get_contrast_text(comp.color.a)
        pairs.append((f"{name} {component}", comp_color, comp_background))
    return pairs


def low_pairs(screen) -> list[str]:
    low = []
    for widget in screen.query("*"):
        if not _painted(widget):
            continue
        for what, fg, bg in widget_pairs(widget):
            ratio = contrast(fg, bg)
            if ratio < (LINES if " line" in what else MINIMUM):
                low.append(f"{what}: {ratio:.2f}:1 ({fg.hex} on {bg.hex})")
    return low


async def tour(app, pilot, visit: Callable[[Screen, Widget | None], None]) -> None:
    """Every screen the attendee meets, `visit(screen, focused)` with the focus on each of its
    focusable widgets in turn, then once more as it stands."""

    async def walk() -> None:
        screen = app.screen
        for widget in [w for w in screen.query("*") if w.focusable and _painted(w)]:
            widget.focus(scroll_visible=False)
            await pilot.pause()
            visit(screen, widget)
        visit(screen, screen.focused)

    await settle(app, pilot)
    await walk()  # the welcome
    app.screen.query_one("#choose-sandbox").press()
    await wait_until(pilot, lambda: app.wizard is not None, what="the wizard")
    await settle(app, pilot)
    wizard = app.wizard
    for key in [*wizard.model.steps, "summary"]:
        wizard.switch_to(key)
        await pilot.pause()
        await walk()
    # What a run adds: a failed step's sentence and a guided hand-off (as the engine asks).
    panel = wizard.panel("ssh-key")
    panel.show_outcome("✗ The step failed: what happened and what to do.", failed=True)
    panel.show_handoff(
        NeedsYou("ssh-key", "Add the key yourself.", "https://example.com/keys", "ssh-rsa AAAA")
    )
    wizard.switch_to("ssh-key")
    await pilot.pause()
    await walk()
    await pilot.press("ctrl+r")  # a step runs: quitting asks first
    await pilot.press("ctrl+q")
    await pilot.pause()
    await walk()  # the quit question
    await pilot.press("escape")
    await settle(app, pilot)


def is_pane(node) -> bool:
    return isinstance(node, Widget) and (
        node.id in ("step-list", "activity") or node.has_class("step-panel")
    )


def focus_not_shown(focused: Widget, focus: Color) -> list[str]:
    """What is missing for `focused` to be obvious. A control: the bar on its left in the focus
    colour (3:1 against the panel around it), or, in a list, its row highlighted; a pane or a
    scrolling page: its scrollbar in the focus colour. And the pane holding the focus draws its
    border in the focus colour (where it has one: the summary at 80x24 has none)."""
    name = f"{type(focused).__name__}#{focused.id or ''}"
    missing = []
    if focused.is_scrollable and (is_pane(focused) or focused.id == "welcome"):
        if focused.styles.scrollbar_color != focus:
            missing.append(f"{name}: its scrollbar is not in the focus colour")
    elif isinstance(focused, LinkLine) or focused.id == "step-list":
        row = (
            focused.get_component_styles("option-list--option-highlighted").background
            if isinstance(focused, OptionList)
            else focused.styles.background
        )
        if contrast(row, focused.colors[0]) < 1.5 or contrast(focused.colors[3], row) < MINIMUM:
            missing.append(f"{name}: its highlighted row does not stand out")
    else:
        bar = focused.query_one(SelectCurrent) if isinstance(focused, Select) else focused
        kind, colour = bar.styles.outline_left
        if kind in ("", "none", "hidden", "blank") or colour != focus:
            missing.append(f"{name}: no focus bar ({kind} {colour.hex})")
        elif contrast(colour, bar.colors[0]) < LINES:
            missing.append(f"{name}: the focus bar is faint on the panel")
    panes = [node for node in focused.ancestors_with_self if is_pane(node)]
    for pane in panes[:1]:
        kind, colour = pane.styles.border_top
        if kind not in ("", "none", "hidden") and colour != focus:
            missing.append(f"{name}: its pane {pane.id} does not show it holds the focus")
    return missing


def accent_painted(screen: Screen, accent: set[Color]) -> list[Widget]:
    """The painted widgets drawn in the accent colour (their background or border)."""
    return [
        widget
        for widget in screen.query("*")
        if _painted(widget)
        and (widget.styles.background in accent or widget.styles.border_top[1] in accent)
    ]


def your_turn(widget: Widget) -> bool:
    """The controls the accent may mark: what the attendee must act on."""
    return (
        (isinstance(widget, Button) and widget.has_class("primary"))  # the step's action
        or widget.has_class("handoff")  # the engine waits on you
        or isinstance(widget, DeviceCodeBox)
        or (widget.id == "confirm-yes")  # the quit question: Enter answers it
        or (widget.id in ("choose-sandbox", "choose-org") and widget.parent.has_focus_within)
    )


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_every_colour_pair_reaches_4_5_to_1_and_the_focus_and_accent_read(wizard_env, theme):
    """One tour a theme. The default theme and the light one (the command palette's "Change
    theme"): every colour pair. In the default theme, at each stop of the same tour: the focused
    control shows it holds the focus; the accent marks only what is the attendee's to act on,
    and every step panel has its action in it."""
    low: set[str] = set()
    missing: set[str] = set()
    wrong_accent: set[str] = set()
    actions_in_accent: set[str] = set()
    app = make_app(wizard_env.cli_opener(), start=None, env=wizard_env)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        variables = app.get_css_variables()
        focus = Color.parse(variables["text-primary"])
        accent = {Color.parse(variables["accent"]), Color.parse(variables["text-accent"])}

        def look_at_the_look(screen: Screen, focused: Widget | None) -> None:
            if focused is not None and focused.focusable and not isinstance(focused, Screen):
                missing.update(focus_not_shown(focused, focus))
            painted = accent_painted(screen, accent)
            boxes = [w for w in painted if w.has_class("handoff") or isinstance(w, DeviceCodeBox)]
            for widget in painted:
                if not your_turn(widget):
                    wrong_accent.add(f"{type(widget).__name__}#{widget.id} {widget.classes}")
                elif isinstance(widget, Button) and widget.has_class("primary"):
                    actions_in_accent.add(str(widget.id))
                    if boxes:  # one turn at a time: the box the engine waits on
                        wrong_accent.add(f"{widget.id} in the accent beside a hand-off")

        def visit(screen: Screen, focused: Widget | None) -> None:
            low.update(low_pairs(screen))
            if theme == "textual-dark":  # the look's promises are the default theme's
                look_at_the_look(screen, focused)

        await tour(app, pilot, visit)
        variables = app.get_css_variables()
        step_list_background = app.wizard.step_list.colors[2]
        for state, token in COLOURS.items():  # the glyphs' colours in the step list
            fg = token_colour(variables[token.removeprefix("$")], step_list_background)
            ratio = contrast(fg, step_list_background)
            if ratio < LINES:  # a glyph is a symbol (non-text, 1.4.11); the number beside is text
                low.add(f"step list glyph {state} ({token}): {ratio:.2f}:1")
        steps = app.wizard.model.steps
    assert not low, "contrast under 4.5:1 (text) or 3:1 (lines):\n" + "\n".join(sorted(low))
    if theme == "textual-dark":
        assert not missing, "the focus is not obvious:\n" + "\n".join(sorted(missing))
        assert not wrong_accent, "the accent on what is not your turn:\n" + "\n".join(wrong_accent)
        assert actions_in_accent == {f"{key}-run" for key in steps}

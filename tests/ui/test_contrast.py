"""Every colour pair the theme paints reaches 4.5:1 (WCAG 2 AA for text), borders and titles
included: the colours are read from the running app (its theme's CSS variables resolved by
Textual), walking every widget of the welcome, each step panel, the summary and the quit
question, with the focus on each focusable widget in turn (the :focus styles)."""

from __future__ import annotations

from textual.color import Color
from textual.widget import Widget

from college_tui.events import NeedsYou
from college_tui.ui.widgets.step_list import COLOURS

from .conftest import make_app, settle, wait_until

MINIMUM = 4.5


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
            pairs.append((f"{name} border-{edge}", border_color, background))
            pairs.append((f"{name} border-{edge} (outside)", border_color, base_background))
    for title, text, color_rule, background_rule in (
        ("title", widget.border_title, "border_title_color", "border_title_background"),
        ("subtitle", widget.border_subtitle, "border_subtitle_color", "border_subtitle_background"),
    ):
        if text and styles.border_top[0] not in ("", "none"):
            fg = getattr(styles, color_rule) if styles.has_rule(color_rule) else color
            bg = base_background + getattr(styles, background_rule)
            if getattr(styles, color_rule.replace("color", "color")).a == 0:
                fg = color
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
            if ratio < MINIMUM:
                low.append(f"{what}: {ratio:.2f}:1 ({fg.hex} on {bg.hex})")
    return low


async def test_every_colour_pair_of_the_theme_reaches_4_5_to_1(wizard_env):
    low: set[str] = set()

    async def walk(pilot) -> None:
        screen = pilot.app.screen
        for widget in [w for w in screen.query("*") if w.focusable and _painted(w)]:
            widget.focus(scroll_visible=False)
            await pilot.pause()
            low.update(low_pairs(screen))
        low.update(low_pairs(screen))

    app = make_app(wizard_env.cli_opener(), start=None, env=wizard_env)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await walk(pilot)  # the welcome
        app.screen.query_one("#choose-sandbox").press()
        await wait_until(pilot, lambda: app.wizard is not None, what="the wizard")
        await settle(app, pilot)
        wizard = app.wizard
        variables = app.get_css_variables()
        step_list_background = wizard.step_list.colors[2]
        for state, token in COLOURS.items():  # the glyphs' colours in the step list
            fg = token_colour(variables[token.removeprefix("$")], step_list_background)
            ratio = contrast(fg, step_list_background)
            if ratio < MINIMUM:
                low.add(f"step list glyph {state} ({token}): {ratio:.2f}:1")
        for key in [*wizard.model.steps, "summary"]:
            wizard.switch_to(key)
            await pilot.pause()
            await walk(pilot)
        # What a run adds: a failed step's sentence and a guided hand-off (as the engine asks).
        panel = wizard.panel("ssh-key")
        panel.show_outcome("✗ The step failed: what happened and what to do.", failed=True)
        panel.show_handoff(
            NeedsYou("ssh-key", "Add the key yourself.", "https://example.com/keys", "ssh-rsa AAAA")
        )
        wizard.switch_to("ssh-key")
        await pilot.pause()
        await walk(pilot)
        await pilot.press("ctrl+r")  # a step runs: quitting asks first
        await pilot.press("ctrl+q")
        await pilot.pause()
        await walk(pilot)  # the quit question
        await pilot.press("escape")
        await settle(app, pilot)
    assert not low, "contrast under 4.5:1:\n" + "\n".join(sorted(low))

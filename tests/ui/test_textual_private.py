"""Each of Textual's private internals college-tui relies on (college_tui/ui/textual_private.py),
checked against the installed Textual: a rename or a new shape fails here, not on a screen.
And nothing else under college_tui/ touches them."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from textual.app import App
from textual.events import ScreenResume
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widgets import Footer, Log, OptionList
from textual.widgets.option_list import Option

from college_tui.ui import textual_private

PACKAGE = Path(textual_private.__file__).resolve().parent.parent

PRIVATE_NAMES = [
    "_get_breakpoint_classes",
    "_set_prompt",
    "_option_render_cache",
    "_index_to_line",
    "_heights",
    "_update_size",
    "_size_updated",
    "_process_line",
    "_update_maximum_width",
    "_scroll_update",
    "_bindings_ready",
    "_handle_exception",
    "_return_code",
    "_exception_event",
    "_border_subtitle",
    "refresh_styles",
    "virtual_size",
    "_update_focus_styles",
    "_has_focus_within",
]


def params(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_screen_focused_is_a_reactive_we_may_shadow():
    assert isinstance(Screen.__dict__["focused"], Reactive)
    assert isinstance(textual_private.quiet_focus(), Reactive)


def test_focus_restyle_hook_and_flag():
    params = list(inspect.signature(Screen._update_focus_styles).parameters)
    assert params == ["self", "focused", "blurred"]
    source = inspect.getsource(Screen.set_focus)
    assert "_update_focus_styles" in source
    assert "_has_focus_within" in inspect.getsource(Screen._update_focus_styles)


def test_breakpoint_classes_signature():
    assert params(Screen._get_breakpoint_classes) == ["self", "dimension", "breakpoints"]


def test_screen_resume_carries_the_restyle_flag_and_screen_reads_it():
    assert ScreenResume().refresh_styles is True
    assert "event.refresh_styles" in inspect.getsource(Screen._on_screen_resume)


def test_a_subclass_on_handler_runs_before_screens_own_underscore_handler():
    class Probe(Screen):
        def on_screen_resume(self, event) -> None:
            pass

    order = [cls for cls, _ in Probe()._get_dispatch_methods("on_screen_resume", ScreenResume())]
    assert order.index(Probe) < order.index(Screen)


def test_option_prompt_setter_and_render_cache_shape():
    assert params(Option._set_prompt) == ["self", "prompt"]
    option_list = OptionList(Option("a", id="a"))
    cache = option_list._option_render_cache
    assert hasattr(cache, "keys") and hasattr(cache, "discard")
    assert isinstance(option_list._index_to_line, dict)
    assert isinstance(option_list._heights, dict)
    assert params(OptionList.watch_highlighted) == ["self", "highlighted"]
    # The cache's keys start with the option they render (replace_prompt_quietly drops those).
    assert "self._option_render_cache[cache_key]" in inspect.getsource(OptionList)
    assert re.search(r"cache_key = \(option,", inspect.getsource(OptionList))


def test_log_size_hooks_signatures():
    assert params(Log._update_size) == ["self", "updates", "lines"]
    assert params(Log._update_maximum_width) == ["self", "updates", "size"]
    assert params(Log._process_line) == ["line"]  # a staticmethod
    assert params(Log._size_updated) == [
        "self",
        "size",
        "virtual_size",
        "container_size",
        "layout",
    ]
    assert "_scroll_update" in dir(Log)
    assert "self._update_size(" in inspect.getsource(Log)


def test_every_unhandled_exception_reaches_the_apps_handle_exception():
    """AppWithOneCrashPath overrides `App._handle_exception(error)` and sets what Textual's own
    sets: the return code, and the first exception that run_test re-raises."""
    assert params(App._handle_exception) == ["self", "error"]
    own = inspect.getsource(App._handle_exception)
    assert "self._return_code = 1" in own
    assert "self._exception = error" in own and "self._exception_event.set()" in own
    # Where Textual sends them: handlers (message pump), timers, workers with exit_on_error.
    import textual.message_pump
    import textual.timer
    import textual.worker

    for module in (textual.message_pump, textual.timer, textual.worker):
        assert "app._handle_exception(" in inspect.getsource(module), module.__name__
    assert "self._print_error_renderables()" in inspect.getsource(App._shutdown)
    assert "soft_wrap" in inspect.signature(App().error_console.__class__).parameters


def test_footer_bindings_ready_flag():
    assert Footer._bindings_ready is False or "_bindings_ready" in Footer.__dict__
    assert "self._bindings_ready = True" in inspect.getsource(Footer.bindings_changed)


def test_set_border_subtitle_quietly_stores_what_the_setter_stores():
    from textual.widget import Widget

    widget = Widget()
    widget.border_subtitle = "hello"
    assert widget._border_subtitle == widget.render_str("hello")
    assert "_border_subtitle" in inspect.getsource(Widget)


def test_only_the_one_module_touches_textuals_privates():
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, PRIVATE_NAMES)) + r")\b")
    found = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "textual_private.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


def test_no_class_of_ours_shadows_a_private_name_of_textual_by_chance():
    """A method or attribute `_x` of a Textual subclass of ours must not replace Textual's own
    `_x` (StepList once defined `_options`, which OptionList has): only the overrides above, in
    textual_private, do so on purpose."""
    import ast
    import importlib

    import textual.widgets

    sources: dict[type, str] = {}

    def defines(base: type, name: str) -> bool:  # a class attribute, or one set on instances
        if base not in sources:
            sources[base] = inspect.getsource(base)
        return (
            name in vars(base)
            or f"self.{name} " in sources[base]
            or (f"self.{name}:" in sources[base])
        )

    deliberate = {
        ("WizardScreen", "_update_focus_styles"),
        ("QuietLog", "_size_updated"),
        ("QuietLog", "_update_size"),
        ("AppWithOneCrashPath", "_handle_exception"),
    }
    clashes = []
    for path in sorted((PACKAGE / "ui").rglob("*.py")):
        module_name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
        if not classes:
            continue
        module = importlib.import_module(module_name)
        for node in classes:
            cls = getattr(module, node.name)
            textual_bases = [
                base for base in cls.__mro__[1:] if base.__module__.startswith("textual.")
            ]
            names = {
                item.name
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            } | {
                target.id
                for item in node.body
                if isinstance(item, ast.Assign | ast.AnnAssign)
                for target in (item.targets if isinstance(item, ast.Assign) else [item.target])
                if isinstance(target, ast.Name)
            }
            for name in sorted(names):
                private = name.startswith("_") and not name.startswith("__")
                if (
                    private
                    and (node.name, name) not in deliberate
                    and any(defines(base, name) for base in textual_bases)
                ):
                    clashes.append(f"{module_name}.{node.name}.{name}")
    assert defines(textual.widgets.OptionList, "_options")  # the clash this test was written for
    assert clashes == []

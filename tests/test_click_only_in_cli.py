"""Only the command line knows click: opening a target, the engine and the wizard's opener raise
plain exceptions of ours (`opening.TargetRefused`) that the cli/ package turns into click's errors."""

from __future__ import annotations

from tests.test_layers import PACKAGE, imported_modules


def _importers_of(module: str) -> list[str]:
    return sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if any(name == module or name.startswith(module + ".") for name in imported_modules(path))
    )


def test_only_the_cli_package_imports_click():
    importers = _importers_of("click")
    assert "cli/common.py" in importers  # guard: a checker that reads nothing passes nothing
    assert [name for name in importers if not name.startswith("cli/")] == []


def test_only_the_entry_point_hands_the_command_line_to_the_cli_package():
    # __main__.py -> cli/ is the one edge from outside: the wizard's start (launch.py) and the
    # opening import neither cli/ nor click, so cli/ -> launch.py closes no cycle.
    outside = [name for name in _importers_of("college_tui.cli") if not name.startswith("cli/")]
    assert outside == ["__main__.py"]
    for module in ("launch.py", "opening/__init__.py", "opening/engine.py"):
        names = imported_modules(PACKAGE / module)
        assert not {"click", "college_tui.cli", "college_tui.__main__"} & names, module

"""Only the command line knows click: opening a target, the engine and the wizard's opener raise
plain exceptions of ours (`opening.TargetRefused`) that cli.py turns into click's errors."""

from __future__ import annotations

from tests.test_layers import PACKAGE, imported_modules


def _importers_of(module: str) -> list[str]:
    return sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if any(name == module or name.startswith(module + ".") for name in imported_modules(path))
    )


def test_only_cli_py_imports_click():
    assert _importers_of("click") == ["cli.py"]


def test_only_the_entry_point_hands_the_command_line_to_cli_py():
    # __main__.py -> cli.py is the one edge: the wizard's start (launch.py) and the opening
    # import neither cli.py nor click, so cli.py -> launch.py closes no cycle.
    assert _importers_of("college_tui.cli") == ["__main__.py"]
    for module in ("launch.py", "opening/__init__.py", "opening/engine.py"):
        names = imported_modules(PACKAGE / module)
        assert not {"click", "college_tui.cli", "college_tui.__main__"} & names, module

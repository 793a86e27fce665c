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


def test_the_entry_point_reaches_cli_py_only_to_hand_it_the_command_line():
    # launch.py -> cli.py is the one edge (its main); nothing else, so no cycle through cli.py.
    assert _importers_of("college_tui.cli") == ["launch.py"]
    assert "click" not in imported_modules(PACKAGE / "launch.py")
    assert "college_tui.launch" not in imported_modules(PACKAGE / "opening" / "__init__.py")

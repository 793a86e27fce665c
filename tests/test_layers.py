"""The layering rules of docs/architecture.md, checked on the source: imports are read with `ast`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "college_tui"


def imported_modules(
    path: Path, package: str | None = None, tree: ast.AST | None = None
) -> set[str]:
    """Every module a file imports, anywhere in it (functions included), as absolute names."""
    tree = tree or ast.parse(path.read_text(encoding="utf-8"))
    if package is None:
        package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def files_of(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def _hits(layer: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in files_of(layer):
        for name in imported_modules(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(PACKAGE)} imports {name}")
    return found


@pytest.mark.parametrize("layer", ["steps", "azdo", "workstation", "sandbox"])
def test_back_end_layers_never_import_textual(layer):
    assert files_of(layer), f"layer {layer} has no files"
    assert _hits(layer, ("textual",)) == []


@pytest.mark.parametrize("layer", ["steps", "azdo"])
def test_engine_never_imports_the_sandbox(layer):
    assert _hits(layer, ("college_tui.sandbox",)) == []


def test_sandbox_never_imports_the_engine():
    assert _hits("sandbox", ("college_tui.steps", "college_tui.azdo")) == []


def test_ui_talks_to_the_engine_only():
    forbidden = (
        "azure",
        "msrest",
        "paramiko",
        "requests",
        "college_tui.azdo",
        "college_tui.workstation",
        "college_tui.sandbox",
    )
    assert _hits("ui", forbidden) == []


def test_azdo_and_workstation_meet_only_at_the_redactor_and_the_atomic_writer():
    """docs/architecture.md: workstation/ redacts with azdo/redact.py, azdo/ writes files with
    workstation/atomic.py and asks workstation/hostos/ the OS's questions (can a browser
    open?); nothing else crosses between the two."""
    across = _hits("workstation", ("college_tui.azdo",)) + _hits(
        "azdo", ("college_tui.workstation",)
    )
    allowed = (
        "college_tui.azdo.redact",
        "college_tui.workstation.atomic",
        "college_tui.workstation.hostos",
    )
    names = [hit.split(" imports ")[1] for hit in across]
    assert names and [n for n in names if not n.startswith(allowed)] == []


# The wizard's state machine is plain Python: its tests need no terminal (issue 19).
TEXTUAL_FREE_UI = [
    "ui/wizard_model.py",
    "ui/wizard_effects.py",
    "ui/sign_in_modes.py",
    "ui/step_states.py",
    "ui/typing_pause.py",
]


@pytest.mark.parametrize("module", TEXTUAL_FREE_UI)
def test_the_wizards_state_machine_imports_no_textual(module):
    found = [
        name
        for name in imported_modules(PACKAGE / module)
        if name.split(".")[0] in ("textual", "rich")
    ]
    assert found == []


def test_ui_writes_no_files():
    """ui/ writes no files (docs/architecture.md): the activity file is the engine's (steps/activity.py)."""
    import re

    writes = re.compile(r"\bos\.open\(|(?<![\w.])open\(|\.write_text\(|\.write_bytes\(|fdopen\(")
    found = [
        f"{path.relative_to(PACKAGE)}: {hit.group(0)}"
        for path in files_of("ui")
        for hit in writes.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_checker_sees_imports_inside_functions_and_relative_ones(tmp_path):
    # Guard against a checker that passes because it reads nothing.
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    import textual.app\n    from ..sandbox import server\n")
    names = imported_modules(probe, package="college_tui.steps")
    assert "textual.app" in names
    assert "college_tui.sandbox.server" in names


# What the wizard's first frame and the `apply` command import must stay light (docs/architecture.md): the
# heavy libraries load inside the functions that need them.
FIRST_FRAME = [
    "college_tui.launch",
    "college_tui.cli",
    "college_tui.steps.plan",
    "college_tui.steps.runner",
    "college_tui.steps.printer",
    "college_tui.events",
    "college_tui.target",
    "college_tui.naming",
    "college_tui.azdo.client",
]
HEAVY = (
    "azure",
    "msrest",
    "paramiko",
    "keyring",
    "starlette",
    "uvicorn",
    "requests",
    "cryptography",
    "textual",
    "jinja2",
)


def test_the_entry_points_import_no_heavy_library():
    import subprocess
    import sys

    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in FIRST_FRAME)
        + f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_wizard_screen_owns_its_parts_and_mixes_none_in():
    """Composition, not mixins (issue 27): the screen's classes are the screen and what every
    full screen shares; the model, the centre and the engine's calls are objects it owns."""
    from college_tui.ui.screens import CollegeScreen
    from college_tui.ui.wizard import WizardScreen

    ours = [cls for cls in WizardScreen.__mro__ if cls.__module__.startswith("college_tui")]
    assert ours == [WizardScreen, CollegeScreen]

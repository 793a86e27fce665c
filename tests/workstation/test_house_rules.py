"""workstation/ never imports Textual, and heavy libraries only inside functions."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import college_tui.workstation as package

# memory_keyring is a keyring backend: it must import keyring, and only tests/sandbox load it.
MODULES = sorted(
    f"college_tui.workstation.{m.name}"
    for m in pkgutil.iter_modules(package.__path__)
    if m.name != "memory_keyring"
)
HEAVY = ("textual", "paramiko", "keyring", "cryptography", "bcrypt")


def test_importing_the_workstation_layer_loads_no_heavy_library():
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in MODULES)
        + f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert len(MODULES) >= 9


def test_every_module_has_a_docstring_and_public_functions_too():
    import importlib
    import inspect

    for name in MODULES:
        module = importlib.import_module(name)
        assert module.__doc__, name
        for attr, value in vars(module).items():
            if attr.startswith("_") or getattr(value, "__module__", None) != name:
                continue
            if inspect.isfunction(value) or inspect.isclass(value):
                assert value.__doc__, f"{name}.{attr} has no docstring"

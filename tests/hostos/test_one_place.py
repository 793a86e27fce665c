"""One place per operating-system difference: nothing outside workstation/hostos/ asks
`sys.platform`, `os.name` or `platform.system()`; and every module of college_tui imports where
the POSIX-only modules are missing (as on Windows)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "college_tui"
HOSTOS = PACKAGE / "workstation" / "hostos"
POSIX_ONLY = ("termios", "fcntl", "pwd", "grp", "pty", "tty", "resource")


def platform_questions(path: Path, root: Path = PACKAGE) -> list[str]:
    """`sys.platform` and `os.name` anywhere; `platform.system()` where it is compared (a crash
    report or the doctor's JSON may name the system)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    compared = {
        id(inner) for node in ast.walk(tree) if isinstance(node, ast.Compare)
        for inner in ast.walk(node)
    }  # fmt: skip
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            asked = f"{node.value.id}.{node.attr}"
            if asked in ("sys.platform", "os.name") or (
                asked in ("platform.system", "platform.platform") and id(node) in compared
            ):
                found.append(f"{path.relative_to(root)}:{node.lineno} asks {asked}")
    return found


def test_only_hostos_branches_on_the_operating_system():
    outside = [p for p in PACKAGE.rglob("*.py") if HOSTOS not in p.parents]
    assert len(outside) > 100
    assert [hit for path in outside for hit in platform_questions(path)] == []


def test_the_checker_sees_a_platform_question(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os, platform, sys\n"
        "if sys.platform == 'win32' or os.name == 'nt':\n    pass\n"
        "named = platform.system()\n"
        "windows = platform.system() == 'Windows'\n"
    )
    assert sorted(platform_questions(sample, tmp_path)) == [
        "sample.py:2 asks os.name",
        "sample.py:2 asks sys.platform",
        "sample.py:5 asks platform.system",
    ]


def test_every_module_imports_without_the_posix_only_modules():
    script = f"""
import importlib, pkgutil, sys

class Missing:
    def find_spec(self, name, path=None, target=None):
        if name in {POSIX_ONLY!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)

for name in {POSIX_ONLY!r}:
    sys.modules.pop(name, None)
sys.meta_path.insert(0, Missing())
import college_tui
failed, seen = [], 0
for info in pkgutil.walk_packages(college_tui.__path__, "college_tui."):
    try:
        importlib.import_module(info.name)
        seen += 1
    except Exception as exc:
        failed.append(f"{{info.name}}: {{exc!r}}")
print("\\n".join(failed) or "all imported")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "all imported"

"""A wheel carries the course as it is bundled, never a bytecode cache of it (issue 16).

Running the course's code (a test importing `train.py`, the benchmarks' compileall) writes
`college_tui/sandbox/course/src/__pycache__` beside it, and package-data `sandbox/course/**/*`
took that folder into every wheel built afterwards.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from benchmarks.common import compile_bytecode

ROOT = Path(__file__).resolve().parents[1]
COURSE_SRC = Path("college_tui", "sandbox", "course", "src")


def _copy_of_the_project(to: Path) -> Path:
    # The files git tracks, so the copy holds no cache of this checkout's own runs.
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file():
            (to / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, to / name.decode())
    return to


def _caches(names) -> list[str]:
    return [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".pyo"))]


def test_the_benchmarks_compile_college_tui_but_not_the_bundled_course(tmp_path):
    project = _copy_of_the_project(tmp_path / "project")
    compile_bytecode(project)
    assert list((project / "college_tui" / "__pycache__").glob("*.pyc"))  # it did compile
    assert _caches(str(p) for p in (project / COURSE_SRC.parent).rglob("*")) == []


def test_a_wheel_built_after_the_course_ran_holds_no_bytecode(tmp_path):
    project = _copy_of_the_project(tmp_path / "project")
    spec = importlib.util.spec_from_file_location("train", project / COURSE_SRC / "train.py")
    train = importlib.util.module_from_spec(spec)
    writes = sys.dont_write_bytecode
    sys.dont_write_bytecode = False  # as a user's Python does
    try:
        spec.loader.exec_module(train)  # running the course writes its cache beside it
    finally:
        sys.dont_write_bytecode = writes
    assert train.fit([(0.0, 1.0), (1.0, 3.0)]) == (2.0, 1.0)
    assert list((project / COURSE_SRC / "__pycache__").glob("train.*.pyc"))

    out = tmp_path / "wheels"
    built = subprocess.run(
        # No build isolation: the installed setuptools (the test extra) builds it, so the test
        # downloads nothing (an isolated build fetches setuptools from the index each time).
        [
            *(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"),
            *(str(project), "-w", str(out)),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = out.glob("college_tui-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "college_tui/sandbox/course/src/train.py" in names  # the course itself is there
    assert _caches(names) == []
